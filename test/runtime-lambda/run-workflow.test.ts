import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRecordSchema, type TaskRecord, type WorkerRecord } from '../../core/trace-records.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { runWorkflow } from '../../runtime-lambda/run-workflow.js';
import { evaluateDirectly } from '../../runtime-lambda/tasks/evaluate.js';
import { buildRuntimeWorkload, RUNTIME_WORKLOADS } from '../../runtime-lambda/tasks/registry.js';
import { InProcessInvoker } from '../../runtime-lambda/worker/in-process-invoker.js';
import { startTestRedis } from '../support/redis-server.js';
import { planFor } from './plans.js';

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const PLANNERS = ['wukong', 'uniform', 'non-uniform', 'faasflow'] as const;
const OPTIMIZATIONS: readonly (readonly OptimizationPassName[])[] = [[], ['pre-load', 'pre-warm', 'task-dup']];

describe.each(RUNTIME_WORKLOADS.map((w) => w.name))('a real run of %s', (name) => {
  const instance = buildRuntimeWorkload(name, 11);
  const expected = evaluateDirectly(instance.workflow, instance.staticInputs);

  for (const planner of PLANNERS) {
    for (const optimizations of OPTIMIZATIONS) {
      const label = optimizations.length > 0 ? `${planner} with ${optimizations.join(', ')}` : planner;
      it(`computes the direct result under ${label}, leaves no key behind and writes valid records`, async () => {
        const { plan, taskEstimates } = planFor(instance.workflow, instance.params, planner, optimizations);
        const invoker = new InProcessInvoker();
        const result = await runWorkflow({
          redisUrl: redis.url,
          invoker,
          workflow: instance.workflow,
          plan,
          staticInputs: instance.staticInputs,
          taskEstimates,
          timeoutMs: 30_000,
        });
        await invoker.idle();
        expect(invoker.failures).toEqual([]);

        for (const [sink, bytes] of expected) {
          expect(result.finalOutputs.get(sink)?.equals(bytes), `final output of ${sink}`).toBe(true);
        }
        expect(result.leftoverIntermediateKeys).toEqual([]);
        expect(result.leftoverMetadataKeys).toEqual([]);
        expect(result.leftoverKeysAfterCleanup).toEqual([]);

        expect(result.invalidRecords).toEqual([]);
        for (const record of result.records) expect(traceRecordSchema.safeParse(record).success).toBe(true);
        const [header, ...rest] = result.records;
        expect(header).toMatchObject({ type: 'run', runId: result.runId, workflow: name, planner: plan.planner });
        expect(rest.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', makespanMs: result.makespanMs });
        const workers = rest.filter((r): r is WorkerRecord => r.type === 'worker');
        const tasks = rest.filter((r): r is TaskRecord => r.type === 'task');
        expect(workers).toHaveLength(result.workersLaunched);
        expect(new Set(tasks.map((t) => t.taskId))).toEqual(new Set(instance.workflow.tasks.keys()));
        // Every task's TASK_COMPLETED is published by the worker that settled it and recorded on its record; every
        // round trip is charged to a task the worker had started by then.
        for (const taskId of instance.workflow.tasks.keys()) {
          expect(tasks.some((t) => t.taskId === taskId && (t.publishOps?.length ?? 0) > 0), `TASK_COMPLETED of ${taskId}`).toBe(true);
        }
        for (const t of tasks) for (const op of [...(t.counterOps ?? []), ...(t.publishOps ?? [])]) expect(op.startMs).toBeGreaterThanOrEqual(t.startMs);
        // Every executed task says when its code ran and the CPU it used; every worker that ran tasks, its process's CPU.
        for (const t of tasks) {
          expect(t.execStartMs, t.taskId).toBeGreaterThanOrEqual(t.startMs);
          expect(t.execStartMs! + t.execMs, t.taskId).toBeLessThanOrEqual(t.endMs + 2e-3); // each rounded to µs on its own
          expect(t.cpuMs, t.taskId).toBeGreaterThanOrEqual(0);
        }
        for (const w of workers) if (w.purpose !== 'pre-warm') expect(w.cpuMs, w.workerId).toBeGreaterThan(0);
        const preWarmsPlanned = [...plan.tasks.values()].some((t) => t.optimizations.some((o) => o.kind === 'pre-warm'));
        if (preWarmsPlanned) expect(workers.some((w) => w.purpose === 'pre-warm')).toBe(true);
      });
    }
  }
});

describe('runs sharing one Redis', () => {
  it('do not see each other: two workflows at once both compute their direct results and leave nothing', async () => {
    const runs = ['gemm', 'wordcount'].map((name) => {
      const instance = buildRuntimeWorkload(name, 3);
      return { instance, expected: evaluateDirectly(instance.workflow, instance.staticInputs), plan: planFor(instance.workflow, instance.params, 'uniform', []).plan };
    });
    const invoker = new InProcessInvoker();
    const results = await Promise.all(
      runs.map((r) => runWorkflow({ redisUrl: redis.url, invoker, workflow: r.instance.workflow, plan: r.plan, staticInputs: r.instance.staticInputs })),
    );
    await invoker.idle();
    results.forEach((result, i) => {
      for (const [sink, bytes] of runs[i]!.expected) expect(result.finalOutputs.get(sink)?.equals(bytes)).toBe(true);
      expect(result.leftoverKeysAfterCleanup).toEqual([]);
    });
    expect(results[0]!.runId).not.toBe(results[1]!.runId);
  });
});
