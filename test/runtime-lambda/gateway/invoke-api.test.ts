/**
 * The gateway through the unmodified AWS SDK client: RequestResponse payloads and context, Event (202, the handler
 * runs), DryRun, API errors, warm reuse within the keep-alive window and cold starts after it, and the concurrency
 * limit (429 for RequestResponse, queueing for Event).
 */
import { InvalidRequestContentException, InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaGateway } from '../../../runtime-lambda/gateway/gateway.js';
import { clientFor, collectNotes, fixture, invokeJson, isAlive, sleep } from './helpers.js';

interface EchoBody {
  event: unknown;
  pid: number;
  greeting?: string;
  heapLimitMb: number;
  context: Record<string, unknown>;
}

describe('Invoke API through LambdaClient', () => {
  let gateway: LambdaGateway;
  let client: LambdaClient;

  beforeAll(async () => {
    gateway = await LambdaGateway.start({ keepAliveMs: 60_000, log: collectNotes().log });
    client = clientFor(gateway);
    await gateway.register({ name: 'echo', handlerModule: fixture('echo.ts'), memoryMb: 256, timeoutMs: 5000, env: { GREETING: 'hello' } });
    await gateway.register({ name: 'echo-plain', handlerModule: fixture('echo-plain.mjs'), memoryMb: 128, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('returns the handler result for RequestResponse, with a Lambda-like context and environment', async () => {
    const { out, body } = await invokeJson<EchoBody>(client, { FunctionName: 'echo', Payload: JSON.stringify({ n: 1, s: 'x' }) });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(body.event).toEqual({ n: 1, s: 'x' });
    expect(body.greeting).toBe('hello');
    expect(body.context).toMatchObject({
      functionName: 'echo',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: gateway.functionArn('echo'),
    });
    expect(body.context.remainingMs).toBeGreaterThan(4000);
    expect(body.context.remainingMs).toBeLessThanOrEqual(5000);
    // Lambda's Node bootstrap: old space = memory - memory/10; V8 adds the young generation on top.
    expect(body.heapLimitMb).toBeGreaterThanOrEqual(230);
    expect(body.heapLimitMb).toBeLessThan(320);
    const record = gateway.invocations.find((r) => r.requestId === body.context.awsRequestId);
    expect(record).toMatchObject({ functionName: 'echo', outcome: 'success', attempt: 1, invocationType: 'RequestResponse' });
  });

  it('passes the client context of the Invoke call to the handler', async () => {
    const custom = { custom: { traceTo: 'here' } };
    const { body } = await invokeJson<EchoBody>(client, {
      FunctionName: 'echo',
      Payload: '{}',
      ClientContext: Buffer.from(JSON.stringify(custom)).toString('base64'),
    });
    expect(body.context.clientContext).toEqual(custom);
  });

  it('accepts a function ARN and returns the Tail log with a REPORT line', async () => {
    const { out, body } = await invokeJson<{ event: unknown }>(client, {
      FunctionName: gateway.functionArn('echo-plain'),
      Payload: JSON.stringify({ tail: true }),
      LogType: 'Tail',
    });
    expect(body.event).toEqual({ tail: true });
    const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toContain('echo-plain got {"tail":true}');
    expect(log).toMatch(/REPORT RequestId: [0-9a-f-]+\tDuration: [\d.]+ ms\tMemory Size: 128 MB/);
  });

  it('answers Event with 202 and runs the handler; DryRun with 204', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'echo-plain', InvocationType: 'Event', Payload: JSON.stringify({ async: 1 }) }),
    );
    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.length ?? 0).toBe(0);
    await gateway.drain();
    const record = gateway.invocations.findLast((r) => r.invocationType === 'Event');
    expect(record).toMatchObject({ functionName: 'echo-plain', outcome: 'success', attempt: 1 });
    const dry = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
  });

  it('rejects an unknown function with ResourceNotFoundException and bad JSON with InvalidRequestContentException', async () => {
    const missing = invokeJson(client, { FunctionName: 'no-such-function', Payload: '{}' });
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toThrow(/Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function/);
    await expect(invokeJson(client, { FunctionName: 'echo', Qualifier: '7', Payload: '{}' })).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(invokeJson(client, { FunctionName: 'echo', Payload: Buffer.from('{not json') })).rejects.toBeInstanceOf(InvalidRequestContentException);
  });

  it('reuses an idle instance within the keep-alive window and cold-starts after it', async () => {
    const short = await LambdaGateway.start({ keepAliveMs: 400, log: collectNotes().log });
    try {
      await short.register({ name: 'echo', handlerModule: fixture('echo-plain.mjs'), memoryMb: 128, timeoutMs: 5000 });
      const c = clientFor(short);
      const first = await invokeJson<{ pid: number }>(c, { FunctionName: 'echo', Payload: '{"i":1}' });
      const second = await invokeJson<{ pid: number }>(c, { FunctionName: 'echo', Payload: '{"i":2}' });
      const third = await invokeJson<{ pid: number }>(c, { FunctionName: 'echo', Payload: '{"i":3}' });
      expect(second.body.pid).toBe(first.body.pid);
      expect(third.body.pid).toBe(first.body.pid);
      expect(short.invocations.map((r) => r.cold)).toEqual([true, false, false]);
      const [cold, warm] = short.invocations;
      expect(cold!.startupMs).toBeGreaterThan(20);
      expect(warm!.startupMs).toBe(0);
      expect(warm!.instanceId).toBe(cold!.instanceId);
      await sleep(900);
      expect(short.instanceCount('echo')).toBe(0);
      expect(isAlive(first.body.pid)).toBe(false);
      const later = await invokeJson<{ pid: number }>(c, { FunctionName: 'echo', Payload: '{"i":4}' });
      expect(later.body.pid).not.toBe(first.body.pid);
      expect(short.invocations.at(-1)).toMatchObject({ cold: true, outcome: 'success' });
    } finally {
      await short.close();
    }
  });

  it('throttles RequestResponse above the concurrency limit and queues Event invocations', async () => {
    const limited = await LambdaGateway.start({ concurrencyLimit: 2, log: collectNotes().log });
    try {
      await limited.register({ name: 'sleep', handlerModule: fixture('sleep.ts'), memoryMb: 128, timeoutMs: 10_000 });
      const c = clientFor(limited);
      const calls = [0, 1, 2].map((i) => invokeJson(c, { FunctionName: 'sleep', Payload: JSON.stringify({ ms: 600 + i }) }).then(
        () => 'ok',
        (error: unknown) => error,
      ));
      const results = await Promise.all(calls);
      const throttled = results.filter((r) => r instanceof TooManyRequestsException);
      expect(results.filter((r) => r === 'ok')).toHaveLength(2);
      expect(throttled).toHaveLength(1);
      expect(limited.invocations.filter((r) => r.outcome === 'throttled')).toHaveLength(1);

      const before = limited.invocations.length;
      const accepted = await Promise.all(
        [0, 1, 2, 3].map((i) => c.send(new InvokeCommand({ FunctionName: 'sleep', InvocationType: 'Event', Payload: JSON.stringify({ ms: 300 + i }) }))),
      );
      expect(accepted.map((a) => a.StatusCode)).toEqual([202, 202, 202, 202]);
      await limited.drain();
      const events = limited.invocations.slice(before);
      expect(events.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'success']);
      // Never more than two holding a slot at once: at each dispatch, count the others still holding one.
      for (const r of events) {
        const holding = events.filter((o) => o !== r && o.dispatchedAtMs <= r.dispatchedAtMs && o.endedAtMs > r.dispatchedAtMs);
        expect(holding.length).toBeLessThanOrEqual(1);
      }
      // Two of them waited in the async queue for a slot, about one 300 ms sleep.
      const waited = events.filter((r) => r.dispatchedAtMs - r.invokedAtMs > 250);
      expect(waited).toHaveLength(2);
      expect(limited.instanceCount('sleep')).toBeLessThanOrEqual(2);
    } finally {
      await limited.close();
    }
  });

  it('lets a handler invoke another function with a default LambdaClient (AWS_ENDPOINT_URL_LAMBDA)', async () => {
    await gateway.register({ name: 'chain', handlerModule: fixture('chain.ts'), memoryMb: 512, timeoutMs: 10_000 });
    const { body } = await invokeJson<{ statusCode: number; payload: { event: unknown } }>(client, {
      FunctionName: 'chain',
      Payload: JSON.stringify({ target: 'echo-plain', payload: { from: 'chain' } }),
    });
    expect(body.statusCode).toBe(200);
    expect(body.payload.event).toEqual({ from: 'chain' });
  });
});

