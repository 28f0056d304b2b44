import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** How to get a `redis-server` binary on the Debian machines this project runs on. */
export const REDIS_INSTALL_HINT = 'install it with `apt-get update && apt-get install -y redis-server` (Debian/Ubuntu)';

/** A `redis-server` this process started: its URL and how to stop it (and remove its directory). */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Error raised when `redis-server` cannot be found or started; the message says what to do. */
export class RedisServerError extends Error {
  override readonly name = 'RedisServerError';
}

/**
 * The path of the `redis-server` binary: `$OCTOPLAN_REDIS_SERVER`, else the first `redis-server` on PATH, else
 * undefined.
 */
export function findRedisServer(): string | undefined {
  const configured = process.env.OCTOPLAN_REDIS_SERVER;
  if (configured) return configured;
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** A TCP port that is free on 127.0.0.1 right now (the kernel picks it). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts a private `redis-server` on a free loopback port with persistence off (`--save '' --appendonly no`) in its
 * own temporary directory, and waits until it answers PING. Never the machine's shared server on 6379: runs and
 * tests must not see each other's keys. Throws `RedisServerError` naming the binary, the port and redis' own output.
 */
export async function startLocalRedis(options: { binary?: string; startTimeoutMs?: number } = {}): Promise<LocalRedis> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) throw new RedisServerError(`redis-server not found on PATH; ${REDIS_INSTALL_HINT}`);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  // Another process can take the port between our probe and redis' bind; a couple of attempts make that harmless.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freeLoopbackPort();
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-redis-'));
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForPing(child, port, startTimeoutMs, () => output);
      const url = `redis://127.0.0.1:${port}`;
      return { url, port, stop: () => stopServer(child, dir) };
    } catch (e) {
      lastError = e;
      await stopServer(child, dir);
    }
  }
  throw lastError;
}

async function waitForPing(child: ChildProcess, port: number, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new RedisServerError(`redis-server on port ${port} exited with code ${exited}: ${output().trim().slice(-500)}`);
    }
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new RedisServerError(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms: ${output().trim().slice(-500)}`);
}

async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    // SIGTERM makes redis exit cleanly (no save, persistence is off); a stuck one is killed after a grace period.
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dir, { recursive: true, force: true });
}
