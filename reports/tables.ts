import type { CompareAggregate, CompareResults, CompareTruthSpec, MetricStats } from '../core/compare-results.js';
import { formatSla } from '../core/sla.js';
import { errorLevels, formatLevel } from './levels.js';
import { SELF_EVALUATION_LABEL, truthOf, truthShort } from './truth.js';
import type { TraceRunSummary } from './trace-summary.js';

/** A table as header and rows of text, rendered to Markdown or HTML by the same data. */
export interface TextTable {
  readonly caption: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers). */
  readonly numeric: readonly boolean[];
}

/** `mean ± std` with `digits` decimals; `–` where undefined. */
export function meanStd(stats: MetricStats, scale = 1, digits = 2): string {
  if (stats.mean === null) return '–';
  const mean = (stats.mean * scale).toFixed(digits);
  return stats.std === null ? mean : `${mean} ± ${(stats.std * scale).toFixed(digits)}`;
}

/** A signed percentage with one decimal; `–` when undefined. */
export function signedPct(value: number | null): string {
  if (value === null) return '–';
  const text = `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
  return text === '+0.0%' || text === '-0.0%' ? '0.0%' : text;
}

/** A share as a whole percentage; `–` when undefined. */
export function sharePct(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/** A ratio such as `1.84×`; `–` when undefined. */
export function ratio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}×`;
}

/** The aggregates grouped by (workload, SLA, prediction-error level), in the results' order. */
function cellGroups(results: CompareResults): CompareAggregate[][] {
  const groups = new Map<string, CompareAggregate[]>();
  for (const a of results.aggregates) {
    const key = `${a.workload}\u0000${a.sla}\u0000${a.predictionError}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()];
}

/**
 * What a group's captions share: workload, SLA, the level when there are several (or it is not 0), and the truth,
 * labelled SELF-EVALUATION where plans were graded against their own predictions.
 */
function groupTitle(results: CompareResults, first: CompareAggregate): string {
  const levels = errorLevels(results);
  const level = levels.length > 1 || first.predictionError !== 0 ? `, prediction error ${formatLevel(first.predictionError)}` : '';
  const truth = truthOf(results, first.workload);
  // A self-evaluated group leads with the label, so the truth itself is named plainly after it.
  const against = truth.selfEvaluation ? 'its own predictions' : truthShort(truth);
  return `${truth.selfEvaluation ? `${SELF_EVALUATION_LABEL}: ` : ''}${first.workload} (${first.tasks} tasks), SLA ${first.sla}${level}, graded against ${against}`;
}

/**
 * The comparison tables: one per (workload, SLA, prediction-error level), a row per planner variant with makespan,
 * GB-s and cost as mean ± sample std over completed runs and their change against the baseline (WUKONG) variant.
 */
export function comparisonTables(results: CompareResults): TextTable[] {
  return cellGroups(results).map((cells) => {
    const first = cells[0]!;
    return {
      caption: `${groupTitle(results, first)}: mean ± sample std over ${first.runs} simulated run(s); Δ against ${first.baselineVariant ?? 'no baseline'}`,
      header: ['planner', 'memory (MB)', 'makespan (s)', 'Δ makespan', 'GB-s', 'Δ GB-s', 'cost (µUSD)', 'Δ cost', 'workers', 'cold starts', 'runs'],
      numeric: [false, true, true, true, true, true, true, true, true, true, true],
      rows: cells.map((a) => [
        a.variant,
        a.resources.map((r) => r.memoryMb).join('/'),
        meanStd(a.metrics.makespanMs, 1e-3, 3),
        signedPct(a.deltaPct.makespanMs),
        meanStd(a.metrics.gbSeconds, 1, 2),
        signedPct(a.deltaPct.gbSeconds),
        meanStd(a.metrics.costUsd, 1e6, 1),
        signedPct(a.deltaPct.costUsd),
        meanStd(a.metrics.workersLaunched, 1, 1),
        meanStd(a.metrics.coldStarts, 1, 1),
        `${a.completedRuns}/${a.runs}`,
      ]),
    };
  });
}

/**
 * The plan-quality tables, one per comparison table: how far each planner's estimate was from what it got (estimate
 * error, SLA attainment), how far from the lower bounds of the same truth draws it landed, and what its optimization
 * passes did on their own (against the same planner without passes).
 */
export function qualityTables(results: CompareResults): TextTable[] {
  return cellGroups(results).map((cells) => ({
    caption: `${groupTitle(results, cells[0]!)}: estimate against graded runs, distance to the lower bounds, effect of the optimization passes`,
    header: ['planner', 'estimated makespan (s)', 'est. err', 'SLA met', 'makespan/LB', 'GB-s/LB', 'opt Δ makespan', 'opt Δ GB-s'],
    numeric: [false, true, true, true, true, true, true, true],
    rows: cells.map((a) => [
      a.variant,
      (a.estimatedMakespanMs / 1000).toFixed(3),
      signedPct(a.estimateErrorPct),
      sharePct(a.slaAttainment),
      ratio(a.boundRatio.makespanMs),
      ratio(a.boundRatio.gbSeconds),
      signedPct(a.optimizationEffectPct?.makespanMs ?? null),
      signedPct(a.optimizationEffectPct?.gbSeconds ?? null),
    ]),
  }));
}

/**
 * The comparison and plan-quality tables interleaved, so each (workload, SLA, level) reads as its two tables in a
 * row.
 */
export function compareTables(results: CompareResults): TextTable[] {
  const quality = qualityTables(results);
  return comparisonTables(results).flatMap((table, i) => [table, quality[i]!]);
}

/** The experiment's parameters, as name/value rows: everything needed to run it again. */
export function parameterTable(results: CompareResults, source: string): TextTable {
  const m = results.matrix;
  const rows: [string, string][] = [
    ['toolkit', `${results.toolkit.name} ${results.toolkit.version}`],
    ['results file', source],
    ['seed', String(m.seed)],
    ['workloads', m.workloads.map((w) => (Object.keys(w.params).length > 0 ? `${w.name} (${Object.entries(w.params).map(([k, v]) => `${k}=${v}`).join(', ')})` : w.name)).join('; ')],
    [
      'planner variants',
      m.variants
        .map((v) => `${v.label} = ${v.planner}${v.optimizations.length > 0 ? ` + ${v.optimizations.join(', ')}` : ''}${v.resources ? ` @ ${v.resources.map((r) => r.memoryMb).join('/')} MB` : ''}`)
        .join('; '),
    ],
    ['baseline planner', m.baselinePlanner],
    ['SLAs', m.slas.map(formatSla).join(', ')],
    ['simulated runs per cell', String(m.runs)],
    ['history', m.history.kind === 'generated' ? `generated, ${m.history.runs} runs per workload` : `read from ${m.history.path}`],
    ['history seeds', Object.entries(results.seeds.history).map(([w, s]) => `${w}=${s}`).join(', ') || '–'],
    ['run streams', results.seeds.runStreams],
    ['platform model', m.platform],
    ['truth', truthParameter(m.truth)],
    ['prediction-error levels', m.predictionErrors ? m.predictionErrors.map(formatLevel).join(', ') + " (CV of the belief's execution-time error)" : '0 (not recorded: one level)'],
    ['prediction bias', m.predictionBias === undefined ? '0 (not recorded)' : signedPct(m.predictionBias * 100)],
    ['belief scale', Object.entries(m.beliefScale ?? {}).map(([fn, f]) => `${fn} ×${f}`).join(', ') || 'none'],
  ];
  return { caption: 'Parameters of the experiment', header: ['parameter', 'value'], numeric: [false, false], rows };
}

/** The truth choice as given: `auto`, `replay (holdout 2)`, …; older results did not record one. */
function truthParameter(truth: CompareTruthSpec | undefined): string {
  if (!truth) return "not recorded (graded against the planner's own predictions)";
  const details = [
    ...(truth.holdout !== undefined ? [`holdout ${truth.holdout}`] : []),
    ...(truth.replayRun !== undefined ? [`replay run ${truth.replayRun}`] : []),
  ];
  return details.length > 0 ? `${truth.choice} (${details.join(', ')})` : truth.choice;
}

/** The runs of a trace, one row each. */
export function traceRunTable(summaries: readonly TraceRunSummary[]): TextTable {
  return {
    caption: 'Runs in the trace',
    header: ['run', 'workflow', 'planner', 'SLA', 'platform', 'status', 'makespan (s)', 'tasks', 'workers', 'cold starts', 'warm starts', 'GB-s', 'cost (µUSD)'],
    numeric: [false, false, false, false, false, false, true, true, true, true, true, true, true],
    rows: summaries.map((s) => [
      s.runId,
      s.workflow,
      s.planner,
      s.sla,
      s.platform,
      s.status,
      (s.makespanMs / 1000).toFixed(3),
      String(s.tasks),
      String(s.workers),
      String(s.coldStarts),
      String(s.warmStarts),
      s.gbSeconds.toFixed(2),
      (s.costUsd * 1e6).toFixed(1),
    ]),
  };
}
