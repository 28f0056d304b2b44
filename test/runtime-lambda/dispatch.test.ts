import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchBelief, edfStrategy, fifoStrategy, sjfStrategy, type AnyDispatchStrategy } from '../../core/dispatch/index.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources as makeResources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { getPlanner, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { DispatchRequests } from '../../runtime-lambda/dispatch/dispatch-requests.js';
import type { DispatchLogEntry } from '../../runtime-lambda/dispatch/dispatcher.js';
import { dispatchKeys } from '../../runtime-lambda/dispatch/redis-dispatch-queue.js';
import { connectRedis, closeRedis } from '../../runtime-lambda/redis/connection.js';
import { LocalRuntime } from '../../runtime-lambda/local-runtime.js';
import { taskEstimatesFrom } from '../../runtime-lambda/run-workflow.js';
import { buildRuntimeWorkload } from '../../runtime-lambda/tasks/registry.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { startTestRedis } from '../support/redis-server.js';

// Real worker processes behind the local gateway, with a dispatcher in front holding invocations beyond a limit of
// one slot, so requests queue and the strategy decides who goes next.

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
}, 30_000);

/** A small tree reduction planned by WUKONG (flexible workers, invoked only when their tasks are ready: none holds the one slot waiting), and what the dispatcher believes of it. */
function smallRequest() {
  const instance = buildRuntimeWorkload('tree_reduction', 5, { leaves: 2 });
  const predictions = createPredictions(groupRuns(generateHistory('tree_reduction', { runs: 6, seed: 7, params: instance.params })).runs, { workflow: 'tree_reduction' });
  const estimate = simulatorEstimator(instance.workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
  const plan = runPlanner(getPlanner('wukong'), instance.workflow, { predictions, sla: MEDIAN, resources: [makeResources(1024)], estimate, optimizations: [] });
  const estimated = estimate(plan);
  return { instance, plan, taskEstimates: taskEstimatesFrom(estimated.tasks), belief: dispatchBelief(estimated, predictions, MEDIAN) };
}

/**
 * Whether the log keeps the strategy's order: no invocation was dispatched while one with a smaller key (or an equal
 * key queued earlier) had already been in the queue.
 */
function orderViolations(log: readonly DispatchLogEntry[]): string[] {
  const violations: string[] = [];
  log.forEach((taken, i) => {
    for (const later of log.slice(i + 1)) {
      const waiting = later.enqueuedAtMs < taken.takenAtMs;
      const before = later.key < taken.key || (later.key === taken.key && later.ticket < taken.ticket);
      if (waiting && before && !taken.starved) violations.push(`${taken.ticket} (key ${taken.key}) went before ${later.ticket} (key ${later.key})`);
    }
  });
  return violations;
}

async function runBatch(strategy: AnyDispatchStrategy, requests: number, crashOnFirstAttempt?: readonly string[]) {
  const { instance, plan, taskEstimates, belief } = smallRequest();
  const dispatchRequests = new DispatchRequests();
  const name = `test-${strategy.name}`;
  const runtime = await LocalRuntime.start({ redisUrl: redis.url, concurrencyLimit: 1, dispatch: { strategy, describe: dispatchRequests.describe, name } });
  try {
    const startMs = performance.timeOrigin + performance.now();
    // Later requests get earlier deadlines and, every other one, a different predicted size: EDF and SJF then order
    // them otherwise than FIFO.
    const results = await Promise.all(
      Array.from({ length: requests }, (_, i) => {
        const runId = `dispatch-${strategy.name}-${i}`;
        dispatchRequests.register(runId, { workflow: 'tree_reduction', arrivalEpochMs: startMs, slaMs: (requests - i) * 10_000, priorityClass: 0, belief: i % 2 === 0 ? belief : { ...belief, execMs: new Map([...belief.execMs].map(([t, ms]) => [t, ms / (i + 1)])) } });
        return runtime.runConcurrent({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, timeoutMs: 60_000, runId, ...(i === 1 && crashOnFirstAttempt ? { crashOnFirstAttempt } : {}) });
      }),
    );
    const log = [...runtime.dispatcher!.log];
    const counts = await runtime.dispatcher!.counts();
    return { results, log, counts, runtime };
  } finally {
    await runtime.close();
  }
}

describe('the real dispatcher: strategies with real worker processes', () => {
  for (const strategy of [fifoStrategy, sjfStrategy, edfStrategy]) {
    it(`${strategy.name}: 20 requests all at once complete through one slot, in the strategy's order, nothing left in Redis`, { timeout: 120_000 }, async () => {
      const { results, log, counts } = await runBatch(strategy, 20);
      for (const result of results) {
        expect(result.leftoverKeysAfterCleanup).toEqual([]);
        expect(result.invalidRecords).toEqual([]);
      }
      // Every invocation of every run went through the dispatcher once.
      expect(log).toHaveLength(results.reduce((n, r) => n + r.workersLaunched, 0));
      expect(new Set(log.map((e) => e.ticket)).size).toBe(log.length);
      expect(counts).toEqual({ waiting: 0, slots: 0 });
      expect(orderViolations(log)).toEqual([]);
      // Requests did queue: some invocation waited while another held the slot.
      expect(log.some((e) => e.takenAtMs - e.enqueuedAtMs > 50)).toBe(true);
      const client = await connectRedis(redis.url, 'dispatch-test');
      try {
        expect(await client.keys(`${dispatchKeys(`test-${strategy.name}`).queue.replace(/:queue$/, '')}*`)).toEqual([]);
      } finally {
        await closeRedis(client);
      }
    });
  }

  it("a SIGKILLed worker's invocation is still dispatched, its slot freed once by the retry", { timeout: 120_000 }, async () => {
    const { instance } = smallRequest();
    const leaf = [...instance.workflow.tasks.values()].find((t) => t.upstream.length === 0)!.id;
    const { results, counts } = await runBatch(edfStrategy, 3, [leaf]);
    expect(results.every((r) => r.leftoverKeysAfterCleanup.length === 0)).toBe(true);
    // The crashed attempt was retried by the platform (same event, same ticket) and the run completed.
    expect(results[1]!.invocations.some((a) => a.outcome !== 'success')).toBe(true);
    expect(counts).toEqual({ waiting: 0, slots: 0 });
  });
});
