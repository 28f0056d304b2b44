// Worker-thread entry of the cell pool (`bench compare --jobs N`, piscina): loads the cell runner the same way the
// CLI that started the pool was loaded. bin/bench.js sets OCTOPLAN_CELL_WORKER_MODULE to the CLI bundle's
// dist/cli/cell-worker.js when it runs the fresh build; otherwise (sources through tsx, tests, bench:perf) the worker
// registers tsx itself, since a loader registered in the main thread does not reach worker threads on Node 20.
import { pathToFileURL } from 'node:url';

const built = process.env.OCTOPLAN_CELL_WORKER_MODULE;
let runner;
if (built) {
  runner = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  runner = await import('../experiments/cells/worker-entry.ts');
}

/** Runs one cell job (piscina's task function). */
export default runner.default;
