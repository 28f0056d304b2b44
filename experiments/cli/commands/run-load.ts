import type { DispatchQueueOptions } from '../../../core/dispatch/index.js';
import type { Sla } from '../../../core/sla.js';
import type { OptimizationPassName } from '../../../planners/planner.js';
import { loadPlatformModel } from '../../../simulator/platform-config.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { formatLoadTable, loadCsv } from '../../load/load-table.js';
import { realLoadPlatform, runRealLoadSweep, DEFAULT_LOCAL_ACCOUNT_LIMIT } from '../../load/real-load-sweep.js';
import { UsageError } from '../errors.js';
import { checkWeights, type LoadOptions } from '../load-options.js';
import { writeJsonOut, writeTextOut } from '../options.js';
import { startProgress } from '../progress.js';

/** Offered loads of a real load run with `--requests` or `--duration-ms` but no rates: three Poisson rates (req/s) this 2-core host runs below and at saturation. */
export const DEFAULT_REAL_LOAD_RATES = [1, 2, 4] as const;
/** Requests per real load point by default: tens, so three points take about a minute here. */
export const DEFAULT_REAL_LOAD_REQUESTS = 20;

/** The real load mix and offered loads every real load command takes (`bench run`, `bench validate --load`). */
export interface RealLoadMixRequest {
  readonly workloads: readonly string[];
  readonly planner: string;
  readonly optimizations: readonly OptimizationPassName[];
  readonly sla: Sla;
  readonly seed: string;
  readonly load: LoadOptions;
}

/** What a real load run of `bench run` takes besides the load options. */
export interface RunLoadRequest extends RealLoadMixRequest {
  /** Dispatch strategies to compare through a dispatcher in front of the gateway (default none). */
  readonly dispatch?: readonly DispatchQueueOptions[];
  readonly priorityClasses?: Readonly<Record<string, number>>;
  readonly platformFile?: string;
  readonly redisUrl?: string;
  readonly traceOut?: string;
  readonly json: boolean;
  readonly jsonOut?: string;
  readonly csv: boolean;
  readonly csvOut?: string;
  readonly report?: string;
  readonly progress?: boolean;
  /** The command line, for the report's "regenerate" line. */
  readonly command: string;
}

/**
 * `bench run --runtime local` with load options: the mix's requests sent to the real local runtime at every offered
 * load (`experiments/load/real-load-sweep.ts`), printed as `bench load` prints a simulated sweep, then whether Redis
 * holds any key afterwards. Exits 1 when a key is left or a request failed (each failure on its own stderr line).
 */
export async function runLoadCommand(request: RunLoadRequest): Promise<void> {
  if (request.json && request.csv) throw new UsageError('give --json or --csv, not both: each is the whole of stdout (write the other with --json-out or --csv-out)');
  checkWeights(request.load.weights, [...request.workloads]);
  const platform = realLoadPlatform(request.platformFile ? await loadPlatformModel(request.platformFile) : undefined);
  const progress = await startProgress('bench run', { enabled: request.progress });
  let sweep;
  try {
    sweep = await runRealLoadSweep({
      workloads: request.workloads,
      ...(request.load.weights ? { weights: request.load.weights } : {}),
      planner: request.planner,
      optimizations: request.optimizations,
      sla: request.sla,
      seed: request.seed,
      loads: request.load.loads,
      ...(request.load.requests !== undefined ? { requests: request.load.requests } : {}),
      ...(request.load.durationMs !== undefined ? { durationMs: request.load.durationMs } : {}),
      ...(request.load.timeoutMs !== undefined ? { timeoutMs: request.load.timeoutMs } : {}),
      ...(request.load.p99BoundMs !== undefined ? { p99BoundMs: request.load.p99BoundMs } : {}),
      ...(request.load.slaFactor !== undefined ? { slaFactor: request.load.slaFactor } : {}),
      ...(request.load.slaMs !== undefined ? { slaMs: request.load.slaMs } : {}),
      warmupFraction: request.load.warmupFraction,
      ...(request.dispatch ? { dispatch: request.dispatch } : {}),
      ...(request.priorityClasses ? { priorityClasses: request.priorityClasses } : {}),
      platform,
      ...(request.redisUrl ? { redisUrl: request.redisUrl } : {}),
      keepRecords: request.traceOut !== undefined,
      onProgress: (done, total, what) => progress.update(what, done, total),
      log: (message) => progress.log(`gateway: ${message}`),
    });
  } catch (error) {
    progress.stop();
    throw error;
  }
  const { results } = sweep;
  const requests = results.points.reduce((sum, p) => sum + p.metrics.arrived, 0);
  progress.finish(`${results.points.length} real load point(s), ${requests} request(s) through the local gateway`);
  for (const [point, failures] of sweep.failures) for (const [index, why] of Object.entries(failures)) console.error(`bench run: ${point}: request ${index} failed: ${why}`);
  if (request.traceOut) await writeTraceFile(request.traceOut, [...sweep.records.values()].flatMap((perRequest) => perRequest.flat()));
  if (request.csvOut) await writeTextOut(request.csvOut, loadCsv(results));
  const extras = { leftoverKeys: sweep.leftoverKeys, hostLoadAverage: Object.fromEntries(sweep.hostLoadAverage) };
  if (request.jsonOut) await writeJsonOut(request.jsonOut, { ...results, ...extras });
  if (request.report) {
    const { writeLoadReport } = await import('../../load/load-report.js');
    const files = await writeLoadReport(results, request.report, request.command);
    console.error(`bench run: report written to ${request.report} (${files.length} files)`);
  }
  if (request.json) console.log(JSON.stringify({ ...results, ...extras }, null, 2));
  else if (request.csv) process.stdout.write(loadCsv(results));
  else {
    console.log(formatLoadTable(results));
    const per = request.load.requests !== undefined ? `${request.load.requests} requests` : request.load.durationMs !== undefined ? `${request.load.durationMs} ms of arrivals` : 'the arrivals trace';
    console.log(
      `\nreal runs in worker processes (local gateway, account limit ${results.accountLimit}${platform.concurrency.accountLimit === DEFAULT_LOCAL_ACCOUNT_LIMIT ? ', the local default' : ''}): mix ${results.workloads.join(', ')}; ${per} per point, ` +
        `first ${Math.round(request.load.warmupFraction * 100)}% left out as warm-up; each point starts with no idle worker; arrivals from seed ${request.seed}; the driver sent requests at most ${sweep.maxSendLagMs.toFixed(0)} ms late`,
    );
    console.log(`host 1-minute load average during each point (runnable processes, ours included): ${[...sweep.hostLoadAverage].map(([point, avg]) => `${point.split('@')[1]} ${avg.toFixed(1)}`).join(', ')}`);
    console.log(`Redis: ${sweep.leftoverKeys.length === 0 ? 'no key left' : `${sweep.leftoverKeys.length} key(s) left, e.g. ${sweep.leftoverKeys.slice(0, 3).join(', ')}`}`);
    if (request.csvOut) console.log(`CSV: ${request.csvOut}`);
    if (request.jsonOut) console.log(`JSON: ${request.jsonOut}`);
    if (request.traceOut) console.log(`traces: ${request.traceOut}`);
  }
  const failed = [...sweep.failures.values()].reduce((sum, f) => sum + Object.keys(f).length, 0);
  if (sweep.leftoverKeys.length > 0) console.error(`bench run: ${sweep.leftoverKeys.length} key(s) left in Redis after the load (every run should delete its own)`);
  if (sweep.leftoverKeys.length > 0 || failed > 0) process.exitCode = 1;
}
