import { median as statsMedian, quantile, sampleStd } from '../../core/stats.js';
import type { TraceRecord, WorkerRecord } from '../../core/trace-records.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { Latency, PlatformModel } from '../../simulator/platform-model.js';

/** Options of `fitPlatformProfile`: what the records cannot tell, taken from the platform's configuration. */
export interface FitProfileOptions {
  /** Profile name (`simulator:<profile>` in simulated traces). */
  readonly profile: string;
  /** Where everything not fitted comes from (prices, CPU rule, failures); default the AWS profile. */
  readonly base?: PlatformModel;
  /** The platform's concurrency limit (the gateway's `concurrencyLimit`). */
  readonly concurrencyLimit?: number;
  /** The platform's keep-alive of idle instances (the gateway's `keepAliveMs`). */
  readonly keepAliveMs?: number;
  /**
   * Cores of the one host every instance runs on (the local gateway's machine): start-ups are fitted as sharing at
   * most this many (`cpu.hostCores`). Absent: each start-up has its own CPU, as on Lambda.
   */
  readonly hostCores?: number;
  /**
   * The platform's worker runs task code and handles replies on one thread (`cpu.singleThreadedWorker`), as the
   * runtime's Node.js worker does; default false.
   */
  readonly singleThreadedWorker?: boolean;
}

/** What went into a fit and what came out, for the report. */
export interface ProfileFit {
  readonly model: PlatformModel;
  readonly samples: {
    readonly runs: number;
    readonly warmStarts: number;
    readonly coldStarts: number;
    readonly transfers: number;
    /** Counter round trips recorded (`counterOps`). */
    readonly counterOps: number;
    /** Publishes recorded (`publishOps`). */
    readonly publishOps: number;
    /**
     * Transfers and round trips left out of the fit because their worker's thread ran task code while they were under
     * way (`threadBusyMs`): their duration holds time the reply may have waited, which the simulator models itself.
     */
    readonly threadBusy: number;
  };
  /** Start-up of a warm worker (invocation to ready) with no other start-up under way, as fitted. */
  readonly warmStart: Latency;
  /** Cores the host's start-ups and executions share, as fitted (`cpu.hostCores`); absent without `hostCores`. */
  readonly hostCores?: number;
  /** Extra start-up of a cold worker over a warm one, as fitted. */
  readonly coldExtra: Latency;
  /** Fixed cost of one transfer (Redis round trip) and bytes per ms beyond it. */
  readonly transfer: { readonly opLatencyMs: number; readonly sigma: number; readonly bytesPerMs: number };
  /** One counter round trip (increment or read), as fitted (`metadata.counter`). */
  readonly counter: Latency;
  /** One notification, as fitted from the publishes' round trips (`metadata.notify`). */
  readonly notify: Latency;
  /** Parts the records could not inform, and what was used instead. */
  readonly notes: readonly string[];
}

/** Smallest duration a log is taken of: recorded times are rounded to µs and can be 0. */
const MIN_MS = 0.001;

/** Median of a list (the mean of the middle two for an even length); NaN when empty (`core/stats.ts`). */
export const median = statsMedian;

/** Standard deviation of ln(x): the sigma of a lognormal fitted to `values`; 0 for fewer than two values. */
export function logSigma(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return sampleStd(values.map((v) => Math.log(Math.max(MIN_MS, v))));
}

/**
 * Ordinary least squares of `ms = intercept + slope × bytes`. Undefined with fewer than two distinct sizes (no slope
 * can be told from one size).
 */
export function fitLine(points: readonly { bytes: number; ms: number }[], weights?: readonly number[]): { intercept: number; slope: number } | undefined {
  if (new Set(points.map((p) => p.bytes)).size < 2) return undefined;
  const w = (i: number) => weights?.[i] ?? 1;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  points.forEach((p, i) => {
    sw += w(i);
    sx += w(i) * p.bytes;
    sy += w(i) * p.ms;
  });
  const meanX = sx / sw;
  const meanY = sy / sw;
  let sxy = 0;
  let sxx = 0;
  points.forEach((p, i) => {
    sxy += w(i) * (p.bytes - meanX) * (p.ms - meanY);
    sxx += w(i) * (p.bytes - meanX) ** 2;
  });
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

/**
 * Least absolute deviations line (median regression) by iteratively reweighted least squares. Used for transfers
 * because a recorded transfer also holds any time its worker's single thread spent on other work before the reply
 * was handled (a task's code runs to completion): a minority of long outliers the simulator models separately (CPU),
 * which would pull a least-squares line up.
 */
export function fitMedianLine(points: readonly { bytes: number; ms: number }[], iterations = 30): { intercept: number; slope: number } | undefined {
  let line = fitLine(points);
  if (!line) return undefined;
  for (let i = 0; i < iterations; i++) {
    const current: { intercept: number; slope: number } = line;
    const weights = points.map((p) => 1 / Math.max(1e-3, Math.abs(p.ms - (current.intercept + current.slope * p.bytes))));
    line = fitLine(points, weights) ?? current;
  }
  return line;
}

/** A lognormal sigma from the middle of the data: (ln q84 − ln q16) / 2, insensitive to a tail of outliers. */
export function robustLogSigma(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const logs = values.map((v) => Math.log(Math.max(MIN_MS, v)));
  const at = (q: number) => quantile(logs, q);
  return (at(0.8413) - at(0.1587)) / 2;
}

/**
 * The lognormal sigma of the noise each sample has on its own, apart from what it shares with its run: each sample's
 * ratio to the model (`ratio`) divided by its run's median ratio, then `robustLogSigma`. The simulator draws every
 * start-up and transfer independently, so its sigma must be this part only: the samples of one run move together
 * (the host's load, the same processes), and drawing that shared part independently for n parallel workers would
 * make the slowest of them far slower than any run ever had it. The shared part stays in the fitted median.
 */
export function withinRunLogSigma(samples: readonly { runId: string; ratio: number }[]): number {
  const byRun = new Map<string, number[]>();
  for (const s of samples) {
    const list = byRun.get(s.runId);
    if (list) list.push(s.ratio);
    else byRun.set(s.runId, [s.ratio]);
  }
  const relative: number[] = [];
  for (const ratios of byRun.values()) {
    if (ratios.length < 2) continue; // a run's only sample has no spread of its own to tell
    const m = median(ratios);
    for (const r of ratios) relative.push(Math.max(MIN_MS, r) / Math.max(MIN_MS, m));
  }
  return robustLogSigma(relative);
}

/**
 * Fits a fixed latency from round trips of several runs: the median of all of them (the load a run shares with its
 * samples stays in it, as for start-ups and transfers) and the within-run sigma around it (`withinRunLogSigma`),
 * because the simulator draws every counter and notification independently. Undefined without samples.
 */
export function fitRoundTrips(samples: readonly { runId: string; ms: number }[]): Latency | undefined {
  if (samples.length === 0) return undefined;
  const medianMs = Math.max(MIN_MS, median(samples.map((s) => s.ms)));
  return { medianMs, sigma: withinRunLogSigma(samples.map((s) => ({ runId: s.runId, ratio: Math.max(MIN_MS, s.ms) / medianMs }))) };
}

/**
 * Each start-up's time alone, given that the run's start-ups and task executions shared `cores` cores (processor
 * sharing, as the simulator models `cpu.hostCores`): its recorded span with every stretch weighted by
 * min(1, cores / n), n the start-ups (itself included) and executions (`executions`: the run's recorded spans of task
 * code) under way then. With Infinity cores it is the recorded start-up.
 */
export function startupAloneMs(
  workers: readonly WorkerRecord[],
  cores: number,
  executions: readonly { readonly startMs: number; readonly endMs: number }[] = [],
): number[] {
  const spans = [...workers.map((w) => ({ startMs: w.invokedAtMs, endMs: w.readyAtMs })), ...executions];
  const points = [...new Set(spans.flatMap((s) => [s.startMs, s.endMs]))].sort((a, b) => a - b);
  // Per stretch between consecutive points: how many jobs were under way, and the rate each progressed at.
  const rates = points.slice(0, -1).map((from) => Math.min(1, cores / Math.max(1, spans.filter((s) => s.startMs <= from && s.endMs > from).length)));
  return workers.map((w) => {
    let ms = 0;
    for (let i = 0; i < rates.length; i++) {
      const from = points[i]!;
      const to = points[i + 1]!;
      if (from >= w.invokedAtMs && to <= w.readyAtMs) ms += (to - from) * rates[i]!;
    }
    return ms;
  });
}

/**
 * Mean absolute deviation of ln(x) from its median: a spread every sample moves (unlike a quantile range, which a
 * wrong fit can leave unchanged when it moves only a minority) and that outliers move only linearly.
 */
export function meanAbsLogDeviation(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const logs = values.map((v) => Math.log(Math.max(MIN_MS, v)));
  const m = median(logs);
  return logs.reduce((sum, x) => sum + Math.abs(x - m), 0) / logs.length;
}

/** A run's work on the host, as its records tell it: its workers' start-ups and its tasks' executions. */
export interface RunJobs {
  readonly workers: readonly WorkerRecord[];
  readonly executions: readonly { readonly startMs: number; readonly endMs: number }[];
}

/** Groups records by run into `RunJobs` (executions from task records with `execStartMs`; others are not known). */
export function runJobs(records: readonly TraceRecord[]): RunJobs[] {
  const byRun = new Map<string, { workers: WorkerRecord[]; executions: { startMs: number; endMs: number }[] }>();
  const of = (runId: string) => {
    let run = byRun.get(runId);
    if (!run) byRun.set(runId, (run = { workers: [], executions: [] }));
    return run;
  };
  for (const r of records) {
    if (r.type === 'worker') of(r.runId).workers.push(r);
    else if (r.type === 'task' && r.execStartMs !== undefined && r.execMs > 0) of(r.runId).executions.push({ startMs: r.execStartMs, endMs: r.execStartMs + r.execMs });
  }
  return [...byRun.values()];
}

/** Candidate shared cores: 1 to the host's cores in quarter steps (a start-up alone never runs faster than alone). */
function coreCandidates(hostCores: number): number[] {
  const out: number[] = [];
  for (let c = 1; c <= hostCores + 1e-9; c += 0.25) out.push(c);
  return out;
}

/**
 * Fits start-ups that share a host: the shared cores are the candidate (`coreCandidates`) under which the warm
 * start-ups' times alone (`startupAloneMs`) scatter least (`meanAbsLogDeviation`): the wrong number leaves each start-up's
 * time depending on how many ran beside it, which widens their spread. The warm latency is the median of those times
 * alone and their within-run sigma; the cold extra the median of cold start-ups' times alone over it. Without
 * `hostCores` (each start-up on its own CPU) the times alone are the recorded start-ups and `cores` is undefined.
 */
export function fitSharedStartups(
  runs: readonly RunJobs[],
  hostCores: number | undefined,
  /** Take these cores instead of fitting them (`hostCores` then only says the host is shared). */
  fixedCores?: number,
): { cores: number | undefined; warm: Latency | undefined; coldAloneMs: { runId: string; ms: number }[] } {
  const alone = (cores: number) =>
    runs.flatMap(({ workers, executions }) => {
      const ms = startupAloneMs(workers, cores, executions);
      return workers.map((w, i) => ({ runId: w.runId, start: w.start, ms: ms[i]! }));
    });
  let best: { cores: number; spread: number; samples: ReturnType<typeof alone> } | undefined;
  for (const cores of hostCores === undefined ? [Infinity] : fixedCores !== undefined ? [fixedCores] : coreCandidates(Math.max(1, hostCores))) {
    const samples = alone(cores);
    const spread = meanAbsLogDeviation(samples.filter((s) => s.start === 'warm').map((s) => s.ms));
    if (!best || spread < best.spread - 1e-9) best = { cores, spread, samples };
  }
  const samples = best!.samples;
  const cores = hostCores === undefined ? undefined : best!.cores;
  const warmSamples = samples.filter((s) => s.start === 'warm');
  const coldAloneMs = samples.filter((s) => s.start === 'cold').map((s) => ({ runId: s.runId, ms: s.ms }));
  if (warmSamples.length === 0) return { cores, warm: undefined, coldAloneMs };
  const medianMs = Math.max(MIN_MS, median(warmSamples.map((s) => s.ms)));
  const sigma = withinRunLogSigma(warmSamples.map((s) => ({ runId: s.runId, ratio: Math.max(MIN_MS, s.ms) / medianMs })));
  return { cores, warm: { medianMs, sigma }, coldAloneMs };
}

/**
 * `fit` with the warm start-up refitted on `records` alone (one workflow's runs, say), on the cores `fit` found: a
 * worker's start-up spans work of its run's own (connecting, loading the run's workflow and plan, building the
 * scheduler core's context), so it differs by workflow (on this project's machines, 6 to 17 ms alone over the
 * built-in workloads), while the host's cores, transfers and round trips do not. Unchanged without warm start-ups.
 */
export function withOwnWarmStartups(fit: ProfileFit, records: readonly TraceRecord[]): ProfileFit {
  const { warm } = fitSharedStartups(runJobs(records), fit.hostCores, fit.hostCores);
  if (!warm) return fit;
  return { ...fit, warmStart: warm, model: { ...fit.model, invoke: { ...fit.model.invoke, dispatch: warm } } };
}

/**
 * Derives a platform profile from real runs' trace records (decision 6 of the research notes): start-ups from the
 * worker records (`readyAtMs - invokedAtMs`: the Invoke call, queueing, dispatch and, when cold, INIT, as the
 * simulator's `startupMs` spans them), transfer speed and per-operation latency from the task records' downloads and
 * uploads (a median-regression line through size → duration, `fitMedianLine`, with a quantile-based spread). How
 * the fitted figures map onto the model:
 *
 * - warm start-up → `invoke.dispatch` (median, lognormal sigma); `invoke.apiCall` and `startup.warmMs` 0, because
 *   the recorded start-up already holds the Invoke call;
 * - cold minus warm median → `startup.runtimeInit` (sigma of the cold samples); the other cold-start terms 0;
 * - the line's intercept → `storage.opLatency`; its slope → `storage.bandwidthBytesPerMs`, flat in memory (loopback
 *   does not scale with the memory setting) and not shared at the server;
 * - the task records' `counterOps` → `metadata.counter` and `publishOps` → `metadata.notify` (`fitRoundTrips`); a
 *   publish's round trip stands for the notification latency because the server forwards the message to its
 *   subscribers as it replies. Records without them (older traces) fall back to the transfer intercept and spread,
 *   being one Redis round trip too;
 * - concurrency limit and keep-alive from the options; prices, CPU rule and failures from `base`.
 *
 * Nothing is fitted from the runs a validation measures its error on: the caller passes the fit set only.
 */
export function fitPlatformProfile(records: readonly TraceRecord[], options: FitProfileOptions): ProfileFit {
  const base = options.base ?? DEFAULT_PLATFORM_MODEL;
  const notes: string[] = [];
  const transfers: { runId: string; bytes: number; ms: number }[] = [];
  const counterOps: { runId: string; ms: number }[] = [];
  const publishOps: { runId: string; ms: number }[] = [];
  // Spans during which the worker's thread ran task code are kept apart: their duration may hold a wait for the thread.
  let threadBusy = 0;
  const clean = (op: { threadBusyMs?: number }) => {
    if ((op.threadBusyMs ?? 0) === 0) return true;
    threadBusy++;
    return false;
  };
  // Per worker (run/worker id): its tasks' CPU time and how many it executed, for the CPU it used beyond them.
  const taskCpu = new Map<string, { cpuMs: number; tasks: number }>();
  let runs = 0;
  for (const record of records) {
    if (record.type === 'run') runs++;
    else if (record.type === 'task') {
      if (record.cpuMs !== undefined) {
        const key = `${record.runId}/${record.workerId}`;
        const sum = taskCpu.get(key) ?? { cpuMs: 0, tasks: 0 };
        taskCpu.set(key, { cpuMs: sum.cpuMs + record.cpuMs, tasks: sum.tasks + 1 });
      }
      for (const t of [...record.downloads, ...record.uploads]) if (t.sizeBytes > 0 && clean(t)) transfers.push({ runId: record.runId, bytes: t.sizeBytes, ms: t.durationMs });
      for (const op of record.counterOps ?? []) if (clean(op)) counterOps.push({ runId: record.runId, ms: op.durationMs });
      for (const op of record.publishOps ?? []) if (clean(op)) publishOps.push({ runId: record.runId, ms: op.durationMs });
    }
  }

  const jobs = runJobs(records);
  const workers = jobs.flatMap((run) => run.workers);
  const startups = fitSharedStartups(jobs, options.hostCores);
  // On a shared host: the CPU a worker's process used from ready to stopped beyond its tasks' code, per task.
  const beyondTasks: number[] = [];
  for (const w of workers) {
    const tasks = taskCpu.get(`${w.runId}/${w.workerId}`);
    if (w.cpuMs !== undefined && tasks && tasks.tasks > 0) beyondTasks.push(Math.max(0, w.cpuMs - tasks.cpuMs) / tasks.tasks);
  }
  const backgroundMsPerTask = startups.cores !== undefined && beyondTasks.length > 0 ? median(beyondTasks) : undefined;
  const warmCount = workers.filter((w) => w.start === 'warm').length;
  let warmStart: Latency;
  if (startups.warm) warmStart = startups.warm;
  else {
    warmStart = { medianMs: base.invoke.apiCall.medianMs + base.invoke.dispatch.medianMs + base.startup.warmMs, sigma: base.invoke.dispatch.sigma };
    notes.push('no warm start in the records: warm start-up from the base profile');
  }
  let coldExtra: Latency;
  if (startups.coldAloneMs.length > 0) {
    // A cold start's time alone over a warm one's.
    const coldMs = startups.coldAloneMs.map((c) => c.ms);
    coldExtra = { medianMs: Math.max(0, median(coldMs) - warmStart.medianMs), sigma: logSigma(coldMs) };
  } else {
    coldExtra = { medianMs: base.startup.platformColdOverheadMs + base.startup.runtimeInit.medianMs + base.startup.codeInitMs, sigma: base.startup.runtimeInit.sigma };
    notes.push('no cold start in the records: cold start-up from the base profile');
  }

  const line = fitMedianLine(transfers);
  let transfer: ProfileFit['transfer'];
  if (line && line.slope > 0) {
    const opLatencyMs = Math.max(MIN_MS, line.intercept);
    const bytesPerMs = 1 / line.slope;
    // Spread of each transfer around the line, as a lognormal sigma of the fixed part's noise.
    const ratios = transfers.map((t) => ({ runId: t.runId, ratio: Math.max(MIN_MS, t.ms) / (opLatencyMs + t.bytes / bytesPerMs) }));
    transfer = { opLatencyMs, sigma: withinRunLogSigma(ratios), bytesPerMs };
    if (line.intercept < MIN_MS) notes.push(`transfer line intercept ${line.intercept.toFixed(3)} ms clamped to ${MIN_MS} ms`);
  } else {
    transfer = { opLatencyMs: base.storage.opLatency.medianMs, sigma: base.storage.opLatency.sigma, bytesPerMs: base.storage.bandwidthBytesPerMs };
    notes.push(`transfers do not determine a line (${transfers.length} with data): storage from the base profile`);
  }
  const roundTrip: Latency = { medianMs: transfer.opLatencyMs, sigma: transfer.sigma };
  const counter = fitRoundTrips(counterOps) ?? roundTrip;
  if (counterOps.length === 0) notes.push('no counter round trips in the records: one Redis round trip (the transfer intercept)');
  const notify = fitRoundTrips(publishOps) ?? roundTrip;
  if (publishOps.length === 0) notes.push('no publishes in the records: notification latency is one Redis round trip (the transfer intercept)');
  const model: PlatformModel = {
    ...base,
    profile: options.profile,
    invoke: {
      ...base.invoke,
      apiCall: { medianMs: 0, sigma: 0 },
      dispatch: warmStart,
    },
    startup: {
      ...base.startup,
      warmMs: 0,
      platformColdOverheadMs: 0,
      runtimeInit: coldExtra,
      codeInitMs: 0,
      firstInvokeMs: [{ fromMb: 128, value: 0 }],
      ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
    },
    concurrency: { ...base.concurrency, ...(options.concurrencyLimit !== undefined ? { accountLimit: options.concurrencyLimit } : {}) },
    cpu: {
      ...base.cpu,
      ...(options.singleThreadedWorker ? { singleThreadedWorker: true } : {}),
      ...(startups.cores !== undefined ? { hostCores: startups.cores } : {}),
      ...(backgroundMsPerTask !== undefined ? { backgroundMsPerTask } : {}),
    },
    storage: {
      ...base.storage,
      opLatency: roundTrip,
      bandwidthBytesPerMs: transfer.bytesPerMs,
      fullBandwidthFromMb: 128,
      serverBandwidthBytesPerMs: transfer.bytesPerMs,
    },
    metadata: { counter, notify },
    failures: { ...base.failures, workerFailureProbability: 0, taskFailureProbability: 0 },
  };
  return {
    model,
    samples: { runs, warmStarts: warmCount, coldStarts: startups.coldAloneMs.length, transfers: transfers.length, counterOps: counterOps.length, publishOps: publishOps.length, threadBusy },
    warmStart,
    ...(startups.cores !== undefined ? { hostCores: startups.cores } : {}),
    coldExtra,
    transfer,
    counter,
    notify,
    notes,
  };
}
