import type { CompareResults } from '../../core/compare-results.js';
import type { Plan, TaskPlan } from '../../core/plan.js';
import { rngFor } from '../../core/random.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TraceRecord, TraceRun } from '../../core/trace-records.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { runCompare } from '../../experiments/compare/runner.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

let compareResults: Promise<CompareResults> | undefined;

/**
 * A tiny comparison, run once per test file: tree_reduction (8 leaves, 15 tasks) and gemm (2 blocks), WUKONG and
 * Uniform without optimizations, three simulated runs per cell (three, so p95 differs from the max and the median).
 */
export function tinyCompareResults(): Promise<CompareResults> {
  compareResults ??= buildCompareMatrix({
    workloads: ['tree_reduction', 'gemm'],
    planners: ['wukong', 'uniform'],
    optimizations: ['none'],
    runs: 3,
    historyRuns: 3,
    seed: 11,
    params: { tree_reduction: { leaves: 8 }, gemm: { blocks: 2 } },
  }).then(({ matrix }) => runCompare(matrix));
  return compareResults;
}

let optimizedResults: Promise<CompareResults> | undefined;

/**
 * A comparison with six variants like `bench compare`'s default: gemm (2 blocks) and tree_reduction (8 leaves),
 * WUKONG, Uniform and Non-Uniform each without and with every pass (an optimized variant can have the plain one's
 * plan, so their points coincide), three simulated runs per cell. Run once per test file.
 */
export function optimizedCompareResults(): Promise<CompareResults> {
  optimizedResults ??= buildCompareMatrix({
    workloads: ['gemm', 'tree_reduction'],
    planners: ['wukong', 'uniform', 'non-uniform'],
    optimizations: ['none', 'all'],
    runs: 3,
    historyRuns: 3,
    seed: 3,
    params: { tree_reduction: { leaves: 8 }, gemm: { blocks: 2 } },
  }).then(({ matrix }) => runCompare(matrix));
  return optimizedResults;
}

const levelResults = new Map<string, Promise<CompareResults>>();

/**
 * A tiny comparison at two prediction-error levels (0 and 0.5): tree_reduction (8 leaves), WUKONG and Uniform each
 * without and with every pass (so the passes' own effect is defined), two simulated runs per cell, graded against
 * `truth` (the default resolves to the generator; `predictions` is the self-evaluation). Run once per test file.
 */
export function levelsCompareResults(truth: 'auto' | 'predictions' = 'auto'): Promise<CompareResults> {
  let results = levelResults.get(truth);
  if (!results) {
    results = buildCompareMatrix({
      workloads: ['tree_reduction'],
      planners: ['wukong', 'uniform'],
      optimizations: ['none', 'all'],
      runs: 2,
      historyRuns: 3,
      seed: 5,
      params: { tree_reduction: { leaves: 8 } },
      predictionErrors: [0, 0.5],
      truth,
    }).then(({ matrix }) => runCompare(matrix));
    levelResults.set(truth, results);
  }
  return results;
}

/**
 * `results` as a version from before truths and prediction-error levels wrote them: the truth, the matrix's truth
 * and belief fields and the per-run and per-cell fields they brought removed, as plain JSON (what a file holds).
 */
export function olderResultsJson(results: CompareResults): Record<string, unknown> {
  const { truth: _truth, ...rest } = structuredClone(results) as unknown as Record<string, unknown> & { matrix: Record<string, unknown> };
  const matrix = { ...rest.matrix };
  for (const field of ['truth', 'predictionErrors', 'predictionBias', 'beliefScale']) delete matrix[field];
  const runs = (rest.runs as Record<string, unknown>[]).map(({ predictionError: _p, truthRun: _t, lowerBoundMakespanMs: _m, lowerBoundGbSeconds: _g, ...run }) => run);
  const aggregates = (rest.aggregates as Record<string, unknown>[]).map(
    ({ predictionError: _p, estimateErrorPct: _e, slaAttainment: _s, boundRatio: _b, optimizationEffectPct: _o, ...a }) => a,
  );
  return { ...rest, matrix, runs, aggregates };
}

/** Per-task durations drawn once per task id from `seed`, so two seeds give two plausible versions of one run. */
function seededDurations(seed: number): DurationSource {
  const draw = (taskId: string) => rngFor(seed, `task/${taskId}`);
  return {
    name: 'report-test',
    execMs: (task) => 20 + draw(task.taskId).int(300),
    outputBytes: (task) => 1024 + draw(`${task.taskId}/out`).int(2 * 1024 * 1024),
    startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
    transferMs: (_d, bytes) => (bytes === 0 ? 0 : 1 + bytes / 75_000),
  };
}

/**
 * One simulated run of tree_reduction (8 leaves, 15 tasks) on four fixed workers, so the Gantt chart has a known
 * number of rows; `platform` relabels the run (a test's stand-in for a run on a real platform).
 */
export function singleRun(seed = 1, options: { platform?: string; runId?: string } = {}): { records: TraceRecord[]; run: TraceRun } {
  const workflow = buildWorkload('tree_reduction', { leaves: 8 });
  const config = resources(2048);
  const tasks = new Map<string, TaskPlan>();
  workflow.topologicalOrder.forEach((id, i) => tasks.set(id, { workerId: `w${i % 4}`, resources: config, optimizations: [] }));
  const plan: Plan = { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks };
  const result = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: seededDurations(seed), seed, runId: options.runId ?? `tree-fixed-${seed}` });
  if (!options.platform) return { records: result.records, run: result.run };
  const platform = options.platform;
  const records = result.records.map((r) => (r.type === 'run' ? { ...r, platform, seed: null } : r));
  return { records, run: { ...result.run, header: { ...result.run.header, platform, seed: null } } };
}

/**
 * The mark items of an SVG whose `aria-roledescription` is `role` (`bar`, `errorbar`, `point`, `line mark`), by their
 * ARIA label: vega writes one element (path or line) with a label per drawn item.
 */
export function marksOfRole(svg: string, role: string): string[] {
  const labels: string[] = [];
  for (const match of svg.matchAll(/<(?:path|line) aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"/g)) {
    if (match[2] === role) labels.push(match[1]!);
  }
  return labels;
}

/** The value of `field: value` in a vega ARIA label. */
export function labelField(label: string, field: string): string | undefined {
  return label.split('; ').find((part) => part.startsWith(`${field}: `))?.slice(field.length + 2);
}

/** Parses CSV with a header row into objects (RFC 4180 quoting), enough to check what csv-stringify wrote. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}
