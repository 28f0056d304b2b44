/** Helpers of the gateway tests: fixture paths and an unmodified AWS SDK client pointed at a gateway. */
import { InvokeCommand, LambdaClient, type InvokeCommandInput, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { join } from 'node:path';
import type { LambdaGateway } from '../../../runtime-lambda/gateway/gateway.js';

// The SDK warns once per process that releases after January 2027 need Node 22; the tests run on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Absolute path of a fixture handler module. */
export function fixture(name: string): string {
  return join(import.meta.dirname, 'fixtures', name);
}

/** A `LambdaClient` as a user would build it for a local endpoint: dummy credentials, no SDK retries. */
export function clientFor(gateway: LambdaGateway): LambdaClient {
  return new LambdaClient({
    endpoint: gateway.endpoint,
    region: gateway.region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** Invokes and decodes the JSON payload. */
export async function invokeJson<T = unknown>(
  client: LambdaClient,
  input: InvokeCommandInput,
): Promise<{ out: InvokeCommandOutput; body: T }> {
  const out = await client.send(new InvokeCommand(input));
  const text = out.Payload !== undefined ? Buffer.from(out.Payload).toString('utf8') : '';
  return { out, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Whether a process is still alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves after `ms` ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Quiet gateway logging for tests: notes are collected, not printed. */
export function collectNotes(): { notes: string[]; log: (message: string) => void } {
  const notes: string[] = [];
  return { notes, log: (message) => notes.push(message) };
}
