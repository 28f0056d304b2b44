import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bench } from './run-bench.js';

/** Parses a CSV without quoted fields into objects by header. */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

describe('one bill and one unit per quantity across commands', () => {
  it('a run has the same GB-s and cost in `bench simulate` and in `bench report` of its trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-units-'));
    const trace = join(dir, 'run.jsonl');
    const simulated = await bench(['simulate', '--workload', 'gemm', '--trace-out', trace, '--json']);
    expect(simulated.code).toBe(0);
    const summary = JSON.parse(simulated.stdout) as { billing: { gbSeconds: number; totalUsd: number } };
    const report = await bench(['report', trace, '--out', join(dir, 'report'), '--no-progress']);
    expect(report.code).toBe(0);
    const [row] = csvRows(await readFile(join(dir, 'report', 'runs.csv'), 'utf8'));
    expect(Number(row!.gbSeconds)).toBeCloseTo(summary.billing.gbSeconds, 9);
    expect(Number(row!.costUsd)).toBeCloseTo(summary.billing.totalUsd, 12);
    const markdown = await readFile(join(dir, 'report', 'report.md'), 'utf8');
    expect(markdown).toContain(`| ${summary.billing.gbSeconds.toFixed(2)} | ${(summary.billing.totalUsd * 1e6).toFixed(1)} |`);
    expect(markdown).toMatch(/\| GB-s \| cost \(µUSD\) \|/);
  });

  it('cost is printed in µUSD by simulate and compare, and every column header of their tables says its unit', async () => {
    const [simulated, compared] = await Promise.all([
      bench(['simulate', '--workload', 'tree_reduction']),
      bench(['compare', '--workloads', 'tree_reduction', '--planners', 'wukong', '--optimizations', 'none', '--runs', '1', '--history-runs', '2', '--no-progress']),
    ]);
    expect(simulated.code).toBe(0);
    expect(compared.code).toBe(0);
    expect(simulated.stdout).toMatch(/^cost \(µUSD\)\s+\d+\.\d+$/m);
    expect(simulated.stdout).not.toMatch(/\(USD\)|\de-\d/);
    expect(compared.stdout).toMatch(/cost µUSD/);
    expect(simulated.stdout).toMatch(/^GB-s\s+[\d.]+$/m);
    expect(simulated.stdout).toMatch(/^makespan \(ms\)\s+[\d.]+$/m);
  });
});
