import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';
import { runKeys } from '../../runtime-lambda/redis/keys.js';
import { scanKeys } from '../../runtime-lambda/redis/storage.js';
import { storeRunConfig } from '../../runtime-lambda/run-config.js';
import { createSchedulerContext, initialInvocations } from '../../core/scheduler/index.js';
import type { Plan, TaskPlan } from '../../core/plan.js';
import type { Workflow } from '../../core/workflow.js';
import { runWorkflow, WorkflowRunError } from '../../runtime-lambda/run-workflow.js';
import { evaluateDirectly } from '../../runtime-lambda/tasks/evaluate.js';
import { buildRuntimeWorkload } from '../../runtime-lambda/tasks/registry.js';
import { AwsLambdaInvoker } from '../../runtime-lambda/worker/aws-invoker.js';
import { createHandler } from '../../runtime-lambda/worker/handler.js';
import { InProcessInvoker } from '../../runtime-lambda/worker/in-process-invoker.js';
import { parseInvocation, type WorkerInvocation } from '../../runtime-lambda/worker/invocation.js';
import { startTestRedis } from '../support/redis-server.js';
import { planFor } from './plans.js';

let redis: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const invocation = (overrides: Partial<WorkerInvocation> = {}): WorkerInvocation => ({
  runId: 'r1',
  workerId: null,
  instanceId: 'flex-1',
  resources: resources(2048),
  taskIds: ['a'],
  invokedAtEpochMs: Date.now(),
  ...overrides,
});

describe('worker invocation', () => {
  it('accepts a well-formed event (also as a JSON string) and names the field at fault otherwise', () => {
    expect(parseInvocation(JSON.stringify(invocation())).instanceId).toBe('flex-1');
    expect(() => parseInvocation({ ...invocation(), taskIds: 'a' })).toThrow(/field 'taskIds'/);
    expect(() => parseInvocation({ ...invocation(), resources: { memoryMb: 1 } })).toThrow(/field 'resources'/);
    expect(() => parseInvocation(null)).toThrow(/JSON object/);
  });

  it('builds an asynchronous Invoke of the function for its memory size', () => {
    const invoker = new AwsLambdaInvoker({ endpoint: 'http://127.0.0.1:1' });
    const request = invoker.request(invocation({ resources: resources(4096) }));
    expect(request.input.FunctionName).toBe('octoplan-worker-4096');
    expect(request.input.InvocationType).toBe('Event');
    expect(JSON.parse(Buffer.from(request.input.Payload as Uint8Array).toString('utf8'))).toMatchObject({ runId: 'r1', instanceId: 'flex-1' });
    expect(invoker.platform).toBe('lambda:http://127.0.0.1:1');
    invoker.close();
  });
});

describe('a failing worker', () => {
  it('fails the run with the task and worker at fault, and the client removes every key of the run', async () => {
    const workflow = createWorkflow('gemm', [{ id: 'broken-0', functionName: 'no_such_function', upstream: [] }]);
    const invoker = new InProcessInvoker();
    const run = runWorkflow({
      redisUrl: redis.url,
      invoker,
      workflow,
      plan: flexiblePlan(workflow, 'wukong', MEDIAN, resources(2048)),
      staticInputs: new Map(),
      runId: 'failing-run',
      timeoutMs: 10_000,
    });
    await expect(run).rejects.toThrow(WorkflowRunError);
    await expect(run).rejects.toThrow(/failing-run\/flex-1: .*broken-0.*no_such_function/);
    await invoker.idle();
    const client = new Redis(redis.url);
    expect(await scanKeys(client, runKeys('failing-run').all)).toEqual([]);
    client.disconnect();
  });

  it('refuses a run without the static inputs its tasks declare, before starting anything', async () => {
    const instance = buildRuntimeWorkload('gemm', 1);
    const { plan } = planFor(instance.workflow, instance.params, 'uniform', []);
    await expect(runWorkflow({ redisUrl: redis.url, invoker: new InProcessInvoker(), workflow: instance.workflow, plan, staticInputs: new Map() })).rejects.toThrow(
      /multiply_chunks-0-0.*static input/,
    );
  });
});

describe('the exported handler', () => {
  it('runs from its event and OCTOPLAN_REDIS_URL alone: a pre-warm writes its worker record and counts as finished', async () => {
    const workflow = createWorkflow('wordcount', [{ id: 'count_words-0', functionName: 'count_words', upstream: [] }]);
    const keys = runKeys('prewarm-run');
    const client = new Redis(redis.url);
    await storeRunConfig(client, keys, {
      runId: 'prewarm-run',
      workflow,
      plan: flexiblePlan(workflow, 'wukong', MEDIAN, resources(1024)),
      startEpochMs: Date.now(),
      platform: 'test',
    });
    const previous = process.env.OCTOPLAN_REDIS_URL;
    process.env.OCTOPLAN_REDIS_URL = redis.url;
    try {
      const handler = createHandler();
      const outcome = await handler(
        invocation({ runId: 'prewarm-run', instanceId: 'prewarm-1', taskIds: [], preWarm: true, resources: resources(1024) }),
        undefined as never,
        () => {},
      );
      expect(outcome).toEqual({ instanceId: 'prewarm-1', tasksExecuted: 0 });
    } finally {
      if (previous === undefined) delete process.env.OCTOPLAN_REDIS_URL;
      else process.env.OCTOPLAN_REDIS_URL = previous;
    }
    const records = (await client.lrange(keys.traceList, 0, -1)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([expect.objectContaining({ type: 'worker', workerId: 'prewarm-1', purpose: 'pre-warm', start: 'cold' })]);
    expect(await client.get(keys.workersDone)).toBe('1');
    await client.del(...(await scanKeys(client, keys.all)));
    client.disconnect();
  });
});

/**
 * A minimal Lambda Invoke endpoint for this test: accepts `Event` invocations (202) and runs each in a new Node
 * process through the exported handler, so workers share nothing but Redis and invoke each other through the AWS SDK.
 */
function invokeEndpoint(redisUrl: string, failures: string[], children: Set<Promise<void>>, requests: string[]): Server {
  const script = fileURLToPath(new URL('./fixtures/run-handler.ts', import.meta.url));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/(octoplan-worker-\d+)\/invocations/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match || req.headers['x-amz-invocation-type'] !== 'Event') {
        failures.push(`unexpected request ${req.method} ${req.url} ${String(req.headers['x-amz-invocation-type'])}`);
        res.writeHead(400).end();
        return;
      }
      requests.push(match[1]!);
      res.writeHead(202).end();
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, OCTOPLAN_REDIS_URL: redisUrl, OCTOPLAN_LAMBDA_ENDPOINT: `http://127.0.0.1:${port}` },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdin!.end(Buffer.concat(chunks));
      const done = new Promise<void>((resolve) =>
        child.on('exit', (code) => {
          if (code !== 0) failures.push(`${match[1]} exited ${code}: ${stderr}`);
          resolve();
        }),
      );
      children.add(done);
    });
  });
  return server;
}

/** How many workers the client starts itself; the others are started by workers. */
function initialWorkers(workflow: Workflow, plan: Plan): number {
  return initialInvocations(createSchedulerContext(workflow, plan)).length;
}

describe('workers in separate processes invoked through the AWS SDK', () => {
  it('run a 2×2-block gemm to the direct result, the first worker invoking the second', { timeout: 60_000 }, async () => {
    const failures: string[] = [];
    const children = new Set<Promise<void>>();
    const requests: string[] = [];
    const server = invokeEndpoint(redis.url, failures, children, requests);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const invoker = new AwsLambdaInvoker({ endpoint });
    try {
      // Two processes (each takes 1–2 s to start under tsx on this loaded machine): the client starts the worker of
      // the four products, which invokes the aggregate's worker (another function: other memory) through the SDK.
      const instance = buildRuntimeWorkload('gemm', 2, { blocks: 2 });
      const tasks = new Map<string, TaskPlan>();
      for (const id of instance.workflow.tasks.keys()) {
        const multiply = id.startsWith('multiply');
        tasks.set(id, { workerId: multiply ? 'products' : 'aggregate', resources: resources(multiply ? 2048 : 1024), optimizations: [] });
      }
      const plan: Plan = { workflow: 'gemm', planner: 'two-workers', sla: MEDIAN, tasks };
      // No Redis URL in the events: the worker processes find Redis through OCTOPLAN_REDIS_URL alone.
      const result = await runWorkflow({
        redisUrl: redis.url,
        workerRedisUrl: null,
        invoker,
        workflow: instance.workflow,
        plan,
        staticInputs: instance.staticInputs,
        timeoutMs: 50_000,
      });
      for (const [sink, bytes] of evaluateDirectly(instance.workflow, instance.staticInputs)) expect(result.finalOutputs.get(sink)?.equals(bytes)).toBe(true);
      expect(result.leftoverKeysAfterCleanup).toEqual([]);
      expect(result.leftoverIntermediateKeys).toEqual([]);
      expect(result.invalidRecords).toEqual([]);
      expect(result.records[0]).toMatchObject({ platform: `lambda:${endpoint}` });
      await Promise.all([...children]);
      expect(failures).toEqual([]);
      expect(children.size).toBe(result.workersLaunched);
      expect(initialWorkers(instance.workflow, plan)).toBe(1);
      expect(result.workersLaunched).toBe(2);
      expect(requests.sort()).toEqual(['octoplan-worker-1024', 'octoplan-worker-2048']);
    } finally {
      invoker.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
