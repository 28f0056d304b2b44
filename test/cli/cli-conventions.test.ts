import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFlags } from '../../experiments/cli/output-flags.js';
import { noteLine } from '../../experiments/cli/commands/report.js';
import { bench } from './run-bench.js';

describe('bench run: workload names', () => {
  it('an unknown workload lists the six built-in workloads, not the internal overhead probe', async () => {
    const { code, stderr } = await bench(['run', '--workload', 'bogus']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown workload 'bogus' \(workloads: tree_reduction, gemm, image_transformer, text_analysis, montage, wordcount\)/);
    expect(stderr).not.toContain('octoplan_overhead');
  });

  it('the internal overhead probe is not a workload of traces collect', async () => {
    const { code, stderr } = await bench(['traces', 'collect', '--workloads', 'octoplan_overhead', '--out', join(tmpdir(), 'octoplan-never')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--workloads: unknown workload 'octoplan_overhead'/);
  });
});

describe('report notes', () => {
  it('a note is one line, its first sentence', () => {
    const note = 'Prediction error (chart e) is not drawn: the input holds simulated runs only. It needs runs on a real platform\n(trace headers…).';
    expect(noteLine(note)).toBe('Prediction error (chart e) is not drawn: the input holds simulated runs only. (details in report.md)');
    expect(noteLine('One sentence')).toBe('One sentence');
  });

  it('compare --report prints its note on one line labelled bench compare', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-note-'));
    const { code, stderr } = await bench(['compare', '--workloads', 'gemm', '--planners', 'wukong', '--optimizations', 'none', '--runs', '1', '--history-runs', '3', '--report', join(dir, 'r'), '--no-progress']);
    expect(code).toBe(0);
    const notes = stderr.split('\n').filter((line) => /note:|Prediction error|real platform/.test(line));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^bench compare: note: Prediction error \(chart e\) is not drawn/);
    expect(stderr).not.toContain('bench report:');
  });
});

describe('--json prints, --json-out FILE writes, in every command that has them', () => {
  it('a value after --json or --csv is an error naming the -out flag', () => {
    expect(() => checkOutputFlags(['validate', '--json', 'report.json'])).toThrow("--json takes no value: it prints JSON to stdout; to write a file, give --json-out report.json");
    expect(() => checkOutputFlags(['compare', '--csv=out.csv'])).toThrow('give --csv-out out.csv');
    expect(() => checkOutputFlags(['compare', '--json', '--workloads', 'gemm'])).not.toThrow();
    expect(() => checkOutputFlags(['compare', '--json'])).not.toThrow();
  });

  it('validate --json FILE is refused at once, not silently ignored', async () => {
    const { code, stderr } = await bench(['validate', '--json', 'report.json', '--fit-runs', '0']);
    expect(code).toBe(1);
    expect(stderr).toContain('give --json-out report.json');
  });

  it('--help of predict, simulate, run, validate and compare offers --json and --json-out', async () => {
    for (const command of ['predict', 'simulate', 'run', 'validate', 'compare']) {
      const { stdout } = await bench([command, '--help']);
      expect(stdout, command).toMatch(/--json\s+print .*on stdout/);
      expect(stdout, command).toMatch(/--json-out\s+also write/);
    }
  });

  it('predict --json-out writes what --json prints', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-json-'));
    const file = join(dir, 'sub', 'predictions.json');
    const [printed, written] = await Promise.all([bench(['predict', '--runs', '3', '--json']), bench(['predict', '--runs', '3', '--json-out', file])]);
    expect(printed.code).toBe(0);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/predictions from 3 run\(s\)/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(printed.stdout));
  });

  it('simulate --json-out writes the summary; compare --csv prints what --csv-out writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-json-'));
    const sim = await bench(['simulate', '--workload', 'gemm', '--runs', '3', '--json-out', join(dir, 'sim.json')]);
    expect(sim.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'sim.json'), 'utf8'))).toMatchObject({ status: 'completed' });
    const args = ['compare', '--workloads', 'gemm', '--planners', 'wukong', '--optimizations', 'none', '--runs', '1', '--history-runs', '3'];
    const [printed, written] = await Promise.all([bench([...args, '--csv']), bench([...args, '--csv-out', join(dir, 'c.csv'), '--json-out', join(dir, 'c.json')])]);
    expect(printed.code).toBe(0);
    expect(written.code).toBe(0);
    expect(printed.stdout).toBe(await readFile(join(dir, 'c.csv'), 'utf8'));
    expect(JSON.parse(await readFile(join(dir, 'c.json'), 'utf8'))).toHaveProperty('aggregates');
  });
});
