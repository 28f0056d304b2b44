import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { buildCompareMatrix, type CompareChoices } from '../../experiments/compare/build-matrix.js';
import { withoutTiming } from '../../experiments/compare/results.js';
import { runCompare } from '../../experiments/compare/runner.js';
import { historySeed } from '../../experiments/compare/seeds.js';
import { workloadNames } from '../../traces/workloads/registry.js';
import { importWfFormatFile } from '../../traces/wfcommons/import-wfformat.js';
import { writeImportDirectory } from '../../traces/wfcommons/load-workflow-source.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wfformat');
const DIAMOND_15 = join(FIXTURES, 'diamond-1.5.json');
const DIAMOND_14 = join(FIXTURES, 'diamond-1.4.json');
const DIAMOND = 'tiny-diamond-fixture';

/** A second workflow, of another name: a fan-out of `width` tasks from one root into one sink, with megabyte files. */
function fanOut(name: string, width: number): object {
  const middle = Array.from({ length: width }, (_, i) => `work_ID${String(i + 2).padStart(7, '0')}`);
  const task = (id: string, parents: string[], children: string[], inputs: string[], outputs: string[]) => ({
    name: id,
    id,
    parents,
    children,
    inputFiles: inputs,
    outputFiles: outputs,
  });
  return {
    name,
    schemaVersion: '1.5',
    workflow: {
      specification: {
        tasks: [
          task('root_ID0000001', [], middle, ['input.dat'], ['root.out']),
          ...middle.map((id) => task(id, ['root_ID0000001'], ['sink_ID9999999'], ['root.out'], [`${id}.out`])),
          task('sink_ID9999999', middle, [], middle.map((id) => `${id}.out`), ['result.dat']),
        ],
        files: [
          { id: 'input.dat', sizeInBytes: 50_000_000 },
          { id: 'root.out', sizeInBytes: 20_000_000 },
          ...middle.map((id, i) => ({ id: `${id}.out`, sizeInBytes: 1_000_000 * (i + 1) })),
          { id: 'result.dat', sizeInBytes: 4_000_000 },
        ],
      },
      execution: {
        makespanInSeconds: 100,
        executedAt: '2024-01-01T00:00:00Z',
        tasks: [
          { id: 'root_ID0000001', runtimeInSeconds: 12, avgCPU: 95 },
          ...middle.map((id, i) => ({ id, runtimeInSeconds: 5 + 3 * i, coreCount: 2, avgCPU: 180 })),
          { id: 'sink_ID9999999', runtimeInSeconds: 8 },
        ],
      },
    },
  };
}

let dir: string;
/** The fan-out imported with `bench import wfcommons`'s writer: `workflow.json` + a one-run `history.jsonl`. */
let fanOutDir: string;
let fanOutFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'octoplan-compare-workflow-'));
  fanOutFile = join(dir, 'fan-out.json');
  await writeFile(fanOutFile, JSON.stringify(fanOut('fan-out', 5)));
  fanOutDir = join(dir, 'fan-out-import');
  const imported = await importWfFormatFile(fanOutFile, { seed: 9 });
  await writeImportDirectory(fanOutDir, imported.imported, imported.history, fanOutFile, imported.warningLines);
});

const SMALL: CompareChoices = { planners: ['wukong', 'uniform'], optimizations: ['none'], runs: 2, seed: 5 };

describe('bench compare --workflow (runner)', () => {
  it('two imported workflows (a WfFormat file and an import directory) are the workloads, each with its imported history', async () => {
    const built = await buildCompareMatrix({ ...SMALL, workflows: [DIAMOND_15, fanOutDir] });
    expect(built.matrix.workloads).toEqual([
      { name: DIAMOND, params: {}, workflow: { path: DIAMOND_15 } },
      { name: 'fan-out', params: {}, workflow: { path: fanOutDir } },
    ]);
    // The diamond declares a zero-byte log file: one warning line naming the file.
    expect(built.warnings).toHaveLength(1);
    expect(built.warnings[0]).toMatch(/^warning: .*diamond-1\.5\.json: zero-byte-file \(1×\)/);
    expect([...built.workflowSources.keys()]).toEqual([DIAMOND_15, fanOutDir]);

    const results = await runCompare(built.matrix, { workflowSources: built.workflowSources });
    expect(results.aggregates.map((a) => `${a.workload}/${a.variant}/${a.tasks}`)).toEqual([
      `${DIAMOND}/wukong/7`,
      `${DIAMOND}/uniform/7`,
      'fan-out/wukong/7',
      'fan-out/uniform/7',
    ]);
    // The imported histories: the recorded run only. The WfFormat file's is generated now with the workload's seed
    // from the matrix seed; the import directory's is read from its history.jsonl, so it has no seed.
    expect(results.historyRuns).toEqual({ [DIAMOND]: 1, 'fan-out': 1 });
    expect(results.seeds.history).toEqual({ [DIAMOND]: historySeed(5, DIAMOND) });
    expect(results.runs).toHaveLength(8);
    for (const row of results.runs) expect(row.status).toBe('completed');
    // The fan-out moves megabytes through storage; uniform's one worker keeps them local, WUKONG's do not.
    const storage = (variant: string) => results.aggregates.find((a) => a.workload === 'fan-out' && a.variant === variant)!.metrics.storageMb.mean ?? NaN;
    expect(storage('wukong')).toBeGreaterThan(storage('uniform'));

    // Deterministic for a seed; the same whether the runner is given the loaded workflows or loads them itself.
    const again = await runCompare(built.matrix);
    expect(JSON.stringify(withoutTiming(again))).toBe(JSON.stringify(withoutTiming(results)));
  });

  it('alongside built-in workloads: each keeps its own history, and the built-in cells do not change', async () => {
    const base = { ...SMALL, workloads: ['tree_reduction'], params: { tree_reduction: { leaves: 8 } }, historyRuns: 3 };
    const alone = await runCompare((await buildCompareMatrix(base)).matrix);
    const built = await buildCompareMatrix({ ...base, workflows: [fanOutFile] });
    expect(built.matrix.workloads.map((w) => w.name)).toEqual(['tree_reduction', 'fan-out']);
    const mixed = await runCompare(built.matrix, { workflowSources: built.workflowSources });
    // --history-runs extends the imported history too: the recorded run (held out for replay) plus two synthetic
    // ones (the training runs).
    expect(mixed.historyRuns).toEqual({ tree_reduction: 3, 'fan-out': 2 });
    // Every random stream is split by workload name, so adding a workflow leaves the built-in cells as they were.
    const tree = (r: typeof alone) => JSON.stringify(r.runs.filter((row) => row.workload === 'tree_reduction'));
    expect(tree(mixed)).toBe(tree(alone));
  });

  it('--history-runs and --noise regenerate an imported history through the importer', async () => {
    const run = async (extra: Partial<CompareChoices>) => {
      const built = await buildCompareMatrix({ ...SMALL, planners: ['uniform'], workflows: [fanOutDir], ...extra });
      return { built, results: await runCompare(built.matrix, { workflowSources: built.workflowSources }) };
    };
    const quiet = await run({ historyRuns: 6, noiseCv: 0 });
    const noisy = await run({ historyRuns: 6, noiseCv: 0.5 });
    expect(quiet.built.matrix.workloads[0]!.workflow).toEqual({ path: fanOutDir, historyRuns: 6, noiseCv: 0 });
    expect(quiet.results.historyRuns).toEqual({ 'fan-out': 5 });
    // Regenerated, so seeded from the matrix seed even though the directory has a history.jsonl.
    expect(quiet.results.seeds.history).toEqual({ 'fan-out': historySeed(5, 'fan-out') });
    // Noise in the history changes the belief (the estimate), not the truth: both replay the recorded run.
    expect(noisy.results.aggregates[0]!.estimatedMakespanMs).not.toBe(quiet.results.aggregates[0]!.estimatedMakespanMs);
    expect(noisy.results.truth['fan-out']!.replayRunIds).toEqual(['fan-out-recorded']);
    expect(quiet.results.truth['fan-out']!.replayRunIds).toEqual(['fan-out-recorded']);
  });

  it('without --workflow nothing changes: the six built-in workloads, no imported workflow', async () => {
    const built = await buildCompareMatrix({});
    expect(built.matrix.workloads.map((w) => w.name)).toEqual(workloadNames());
    expect(built.matrix.workloads.every((w) => w.workflow === undefined)).toBe(true);
    expect(built.warnings).toEqual([]);
    expect(built.workflowSources.size).toBe(0);
  });

  it('the same path twice counts once', async () => {
    const built = await buildCompareMatrix({ ...SMALL, workflows: [DIAMOND_15, DIAMOND_15] });
    expect(built.matrix.workloads.map((w) => w.name)).toEqual([DIAMOND]);
  });

  it('errors name the file at fault', async () => {
    const fails = async (choices: CompareChoices, message: RegExp) => {
      const error = await buildCompareMatrix({ ...SMALL, ...choices }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    };
    // The 1.4 copy of the diamond declares the same workflow name.
    await fails({ workflows: [DIAMOND_15, DIAMOND_14] }, /'.*diamond-1\.4\.json' and '.*diamond-1\.5\.json' both hold a workflow named 'tiny-diamond-fixture'/);
    await fails({ workflows: [join(dir, 'missing.json')] }, /workflow source '.*missing\.json' does not exist/);
    await fails({ workflows: [join(FIXTURES, 'malformed', 'cycle.json')] }, /cycle\.json/);
    await fails({ workflows: [DIAMOND_15], historyPath: dir }, /--history applies to built-in workloads/);
    await fails({ workloads: ['gemm'], noiseCv: 0.2 }, /noise applies to imported workflows only/);
    await fails({ workflows: [DIAMOND_15], noiseCv: -1 }, /noise must be a coefficient of variation >= 0, got -1/);
    await writeFile(join(dir, 'gemm.json'), JSON.stringify(fanOut('gemm', 2)));
    await fails({ workloads: ['gemm'], workflows: [join(dir, 'gemm.json')] }, /holds a workflow named 'gemm', which is also a built-in workload/);
  });
});
