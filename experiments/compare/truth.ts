import type { CompareTruthRecord, CompareTruthSpec, TruthKind } from '../../core/compare-results.js';
import { ConfigError } from '../../core/errors.js';
import type { Predictions } from '../../core/predictions/index.js';
import type { Seed } from '../../core/random.js';
import type { TraceRun } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { replayDurations, type DurationSource, type TaskRef } from '../../simulator/duration-sources.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { drawTasks, generatorTruth, predictionTruth } from '../../simulator/truth-sources.js';
import { importedBehaviours, RECORDED_RUN_PLANNER } from '../../traces/wfcommons/to-history.js';
import type { ImportedWorkflow } from '../../traces/wfcommons/to-workflow.js';
import { cpuSpeedup, type FunctionBehaviour } from '../../traces/workloads/behaviour.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import type { WorkloadSpec } from './matrix.js';
import { splitRng, truthRngs } from './seeds.js';

/**
 * Belief and truth for one workload of a comparison: which runs of its history the planner learns from (training)
 * and what the simulated world does (the truth). The split of a history:
 *
 * - A recorded history (`--history DIR`) holds out `DEFAULT_HOLDOUT_FRACTION` of its runs (rounded, at least one when
 *   it has two or more) under `auto` or `replay` truth, chosen by a seeded shuffle of the runs sorted by id
 *   (`compare/<workload>/split`); under `generator` or `predictions` it holds nothing out unless `--holdout` asks.
 * - A generated history holds nothing out unless `--truth replay` or `--holdout` asks: the workload's own model is the
 *   honest truth there.
 * - An imported WfCommons instance replays its recorded run; it is held out when the history has other (synthetic)
 *   runs to learn from, and is otherwise also the training run (`inSample`: the planner still only sees per-function
 *   statistics, while the replay is per task).
 * - `--replay-run ID` holds out exactly that run.
 *
 * `auto` resolves to `replay` when runs are held out, else `generator`.
 */

/** Share of a recorded history held out for replay by default. */
export const DEFAULT_HOLDOUT_FRACTION = 0.3;

/** A workload's truth, resolved: the training runs, the record for the results, and how to draw a run's truth. */
export interface WorkloadTruth {
  readonly record: CompareTruthRecord;
  readonly training: readonly TraceRun[];
  /** The truth of simulated run `run` (belief: the unperturbed training predictions, used by `predictions` only). */
  sample(run: number, belief: Predictions): { readonly source: DurationSource; readonly truthRun: string | null };
}

/** Everything `resolveTruth` needs to know of a workload. */
export interface TruthContext {
  readonly spec: WorkloadSpec;
  readonly workflow: Workflow;
  readonly runs: readonly TraceRun[];
  /** Whether `runs` were read from disk (recorded) rather than generated now. */
  readonly recorded: boolean;
  /** The imported instance of an imported workload. */
  readonly imported?: ImportedWorkflow;
  readonly truth: CompareTruthSpec;
  readonly seed: Seed;
  readonly platform: PlatformModel;
}

/**
 * Resolves a workload's truth.
 * @throws ConfigError naming the workload and the fix: replay without a held-out run, an unknown `--replay-run`, a
 *   split that leaves nothing to train on
 */
export function resolveTruth(ctx: TruthContext): WorkloadTruth {
  const { spec, truth } = ctx;
  if (truth.replayRun !== undefined && truth.choice !== 'replay' && truth.choice !== 'auto') {
    throw new ConfigError(`--replay-run applies to --truth replay (or auto), not --truth ${truth.choice}`);
  }
  const { training, heldOut, inSample } = splitRuns(ctx);
  const kind: TruthKind = truth.choice === 'auto' ? (heldOut.length > 0 ? 'replay' : 'generator') : truth.choice;
  if (kind === 'replay' && heldOut.length === 0) {
    throw new ConfigError(
      `--truth replay: workload '${spec.name}' has no held-out run to replay (${ctx.runs.length} run(s) in its history, --holdout 0); ` +
        `collect more runs (bench traces collect --runs N), raise --holdout, or use --truth generator`,
    );
  }
  const record: CompareTruthRecord = {
    kind,
    selfEvaluation: kind === 'predictions',
    description: describe(kind, ctx, heldOut, inSample),
    trainingRunIds: training.map((r) => r.header.runId),
    replayRunIds: kind === 'replay' ? heldOut.map((r) => r.header.runId) : [],
    inSample: kind === 'replay' && inSample,
  };
  const behaviourOf = kind === 'generator' ? generatorBehaviour(ctx) : undefined;
  const speedup = ctx.imported ? importedSpeedup(ctx.imported) : undefined;
  return {
    record,
    training,
    sample(run, belief) {
      const rngs = truthRngs(ctx.seed, spec.name, run);
      if (kind === 'replay') {
        const replayed = heldOut[run % heldOut.length]!;
        return { source: replayDurations(replayed, ctx.platform, rngs, speedup ? { speedup } : {}), truthRun: replayed.header.runId };
      }
      const draws = drawTasks(ctx.workflow, rngs.tasks);
      if (kind === 'generator') return { source: generatorTruth(`generator:${spec.name}`, behaviourOf!, draws, ctx.platform, rngs), truthRun: null };
      return { source: predictionTruth(belief, draws, ctx.platform, rngs), truthRun: null };
    },
  };
}

/** The training and held-out runs of a workload's history (see the module's doc for the rules). */
function splitRuns(ctx: TruthContext): { training: TraceRun[]; heldOut: TraceRun[]; inSample: boolean } {
  const { spec, truth } = ctx;
  const runs = [...ctx.runs].sort((a, b) => (a.header.runId < b.header.runId ? -1 : a.header.runId > b.header.runId ? 1 : 0));
  if (truth.replayRun !== undefined) {
    const chosen = runs.find((r) => r.header.runId === truth.replayRun);
    if (!chosen) {
      const ids = runs.map((r) => r.header.runId);
      const shown = ids.slice(0, 8).join(', ') + (ids.length > 8 ? `, … (${ids.length} in all)` : '');
      throw new ConfigError(`--replay-run '${truth.replayRun}': workload '${spec.name}' has no such run; its runs: ${shown}`);
    }
    const rest = runs.filter((r) => r !== chosen);
    if (rest.length === 0) {
      if (ctx.imported) return { training: [chosen], heldOut: [chosen], inSample: true };
      throw new ConfigError(`--replay-run '${truth.replayRun}' is the only run of workload '${spec.name}': nothing is left to plan from; add runs to the history`);
    }
    return { training: rest, heldOut: [chosen], inSample: false };
  }
  if (ctx.imported && truth.holdout === undefined && truth.choice !== 'generator' && truth.choice !== 'predictions') {
    const recorded = runs.find((r) => r.header.planner === RECORDED_RUN_PLANNER);
    if (recorded) {
      const rest = runs.filter((r) => r !== recorded);
      return rest.length > 0 ? { training: rest, heldOut: [recorded], inSample: false } : { training: [recorded], heldOut: [recorded], inSample: true };
    }
  }
  // Runs are held out by default only where they will be replayed: under generator or predictions truth they would
  // be runs the belief loses for nothing.
  const forReplay = truth.choice === 'replay' || (truth.choice === 'auto' && ctx.recorded);
  const holdout = truth.holdout ?? defaultHoldout(runs.length, forReplay);
  if (!Number.isInteger(holdout) || holdout < 0) throw new ConfigError(`--holdout must be a whole number of runs >= 0, got ${holdout}`);
  if (holdout > 0 && holdout >= runs.length) {
    throw new ConfigError(
      `--holdout ${holdout}: workload '${spec.name}' has ${runs.length} run(s) in its history, so no run would be left to plan from; hold out fewer or add runs`,
    );
  }
  const shuffled = [...runs];
  const rng = splitRng(ctx.seed, spec.name);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const heldIds = new Set(shuffled.slice(0, holdout).map((r) => r.header.runId));
  return { training: runs.filter((r) => !heldIds.has(r.header.runId)), heldOut: runs.filter((r) => heldIds.has(r.header.runId)), inSample: false };
}

/** Runs held out by default: a share of a history when it is meant for replay, none otherwise. */
function defaultHoldout(runs: number, forReplay: boolean): number {
  if (!forReplay || runs < 2) return 0;
  return Math.min(runs - 1, Math.max(1, Math.round(runs * DEFAULT_HOLDOUT_FRACTION)));
}

/** The behaviour each task's fresh draws come from: a built-in workload's per function, an import's per task. */
function generatorBehaviour(ctx: TruthContext): (task: TaskRef) => FunctionBehaviour {
  if (ctx.imported) {
    const byTask = importedBehaviours(ctx.imported, ctx.spec.workflow?.noiseCv);
    return (task) => byTask.get(task.taskId)!;
  }
  const definition = getWorkload(ctx.spec.name);
  const behaviours = definition.behaviour(resolveParams(definition, ctx.spec.params));
  return (task) => {
    const behaviour = behaviours[task.functionName];
    if (!behaviour) throw new ConfigError(`workload '${ctx.spec.name}' has no behaviour for function '${task.functionName}'`);
    return behaviour;
  };
}

/** An imported task's speed on some resources relative to one vCPU: min(vCPUs, parallelism). */
function importedSpeedup(imported: ImportedWorkflow): (task: TaskRef, resources: { vCpus: number; memoryMb: number }) => number {
  const byTask = importedBehaviours(imported);
  return (task, resources) => cpuSpeedup(byTask.get(task.taskId)!, resources);
}

function describe(kind: TruthKind, ctx: TruthContext, heldOut: readonly TraceRun[], inSample: boolean): string {
  if (kind === 'predictions') return "predictions: draws from the planner's own predictions (self-evaluation: a wrong prediction cannot hurt a plan)";
  if (kind === 'generator') {
    return ctx.imported
      ? "generator: fresh per-task draws around the instance's recorded runtimes (import noise model); start-ups and transfers from the platform model"
      : "generator: fresh per-task draws from the workload's behaviour model; start-ups and transfers from the platform model";
  }
  const what = heldOut.length === 1 ? `recorded run ${heldOut[0]!.header.runId}` : `${heldOut.length} held-out recorded runs`;
  const seen = inSample ? ' (also the training run: the instance has one recorded run)' : ', never seen by the planner';
  return `replay: ${what}, task by task${seen}; start-ups and transfers from the platform model`;
}
