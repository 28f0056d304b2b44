import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../runtime-lambda/redis/local-server.js';
import { CELL_QUEUE, cellJobId, KEY_PREFIX } from '../../experiments/cells/queue/queue-connection.js';
import { failureMessage } from '../../experiments/cells/queue/queue-failure.js';
import { encodeValue } from '../../experiments/cells/queue/value-codec.js';
import { compareCells } from '../../experiments/compare/compare-cell.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { toolkitStamp } from '../../experiments/cells/toolkit-stamp.js';
import { BENCH, bench } from '../cli/run-bench.js';
import { startTestRedis } from '../support/redis-server.js';

// A real redis-server on a free port (never a mock, never the machine's own on 6379), real `bench worker` processes
// and a real client, as a user on several machines would run them.
const SWEEP_ARGS = ['compare', '--workloads', 'text_analysis,image_transformer,gemm', '--runs', '3', '--no-progress'];
const CELLS = 3 * 6;

interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it printed on stderr so far. */
  log(): string;
  /** Cells it reported done. */
  done(): number;
}

const workers: WorkerProcess[] = [];
let redis: { url: string; stop: () => Promise<void> };
let dir: string;
let localJson: string;

function startWorker(url: string): WorkerProcess {
  const child = spawn(process.execPath, [BENCH, 'worker', '--queue', url, '--jobs', '1', '--lock-ms', '1500'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const worker = { child, log: () => text, done: () => (text.match(/\) done in /g) ?? []).length };
  workers.push(worker);
  return worker;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const startMs = Date.now();
  while (!(await condition())) {
    if (Date.now() - startMs > timeoutMs) throw new Error(`timed out waiting for ${what}; the workers said:\n${workers.map((w) => w.log()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((r) => worker.child.once('exit', r));
  worker.child.kill('SIGTERM');
  await exited;
}

/** The results without `timing`, the wall-clock part that differs between any two runs. */
function withoutTimingText(path: string): string {
  const { timing: _timing, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** The client's run in the background, with its exit code and stderr. */
function startClient(args: readonly string[]): {
  child: ChildProcess;
  stderr: () => string;
  result: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, stderr: () => stderr, result };
}

describe('bench compare --queue with bench worker', () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'octoplan-sweep-'));
    const local = await bench([...SWEEP_ARGS, '--jobs', '1', '--json-out', join(dir, 'local.json')]);
    expect(local.code).toBe(0);
    localJson = withoutTimingText(join(dir, 'local.json'));
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two workers, one SIGKILLed mid-sweep: the sweep completes with every cell once, its JSON the local run\'s byte for byte', async () => {
    const a = startWorker(redis.url);
    const b = startWorker(redis.url);
    const client = startClient([...SWEEP_ARGS, '--queue', redis.url, '--sweep', 'killed', '--json-out', join(dir, 'killed.json')]);
    // Killed right after its first cell: it has taken the next one already (BullMQ fetches on completion).
    await until('worker A to finish a cell', () => a.done() >= 1);
    a.child.kill('SIGKILL');
    const { code, stderr } = await client.result;
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    expect(withoutTimingText(join(dir, 'killed.json'))).toBe(localJson);

    const queue = new Queue(CELL_QUEUE, { connection: { url: redis.url }, prefix: KEY_PREFIX });
    try {
      const jobs = await Promise.all(Array.from({ length: CELLS }, (_v, i) => queue.getJob(cellJobId('killed', i))));
      // Every cell completed once; the one A held when it died went back to the queue and was run by B.
      expect(jobs.map((j) => j && j.finishedOn !== undefined)).toEqual(Array(CELLS).fill(true));
      // Retried: stalled once (its lock lapsed) and started again by B.
      const retried = jobs.filter((j) => j!.stalledCounter > 0 || j!.attemptsStarted > 1);
      expect(retried.map((j) => `${j!.id}: stalled ${j!.stalledCounter}, started ${j!.attemptsStarted}`)).toHaveLength(1);
      // A logs a cell done just before BullMQ records it: killed in between, that cell is run again by B (its result
      // still taken once). So the logs count every cell once, or that one twice.
      expect(b.done()).toBeGreaterThanOrEqual(CELLS - a.done());
      expect(a.done() + b.done()).toBeLessThanOrEqual(CELLS + 1);
    } finally {
      await queue.close();
    }
    await stopWorker(b);
  }, 300_000);

  it('Ctrl-C on the client leaves the sweep resumable; the resumed sweep re-runs nothing that was done', async () => {
    const client = startClient([...SWEEP_ARGS, '--queue', redis.url, '--sweep', 'resumed', '--json-out', join(dir, 'resumed.json')]);
    await until('the sweep to be enqueued', () => client.stderr().includes('enqueued'));
    const worker = startWorker(redis.url);
    await until('a few cells done', () => worker.done() >= 3);
    client.child.kill('SIGINT');
    const interrupted = await client.result;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted; sweep resumed stays on .* resume with --resume resumed/);
    // The worker goes on with the queued cells meanwhile; the resume collects them and those still to come.
    const resumed = await bench([...SWEEP_ARGS, '--queue', redis.url, '--resume', 'resumed', '--json-out', join(dir, 'resumed.json')]);
    expect(resumed.code).toBe(0);
    const before = Number(/(\d+) done before/.exec(resumed.stderr)?.[1]);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(resumed.stderr).toMatch(/, 0 enqueued/);
    expect(withoutTimingText(join(dir, 'resumed.json'))).toBe(localJson);
    expect(worker.done()).toBe(CELLS);

    // Once more after the end: everything is collected, nothing runs again.
    const again = await bench([...SWEEP_ARGS, '--queue', redis.url, '--resume', 'resumed', '--json-out', join(dir, 'again.json')]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${CELLS} done before, 0 enqueued`));
    expect(worker.done()).toBe(CELLS);
    expect(withoutTimingText(join(dir, 'again.json'))).toBe(localJson);
    await stopWorker(worker);
  }, 300_000);

  it('a cell made by another toolkit is refused with one line; a resume with other cells is refused', async () => {
    const worker = startWorker(redis.url);
    const { matrix } = await buildCompareMatrix({ workloads: ['gemm'], planners: ['wukong'], optimizations: ['none'], runs: 1 });
    const [cell] = compareCells(matrix);
    const other = { ...toolkitStamp(), code: '0000000000000000' };
    const queue = new Queue(CELL_QUEUE, { connection: { url: redis.url }, prefix: KEY_PREFIX });
    try {
      const job = await queue.add('compare', { payload: encodeValue({ toolkit: other, cell }) }, { jobId: 'foreign.0' });
      await until('the refusal', async () => (await job.getState()) === 'failed');
      const failed = (await queue.getJob('foreign.0'))!;
      const line = failureMessage(failed.failedReason);
      expect(line).toMatch(/^toolkit mismatch: the cell was made by octoplan \S+ \(code 0000000000000000\), this worker runs octoplan \S+ \(code [0-9a-f]{16}\); .* \(worker /);
      expect(line).not.toContain('\n');
      expect(failed.attemptsStarted).toBe(1);
      await until('the worker to log it', () => worker.log().includes('refused cell foreign.0'));
    } finally {
      await queue.close();
    }
    await stopWorker(worker);

    const clash = await bench(['compare', '--workloads', 'gemm', '--runs', '1', '--queue', redis.url, '--resume', 'resumed', '--no-progress']);
    expect(clash.code).toBe(1);
    expect(clash.stderr.trim().split('\n')).toHaveLength(1);
    expect(clash.stderr).toMatch(/sweep 'resumed' on redis:\/\/.* holds other cells/);
  }, 120_000);

  it('an unreachable Redis is one line, for the client and for a worker', async () => {
    const url = `redis://127.0.0.1:${await freeLoopbackPort()}`;
    for (const args of [['compare', '--workloads', 'gemm', '--queue', url, '--no-progress'], ['worker', '--queue', url]]) {
      const result = await bench(args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/)]);
    }
  }, 60_000);
});
