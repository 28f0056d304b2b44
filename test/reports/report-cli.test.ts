import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serializeTraceRecords } from '../../traces/trace-io.js';
import { singleRun, tinyCompareResults } from './fixtures.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bench = (args: string[]) => run(process.execPath, ['--import', 'tsx', join(root, 'experiments/cli/main.ts'), ...args], { cwd: root });

describe('bench report', () => {
  it('writes a report from compare results and from a trace, and reports a bad input as one message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-report-cli-'));
    await writeFile(join(dir, 'results.json'), JSON.stringify(await tinyCompareResults()));
    await writeFile(join(dir, 'run.jsonl'), serializeTraceRecords(singleRun(1).records));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ aggregates: 'none' }));
    // The three invocations at once: each pays tsx's start-up.
    const [compare, , failure] = await Promise.all([
      bench(['report', join(dir, 'results.json'), '--out', join(dir, 'compare'), '--width', 'single']),
      bench(['report', join(dir, 'run.jsonl'), '--out', join(dir, 'trace')]),
      bench(['report', join(dir, 'bad.json'), '--out', join(dir, 'bad')]).catch((e: { code: number; stderr: string }) => e),
    ]);
    expect(compare.stdout).toContain(`report written to ${join(dir, 'compare')}`);
    expect(compare.stderr).toMatch(/note: Prediction error \(chart e\) is not drawn/);
    expect(await readdir(join(dir, 'compare'))).toEqual(expect.arrayContaining(['makespan.png', 'report.html', 'summary.csv']));
    expect(await readdir(join(dir, 'trace'))).toEqual(expect.arrayContaining(['gantt.svg', 'gantt.png', 'tasks.csv']));
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/bad\.json: field 'aggregates'/);
    expect((failure as { stderr: string }).stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('bench compare --report writes the results and their report in one go', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-compare-report-'));
    const { stdout } = await bench(['compare', '-w', 'tree_reduction', '-p', 'wukong,uniform', '-O', 'none', '-n', '2', '--history-runs', '3', '--no-progress', '--report', dir]);
    expect(stdout).toContain(`report written to ${dir}`);
    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['results.json', 'runs.csv', 'summary.csv', 'makespan.svg', 'cost-makespan.png', 'report.md', 'report.html']));
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('bench compare -w tree_reduction -p wukong,uniform -O none -n 2 --history-runs 3 --no-progress --report');
  });
});
