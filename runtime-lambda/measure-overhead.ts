import type { Plan, TaskPlan } from '../core/plan.js';
import { resources } from '../core/resources.js';
import { MEDIAN } from '../core/sla.js';
import { startLocalRedis } from './redis/local-server.js';
import { runWorkflow } from './run-workflow.js';
import { overheadProbeWorkflow } from './tasks/overhead-probe.js';
import { InProcessInvoker } from './worker/in-process-invoker.js';
import type { WorkerObservation } from './worker/run-worker.js';

/** Options of `measureOverhead`. */
export interface MeasureOverheadOptions {
  /** A Redis to use; default: a private `redis-server` started (and stopped) for the measurement. */
  readonly redisUrl?: string;
  /** Hand-offs measured (default 200); the first `warmupSteps` (default 20) are not counted. */
  readonly steps?: number;
  readonly warmupSteps?: number;
}

/** The orchestration overhead per task on a warm worker. */
export interface OverheadMeasurement {
  /** Median over the measured hand-offs, ms. */
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Every measured hand-off, ms, in chain order. */
  readonly samplesMs: readonly number[];
}

/**
 * Measures the runtime's orchestration overhead per task on a warm worker: a real run (real Redis, real handler,
 * in-process invoker) of a chain whose every step also depends on a task of another worker, so that between the end
 * of one step's code and the start of the next step's code the worker does exactly the per-task orchestration: step
 * the core, INCR the next step's dependency counter and wait for the answer, PUBLISH TASK_COMPLETED, and hand the next
 * step to itself. Each sample is the time from the `exec-done` of step i to the `execute` of step i+1.
 */
export async function measureOverheadDetailed(options: MeasureOverheadOptions = {}): Promise<OverheadMeasurement> {
  const steps = options.steps ?? 200;
  const warmup = options.warmupSteps ?? 20;
  if (!(Number.isInteger(steps) && Number.isInteger(warmup) && steps > warmup + 1 && warmup >= 0)) {
    throw new Error(`measureOverhead: need integer steps > warmupSteps + 1 >= 1, got steps ${steps}, warmupSteps ${warmup}`);
  }
  const ownRedis = options.redisUrl ? undefined : await startLocalRedis();
  const redisUrl = options.redisUrl ?? ownRedis!.url;
  try {
    const workflow = overheadProbeWorkflow(steps);
    const config = resources(2048);
    const tasks = new Map<string, TaskPlan>();
    for (const id of workflow.tasks.keys()) tasks.set(id, { workerId: id === 'seed-0' ? 'seeder' : 'chain', resources: config, optimizations: [] });
    const plan: Plan = { workflow: workflow.name, planner: 'overhead-probe', sla: MEDIAN, tasks };

    const execDoneAt = new Map<string, number>();
    const executeAt = new Map<string, number>();
    const observe = (o: WorkerObservation) => {
      if (o.instanceId !== 'chain') return;
      if (o.event?.kind === 'exec-done') execDoneAt.set(o.event.taskId, o.atMs);
      if (o.command?.kind === 'execute') executeAt.set(o.command.taskId, o.atMs);
    };
    const invoker = new InProcessInvoker({ observe });
    const result = await runWorkflow({ redisUrl, invoker, workflow, plan, staticInputs: new Map(), timeoutMs: 60_000 });
    await invoker.idle();
    if (result.leftoverIntermediateKeys.length > 0) throw new Error(`measureOverhead: intermediates left: ${result.leftoverIntermediateKeys.join(', ')}`);

    const samplesMs: number[] = [];
    for (let i = warmup + 1; i < steps; i++) {
      const done = execDoneAt.get(`step-${i}`);
      const next = executeAt.get(`step-${i + 1}`);
      if (done === undefined || next === undefined) throw new Error(`measureOverhead: step-${i} or step-${i + 1} did not run on the chain worker`);
      samplesMs.push(next - done);
    }
    const sorted = [...samplesMs].sort((a, b) => a - b);
    const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { medianMs: quantile(0.5), p90Ms: quantile(0.9), samplesMs };
  } finally {
    await ownRedis?.stop();
  }
}

/** The median orchestration overhead per task on a warm worker, in ms (see `measureOverheadDetailed`). */
export async function measureOverhead(options: MeasureOverheadOptions = {}): Promise<number> {
  return (await measureOverheadDetailed(options)).medianMs;
}
