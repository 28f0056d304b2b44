import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { retriedWorkers } from '../../experiments/cli/commands/run.js';
import { LocalRuntime } from '../../runtime-lambda/local-runtime.js';
import { buildRuntimeWorkload } from '../../runtime-lambda/tasks/registry.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { startTestRedis } from '../support/redis-server.js';
import { planFor } from './plans.js';

// Real runs that cannot finish end within seconds with one line saying why, and leave no worker process behind:
// a worker whose retries run out, storage gone mid-run, storage unreachable from the start.

/** Node processes that are children of this test process (the gateway's worker instances), read from /proc. */
function childNodeProcesses(): string[] {
  const children: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // it ended meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === process.pid && comm.startsWith('node') && state !== 'Z') children.push(pid);
  }
  return children;
}

function request(name: string) {
  const instance = buildRuntimeWorkload(name, 5, getWorkload(name).instances.local);
  const { plan, taskEstimates } = planFor(instance.workflow, instance.params, 'wukong', []);
  return { instance, plan, taskEstimates };
}

/** Runs and returns how long it took to fail and with what message. */
async function failure(run: () => Promise<unknown>): Promise<{ ms: number; message: string }> {
  const start = performance.now();
  try {
    await run();
  } catch (error) {
    return { ms: performance.now() - start, message: (error as Error).message };
  }
  throw new Error('the run completed');
}

describe('real runs that cannot finish', () => {
  it('a worker whose retries run out fails the run at once, naming the worker, its task and its attempts', { timeout: 60_000 }, async () => {
    const redis = await startTestRedis();
    const runtime = await LocalRuntime.start({ redisUrl: redis.url });
    try {
      const { instance, plan, taskEstimates } = request('tree_reduction');
      const leaf = instance.workflow.roots[0]!;
      const { ms, message } = await failure(() =>
        runtime.run({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, timeoutMs: 120_000, runId: 'retries-run-out', crashOnEveryAttempt: [leaf] }),
      );
      expect(message).toMatch(new RegExp(`run 'retries-run-out' failed: worker \\S+ for task\\(s\\) [^;]*${leaf}[^;]* failed 3 attempt\\(s\\) \\(last: crash[^)]*\\); the platform's retries ran out`));
      expect(message.split('\n')).toHaveLength(1);
      // Three attempts with the gateway's 60 and 120 ms retry delays: seconds, not the 120 s timeout.
      expect(ms).toBeLessThan(10_000);
    } finally {
      await runtime.close();
      await redis.stop();
    }
    expect(childNodeProcesses()).toEqual([]);
  });

  it('storage gone mid-run: the run fails within seconds, naming Redis, its address and the run', { timeout: 60_000 }, async () => {
    const redis = await startTestRedis();
    const runtime = await LocalRuntime.start({ redisUrl: redis.url });
    try {
      const { instance, plan, taskEstimates } = request('image_transformer');
      const run = runtime.run({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, timeoutMs: 120_000, runId: 'storage-gone' });
      setTimeout(() => void redis.stop(), 300);
      const { ms, message } = await failure(() => run);
      expect(message).toMatch(new RegExp(`run 'storage-gone': Redis at ${redis.url.replace(/[.]/g, '\\.')} became unreachable .*; the run cannot finish`));
      expect(ms).toBeLessThan(10_000);
    } finally {
      await runtime.close();
      await redis.stop();
    }
    expect(childNodeProcesses()).toEqual([]);
  });

  it('storage unreachable from the start: one line naming Redis and its address, at once', { timeout: 60_000 }, async () => {
    const runtime = await LocalRuntime.start({ redisUrl: 'redis://127.0.0.1:6399' });
    try {
      const { instance, plan, taskEstimates } = request('tree_reduction');
      const { ms, message } = await failure(() => runtime.run({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, runId: 'no-storage' }));
      expect(message).toMatch(/no-storage\/client: cannot connect to Redis at redis:\/\/127\.0\.0\.1:6399/);
      expect(ms).toBeLessThan(10_000);
    } finally {
      await runtime.close();
    }
    expect(childNodeProcesses()).toEqual([]);
  });

  it("a worker SIGKILLed once is retried and the run completes; bench run's summary counts it", { timeout: 60_000 }, async () => {
    const redis = await startTestRedis();
    const runtime = await LocalRuntime.start({ redisUrl: redis.url });
    try {
      const { instance, plan, taskEstimates } = request('tree_reduction');
      const result = await runtime.run({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, crashOnFirstAttempt: [instance.workflow.roots[0]!] });
      expect(retriedWorkers(result.invocations)).toEqual({ crashed: 1, attempts: 1 });
    } finally {
      await runtime.close();
      await redis.stop();
    }
  });
});
