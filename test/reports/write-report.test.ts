import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompareResultsError } from '../../core/compare-results.js';
import { serializeTraceRecords } from '../../traces/trace-io.js';
import { readReportInput, ReportInputError } from '../../reports/read-input.js';
import { writeCompareReport, writeTraceReport } from '../../reports/write-report.js';
import { singleRun, tinyCompareResults } from './fixtures.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'octoplan-report-'));

describe('report input', () => {
  it('reads compare results and traces by content, and names file and field of what is wrong', async () => {
    const dir = await tempDir();
    const results = await tinyCompareResults();
    await writeFile(join(dir, 'results.json'), JSON.stringify(results));
    const input = await readReportInput(join(dir, 'results.json'));
    expect(input.kind).toBe('compare');
    expect(input.kind === 'compare' && input.results.runs).toEqual(results.runs);

    const broken = structuredClone(results) as unknown as { aggregates: { metrics: { makespanMs: { mean: unknown } } }[] };
    broken.aggregates[1]!.metrics.makespanMs.mean = 'fast';
    await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
    const error = await readReportInput(join(dir, 'broken.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompareResultsError);
    expect((error as Error).message).toContain(join(dir, 'broken.json'));
    expect((error as Error).message).toContain("field 'aggregates.1.metrics.makespanMs.mean'");

    const { records } = singleRun(1);
    await writeFile(join(dir, 'run.jsonl'), serializeTraceRecords(records));
    const trace = await readReportInput(join(dir, 'run.jsonl'));
    expect(trace.kind === 'trace' && trace.runs.map((r) => r.tasks.length)).toEqual([15]);

    const lines = serializeTraceRecords(records).split('\n');
    const taskLine = lines.findIndex((l) => l.includes('"type":"task"'));
    lines[taskLine] = lines[taskLine]!.replace(/"execMs":[\d.]+/, '"execMs":-1');
    await writeFile(join(dir, 'bad.jsonl'), lines.join('\n'));
    await expect(readReportInput(join(dir, 'bad.jsonl'))).rejects.toThrow(`bad.jsonl:${taskLine + 1}: field 'execMs'`);
    await expect(readReportInput(join(dir, 'missing.json'))).rejects.toBeInstanceOf(ReportInputError);
  });
});

describe('report writer', () => {
  it('a compare report writes CSV, specs, SVG, PNG, Markdown and HTML, and says why prediction error is missing', async () => {
    const dir = await tempDir();
    const results = await tinyCompareResults();
    const output = await writeCompareReport(results, dir, { source: 'results.json', command: 'bench compare -w tree_reduction,gemm' });
    for (const chart of ['makespan', 'gb-seconds', 'cost-makespan']) {
      for (const ext of ['vl.json', 'svg', 'png']) expect(output.files).toContain(`${chart}.${ext}`);
    }
    expect(output.files).not.toContain('prediction-error.svg');
    expect(output.files).toEqual(expect.arrayContaining(['results.json', 'runs.csv', 'summary.csv', 'report.md', 'report.html']));
    // The written spec is the one rendered, data inline: it regenerates the figure alone.
    const spec = JSON.parse(await readFile(join(dir, 'makespan.vl.json'), 'utf8')) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(results.aggregates.length);
    expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'))).toEqual(results);

    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain(`Toolkit octoplan ${results.toolkit.version}, seed 11`);
    expect(md).toContain('bench compare -w tree_reduction,gemm');
    expect(md).toContain(`npx bench report ${join(dir, 'results.json')} --out ${dir}`);
    expect(md).toContain('## Comparison against wukong');
    const uniformTree = results.aggregates.find((a) => a.workload === 'tree_reduction' && a.variant === 'uniform')!;
    const delta = uniformTree.deltaPct.makespanMs!;
    expect(md).toContain(`| uniform | 2048 | ${(uniformTree.metrics.makespanMs.mean! / 1000).toFixed(3)} ± ${(uniformTree.metrics.makespanMs.std! / 1000).toFixed(3)} | ${delta >= 0 ? '+' : ''}${delta.toFixed(1)}% |`);
    expect(md).toContain('![Makespan per workload and planner](makespan.png)');
    expect(md).toMatch(/Prediction error \(chart e\) is not drawn: the input holds simulated runs only/);
    expect(output.notes.join(' ')).toMatch(/simulated runs only/);

    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<figure data-chart=/g)).toHaveLength(3);
    expect(html.match(/<svg /g)).toHaveLength(3);
    // Self-contained: nothing fetched from elsewhere.
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/);
  });

  it('a trace report draws the Gantt chart of the chosen run and the prediction-error CDF when real runs are present', async () => {
    const dir = await tempDir();
    const simulated = singleRun(1);
    const real = singleRun(4, { platform: 'lambda:local', runId: 'real-4' });
    const output = await writeTraceReport([simulated.run, real.run], dir, { source: 'runs.jsonl', runId: 'real-4' });
    expect(output.files).toEqual(expect.arrayContaining(['runs.csv', 'tasks.csv', 'gantt.svg', 'gantt.png', 'prediction-error.svg', 'prediction-error.png', 'report.html']));
    expect(output.notes).toEqual([]);
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('Gantt chart of `real-4`');
    expect(md.match(/!\[Prediction error\]\(prediction-error\.png\)/g)).toHaveLength(1);
    expect((await readFile(join(dir, 'report.html'), 'utf8')).match(/<figure data-chart="[a-z-]+"/g)).toEqual(['<figure data-chart="gantt"', '<figure data-chart="prediction-error"']);
    await expect(writeTraceReport([simulated.run], dir, { source: 'x', runId: 'nope' })).rejects.toThrow(/run 'nope' is not in x/);
  });
});
