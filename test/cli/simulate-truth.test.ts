import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunHeader, TaskRecord, TraceRecord } from '../../core/trace-records.js';
import { truthMode } from '../../experiments/cli/commands/simulate.js';
import { UsageError } from '../../experiments/cli/errors.js';
import { RECORDED_RUN_PLANNER } from '../../traces/wfcommons/to-history.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, 'bin', 'bench.js');
const DIAMOND_15 = join(ROOT, 'test', 'fixtures', 'wfformat', 'diamond-1.5.json');

/** Runs `bench` as a user would (through the npm bin script); never throws, returns the exit code. */
async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BENCH, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

async function readRecords(file: string): Promise<TraceRecord[]> {
  return (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as TraceRecord);
}

const headerOf = (records: readonly TraceRecord[]): RunHeader => records.find((r): r is RunHeader => r.type === 'run')!;
const execByTask = (records: readonly TraceRecord[], runId?: string): Map<string, number> =>
  new Map(records.filter((r): r is TaskRecord => r.type === 'task' && (runId === undefined || r.runId === runId)).map((r) => [r.taskId, r.execMs]));

/** stderr without the import's warnings: the lines a user error leaves. */
const errorLines = (stderr: string): string[] =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('warning:'));

interface JsonTruth {
  kind: string;
  truthRun: string | null;
  selfEvaluation: boolean;
  trainingRunIds: string[];
  replayRunIds: string[];
}

describe('truthMode: --truth and the deprecated --durations', () => {
  it('maps every --durations value onto a truth, and defaults to auto', () => {
    expect(truthMode(undefined, undefined)).toEqual({ choice: 'auto', expected: false });
    expect(truthMode('generator', undefined)).toEqual({ choice: 'generator', expected: false });
    const sampled = truthMode(undefined, 'sampled');
    expect(sampled).toMatchObject({ choice: 'predictions', expected: false });
    expect(sampled.note).toMatch(/deprecated.*--truth predictions.*self-evaluation/);
    const replay = truthMode(undefined, 'replay');
    expect(replay).toMatchObject({ choice: 'replay', expected: false });
    expect(replay.note).toMatch(/deprecated.*--truth replay/);
    expect(truthMode(undefined, 'expected')).toEqual({ choice: 'predictions', expected: true });
  });

  it('refuses unknown values and --durations with --truth', () => {
    expect(() => truthMode('bogus', undefined)).toThrow(UsageError);
    expect(() => truthMode(undefined, 'bogus')).toThrow(/--durations: unknown value 'bogus'/);
    expect(() => truthMode('replay', 'sampled')).toThrow(/give either --truth or --durations, not both \(--durations sampled is --truth predictions\)/);
  });
});

describe('bench simulate --truth on an import', () => {
  let dir: string;
  let history: TraceRecord[];
  let recordedId: string;
  let lastSyntheticId: string;
  /** The recorded run's resources as `--resources` reads them: a replay on them is the recorded times unscaled. */
  let recordedResources: string;

  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'octoplan-sim-truth-')), 'diamond');
    const imported = await bench('import', 'wfcommons', DIAMOND_15, '--out', dir, '--runs', '5', '--seed', '2');
    expect(imported.code).toBe(0);
    history = await readRecords(join(dir, 'history.jsonl'));
    const headers = history.filter((r): r is RunHeader => r.type === 'run');
    expect(headers).toHaveLength(5);
    recordedId = headers.find((h) => h.planner === RECORDED_RUN_PLANNER)!.runId;
    lastSyntheticId = headers[headers.length - 1]!.runId;
    expect(lastSyntheticId).not.toBe(recordedId);
    const task = history.find((r): r is TaskRecord => r.type === 'task' && r.runId === recordedId)!;
    recordedResources = `${task.resources.memoryMb}MB/${task.resources.vCpus}vCPU`;
  });

  it('--durations replay replays the recorded run, not the last synthetic one, and says so', async () => {
    const trace = join(dir, 'replay.jsonl');
    const { code, stdout, stderr } = await bench('simulate', '--workflow', dir, '--durations', 'replay', '--resources', recordedResources, '--trace-out', trace);
    expect(code).toBe(0);
    expect(stderr).toMatch(/--durations replay is deprecated; it now means --truth replay/);
    expect(stdout).toContain(`truth replay (${recordedId})`);
    expect(stdout).toMatch(new RegExp(`truth: replay, recorded run ${recordedId}, .*never seen by the planner.*; belief: 4 training run\\(s\\)`));

    const records = await readRecords(trace);
    expect(headerOf(records).params).toMatchObject({ truth: 'replay', truthRun: recordedId, trainingRuns: 4, selfEvaluation: false, inSample: false });
    // On the recorded resources, every task takes exactly its recorded time; the last synthetic run's differ.
    const simulated = execByTask(records);
    const recorded = execByTask(history, recordedId);
    const synthetic = execByTask(history, lastSyntheticId);
    expect(simulated.size).toBe(7);
    for (const [taskId, execMs] of simulated) expect(execMs).toBeCloseTo(recorded.get(taskId)!, 3);
    expect([...simulated].some(([taskId, execMs]) => Math.abs(execMs - synthetic.get(taskId)!) > 1)).toBe(true);
  });

  it('auto replays the recorded run; --replay-run picks another and trains on the rest', async () => {
    const [auto, chosen] = await Promise.all([
      bench('simulate', '--workflow', dir, '--json'),
      bench('simulate', '--workflow', dir, '--replay-run', lastSyntheticId, '--planner', 'uniform', '--json'),
    ]);
    expect(auto.code).toBe(0);
    const autoTruth = (JSON.parse(auto.stdout) as { truth: JsonTruth }).truth;
    expect(autoTruth).toMatchObject({ kind: 'replay', truthRun: recordedId, replayRunIds: [recordedId], selfEvaluation: false });
    expect(autoTruth.trainingRunIds).toHaveLength(4);
    expect(autoTruth.trainingRunIds).not.toContain(recordedId);

    expect(chosen.code).toBe(0);
    const chosenTruth = (JSON.parse(chosen.stdout) as { truth: JsonTruth }).truth;
    expect(chosenTruth).toMatchObject({ kind: 'replay', truthRun: lastSyntheticId });
    expect(chosenTruth.trainingRunIds).toContain(recordedId);
    expect(chosenTruth.trainingRunIds).not.toContain(lastSyntheticId);
  });

  it('bad truth input is one line naming the fix, exit 1, no stack trace', async () => {
    const [noHeldOut, noSuchRun, wrongTruth] = await Promise.all([
      bench('simulate', '--workflow', dir, '--truth', 'replay', '--holdout', '0'),
      bench('simulate', '--workflow', dir, '--replay-run', 'nope'),
      bench('simulate', '--workflow', dir, '--truth', 'generator', '--replay-run', recordedId),
    ]);
    for (const result of [noHeldOut, noSuchRun, wrongTruth]) {
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(errorLines(noHeldOut.stderr)[0]).toMatch(/^bench: --truth replay: .* has no held-out run to replay .*use --truth generator/);
    expect(errorLines(noSuchRun.stderr)[0]).toMatch(new RegExp(`^bench: --replay-run 'nope': .*has no such run; its runs: .*${recordedId}`));
    expect(errorLines(wrongTruth.stderr)[0]).toMatch(/^bench: --replay-run applies to --truth replay/);
  });
});

describe('bench simulate --truth on a built-in workload', () => {
  it('auto is the generator on a generated history; the header and summary name the truth and the training runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-sim-truth-'));
    const trace = join(dir, 'run.jsonl');
    const { code, stdout, stderr } = await bench('simulate', '--workload', 'gemm', '--runs', '4', '--trace-out', trace);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^gemm: 17 tasks, plan 'flexible', truth generator, /);
    expect(stdout).toMatch(/truth: generator, .*; belief: 4 training run\(s\)/);
    expect(stdout).not.toContain('SELF-EVALUATION');
    expect(headerOf(await readRecords(trace)).params).toMatchObject({ truth: 'generator', truthRun: null, trainingRuns: 4, selfEvaluation: false, durations: 'generator:gemm' });
  });

  it('self-evaluation is labelled: --truth predictions, --durations sampled (deprecated) and --durations expected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-sim-truth-'));
    const args = (name: string, ...more: string[]) => ['simulate', '--workload', 'gemm', '--runs', '4', '--trace-out', join(dir, `${name}.jsonl`), ...more];
    const [predictions, sampled, expected] = await Promise.all([
      bench(...args('predictions', '--truth', 'predictions')),
      bench(...args('sampled', '--durations', 'sampled')),
      bench(...args('expected', '--durations', 'expected', '--sla', 'p90')),
    ]);
    for (const result of [predictions, sampled, expected]) expect(result.code).toBe(0);

    expect(predictions.stderr).toBe('');
    expect(predictions.stdout).toContain('truth predictions (self-evaluation)');
    expect(predictions.stdout).toMatch(/^SELF-EVALUATION: /m);
    expect(headerOf(await readRecords(join(dir, 'predictions.jsonl'))).params).toMatchObject({ truth: 'predictions', selfEvaluation: true, trainingRuns: 4 });

    expect(sampled.stderr.trim()).toMatch(/^bench simulate: --durations sampled is deprecated; it now means --truth predictions, a self-evaluation/);
    expect(sampled.stdout).toContain('truth predictions (self-evaluation)');
    // The same truth as --truth predictions, so the same run.
    expect(await readFile(join(dir, 'sampled.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'predictions.jsonl'), 'utf8'));

    expect(expected.stderr).toBe('');
    expect(expected.stdout).toContain('truth expected (self-evaluation)');
    expect(expected.stdout).toMatch(/truth: expected, the belief's expected values at p90, deterministic/);
    expect(headerOf(await readRecords(join(dir, 'expected.jsonl'))).params).toMatchObject({ truth: 'expected', durations: 'expected:p90', selfEvaluation: true });
  });

  it('--truth replay on a generated history holds runs out and replays one the planner never saw', async () => {
    const { code, stdout } = await bench('simulate', '--workload', 'gemm', '--runs', '5', '--truth', 'replay', '--planner', 'uniform', '--json');
    expect(code).toBe(0);
    const { truth } = JSON.parse(stdout) as { truth: JsonTruth };
    expect(truth.kind).toBe('replay');
    expect(truth.replayRunIds.length).toBeGreaterThan(0);
    expect(truth.replayRunIds).toContain(truth.truthRun);
    expect(truth.trainingRunIds).toHaveLength(5 - truth.replayRunIds.length);
    expect(truth.trainingRunIds).not.toContain(truth.truthRun);
  });

  it('bad input: an unknown truth, replay without a run to hold out, --durations with --truth', async () => {
    const [unknown, tooFew, both] = await Promise.all([
      bench('simulate', '--workload', 'gemm', '--truth', 'bogus'),
      bench('simulate', '--workload', 'gemm', '--runs', '1', '--truth', 'replay'),
      bench('simulate', '--workload', 'gemm', '--durations', 'sampled', '--truth', 'replay'),
    ]);
    for (const result of [unknown, tooFew, both]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    }
    expect(unknown.stderr.trim()).toBe("bench: --truth: unknown truth 'bogus'; give one of auto, replay, generator, predictions");
    expect(tooFew.stderr.trim()).toBe(
      'bench: --truth replay needs a run held out from training, and the generated history has 1; give --runs 2 or more, or use --truth generator',
    );
    expect(both.stderr.trim()).toBe('bench: give either --truth or --durations, not both (--durations sampled is --truth predictions)');
  });
});
