/**
 * `npm run bench:perf`: bundles each benchmark with esbuild and runs it in a fresh Node process, so the figures
 * measure compiled JavaScript as a library user runs it, not tsx's on-the-fly transform and source-map handling.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const outDir = join(root, 'node_modules', '.cache', 'octoplan-perf');
mkdirSync(outDir, { recursive: true });
const benchmarks = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['predictions-perf', 'simulation-perf', 'load-perf', 'planning-perf', 'wfcommons-perf', 'report-perf', 'runtime-perf', 'compare-jobs-perf'];
for (const name of benchmarks) {
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  execFileSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root });
}
