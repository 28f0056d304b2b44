import { ConfigError } from '../../core/errors.js';
import type { Plan } from '../../core/plan.js';
import type { ResourceConfig } from '../../core/resources.js';
import type { TaskRecord, WorkerRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import type { OptimizationPass, PlanEstimate, PlannerContext } from '../planner.js';
import { acceptAdditions, notLonger } from './keep-if-not-longer.js';
import {
  EstimateBudget,
  mayAdd,
  nonNegativeOption,
  overriddenOn,
  rootWorkers,
  withAdditions,
  withEstimate,
  withoutOverriddenOff,
  type Addition,
} from './shared.js';

/** Options of the pre-warm pass. */
export interface PreWarmOptions {
  /**
   * How long before the target worker's invocation the warm-up may land, at most (default 7,000 ms, the reference's
   * `TIME_UNTIL_WORKER_GOES_COLD_S`): an idle environment must still be kept when the worker is invoked. 7 s is far
   * below any platform's keep-alive (AWS: about 10 min), so the default is safe; raise it to widen the choice.
   */
  readonly keepAliveMs?: number;
  /** Where in an issuer's window the warm-up is placed when the ideal moment is outside it (default 0.75). */
  readonly timingPreference?: number;
  /** Weight of the ideal moment when it falls inside the window (default 0.7, the reference's blend). */
  readonly idealWeight?: number;
  /** Rounds of choose-and-check (default 3): a kept pre-warm moves later workers, which may leave new cold starts. */
  readonly maxRounds?: number;
  /** Estimates the pass may make, the base estimate included (default 40; one estimate of a 10k-task plan takes about 0.7 s). */
  readonly maxEstimates?: number;
}

/** Defaults of `PreWarmOptions`. */
export const PRE_WARM_DEFAULTS = { keepAliveMs: 7000, timingPreference: 0.75, idealWeight: 0.7, maxRounds: 3, maxEstimates: 40 } as const;

/** One fixed worker of the estimated run, with the tasks it ran there (in start order). */
interface WorkerView {
  readonly id: string;
  readonly record: WorkerRecord;
  readonly tasks: readonly TaskRecord[];
}

/** A possible issuer of one warm-up: the worker whose activity window fits, its task and the moment to fire. */
interface IssuerChoice {
  readonly worker: WorkerView;
  readonly task: TaskRecord;
  readonly triggerMs: number;
}

/**
 * Pre-warm (thesis §3.4.3): a task's worker makes an empty invocation `delayMs` after the task starts, so that an
 * environment of `targetResources` is warm when a later worker of that configuration is invoked.
 *
 * Assignment (the reference's `prewarm.py`, on the estimated run): every fixed worker the estimate shows starting cold
 * and that owns no root task is a target W. Its warm-up must be sent by `latest = W.invokedAtMs − lead`, where `lead`
 * is the predicted cold start of W's configuration (`predictions.startupMs(…, 'cold', sla)`, which is measured from
 * the invoke call to the handler running, so it includes the invocation latency), and not before
 * `latest − keepAliveMs`. Each other fixed worker O active in that window is a candidate; its firing moment is
 * `0.7·latest + 0.3·pref` when `latest` lies within O's activity, else `pref`, with `pref` at 75 % of the window
 * (`timingPreference`). Choice: one candidate → it; two → the one that started first; more → drop the first- and
 * last-starting and take the one firing closest to `latest`. The pre-warm goes on O's task that starts last before
 * the firing moment, with `delayMs` from that task's start. The set is then kept as far as the estimate is not longer
 * (`acceptAdditions`), and the round repeats on the new estimate for workers it leaves cold (`maxRounds`).
 *
 * Defects of the reference fixed here: its plan-time simulation ignored pre-warms, so nothing checked they helped —
 * here every kept pre-warm is re-estimated by the scheduler core, which gives warm starts to invocations that find a
 * pre-warmed environment; its delay was counted from the worker becoming ready, though it was computed from the
 * worker's first planned task — here it is from the annotated task's start (what the core does); it hung every
 * warm-up of a worker on its first task, several per task — a task here carries at most one pre-warm (the plan format
 * keeps one optimization per kind), so targets that pick the same worker use different tasks of it (the one starting
 * last before the firing moment that is still free), and a worker with no free task left is no candidate; and its
 * activity window ignored downloads and uploads — here it is the worker's estimated lifetime.
 *
 * Flexible workers are neither targets (no fixed invocation moment to aim at) nor issuers (their tasks' workers are
 * decided at run time), so the pass leaves a WUKONG plan unchanged. Per-task overrides: `true` on task T makes T
 * issue a warm-up unconditionally (before the base estimate), aimed at the fixed non-root worker of another id
 * invoked after T starts — cold ones first, then the one whose ideal moment is nearest T's activity; with no such
 * worker there is nothing to warm and T gets none. `false` makes T never issue one (and drops one the input plan
 * carried); pre-warms forced in the workflow stay. The returned plan's estimate is never longer than that base's.
 */
export function createPreWarmPass(options: PreWarmOptions = {}): OptimizationPass {
  const name = 'pre-warm';
  const keepAliveMs = nonNegativeOption(name, 'keepAliveMs', options.keepAliveMs, PRE_WARM_DEFAULTS.keepAliveMs);
  const preference = nonNegativeOption(name, 'timingPreference', options.timingPreference, PRE_WARM_DEFAULTS.timingPreference);
  const idealWeight = nonNegativeOption(name, 'idealWeight', options.idealWeight, PRE_WARM_DEFAULTS.idealWeight);
  const maxRounds = nonNegativeOption(name, 'maxRounds', options.maxRounds, PRE_WARM_DEFAULTS.maxRounds);
  const maxEstimates = nonNegativeOption(name, 'maxEstimates', options.maxEstimates, PRE_WARM_DEFAULTS.maxEstimates);
  if (preference > 1 || idealWeight > 1) throw new ConfigError(`${name}: timingPreference and idealWeight must be within [0, 1]`);
  if (maxEstimates < 1) throw new ConfigError(`${name}: maxEstimates must be at least 1 (the base estimate)`);

  return {
    name,
    description: 'tasks warm up cold fixed workers ahead of their invocation; kept if the estimate is not longer',
    apply(workflow: Workflow, plan: Plan, ctx: PlannerContext): Plan {
      const budget = new EstimateBudget(ctx, maxEstimates);
      let current = withoutOverriddenOff(workflow, plan, ctx, name);
      let estimate = budget.estimate(current);
      const roots = rootWorkers(workflow, current);
      // Passes add optimizations only, so worker ids and their resources are the input plan's throughout.
      const resourcesOf = workerResources(current);
      const leadMs = (w: WorkerView) => ctx.predictions.startupMs(w.record.resources, 'cold', ctx.sla);

      const forcedIds = overriddenOn(workflow, current, ctx, name);
      if (forcedIds.length > 0) {
        const forced = forcedPreWarms(forcedIds, current, estimate, roots, leadMs);
        if (forced.length > 0) {
          // The user's choice is applied even if it takes the budget's last estimate.
          current = withAdditions(current, forced);
          estimate = budget.estimate(current);
        }
      }

      const targeted = new Set<string>();
      for (let round = 0; round < maxRounds && budget.left; round++) {
        const workers = fixedWorkerViews(current, estimate);
        const used = new Set<string>();
        const additions: Addition[] = [];
        const targets = [...workers.values()]
          .filter((w) => w.record.start === 'cold' && !roots.has(w.id) && !targeted.has(w.id))
          .sort((a, b) => a.record.invokedAtMs - b.record.invokedAtMs || a.id.localeCompare(b.id));
        for (const target of targets) {
          targeted.add(target.id);
          const latestMs = target.record.invokedAtMs - leadMs(target);
          const choices: IssuerChoice[] = [];
          for (const issuer of workers.values()) {
            if (issuer.id === target.id) continue;
            const choice = issuerChoice(issuer, latestMs, keepAliveMs, preference, idealWeight, (t) => !used.has(t.taskId) && mayAdd(current, ctx, t.taskId, name));
            if (choice) choices.push(choice);
          }
          const chosen = chooseIssuer(choices, latestMs);
          if (!chosen) continue;
          used.add(chosen.task.taskId);
          additions.push({
            taskId: chosen.task.taskId,
            optimization: {
              kind: name,
              targetResources: resourcesOf.get(target.id)!,
              delayMs: Math.max(0, Math.floor(chosen.triggerMs - chosen.task.startMs)),
            },
          });
        }
        if (additions.length === 0) break;
        const result = acceptAdditions(current, estimate, additions, notLonger, budget);
        if (result.accepted.length === 0) break;
        current = result.plan;
        estimate = result.estimate;
      }
      return withEstimate(current, estimate);
    },
  };
}

/** The resources planned for each fixed worker (a valid plan gives one configuration per worker id). */
function workerResources(plan: Plan): Map<string, ResourceConfig> {
  const result = new Map<string, ResourceConfig>();
  for (const entry of plan.tasks.values()) if (entry.workerId !== null && !result.has(entry.workerId)) result.set(entry.workerId, entry.resources);
  return result;
}

/**
 * The fixed workers of the estimated run (task invocations only, not warm-ups), each with the tasks it ran that are
 * planned on it (a duplicate it ran of another worker's task is not its task), in start order.
 */
function fixedWorkerViews(plan: Plan, estimate: PlanEstimate): Map<string, WorkerView> {
  const records = new Map<string, WorkerRecord>();
  for (const record of estimate.workers) {
    if (record.purpose === 'pre-warm') continue;
    const previous = records.get(record.workerId);
    if (!previous || record.invokedAtMs < previous.invokedAtMs) records.set(record.workerId, record);
  }
  const tasksOf = new Map<string, TaskRecord[]>();
  for (const task of estimate.tasks) {
    const planned = plan.tasks.get(task.taskId)?.workerId;
    if (planned === null || planned === undefined || planned !== task.workerId) continue;
    let list = tasksOf.get(planned);
    if (!list) tasksOf.set(planned, (list = []));
    list.push(task);
  }
  const views = new Map<string, WorkerView>();
  const ids = [...tasksOf.keys()].sort();
  for (const id of ids) {
    const record = records.get(id);
    if (!record) continue;
    const tasks = tasksOf.get(id)!.sort((a, b) => a.startMs - b.startMs || a.taskId.localeCompare(b.taskId));
    views.set(id, { id, record, tasks });
  }
  return views;
}

/**
 * Whether `issuer` can send a warm-up due by `latestMs`, and when and from which task. The window is the issuer's
 * activity [ready, ended] cut to [latestMs − keepAliveMs, latestMs]; the issuing task is the free one starting last
 * at or before the firing moment (or, if none, the first free one starting within the window, fired at its start).
 */
function issuerChoice(
  issuer: WorkerView,
  latestMs: number,
  keepAliveMs: number,
  preference: number,
  idealWeight: number,
  free: (task: TaskRecord) => boolean,
): IssuerChoice | undefined {
  const startMs = issuer.record.readyAtMs;
  if (startMs > latestMs) return undefined;
  const lo = Math.max(latestMs - keepAliveMs, startMs);
  const hi = Math.min(latestMs, issuer.record.endedAtMs);
  if (lo > hi) return undefined;
  const preferredMs = lo + preference * (hi - lo);
  const idealInside = latestMs >= lo && latestMs <= hi;
  let triggerMs = idealInside ? idealWeight * latestMs + (1 - idealWeight) * preferredMs : preferredMs;
  let task: TaskRecord | undefined;
  for (const t of issuer.tasks) if (t.startMs <= triggerMs && free(t)) task = t;
  if (!task) {
    task = issuer.tasks.find((t) => t.startMs > triggerMs && t.startMs <= hi && free(t));
    if (!task) return undefined;
    triggerMs = task.startMs;
  }
  return { worker: issuer, task, triggerMs };
}

/**
 * The reference's choice among candidate issuers: one → it; two → the one whose worker started first; more → drop
 * the first- and last-starting workers and take the one firing closest to the ideal moment. Ties break by worker id.
 */
function chooseIssuer(choices: readonly IssuerChoice[], latestMs: number): IssuerChoice | undefined {
  const byStart = [...choices].sort((a, b) => a.worker.record.readyAtMs - b.worker.record.readyAtMs || a.worker.id.localeCompare(b.worker.id));
  if (byStart.length <= 2) return byStart[0];
  const middle = byStart.slice(1, -1);
  let best = middle[0]!;
  for (const c of middle) {
    const d = Math.abs(latestMs - c.triggerMs);
    const bestD = Math.abs(latestMs - best.triggerMs);
    if (d < bestD || (d === bestD && c.worker.id.localeCompare(best.worker.id) < 0)) best = c;
  }
  return best;
}

/**
 * Warm-ups for tasks the user overrode to `true`: each aims at a fixed non-root worker of another id invoked after the
 * task starts — cold ones first, then the one whose ideal firing moment is nearest the task's activity, then the
 * earliest invoked, then by id — firing at that moment clamped to the task's activity.
 */
function forcedPreWarms(
  taskIds: readonly string[],
  plan: Plan,
  estimate: PlanEstimate,
  roots: ReadonlySet<string>,
  leadMs: (w: WorkerView) => number,
): Addition[] {
  const workers = [...fixedWorkerViews(plan, estimate).values()].filter((w) => !roots.has(w.id));
  const fixedIds = workerResources(plan);
  const records = new Map<string, TaskRecord>();
  for (const t of estimate.tasks) {
    const planned = plan.tasks.get(t.taskId)!.workerId;
    // The original run of the task: on its fixed worker, or on a flexible instance (not a duplicate on a fixed one).
    const original = planned === null ? !fixedIds.has(t.workerId) : planned === t.workerId;
    if (original && !records.has(t.taskId)) records.set(t.taskId, t);
  }
  const additions: Addition[] = [];
  for (const taskId of taskIds) {
    const task = records.get(taskId);
    if (!task) continue;
    const own = plan.tasks.get(taskId)!.workerId;
    let best: { worker: WorkerView; triggerMs: number; distanceMs: number } | undefined;
    for (const worker of workers) {
      if (worker.id === own || worker.record.invokedAtMs <= task.startMs) continue;
      const idealMs = worker.record.invokedAtMs - leadMs(worker);
      const triggerMs = Math.min(Math.max(idealMs, task.startMs), task.endMs);
      const candidate = { worker, triggerMs, distanceMs: Math.abs(idealMs - triggerMs) };
      if (!best || better(candidate, best)) best = candidate;
    }
    if (!best) continue;
    additions.push({
      taskId,
      optimization: {
        kind: 'pre-warm',
        targetResources: fixedIds.get(best.worker.id)!,
        delayMs: Math.max(0, Math.floor(best.triggerMs - task.startMs)),
      },
    });
  }
  return additions;

  function better(a: { worker: WorkerView; distanceMs: number }, b: { worker: WorkerView; distanceMs: number }): boolean {
    const coldA = a.worker.record.start === 'cold' ? 0 : 1;
    const coldB = b.worker.record.start === 'cold' ? 0 : 1;
    if (coldA !== coldB) return coldA < coldB;
    if (a.distanceMs !== b.distanceMs) return a.distanceMs < b.distanceMs;
    if (a.worker.record.invokedAtMs !== b.worker.record.invokedAtMs) return a.worker.record.invokedAtMs < b.worker.record.invokedAtMs;
    return a.worker.id < b.worker.id;
  }
}

/** The pre-warm pass with its defaults. */
export const preWarmPass: OptimizationPass = createPreWarmPass();
