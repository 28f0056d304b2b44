/**
 * Issue item 4: optimization passes load from a module path like planners do. `-O ./my-pass.ts` used to say "unknown
 * optimization"; now the pass is loaded, known as `custom:<name>`, applied by `runPlanner`, and its per-task overrides
 * are accepted.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { parseOptimizationChoice } from '../../experiments/compare/choices.js';
import { parseTaskOverrides } from '../../planners/optimizations/overrides-file.js';
import { getOptimizationPass, loadOptimizationPass, runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { uniformPlanner } from '../../planners/uniform.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { formulaPredictions } from './fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PASS = join(import.meta.dirname, 'fixtures', 'mark-roots-pass.ts');
const RELATIVE_PASS = './test/planners/fixtures/mark-roots-pass.ts';

describe('optimization passes by module path', () => {
  it('-O parses a module path (and a list mixing it with built-in passes) into the pass it exports', () => {
    expect(parseOptimizationChoice(PASS)).toEqual(['custom:mark-roots']);
    expect(parseOptimizationChoice(`pre-load, ${PASS}`)).toEqual(['pre-load', 'custom:mark-roots']);
    // Once loaded, its name works too; the path, loaded again, is the same pass.
    expect(parseOptimizationChoice('custom:mark-roots')).toEqual(['custom:mark-roots']);
    expect(getOptimizationPass(PASS)).toBe(getOptimizationPass('custom:mark-roots'));
  });

  it('runPlanner applies it and the plan still simulates (the scheduler core carries custom kinds)', async () => {
    const pass = await loadOptimizationPass(PASS);
    const workflow = randomLayeredDag({ tasks: 30, seed: 4 });
    const predictions = formulaPredictions(4);
    const ctx = {
      predictions,
      sla: MEDIAN,
      resources: [resources(2048)],
      estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL),
      optimizations: [pass.name],
    };
    const plan = runPlanner(uniformPlanner, workflow, ctx);
    for (const [id, entry] of plan.tasks) {
      const mark = entry.optimizations.find((o) => o.kind === 'custom:mark-roots') as { params?: unknown } | undefined;
      if (workflow.roots.includes(id)) expect(mark?.params).toEqual({ fanOut: workflow.tasks.get(id)!.downstream.length });
      else expect(mark).toBeUndefined();
    }
    // A per-task override naming the custom pass is accepted and honoured.
    const root = workflow.roots[0]!;
    const overrides = parseTaskOverrides({ [root]: { 'custom:mark-roots': false } }, workflow, 'overrides.json');
    const without = runPlanner(uniformPlanner, workflow, { ...ctx, taskOverrides: overrides });
    expect(without.tasks.get(root)!.optimizations.some((o) => o.kind === 'custom:mark-roots')).toBe(false);
    expect(ctx.estimate(plan).makespanMs).toBeGreaterThan(0);
  });

  it('rejects a module that exports no pass, or a pass not named custom:<name>, naming the module', () => {
    expect(() => parseOptimizationChoice(join(import.meta.dirname, 'fixtures', 'badly-named-pass.ts'))).toThrow(/must be named 'custom:<name>'/);
    expect(() => parseOptimizationChoice(join(import.meta.dirname, 'fixtures', 'one-worker-planner.ts'))).toThrow(/must export an OptimizationPass/);
    expect(() => parseOptimizationChoice('./no/such-pass.ts')).toThrow(ConfigError);
    expect(() => parseOptimizationChoice('custom:never-loaded')).toThrow(/give its path/);
    expect(() => parseOptimizationChoice('pre-lode')).toThrow(/unknown optimization 'pre-lode'/);
  });

  it('bench compare -O ./my-pass.ts runs the pass', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'experiments/cli/main.ts', 'compare', '--workloads', 'tree_reduction', '--planners', 'uniform', '-O', RELATIVE_PASS, '--runs', '1', '--history-runs', '2', '--csv'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const [header, row] = stdout.trimEnd().split('\n');
    const columns = header!.split(',');
    expect(row!.split(',')[columns.indexOf('optimizations')]).toBe('custom:mark-roots');
  }, 60_000);

  it('bench compare -O ./my-pass.ts on worker threads (--jobs 2, several cells): the threads load the pass, the rows equal --jobs 1', async () => {
    const compare = async (jobs: string) =>
      (
        await promisify(execFile)(
          'npx',
          ['tsx', 'experiments/cli/main.ts', 'compare', '--workloads', 'tree_reduction,gemm,wordcount', '--planners', 'uniform,wukong', '-O', RELATIVE_PASS, '--runs', '1', '--history-runs', '2', '--csv', '--jobs', jobs],
          { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        )
      ).stdout;
    const [one, two] = [await compare('1'), await compare('2')];
    const rows = one.trimEnd().split('\n');
    expect(rows).toHaveLength(1 + 3 * 2);
    const column = rows[0]!.split(',').indexOf('optimizations');
    for (const row of rows.slice(1)) expect(row.split(',')[column]).toBe('custom:mark-roots');
    expect(two).toBe(one);
  }, 120_000);
});
