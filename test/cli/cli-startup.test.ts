import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script without type declarations
import { cliBuildOptions } from '../../bin/build-cli.js';
import { bench } from './run-bench.js';

/** Every source file in the outputs `bench` loads at start, following static imports only from the entry. */
function loadedAtStart(metafile: Metafile): string[] {
  const entry = Object.keys(metafile.outputs).find((f) => f.endsWith('/main.js'))!;
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]!.imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs));
}

describe('bench start-up', () => {
  it('the compiled CLI loads no command module, simulator, planner, report renderer or runtime before a command runs', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'octoplan-cli-build-'));
    const result = await build({ ...cliBuildOptions(outdir), write: false });
    const metafile = result.metafile!;
    const loaded = loadedAtStart(metafile);
    expect(loaded).toContain('experiments/cli/main.ts');
    // core/errors.ts (error classes) and core/bounds.ts (the flags' bounds), both without imports, are all the CLI
    // needs before a command runs.
    expect(loaded.filter((f) => f !== 'core/errors.ts' && f !== 'core/bounds.ts' && /^(simulator|planners|reports|runtime-lambda|core|traces|experiments\/(compare|validate)|experiments\/cli\/commands)\//.test(f))).toEqual([]);
    // Every command is still in the bundle, in a chunk of its own loaded when it runs.
    const all = Object.keys(metafile.inputs);
    for (const command of ['compare', 'simulate', 'predict', 'report', 'run', 'validate', 'workloads', 'traces-collect', 'traces-validate']) {
      expect(all).toContain(`experiments/cli/commands/${command}.ts`);
    }
  });

  it('runs the same from the sources (OCTOPLAN_FROM_SOURCE=1) as from the compiled CLI', async () => {
    const [compiled, source] = await Promise.all([bench(['workloads']), bench(['workloads'], { env: { OCTOPLAN_FROM_SOURCE: '1' } })]);
    expect(compiled.code).toBe(0);
    expect(source.stdout).toBe(compiled.stdout);
  });

  it('import.meta keeps pointing at the sources in the compiled CLI: the schema file and the package version are found', async () => {
    const { code, stdout } = await bench(['traces', 'schema']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveProperty('$schema');
    const version = await bench(['--version']);
    expect(version.stdout.trim()).toBe('0.1.0');
  });
});
