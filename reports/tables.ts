import type { CompareAggregate, CompareResults, MetricStats } from '../core/compare-results.js';
import { formatSla } from '../core/sla.js';
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

/**
 * The comparison tables: one per (workload, SLA), a row per planner variant with makespan, GB-s and cost as
 * mean ± sample std over completed runs and their change against the baseline (WUKONG) variant.
 */
export function comparisonTables(results: CompareResults): TextTable[] {
  const groups = new Map<string, CompareAggregate[]>();
  for (const a of results.aggregates) groups.set(`${a.workload}\u0000${a.sla}`, [...(groups.get(`${a.workload}\u0000${a.sla}`) ?? []), a]);
  return [...groups.values()].map((cells) => {
    const first = cells[0]!;
    return {
      caption: `${first.workload} (${first.tasks} tasks), SLA ${first.sla}: mean ± sample std over ${first.runs} simulated run(s); Δ against ${first.baselineVariant ?? 'no baseline'}`,
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
  ];
  return { caption: 'Parameters of the experiment', header: ['parameter', 'value'], numeric: [false, false], rows };
}

/** The runs of a trace, one row each. */
export function traceRunTable(summaries: readonly TraceRunSummary[]): TextTable {
  return {
    caption: 'Runs in the trace',
    header: ['run', 'workflow', 'planner', 'SLA', 'platform', 'status', 'makespan (s)', 'tasks', 'workers', 'cold starts', 'warm starts', 'GB-s (alive)'],
    numeric: [false, false, false, false, false, false, true, true, true, true, true, true],
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
      s.workerGbSeconds.toFixed(2),
    ]),
  };
}
