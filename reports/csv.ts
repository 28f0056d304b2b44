import { stringify } from 'csv-stringify/sync';
import { COMPARE_METRICS, type CompareResults, type CompareRunRow } from '../core/compare-results.js';
import type { TraceRun } from '../core/trace-records.js';
import { cellKey } from './levels.js';
import { sensitivityRows, type SensitivityRow } from './sensitivity.js';
import { summarize } from './stats.js';
import { truthOf } from './truth.js';
import { summarizeTraceRun, type TraceRunSummary } from './trace-summary.js';

/**
 * Columns of `runs.csv` for compare results: one row per simulated run, values exactly as in the results JSON. A run
 * is identified by (workload, sla, predictionError, variant, run): the same variant is run once per error level.
 */
export const RUN_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
  'predictionError',
  'variant',
  'planner',
  'run',
  'runId',
  'truthKind',
  'truthRun',
  'status',
  ...COMPARE_METRICS,
  'warmStarts',
  'uploadedBytes',
  'downloadedBytes',
  'storageOps',
  'lowerBoundMakespanMs',
  'lowerBoundGbSeconds',
];

/** Booleans as `true`/`false` (csv-stringify's default writes `1` and an empty field). */
const CSV_OPTIONS = { header: true, cast: { boolean: (v: boolean) => String(v) } } as const;

/**
 * One row per run of a comparison. `planner` is the variant's planner (from its aggregate), `truthKind` what graded
 * the run's workload; `truthRun` and the lower bounds are empty where the results have none (generated truths, older
 * results).
 */
export function runsCsv(results: CompareResults): string {
  const plannerOf = new Map(results.aggregates.map((a) => [cellKey(a), a.planner]));
  const rows = results.runs.map((r) => ({ ...r, planner: plannerOf.get(cellKey(r)) ?? '', truthKind: truthOf(results, r.workload).kind }));
  return stringify(rows, { ...CSV_OPTIONS, columns: [...RUN_CSV_COLUMNS] });
}

/** The statistics of `summary.csv`, per metric, in column order. */
export const SUMMARY_STATS = ['Mean', 'Std', 'P50', 'P95'] as const;

/**
 * Columns of `summary.csv`: the cell (keyed by prediction-error level too), its truth, its run counts, the plan's
 * estimate and how it fared (estimate error, SLA attainment as a 0–1 share, mean ratio to the lower bounds), the
 * optimization passes' own effect, then per metric mean, std, p50 and p95 over completed runs.
 */
export const SUMMARY_CSV_COLUMNS: readonly string[] = [
  'workload',
  'sla',
  'predictionError',
  'variant',
  'planner',
  'truthKind',
  'selfEvaluation',
  'trainingRuns',
  'runs',
  'completedRuns',
  'estimatedMakespanMs',
  'estimatedGbSeconds',
  'estimateErrorPct',
  'slaAttainment',
  'makespanMsBoundRatio',
  'gbSecondsBoundRatio',
  'makespanMsOptEffectPct',
  'gbSecondsOptEffectPct',
  ...COMPARE_METRICS.flatMap((m) => SUMMARY_STATS.map((s) => `${m}${s}`)),
];

/**
 * One row per (workload, SLA, prediction-error level, variant): the comparison's own figures for the cell and mean,
 * sample std, p50 and p95 (linear interpolation) of each metric over its completed runs; empty where undefined (std
 * of one run, a ratio without bounds, the passes' effect of a variant without passes).
 */
export function summaryCsv(results: CompareResults): string {
  const completedOf = new Map<string, CompareRunRow[]>();
  for (const r of results.runs) if (r.status === 'completed') completedOf.set(cellKey(r), [...(completedOf.get(cellKey(r)) ?? []), r]);
  const rows = results.aggregates.map((a) => {
    const completed = completedOf.get(cellKey(a)) ?? [];
    const truth = truthOf(results, a.workload);
    const row: Record<string, string | number | boolean | null> = {
      workload: a.workload,
      sla: a.sla,
      predictionError: a.predictionError,
      variant: a.variant,
      planner: a.planner,
      truthKind: truth.kind,
      selfEvaluation: truth.selfEvaluation,
      trainingRuns: truth.trainingRuns,
      runs: a.runs,
      completedRuns: completed.length,
      estimatedMakespanMs: a.estimatedMakespanMs,
      estimatedGbSeconds: a.estimatedGbSeconds,
      estimateErrorPct: a.estimateErrorPct,
      slaAttainment: a.slaAttainment,
      makespanMsBoundRatio: a.boundRatio.makespanMs,
      gbSecondsBoundRatio: a.boundRatio.gbSeconds,
      makespanMsOptEffectPct: a.optimizationEffectPct?.makespanMs ?? null,
      gbSecondsOptEffectPct: a.optimizationEffectPct?.gbSeconds ?? null,
    };
    for (const m of COMPARE_METRICS) {
      const s = summarize(completed.map((r) => r[m]));
      row[`${m}Mean`] = s.mean;
      row[`${m}Std`] = s.std;
      row[`${m}P50`] = s.p50;
      row[`${m}P95`] = s.p95;
    }
    return row;
  });
  return stringify(rows, { ...CSV_OPTIONS, columns: [...SUMMARY_CSV_COLUMNS] });
}

/** Columns of `truth.csv`: per workload the truth that graded it and the runs its belief was trained on. */
export const TRUTH_CSV_COLUMNS: readonly string[] = [
  'workload',
  'truthKind',
  'selfEvaluation',
  'recorded',
  'trainingRuns',
  'trainingRunIds',
  'replayRunIds',
  'inSample',
  'description',
];

/**
 * One row per workload. Run ids are joined by spaces (ids carry no spaces). `recorded` is false for results written
 * before truths were recorded, whose row states the behaviour of the version that wrote them.
 */
export function truthCsv(results: CompareResults): string {
  const workloads = [...new Set([...results.matrix.workloads.map((w) => w.name), ...results.aggregates.map((a) => a.workload)])];
  const rows = workloads.map((w) => {
    const t = truthOf(results, w);
    return {
      workload: w,
      truthKind: t.kind,
      selfEvaluation: t.selfEvaluation,
      recorded: t.recorded,
      trainingRuns: t.trainingRuns,
      trainingRunIds: t.trainingRunIds.join(' '),
      replayRunIds: t.replayRunIds.join(' '),
      inSample: t.inSample,
      description: t.description,
    };
  });
  return stringify(rows, { ...CSV_OPTIONS, columns: [...TRUTH_CSV_COLUMNS] });
}

/** Columns of `sensitivity.csv`: the rows of the prediction-error sensitivity chart (`SensitivityRow`). */
export const SENSITIVITY_CSV_COLUMNS: readonly (keyof SensitivityRow)[] = [
  'workload',
  'sla',
  'variant',
  'planner',
  'predictionError',
  'runs',
  'completedRuns',
  'makespanMsMean',
  'makespanMsStd',
  'gbSecondsMean',
  'gbSecondsStd',
  'slaAttainment',
  'estimateErrorPct',
];

/** One row per (workload, SLA, variant, prediction-error level): what the sensitivity chart draws, unrounded. */
export function sensitivityCsv(results: CompareResults): string {
  return stringify(sensitivityRows(results), { ...CSV_OPTIONS, columns: [...SENSITIVITY_CSV_COLUMNS] });
}

/** Columns of `runs.csv` for a trace: one row per run in the file. */
export const TRACE_RUN_CSV_COLUMNS: readonly (keyof TraceRunSummary)[] = [
  'runId',
  'workflow',
  'planner',
  'sla',
  'platform',
  'seed',
  'real',
  'status',
  'makespanMs',
  'tasks',
  'workers',
  'coldStarts',
  'warmStarts',
  'preWarms',
  'gbSeconds',
  'costUsd',
  'totalExecMs',
  'uploadedBytes',
  'downloadedBytes',
];

/** One row per run of a trace file, summarized from its records. */
export function traceRunsCsv(runs: readonly TraceRun[]): string {
  return stringify(runs.map(summarizeTraceRun), { header: true, columns: [...TRACE_RUN_CSV_COLUMNS], cast: { boolean: (v) => String(v) } });
}

/** Columns of `tasks.csv`: one row per task record of a trace, transfers totalled. */
export const TASK_CSV_COLUMNS: readonly string[] = [
  'runId',
  'taskId',
  'functionName',
  'workerId',
  'memoryMb',
  'startMs',
  'endMs',
  'execMs',
  'downloads',
  'downloadMs',
  'downloadedBytes',
  'uploads',
  'uploadMs',
  'uploadedBytes',
  'inputBytes',
  'outputBytes',
];

/** One row per task record (a retried task has a row per attempt), for per-task analysis outside the toolkit. */
export function tasksCsv(runs: readonly TraceRun[]): string {
  const rows = runs.flatMap((run) =>
    run.tasks.map((t) => ({
      runId: t.runId,
      taskId: t.taskId,
      functionName: t.functionName,
      workerId: t.workerId,
      memoryMb: t.resources.memoryMb,
      startMs: t.startMs,
      endMs: t.endMs,
      execMs: t.execMs,
      downloads: t.downloads.length,
      downloadMs: t.downloads.reduce((s, d) => s + d.durationMs, 0),
      downloadedBytes: t.downloads.reduce((s, d) => s + d.sizeBytes, 0),
      uploads: t.uploads.length,
      uploadMs: t.uploads.reduce((s, u) => s + u.durationMs, 0),
      uploadedBytes: t.uploads.reduce((s, u) => s + u.sizeBytes, 0),
      inputBytes: t.inputBytes,
      outputBytes: t.outputBytes,
    })),
  );
  return stringify(rows, { header: true, columns: [...TASK_CSV_COLUMNS] });
}
