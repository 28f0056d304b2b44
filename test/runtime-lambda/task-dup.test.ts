import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEstimate } from '../../runtime-lambda/run-config.js';
import { runWorkflow } from '../../runtime-lambda/run-workflow.js';
import { evaluateDirectly } from '../../runtime-lambda/tasks/evaluate.js';
import { buildRuntimeWorkload } from '../../runtime-lambda/tasks/registry.js';
import { InProcessInvoker } from '../../runtime-lambda/worker/in-process-invoker.js';
import type { WorkerObservation } from '../../runtime-lambda/worker/run-worker.js';
import { startTestRedis } from '../support/redis-server.js';
import { planFor } from './plans.js';

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('task duplication in a real run', () => {
  // With the synthetic history's estimates no duplicate is ever worth it on this machine (the saving stays under the
  // 150 ms threshold), so the full matrix never runs a copy. Here every task is estimated to move a 10 s output, so
  // the core duplicates whatever it may; the copy and the original then race for real.
  it.each(['wordcount', 'text_analysis', 'tree_reduction'])('%s: duplicates run, the result is unchanged and nothing is left', async (name) => {
    const instance = buildRuntimeWorkload(name, 5);
    const { plan } = planFor(instance.workflow, instance.params, 'uniform', ['task-dup']);
    const taskEstimates: Record<string, TaskEstimate> = {};
    for (const id of instance.workflow.tasks.keys()) taskEstimates[id] = { execMs: 1, outputTransferMs: 10_000, inputTransferMs: 0 };
    const duplicates: string[] = [];
    const observe = (o: WorkerObservation) => {
      if (o.command?.kind === 'execute' && o.command.duplicate) duplicates.push(o.command.taskId);
    };
    const invoker = new InProcessInvoker({ observe });
    const result = await runWorkflow({ redisUrl: redis.url, invoker, workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates });
    await invoker.idle();
    expect(invoker.failures).toEqual([]);
    expect(duplicates.length).toBeGreaterThan(0);
    for (const [sink, bytes] of evaluateDirectly(instance.workflow, instance.staticInputs)) {
      expect(result.finalOutputs.get(sink)?.equals(bytes)).toBe(true);
    }
    expect(result.leftoverIntermediateKeys).toEqual([]);
    expect(result.leftoverMetadataKeys).toEqual([]);
    expect(result.invalidRecords).toEqual([]);
  });
});
