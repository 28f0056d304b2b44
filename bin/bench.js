#!/usr/bin/env node
// Entry point for `npx bench`. Runs the CLI compiled at install (`npm ci` / `npm install` run `prepare`, which is
// bin/build-cli.js; `npm run build` by hand) when that build is fresh, else the TypeScript sources through tsx, so an
// edited checkout never runs stale code. OCTOPLAN_FROM_SOURCE=1 forces the sources; so does a `.ts` module among the
// arguments (a user planner given by path), which only tsx can load.
import './quiet-aws-sdk.js';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');

/** True when dist/cli was built from the sources as they are now (every input at most as new as the build). */
function buildIsFresh() {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    return inputs.every((input) => statSync(join(root, input)).mtimeMs <= builtAtMs);
  } catch {
    return false;
  }
}

const typeScriptArgument = process.argv.slice(2).some((arg) => /\.[cm]?ts$/.test(arg));
if (process.env.OCTOPLAN_FROM_SOURCE !== '1' && !typeScriptArgument && buildIsFresh()) {
  // The worker threads of `--jobs N` (bin/cell-worker.js) load the same build's cell runner.
  process.env.OCTOPLAN_CELL_WORKER_MODULE = join(root, 'dist', 'cli', 'cell-worker.js');
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../experiments/cli/main.ts');
}
