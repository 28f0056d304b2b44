import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMPARE_CSV_COLUMNS } from '../../experiments/compare/csv.js';
import type { CompareResults } from '../../experiments/compare/results.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DIAMOND_15 = join(ROOT, 'test', 'fixtures', 'wfformat', 'diamond-1.5.json');
const DIAMOND_14 = join(ROOT, 'test', 'fixtures', 'wfformat', 'diamond-1.4.json');

/** Runs `bench compare` through tsx as `npm run bench` does; never throws, returns the exit code. */
async function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'experiments/cli/main.ts', 'compare', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('bench compare', () => {
  it('--json prints only the results on stdout, and --csv-out writes the same numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-compare-'));
    const csv = join(dir, 'out', 'compare.csv');
    const args = ['--workloads', 'tree_reduction', '--planners', 'wukong,uniform', '--optimizations', 'none', '--runs', '2', '--history-runs', '3'];
    // Both invocations at once: each pays tsx's start-up.
    const [json, table] = await Promise.all([compare(...args, '--json', '--csv-out', csv), compare(...args)]);
    const { code, stdout } = json;
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as CompareResults;
    expect(results.aggregates.map((a) => a.variant)).toEqual(['wukong', 'uniform']);
    expect(results.matrix.runs).toBe(2);
    const [header, ...lines] = (await readFile(csv, 'utf8')).trimEnd().split('\n');
    expect(header).toBe(COMPARE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    const uniform = lines[1]!.split(',');
    expect(Number(uniform[COMPARE_CSV_COLUMNS.indexOf('makespanMsMean')])).toBe(results.aggregates[1]!.metrics.makespanMs.mean);

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/tree_reduction \(63 tasks\), SLA median, 2 simulated run\(s\)/);
    expect(table.stdout).toMatch(/uniform\s+2048\s+\d+ ± \d+/);
    expect(table.stdout).toContain('Δ makespan');
  });

  it('--resources 1024,2048 with the default planners, as the README shows: one-configuration planners get a variant per size', async () => {
    const { code, stdout, stderr } = await compare('--workloads', 'tree_reduction', '--resources', '1024,2048', '--optimizations', 'none', '--runs', '1', '--history-runs', '3', '--json');
    expect(stderr).not.toMatch(/takes exactly one resource configuration/);
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as CompareResults;
    expect(results.aggregates.map((a) => [a.variant, a.resources.map((r) => r.memoryMb).join('/')])).toEqual([
      ['wukong@1024', '1024'],
      ['wukong@2048', '2048'],
      ['uniform@1024', '1024'],
      ['uniform@2048', '2048'],
      ['non-uniform', '2048/1024'],
    ]);
    // Each size is held against the baseline at that size.
    expect(results.aggregates.find((a) => a.variant === 'uniform@1024')!.baselineVariant).toBe('wukong@1024');
    expect(results.aggregates.find((a) => a.variant === 'uniform@2048')!.baselineVariant).toBe('wukong@2048');
  });

  // Planner and optimization names are checked by the same code in-process (compare-runner.test.ts); two names here
  // show the CLI turns those errors into one line.
  it('unknown names give one line listing the valid ones, without a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['--experiment', 'nope'], /unknown experiment 'nope' \(experiments: headline\)/],
      [['--workloads', 'nope'], /unknown workload 'nope' \(workloads: tree_reduction, gemm/],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => compare(...args)));
    for (const [i, [, message]] of cases.entries()) {
      const { code, stdout, stderr } = outcomes[i]!;
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe('');
    }
  });

  it('--workflow (repeated) compares imported workflows instead of the built-in workloads; a name clash is one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-compare-workflow-cli-'));
    // A second workflow of another name: the diamond fixture renamed.
    const diamond = JSON.parse(await readFile(DIAMOND_15, 'utf8')) as { name: string };
    const renamed = join(dir, 'renamed.json');
    await writeFile(renamed, JSON.stringify({ ...diamond, name: 'renamed-diamond' }));
    const args = ['--planners', 'wukong,uniform', '--optimizations', 'none', '--runs', '2'];
    const [json, clash] = await Promise.all([
      compare('--workflow', DIAMOND_15, '--workflow', renamed, ...args, '--history-runs', '3', '--json'),
      compare('--workflow', DIAMOND_15, '--workflow', DIAMOND_14, ...args),
    ]);
    expect(json.code).toBe(0);
    const results = JSON.parse(json.stdout) as CompareResults;
    expect(results.matrix.workloads.map((w) => w.name)).toEqual(['tiny-diamond-fixture', 'renamed-diamond']);
    expect(results.aggregates.map((a) => `${a.workload}/${a.variant}/${a.tasks}`)).toEqual([
      'tiny-diamond-fixture/wukong/7',
      'tiny-diamond-fixture/uniform/7',
      'renamed-diamond/wukong/7',
      'renamed-diamond/uniform/7',
    ]);
    // The recorded run of each instance is held out for replay; the two synthetic runs are what the planners learn from.
    expect(results.historyRuns).toEqual({ 'tiny-diamond-fixture': 2, 'renamed-diamond': 2 });
    expect(results.truth['tiny-diamond-fixture']).toMatchObject({ kind: 'replay', replayRunIds: ['tiny-diamond-fixture-recorded'], inSample: false });
    // The fixture's zero-byte file: one warning per file, on stderr.
    expect(json.stderr.match(/zero-byte-file/g)).toHaveLength(2);

    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/both hold a workflow named 'tiny-diamond-fixture'/);
    expect(clash.stderr).not.toMatch(/\n\s+at /);
    expect(clash.stdout).toBe('');
  });
});
