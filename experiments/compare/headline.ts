import { median } from 'simple-statistics';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile, type Sla } from '../../core/sla.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { formatTable } from '../cli/table.js';
import { beliefTruthFields, checkPositiveInteger, DEFAULT_HISTORY_RUNS, type BeliefTruthChoices } from './build-matrix.js';
import { resolveWorkloads } from './choices.js';
import type { CompareMatrix, PlannerVariant } from './matrix.js';
import { formatPct } from './report-table.js';
import type { CompareResults, CompareRunRow } from './results.js';
import type { Seed } from '../../core/random.js';

/** The reference system's headline figures (its README; see shared/research/octoflows.md §10), in percent. */
export const REFERENCE_HEADLINE = {
  uniformVsWukongGbSecondsPct: -36,
  uniformVsWukongMakespanPct: -12.6,
  optimizedNonUniformVsUniformMakespanPct: -57.5,
  optimizedNonUniformVsUniformGbSecondsPct: 113.5,
} as const;

/** The four workflows of the reference's final runs (montage and wordcount were not in them). */
export const HEADLINE_WORKLOADS: readonly string[] = ['tree_reduction', 'gemm', 'image_transformer', 'text_analysis'];
/** The reference's SLAs: percentiles 50, 75 and 90. */
export const HEADLINE_SLAS: readonly Sla[] = [MEDIAN, percentile(75), percentile(90)];
/** The reference kept ≈8 of 10 runs per combination. */
export const HEADLINE_RUNS = 8;
/** The reference's WUKONG configuration (clustering and delayed I/O at 5 MiB), once the registry has it. */
export const REFERENCE_WUKONG_PLANNER = 'wukong-octoflows';
/** The reference's `-opt` planners applied PreLoad then PreWarm (task-dup had been removed). */
export const HEADLINE_OPTIMIZATIONS: readonly OptimizationPassName[] = ['pre-load', 'pre-warm'];

/** The variant labels of the headline matrix, by role. */
export interface HeadlineRoles {
  readonly wukong: string;
  readonly uniform: string;
  /** The optimized Non-Uniform variant (PreLoad + PreWarm). */
  readonly optimizedNonUniform: string;
}

/** Choices the headline experiment leaves to the user. */
export interface HeadlineChoices extends BeliefTruthChoices {
  readonly workloads?: readonly string[];
  readonly slas?: readonly Sla[];
  readonly runs?: number;
  readonly historyRuns?: number;
  readonly historyPath?: string;
  readonly seed?: Seed;
  readonly platform?: string;
}

/**
 * The headline matrix, in the reference's likely setup: WUKONG and Uniform at 2,048 MB, Non-Uniform choosing among
 * {8,192, 4,096, 2,048} MB, with and without PreLoad + PreWarm. The WUKONG baseline is `wukong-octoflows`, the
 * reference's WUKONG-opt settings (research decision 1).
 */
export function headlineMatrix(choices: HeadlineChoices = {}): { matrix: CompareMatrix; roles: HeadlineRoles } {
  const wukong = REFERENCE_WUKONG_PLANNER;
  const mid = [resources(2048)];
  const nonUniform = [resources(8192), resources(4096), resources(2048)];
  const variants: PlannerVariant[] = [
    { label: wukong, planner: wukong, resources: mid, optimizations: [] },
    { label: 'uniform', planner: 'uniform', resources: mid, optimizations: [] },
    { label: 'non-uniform', planner: 'non-uniform', resources: nonUniform, optimizations: [] },
    { label: 'non-uniform-opt', planner: 'non-uniform', resources: nonUniform, optimizations: [...HEADLINE_OPTIMIZATIONS] },
  ];
  const matrix: CompareMatrix = {
    workloads: resolveWorkloads(choices.workloads ?? HEADLINE_WORKLOADS),
    variants,
    slas: choices.slas && choices.slas.length > 0 ? choices.slas : HEADLINE_SLAS,
    runs: checkPositiveInteger('runs', choices.runs ?? HEADLINE_RUNS),
    history: choices.historyPath
      ? { kind: 'dir', path: choices.historyPath }
      : { kind: 'generated', runs: checkPositiveInteger('history runs', choices.historyRuns ?? DEFAULT_HISTORY_RUNS) },
    seed: choices.seed ?? 1,
    baselinePlanner: wukong,
    platform: choices.platform ?? 'default',
    ...beliefTruthFields(choices),
  };
  const roles = { wukong, uniform: 'uniform', optimizedNonUniform: 'non-uniform-opt' };
  return { matrix, roles };
}

/** One headline comparison: our figure beside the reference's. */
export interface HeadlineFigure {
  readonly comparison: string;
  readonly metric: 'makespanMs' | 'gbSeconds';
  readonly subject: string;
  readonly against: string;
  readonly referencePct: number;
  /**
   * Our figure: per (workload, SLA) the change of the median over runs, then the median of those changes, so every
   * workload weighs the same whatever its scale.
   */
  readonly medianOfCellsPct: number | null;
  /** The dashboard's likely view: median over all runs of all workloads and SLAs, subject against reference. */
  readonly pooledPct: number | null;
  readonly perCell: readonly { readonly workload: string; readonly sla: string; readonly pct: number | null }[];
}

/** The headline figures measured by a headline run. */
export interface HeadlineReport {
  readonly roles: HeadlineRoles;
  readonly aggregation: string;
  readonly figures: readonly HeadlineFigure[];
}

/** Computes the four headline figures from a headline run's results. */
export function headlineReport(results: CompareResults, roles: HeadlineRoles): HeadlineReport {
  const spec = [
    { comparison: 'Uniform vs WUKONG', metric: 'gbSeconds', subject: roles.uniform, against: roles.wukong, referencePct: REFERENCE_HEADLINE.uniformVsWukongGbSecondsPct },
    { comparison: 'Uniform vs WUKONG', metric: 'makespanMs', subject: roles.uniform, against: roles.wukong, referencePct: REFERENCE_HEADLINE.uniformVsWukongMakespanPct },
    { comparison: 'optimized Non-Uniform vs Uniform', metric: 'makespanMs', subject: roles.optimizedNonUniform, against: roles.uniform, referencePct: REFERENCE_HEADLINE.optimizedNonUniformVsUniformMakespanPct },
    { comparison: 'optimized Non-Uniform vs Uniform', metric: 'gbSeconds', subject: roles.optimizedNonUniform, against: roles.uniform, referencePct: REFERENCE_HEADLINE.optimizedNonUniformVsUniformGbSecondsPct },
  ] as const;
  const completed = results.runs.filter((r) => r.status === 'completed');
  const cells = [...new Map(results.aggregates.map((a) => [`${a.workload}\u0000${a.sla}`, { workload: a.workload, sla: a.sla }])).values()];
  const medianOf = (rows: readonly CompareRunRow[], metric: HeadlineFigure['metric']) => (rows.length > 0 ? median(rows.map((r) => r[metric])) : null);
  const change = (value: number | null, base: number | null) => (value === null || base === null || base === 0 ? null : (value / base - 1) * 100);

  const figures = spec.map((s): HeadlineFigure => {
    const perCell = cells.map(({ workload, sla }) => {
      const of = (variant: string) => completed.filter((r) => r.workload === workload && r.sla === sla && r.variant === variant);
      return { workload, sla, pct: change(medianOf(of(s.subject), s.metric), medianOf(of(s.against), s.metric)) };
    });
    const known = perCell.map((c) => c.pct).filter((p): p is number => p !== null);
    return {
      ...s,
      medianOfCellsPct: known.length > 0 ? median(known) : null,
      pooledPct: change(medianOf(completed.filter((r) => r.variant === s.subject), s.metric), medianOf(completed.filter((r) => r.variant === s.against), s.metric)),
      perCell,
    };
  });
  return {
    roles,
    aggregation:
      'per (workload, SLA): change of the median over simulated runs; headline: the median of those changes (each workload weighs the same). ' +
      "pooled: median over every run of every workload and SLA, as the reference dashboard's 'All' view likely took it.",
    figures,
  };
}

/** The headline figures as a table (reference beside ours), then the per-(workload, SLA) changes. */
export function formatHeadline(report: HeadlineReport): string {
  const summary = formatTable(
    ['comparison', 'metric', 'reference', 'ours (median of cells)', 'ours (pooled)', 'cells min … max'],
    report.figures.map((f) => {
      const known = f.perCell.map((c) => c.pct).filter((p): p is number => p !== null);
      return [
        `${f.subject} vs ${f.against}`,
        f.metric === 'gbSeconds' ? 'GB-s' : 'makespan',
        formatPct(f.referencePct),
        formatPct(f.medianOfCellsPct),
        formatPct(f.pooledPct),
        known.length > 0 ? `${formatPct(Math.min(...known))} … ${formatPct(Math.max(...known))}` : '–',
      ];
    }),
  );
  const first = report.figures[0];
  const cells = formatTable(
    ['workload', 'SLA', ...report.figures.map((f) => `${f.subject === report.roles.uniform ? 'U/W' : 'NU/U'} ${f.metric === 'gbSeconds' ? 'GB-s' : 'makespan'}`)],
    (first?.perCell ?? []).map((cell, i) => [cell.workload, cell.sla, ...report.figures.map((f) => formatPct(f.perCell[i]!.pct))]),
  );
  return `Headline (reference: OctoFlows README; ours: simulated)\n${summary}\n\nPer workload and SLA (change of medians; U/W = ${report.roles.uniform} vs ${report.roles.wukong}, NU/U = ${report.roles.optimizedNonUniform} vs ${report.roles.uniform})\n${cells}\n\nAggregation: ${report.aggregation}`;
}
