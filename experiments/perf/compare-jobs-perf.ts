/**
 * `bench compare` with default arguments on one core against two (issue 19's figure), and a larger sweep of the
 * same matrix at four prediction-error levels with 10 runs a cell (144 cells), where the work outweighs what each
 * extra thread pays once (loading the code, the shared context, its own JIT warm-up: about 1 s of CPU here, against
 * about 0.5 s of warm work in the whole default comparison). The CLI, compiled as
 * `npm ci` compiles it, run with `--jobs 1` and `--jobs 2` alternately (`COMPARE_JOBS_REPEATS` times each, default 3),
 * printing the median speed-up measured in this one run as a ratio, end to end (process start to exit) and for the
 * sweep alone (`timing.totalMs` of the results: pool start, cells and merge), the CPU time of each (all threads,
 * from the kernel's account of the finished child), the machine's load average (other processes take cores from a
 * pool of threads, not from one thread), and whether the two JSON outputs are identical but for `timing`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';

const REPEATS = Number(process.env.COMPARE_JOBS_REPEATS ?? 3);
// run-perf.ts runs each benchmark bundled elsewhere, from the repository root.
const root = process.cwd();
const outDir = join(root, 'node_modules', '.cache', 'octoplan-perf', 'cli');
mkdirSync(outDir, { recursive: true });
// A private build of the CLI, so the figure does not depend on whether dist/cli is fresh. Imported at run time, not
// bundled into this benchmark: the build options find the sources from the build script's own place.
const buildScript = pathToFileURL(join(root, 'bin', 'build-cli.js')).href;
const { cliBuildOptions } = (await import(buildScript)) as { cliBuildOptions: (outdir: string) => Parameters<typeof build>[0] };
await build(cliBuildOptions(outDir));

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux); null elsewhere. */
function childrenCpuS(): number | null {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 a second on Linux).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

interface Measured {
  readonly wallS: number;
  readonly sweepS: number;
  readonly cpuS: number | null;
  readonly json: string;
}

function runCompare(jobs: number, extraArgs: readonly string[]): Measured {
  const out = join(outDir, `compare-jobs-${jobs}.json`);
  const cpuBefore = childrenCpuS();
  const startMs = performance.now();
  const run = spawnSync(process.execPath, ['--import', join(root, 'bin', 'quiet-aws-sdk.js'), join(outDir, 'main.js'), 'compare', ...extraArgs, '--no-progress', '--jobs', String(jobs), '--json-out', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OCTOPLAN_CELL_WORKER_MODULE: join(outDir, 'cell-worker.js') },
  });
  const wallS = (performance.now() - startMs) / 1000;
  const cpuAfter = childrenCpuS();
  if (run.status !== 0) throw new Error(`bench compare --jobs ${jobs} failed: ${run.stderr}`);
  const { timing, ...rest } = JSON.parse(readFileSync(out, 'utf8')) as { timing: { totalMs: number } };
  return { wallS, sweepS: timing.totalMs / 1000, cpuS: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, json: JSON.stringify(rest) };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpu = (f: { cpuS: number | null }) => (f.cpuS === null ? 'n/a' : `${f.cpuS.toFixed(1)} s`);

/** Runs a sweep at one and two jobs alternately (a change in the machine's load falls on both) and prints the line. */
function measure(label: string, extraArgs: readonly string[]): void {
  const loadBefore = loadavg()[0]!;
  const runs: Record<1 | 2, Measured[]> = { 1: [], 2: [] };
  for (let i = 0; i < REPEATS; i++) for (const jobs of [1, 2] as const) runs[jobs].push(runCompare(jobs, extraArgs));
  const loadAfter = loadavg()[0]!;
  const figure = (jobs: 1 | 2) => ({
    wallS: median(runs[jobs].map((r) => r.wallS)),
    sweepS: median(runs[jobs].map((r) => r.sweepS)),
    cpuS: runs[jobs].every((r) => r.cpuS !== null) ? median(runs[jobs].map((r) => r.cpuS!)) : null,
  });
  const one = figure(1);
  const two = figure(2);
  const identical = [...runs[1], ...runs[2]].every((r) => r.json === runs[1][0]!.json);
  console.log(
    `compare ${label}, --jobs 2 vs --jobs 1 (${availableParallelism()} cores, median of ${REPEATS}): ` +
      `end to end ${one.wallS.toFixed(1)} s → ${two.wallS.toFixed(1)} s (${(one.wallS / two.wallS).toFixed(2)}×), ` +
      `sweep ${one.sweepS.toFixed(1)} s → ${two.sweepS.toFixed(1)} s (${(one.sweepS / two.sweepS).toFixed(2)}×); ` +
      `CPU ${cpu(one)} → ${cpu(two)}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}; JSON ${identical ? 'identical' : 'DIFFERENT'} but for timing`,
  );
}

/**
 * How much CPU two threads of this process get against one, right now: each spins for `wallMs`; 2.0 on an idle
 * two-core machine, about 1.0 or less when other processes saturate it (the scheduler then gives this process no more
 * time for a second thread), in which case no thread pool can show a speed-up and only the CPU times mean anything.
 */
async function parallelCapacity(wallMs = 1_500): Promise<number> {
  const spin = `const t = performance.now(); while (performance.now() - t < ${wallMs}); require('node:worker_threads').parentPort.postMessage(0);`;
  const cpuOf = async (threads: number) => {
    const start = process.cpuUsage();
    await Promise.all(Array.from({ length: threads }, () => new Promise((resolve) => new Worker(spin, { eval: true }).once('message', resolve))));
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  const one = await cpuOf(1);
  return (await cpuOf(2)) / one;
}

// Measured before and after each sweep: with the kernel's autogroup scheduling, a busy process of another session
// halves what this one gets however many threads it runs, and that can change within seconds.
const capacity = async () => `${(await parallelCapacity()).toFixed(2)}×`;
console.log(`parallel capacity (CPU two spinning threads get against one; 2.00× on an idle two-core machine): ${await capacity()}`);
measure('default arguments (36 cells)', []);
console.log(`parallel capacity: ${await capacity()}`);
measure('--prediction-error 0,0.1,0.25,0.5 --runs 10 (144 cells)', ['--prediction-error', '0,0.1,0.25,0.5', '--runs', '10']);
console.log(`parallel capacity: ${await capacity()}`);
