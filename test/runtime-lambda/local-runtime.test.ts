import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceRecord, WorkerRecord } from '../../core/trace-records.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { LocalRuntime, type LocalRunResult } from '../../runtime-lambda/local-runtime.js';
import { evaluateDirectly } from '../../runtime-lambda/tasks/evaluate.js';
import { buildRuntimeWorkload, RUNTIME_WORKLOADS } from '../../runtime-lambda/tasks/registry.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { startTestRedis } from '../support/redis-server.js';
import { planFor } from './plans.js';

// Real worker processes behind the local gateway, one runtime for the file: the first runs pay the cold starts (a
// Node process each, 1–7 s on this shared 2-core machine), later ones mostly reuse warm instances, as on Lambda.
// The in-process matrix (run-workflow.test.ts) covers the full workload × planner × optimization product; here each
// workload runs under each planner, and one workload with every optimization.

let redis: { url: string; stop: () => Promise<void> };
let runtime: LocalRuntime;
beforeAll(async () => {
  redis = await startTestRedis();
  runtime = await LocalRuntime.start({ redisUrl: redis.url });
}, 30_000);
afterAll(async () => {
  await runtime?.close();
  await redis?.stop();
}, 30_000);

const PLANNERS = ['wukong', 'uniform', 'non-uniform', 'faasflow'] as const;
const ALL_OPTIMIZATIONS: readonly OptimizationPassName[] = ['pre-load', 'pre-warm', 'task-dup'];

const workers = (records: readonly TraceRecord[]) => records.filter((r): r is WorkerRecord => r.type === 'worker');

/** Runs a workload (gateway parameters) under a planner and checks everything a completed real run promises. */
async function runAndCheck(name: string, planner: string, optimizations: readonly OptimizationPassName[], crashOnFirstAttempt?: string[]): Promise<LocalRunResult> {
  const instance = buildRuntimeWorkload(name, 5, getWorkload(name).instances.local);
  const { plan, taskEstimates } = planFor(instance.workflow, instance.params, planner, optimizations);
  const result = await runtime.run({
    workflow: instance.workflow,
    plan,
    staticInputs: instance.staticInputs,
    taskEstimates,
    timeoutMs: 60_000,
    ...(crashOnFirstAttempt ? { crashOnFirstAttempt } : {}),
  });
  for (const [sink, bytes] of evaluateDirectly(instance.workflow, instance.staticInputs)) {
    expect(result.finalOutputs.get(sink)?.equals(bytes), `final output of ${sink}`).toBe(true);
  }
  expect(result.leftoverIntermediateKeys).toEqual([]);
  expect(result.leftoverMetadataKeys).toEqual([]);
  expect(result.leftoverKeysAfterCleanup).toEqual([]);
  expect(result.invalidRecords).toEqual([]);
  expect(result.records[0]).toMatchObject({ type: 'run', platform: `lambda:${runtime.gateway.endpoint}` });

  // One worker record per successful attempt, and its cold/warm start is the gateway's (the worker process counts
  // the invocations it served; a disagreement would have been corrected and listed).
  const succeeded = result.invocations.filter((a) => a.outcome === 'success');
  const records = workers(result.records);
  expect(records).toHaveLength(succeeded.length);
  expect(records).toHaveLength(result.workersLaunched);
  expect(result.startCorrections).toEqual([]);
  expect(records.filter((w) => w.start === 'warm')).toHaveLength(succeeded.filter((a) => !a.cold).length);
  return result;
}

describe('workflows in real worker processes through the local gateway', () => {
  const warmStarts: number[] = [];
  for (const { name } of RUNTIME_WORKLOADS) {
    for (const planner of PLANNERS) {
      it(`${name} under ${planner}: the direct result, no key left, the gateway's cold/warm starts`, { timeout: 60_000 }, async () => {
        const result = await runAndCheck(name, planner, []);
        warmStarts.push(workers(result.records).filter((w) => w.start === 'warm').length);
      });
    }
  }

  for (const { name } of RUNTIME_WORKLOADS) {
    for (const planner of PLANNERS) {
      it(`${name} under ${planner} with ${ALL_OPTIMIZATIONS.join(', ')}`, { timeout: 60_000 }, async () => {
        await runAndCheck(name, planner, ALL_OPTIMIZATIONS);
      });
    }
  }

  it('reuses idle worker processes: later runs have warm starts', () => {
    expect(warmStarts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('a worker process killed with SIGKILL mid-task', () => {
  // The killed attempt writes nothing; the gateway retries the same event (Lambda's async retry) in a new process,
  // which re-runs the worker from its event: idempotent counters and invocations make the repeat harmless.
  it.each([
    // A flexible worker that had run a leaf and the first fan-in before dying in the second fan-in.
    { name: 'tree_reduction', planner: 'wukong', task: 'add-12' },
    // A fixed worker that dies in a task fed by two other workers' outputs.
    { name: 'text_analysis', planner: 'uniform', task: 'overall_sentiment-0' },
  ])('$name under $planner, killed in $task: the run completes through the retry', { timeout: 60_000 }, async ({ name, planner, task }) => {
    const result = await runAndCheck(name, planner, [], [task]);
    const crashed = result.invocations.filter((a) => a.outcome === 'crash');
    expect(crashed).toHaveLength(1);
    expect(crashed[0]).toMatchObject({ errorType: 'Runtime.ExitError', willRetry: true, attempt: 1 });
    const retry = result.invocations.find((a) => a.requestId === crashed[0]!.requestId && a.attempt === 2);
    expect(retry).toMatchObject({ outcome: 'success' });
    const ran = result.records.filter((r) => r.type === 'task' && r.taskId === task);
    expect(ran).toHaveLength(1);
  });
});
