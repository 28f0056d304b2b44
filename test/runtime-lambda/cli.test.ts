import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResults } from '../../core/compare-results.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { readTraces } from '../../traces/trace-io.js';
import { startTestRedis } from '../support/redis-server.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** Runs `bench …` through tsx as `npm run bench` does; never throws, returns the exit code and output. */
async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'experiments/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

let redis: { url: string; stop: () => Promise<void> };
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'octoplan-run-cli-'));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench run --runtime local', () => {
  it('runs gemm for real and prints the summary as JSON, writing the run trace', { timeout: 60_000 }, async () => {
    const trace = join(dir, 'run.jsonl');
    const out = await bench('run', '--runtime', 'local', '--workload', 'gemm', '--planner', 'uniform', '--redis', redis.url, '--seed', '3', '--trace-out', trace, '--json');
    // Nothing on stderr but the one-line summary every command ends with.
    expect(out.stderr).toMatch(/^bench run: 1 real run of gemm \(5 tasks, \d+ trace records\) in [\d.]+ s\n$/);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout) as { status: string; makespanMs: number; workersLaunched: number; criticalPath: string[] };
    expect(summary.status).toBe('completed');
    expect(summary.makespanMs).toBeGreaterThan(0);
    expect(summary.criticalPath.at(-1)).toBe('aggregate_results-0');
    const read = await readTraces(trace);
    expect(read.errors).toEqual([]);
    const [run] = groupRuns(read.records).runs;
    expect(run?.header).toMatchObject({ workflow: 'gemm', planner: 'uniform' });
    expect(run?.workers).toHaveLength(summary.workersLaunched);
    expect(run?.end?.makespanMs).toBe(summary.makespanMs);
  });

  it('--sla reaches the real run: the plan is made for it and the run header records it', { timeout: 60_000 }, async () => {
    const trace = join(dir, 'run-p90.jsonl');
    const out = await bench('run', '--workload', 'tree_reduction', '--planner', 'uniform', '--sla', 'p90', '--redis', redis.url, '--trace-out', trace);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/plan 'uniform' for SLA p90/);
    const [run] = groupRuns((await readTraces(trace)).records).runs;
    expect(run?.header).toMatchObject({ workflow: 'tree_reduction', planner: 'uniform', sla: 'p90' });
    const many = await bench('run', '--workload', 'tree_reduction', '--sla', 'median,p90');
    expect(many.code).not.toBe(0);
    expect(many.stderr).toMatch(/--sla: one run is planned for one SLA, got 2/);
  });

  it('refuses another runtime with a one-line message', async () => {
    const out = await bench('run', '--runtime', 'aws');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/--runtime|Choices/);
  });
});

describe('bench traces collect --runtime local', () => {
  it('fills a trace directory with real runs that bench traces validate accepts', { timeout: 60_000 }, async () => {
    const out = await bench('traces', 'collect', '--runtime', 'local', '--runs', '1', '--workloads', 'wordcount', '--planners', 'wukong,uniform', '--redis', redis.url, '--out', join(dir, 'traces'));
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/wordcount\.jsonl: 2 real run\(s\)/);
    const validated = await bench('traces', 'validate', join(dir, 'traces'));
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/2 run\(s\)/);
    const text = await readFile(join(dir, 'traces', 'wordcount.jsonl'), 'utf8');
    const runs = groupRuns(text.trim().split('\n').map((line) => JSON.parse(line))).runs;
    expect(runs.map((r) => r.header.planner).sort()).toEqual(['uniform', 'wukong']);
    expect(runs.every((r) => r.end?.status === 'completed' && r.tasks.length === 8)).toBe(true);
  });

  it('bench compare --truth replay grades plans against a collected real run the planners never saw', { timeout: 60_000 }, async () => {
    const history = join(dir, 'traces');
    const out = await bench('compare', '--truth', 'replay', '--history', history, '--workloads', 'wordcount', '--planners', 'wukong,uniform', '--optimizations', 'none', '--runs', '2', '--json');
    expect(out.stderr).toMatch(/^bench compare: \d+ cell\(s\): [^\n]*\n$/);
    expect(out.code).toBe(0);
    const results = JSON.parse(out.stdout) as CompareResults;
    const truth = results.truth.wordcount!;
    // Two real runs: one held out for replay, one to learn from; the DAG's parameters come from the runs' headers.
    expect(truth).toMatchObject({ kind: 'replay', selfEvaluation: false, inSample: false, workloadParams: { chunks: 4 } });
    expect(truth.replayRunIds).toHaveLength(1);
    expect(truth.trainingRunIds).toHaveLength(1);
    expect(truth.trainingRunIds).not.toContain(truth.replayRunIds[0]);
    expect(results.runs.every((r) => r.status === 'completed' && r.truthRun === truth.replayRunIds[0])).toBe(true);
    expect(results.runs.every((r) => r.makespanMs >= r.lowerBoundMakespanMs!)).toBe(true);

    const [picked, missing] = await Promise.all([
      bench('compare', '--replay-run', truth.trainingRunIds[0]!, '--history', history, '--workloads', 'wordcount', '--planners', 'uniform', '--optimizations', 'none', '--runs', '1', '--json'),
      bench('compare', '--replay-run', 'no-such-run', '--history', history, '--workloads', 'wordcount', '--runs', '1'),
    ]);
    expect(picked.code).toBe(0);
    expect((JSON.parse(picked.stdout) as CompareResults).truth.wordcount!.replayRunIds).toEqual(truth.trainingRunIds);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--replay-run 'no-such-run': workload 'wordcount' has no such run; its runs: wordcount-/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
