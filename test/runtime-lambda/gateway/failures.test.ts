/**
 * Failures reported as Lambda reports them: a handled error (instance kept), a crash (Runtime.ExitError, instance
 * discarded), Event retries of a crashed invocation that succeed on the second attempt, the retry limit, timeout,
 * the heap limit of the memory setting, and INIT failures.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaGateway } from '../../../runtime-lambda/gateway/gateway.js';
import type { LambdaErrorPayload } from '../../../runtime-lambda/gateway/types.js';
import { clientFor, collectNotes, fixture, invokeJson } from './helpers.js';

describe('function errors, crashes, retries, timeouts and limits', () => {
  let gateway: LambdaGateway;
  let client: LambdaClient;
  let scratch: string;
  const retryDelaysMs = [150, 300];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gateway-failures-'));
    // No CPU quota here: these tests are about failure reporting, and at 128 MB (0.07 vCPU) the allocation test
    // alone would take tens of seconds; resources.test.ts covers the quota.
    gateway = await LambdaGateway.start({ asyncRetryDelaysMs: retryDelaysMs, cpuCgroups: false, log: collectNotes().log });
    client = clientFor(gateway);
    await Promise.all([
      gateway.register({ name: 'throw', handlerModule: fixture('throw.ts'), memoryMb: 128, timeoutMs: 5000 }),
      gateway.register({ name: 'crash', handlerModule: fixture('crash.ts'), memoryMb: 128, timeoutMs: 5000 }),
      gateway.register({ name: 'crash-no-retry', handlerModule: fixture('crash.ts'), memoryMb: 128, timeoutMs: 5000, maxRetryAttempts: 0 }),
      gateway.register({ name: 'crash-once', handlerModule: fixture('crash-once.ts'), memoryMb: 128, timeoutMs: 5000 }),
      gateway.register({ name: 'sleep', handlerModule: fixture('sleep.ts'), memoryMb: 128, timeoutMs: 300 }),
      gateway.register({ name: 'alloc-128', handlerModule: fixture('alloc.ts'), memoryMb: 128, timeoutMs: 20_000 }),
      gateway.register({ name: 'alloc-256', handlerModule: fixture('alloc.ts'), memoryMb: 256, timeoutMs: 20_000 }),
      gateway.register({ name: 'init-throws', handlerModule: fixture('init-throws.ts'), memoryMb: 128, timeoutMs: 5000 }),
      gateway.register({ name: 'no-export', handlerModule: fixture('echo-plain.mjs'), handlerExport: 'missing', memoryMb: 128, timeoutMs: 5000 }),
    ]);
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('returns a thrown error as a function error and keeps the instance', async () => {
    const first = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'throw', Payload: JSON.stringify({ reason: 'no rows' }) });
    expect(first.out.StatusCode).toBe(200);
    expect(first.out.FunctionError).toBe('Unhandled');
    expect(first.body.errorType).toBe('ValidationFailed');
    expect(first.body.errorMessage).toBe('no rows');
    expect(first.body.trace[0]).toContain('ValidationFailed: no rows');
    await invokeJson(client, { FunctionName: 'throw', Payload: '{}' });
    const records = gateway.invocations.filter((r) => r.functionName === 'throw');
    expect(records.map((r) => [r.outcome, r.cold])).toEqual([
      ['error', true],
      ['error', false],
    ]);
    expect(records[1]!.instanceId).toBe(records[0]!.instanceId);
  });

  it('reports a crashed instance as Runtime.ExitError and discards it', async () => {
    const { out, body } = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'crash', Payload: '{}' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(body.errorType).toBe('Runtime.ExitError');
    expect(body.errorMessage).toMatch(/^RequestId: [0-9a-f-]+ Error: Runtime exited with error: signal: killed$/);
    const record = gateway.invocations.findLast((r) => r.functionName === 'crash');
    expect(record).toMatchObject({ outcome: 'crash', errorType: 'Runtime.ExitError', willRetry: false });
    expect(gateway.instanceCount('crash')).toBe(0);
  });

  it('retries a crashed Event invocation, which succeeds on the second attempt', async () => {
    const marker = join(scratch, 'crash-once.marker');
    const doneFile = join(scratch, 'crash-once.done');
    const out = await client.send(new InvokeCommand({ FunctionName: 'crash-once', InvocationType: 'Event', Payload: JSON.stringify({ marker, doneFile }) }));
    expect(out.StatusCode).toBe(202);
    await gateway.drain();
    const records = gateway.invocations.filter((r) => r.functionName === 'crash-once');
    expect(records.map((r) => [r.attempt, r.outcome, r.willRetry])).toEqual([
      [1, 'crash', true],
      [2, 'success', false],
    ]);
    expect(records[1]!.requestId).toBe(records[0]!.requestId);
    expect(records[1]!.instanceId).not.toBe(records[0]!.instanceId);
    expect(records[1]!.cold).toBe(true);
    // The retry waited for the first configured delay after the crash.
    expect(records[1]!.invokedAtMs - records[0]!.endedAtMs).toBeGreaterThanOrEqual(retryDelaysMs[0]! - 5);
    expect(existsSync(marker)).toBe(true);
    expect(readFileSync(doneFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('gives up after two retries, or none when maxRetryAttempts is 0', async () => {
    await client.send(new InvokeCommand({ FunctionName: 'crash', InvocationType: 'Event', Payload: '{}' }));
    await client.send(new InvokeCommand({ FunctionName: 'crash-no-retry', InvocationType: 'Event', Payload: '{}' }));
    await gateway.drain();
    const crash = gateway.invocations.filter((r) => r.functionName === 'crash' && r.invocationType === 'Event');
    expect(crash.map((r) => [r.attempt, r.outcome, r.willRetry])).toEqual([
      [1, 'crash', true],
      [2, 'crash', true],
      [3, 'crash', false],
    ]);
    expect(crash[2]!.invokedAtMs - crash[1]!.endedAtMs).toBeGreaterThanOrEqual(retryDelaysMs[1]! - 5);
    const noRetry = gateway.invocations.filter((r) => r.functionName === 'crash-no-retry');
    expect(noRetry.map((r) => [r.attempt, r.outcome, r.willRetry])).toEqual([[1, 'crash', false]]);
  });

  it('kills an instance that runs past its timeout and reports Task timed out', async () => {
    const startedMs = performance.now();
    const { out, body } = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'sleep', Payload: JSON.stringify({ ms: 5000 }) });
    expect(performance.now() - startedMs).toBeLessThan(3000);
    expect(out.FunctionError).toBe('Unhandled');
    expect(body.errorType).toBe('Sandbox.Timedout');
    expect(body.errorMessage).toMatch(/Task timed out after 0\.30 seconds$/);
    const record = gateway.invocations.findLast((r) => r.functionName === 'sleep')!;
    expect(record.outcome).toBe('timeout');
    expect(record.endedAtMs - record.startedAtMs).toBeGreaterThanOrEqual(295);
    await gateway.drain();
    expect(gateway.instanceCount('sleep')).toBe(0);
  });

  it('enforces the heap limit of the memory setting', async () => {
    // 135 MB of live arrays: over the 115 MB old space of a 128 MB function, within the 231 MB of a 256 MB one.
    const small = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'alloc-128', Payload: JSON.stringify({ mb: 135 }) });
    expect(small.out.FunctionError).toBe('Unhandled');
    expect(small.body.errorType).toBe('Runtime.OutOfMemory');
    expect(small.body.errorMessage).toContain('Runtime exited with error');
    expect(gateway.invocations.findLast((r) => r.functionName === 'alloc-128')).toMatchObject({ outcome: 'crash', errorType: 'Runtime.OutOfMemory' });
    const large = await invokeJson<{ arrays: number; heapLimitMb: number }>(client, { FunctionName: 'alloc-256', Payload: JSON.stringify({ mb: 135 }) });
    expect(large.out.FunctionError).toBeUndefined();
    expect(large.body.arrays).toBe(135);
    expect(large.body.heapLimitMb).toBeGreaterThanOrEqual(231);
    expect(large.body.heapLimitMb).toBeLessThan(300);
  });

  it('reports INIT failures: a module that throws at import and a missing handler export', async () => {
    const thrown = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'init-throws', Payload: '{}' });
    expect(thrown.out.FunctionError).toBe('Unhandled');
    expect(thrown.body.errorType).toBe('Runtime.ImportModuleError');
    expect(thrown.body.errorMessage).toBe('configuration missing at import');
    const missing = await invokeJson<LambdaErrorPayload>(client, { FunctionName: 'no-export', Payload: '{}' });
    expect(missing.body.errorType).toBe('Runtime.HandlerNotFound');
    expect(missing.body.errorMessage).toContain('does not export a function named missing');
    expect(gateway.invocations.filter((r) => r.functionName === 'init-throws' || r.functionName === 'no-export').map((r) => r.outcome)).toEqual([
      'init-error',
      'init-error',
    ]);
  });

  it('names the function at fault when a registration is invalid', async () => {
    await expect(gateway.register({ name: 'bad-mem', handlerModule: fixture('echo.ts'), memoryMb: 64, timeoutMs: 1000 })).rejects.toThrow(
      /function bad-mem: memoryMb must be an integer in 128–10240, got 64/,
    );
    await expect(gateway.register({ name: 'bad-path', handlerModule: 'fixtures/echo.ts', memoryMb: 128, timeoutMs: 1000 })).rejects.toThrow(
      /function bad-path: handlerModule must be an absolute path/,
    );
    await expect(gateway.register({ name: 'throw', handlerModule: fixture('throw.ts'), memoryMb: 128, timeoutMs: 1000 })).rejects.toThrow(
      /function throw is already registered/,
    );
    await expect(gateway.register({ name: 'broken', handlerModule: join(scratch, 'missing.ts'), memoryMb: 128, timeoutMs: 1000 })).rejects.toThrow(
      /function broken: handlerModule .* does not exist/,
    );
  });
});
