import type { CompareResults, CompareTruthRecord } from '../core/compare-results.js';
import type { TextTable } from './tables.js';

/**
 * Which truth graded each workload's plans, as a report states it. Results written before truth was a choice carry
 * no record; the versions that wrote them graded each plan against draws from its own predictions, so the report
 * calls them self-evaluated too, and says the record is missing rather than inventing one.
 */

/** A workload's truth for the report: the recorded one, or the one older versions always used. */
export interface ReportTruth extends CompareTruthRecord {
  /** False for results written before truth was recorded (the fields are then the old behaviour, not a record). */
  readonly recorded: boolean;
  /** Runs the belief was trained on (the history's training part). */
  readonly trainingRuns: number;
}

/** The truth of one workload of the results (see the module's doc for results without a record). */
export function truthOf(results: CompareResults, workload: string): ReportTruth {
  const record = results.truth[workload];
  const trainingRuns = record ? record.trainingRunIds.length : (results.historyRuns[workload] ?? 0);
  if (record) return { ...record, recorded: true, trainingRuns };
  return {
    kind: 'predictions',
    selfEvaluation: true,
    description:
      "not recorded: results written before truth was a choice, whose version graded plans against draws from the planner's own predictions (self-evaluation)",
    trainingRunIds: [],
    replayRunIds: [],
    inSample: false,
    recorded: false,
    trainingRuns,
  };
}

/** The workloads of the results, in matrix order (the keys truths are recorded by). */
function workloadsOf(results: CompareResults): string[] {
  const names = results.matrix.workloads.map((w) => w.name);
  for (const a of results.aggregates) if (!names.includes(a.workload)) names.push(a.workload);
  return names;
}

/** The workloads whose plans were graded against their own predictions. */
export function selfEvaluatedWorkloads(results: CompareResults): string[] {
  return workloadsOf(results).filter((w) => truthOf(results, w).selfEvaluation);
}

/** The label reports put on self-evaluated figures, the same in Markdown, HTML and table captions. */
export const SELF_EVALUATION_LABEL = 'SELF-EVALUATION';

/**
 * The warning a report opens with when any workload was self-evaluated: such numbers cannot show a planner's
 * sensitivity to wrong predictions, and must not be read as if graded against an independent truth.
 */
export function selfEvaluationWarning(results: CompareResults): string | undefined {
  const workloads = selfEvaluatedWorkloads(results);
  if (workloads.length === 0) return undefined;
  const unrecorded = workloads.filter((w) => !truthOf(results, w).recorded);
  return (
    `${workloads.join(', ')}: plans are graded against draws from their own predictions, so a wrong prediction cannot hurt a plan; ` +
    'these figures show what each planner believes, not how its plans fare on an independent truth.' +
    (unrecorded.length > 0 ? ' (The results file predates recorded truths: the version that wrote it always graded this way.)' : '')
  );
}

/** A truth in a few words: `generator`, `replay of 2 recorded run(s)`, `its own predictions (SELF-EVALUATION)`. */
export function truthShort(truth: ReportTruth): string {
  if (truth.selfEvaluation) return `its own predictions (${SELF_EVALUATION_LABEL})`;
  if (truth.kind === 'replay') return `replay of ${truth.replayRunIds.length} recorded run(s)${truth.inSample ? ', in-sample' : ''}`;
  return truth.kind;
}

/** Up to `max` ids, then how many more: run ids of a long history would swamp a table cell. */
function someIds(ids: readonly string[], max = 4): string {
  if (ids.length === 0) return '–';
  return ids.slice(0, max).join(', ') + (ids.length > max ? `, … (${ids.length} in all)` : '');
}

/** Per workload: the truth its plans were graded against and the runs its belief was trained on. */
export function truthTable(results: CompareResults): TextTable {
  return {
    caption: 'Truth (what the simulated runs draw their durations from) and belief (the history runs the planners predicted from), per workload',
    header: ['workload', 'truth', 'what the truth does', 'training runs', 'training run ids', 'replayed runs'],
    numeric: [false, false, false, true, false, false],
    rows: workloadsOf(results).map((w) => {
      const t = truthOf(results, w);
      return [
        w,
        t.selfEvaluation ? `${t.kind} (${SELF_EVALUATION_LABEL})` : t.kind,
        t.description,
        String(t.trainingRuns),
        t.recorded ? someIds(t.trainingRunIds) : 'not recorded',
        someIds(t.replayRunIds) + (t.inSample ? ' (also a training run)' : ''),
      ];
    }),
  };
}
