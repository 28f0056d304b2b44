import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countText, startProgress } from '../../experiments/cli/progress.js';
import { bench } from './run-bench.js';

/** A fake stderr: a terminal of `columns` width (or not a terminal), recording what is written. */
function fakeStream(isTTY: boolean, columns = 80) {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (t: string) => written.push(t), cursorTo: () => true, moveCursor: () => true, clearLine: () => true };
  return { written, stream };
}

describe('progress on stderr', () => {
  it('on a terminal: a spinner with the step, count and elapsed time, then one summary line', async () => {
    const { written, stream } = fakeStream(true);
    let t = 0;
    const progress = await startProgress('bench run', { stream, now: () => t });
    t = 1500;
    progress.update('running gemm', 3, 12);
    await new Promise((r) => setTimeout(r, 150));
    progress.finish('1 real run');
    const text = written.join('');
    expect(text).toContain('bench run: running gemm 3/12 (25%) 1.5 s');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/bench run: 1 real run in 1\.5 s$/);
  });

  it('off the terminal, or with --no-progress, or on a terminal of no width: only the summary line', async () => {
    for (const [tty, enabled, columns] of [[false, undefined, 80], [true, false, 80], [true, undefined, 0]] as const) {
      const { written, stream } = fakeStream(tty, columns);
      const progress = await startProgress('bench report', { stream, enabled, now: () => 0 });
      progress.update('drawing charts', 1, 2);
      progress.finish('14 file(s) written to out');
      expect(written).toEqual(['bench report: 14 file(s) written to out in 0.0 s\n']);
    }
  });

  it('countText', () => {
    expect(countText(1, 3)).toBe('1/3 (33%)');
    expect(countText(undefined, 3)).toBe('');
  });
});

describe('bench commands end with a one-line summary on stderr (stdout unchanged)', () => {
  it('bench run', async () => {
    const { code, stdout, stderr } = await bench(['run', '--workload', 'gemm', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveProperty('makespanMs');
    expect(stderr).toMatch(/^bench run: 1 real run of gemm \(\d+ tasks, \d+ trace records\) in \d+\.\d s$/m);
  });

  it('bench report and bench compare', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-progress-'));
    const compare = await bench(['compare', '-w', 'gemm', '-p', 'wukong', '-O', 'none', '-n', '1', '--history-runs', '3', '--json-out', join(dir, 'r.json'), '--no-progress']);
    expect(compare.code).toBe(0);
    expect(compare.stderr).toMatch(/^bench compare: 1 cell\(s\): 1 workload\(s\) × 1 SLA\(s\) × 1 variant\(s\) × 1 run\(s\) on .+, CPU \d+\.\d s here in \d+\.\d s$/m);
    const report = await bench(['report', join(dir, 'r.json'), '--out', join(dir, 'report')]);
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(/^bench report: \d+ file\(s\) written to .*report in \d+\.\d s$/m);
  });
});
