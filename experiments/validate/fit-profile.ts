import type { TraceRecord, WorkerRecord } from '../../core/trace-records.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { contendingStarts, type Latency, type PlatformModel } from '../../simulator/platform-model.js';

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
  /** Start-ups that run side by side without contention: the cores of the host every instance runs on (default 1). */
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
  /** Extra start-up per other start-up under way at the invocation, as fitted (0 when the records cannot tell). */
  readonly perStartingMs: number;
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

/** Median of a list (the mean of the middle two for an even length); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Standard deviation of ln(x): the sigma of a lognormal fitted to `values`; 0 for fewer than two values. */
export function logSigma(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const logs = values.map((v) => Math.log(Math.max(MIN_MS, v)));
  const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
  return Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1));
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
  const logs = values.map((v) => Math.log(Math.max(MIN_MS, v))).sort((a, b) => a - b);
  const at = (q: number) => {
    const h = (logs.length - 1) * q;
    const lo = Math.floor(h);
    return logs[lo]! + (h - lo) * (logs[Math.ceil(h)]! - logs[lo]!);
  };
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
 * For each worker record of a run, how many other start-ups of the same run were under way when it was invoked
 * (invoked at or before it, not ready yet): the count the simulator adds `invoke.perStartingMs` for, by the same rule.
 */
export function startingAtInvocation(workers: readonly WorkerRecord[]): number[] {
  return workers.map((w) => workers.reduce((n, other) => n + (other !== w && other.invokedAtMs <= w.invokedAtMs && other.readyAtMs > w.invokedAtMs ? 1 : 0), 0));
}

/**
 * Fits warm start-ups as `base + perStartingMs × contending` (a median-regression line, `fitMedianLine`, through the
 * count of start-ups under way at each invocation beyond the `parallelStarts - 1` that fit on the host's other cores,
 * `contendingStarts`), the base's spread as the within-run sigma of each start-up over
 * its line (`withinRunLogSigma`). Without two distinct counts (or with a negative slope, which contention cannot give) the
 * slope is 0 and the base is the plain median.
 */
export function fitWarmStartups(
  samples: readonly { runId: string; startupMs: number; starting: number }[],
  parallelStarts = 1,
): { base: Latency; perStartingMs: number } {
  const x = (starting: number) => contendingStarts(starting, parallelStarts);
  const line = fitMedianLine(samples.map((s) => ({ bytes: x(s.starting), ms: s.startupMs })));
  const perStartingMs = line && line.slope > 0 && line.intercept > 0 ? line.slope : 0;
  const medianMs = perStartingMs > 0 ? line!.intercept : median(samples.map((s) => s.startupMs));
  const ratios = samples.map((s) => ({ runId: s.runId, ratio: Math.max(MIN_MS, s.startupMs) / (medianMs + perStartingMs * x(s.starting)) }));
  return { base: { medianMs, sigma: withinRunLogSigma(ratios) }, perStartingMs };
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
  const warm: { runId: string; startupMs: number; starting: number }[] = [];
  const cold: { runId: string; startupMs: number; starting: number }[] = [];
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
  const workersByRun = new Map<string, WorkerRecord[]>();
  let runs = 0;
  for (const record of records) {
    if (record.type === 'run') runs++;
    else if (record.type === 'worker') {
      const list = workersByRun.get(record.runId);
      if (list) list.push(record);
      else workersByRun.set(record.runId, [record]);
    } else if (record.type === 'task') {
      for (const t of [...record.downloads, ...record.uploads]) if (t.sizeBytes > 0 && clean(t)) transfers.push({ runId: record.runId, bytes: t.sizeBytes, ms: t.durationMs });
      for (const op of record.counterOps ?? []) if (clean(op)) counterOps.push({ runId: record.runId, ms: op.durationMs });
      for (const op of record.publishOps ?? []) if (clean(op)) publishOps.push({ runId: record.runId, ms: op.durationMs });
    }
  }

  for (const workers of workersByRun.values()) {
    const starting = startingAtInvocation(workers);
    workers.forEach((w, i) => (w.start === 'warm' ? warm : cold).push({ runId: w.runId, startupMs: w.readyAtMs - w.invokedAtMs, starting: starting[i]! }));
  }

  let warmStart: Latency;
  let perStartingMs = 0;
  const parallelStarts = options.hostCores ?? 1;
  if (warm.length > 0) ({ base: warmStart, perStartingMs } = fitWarmStartups(warm, parallelStarts));
  else {
    warmStart = { medianMs: base.invoke.apiCall.medianMs + base.invoke.dispatch.medianMs + base.startup.warmMs, sigma: base.invoke.dispatch.sigma };
    notes.push('no warm start in the records: warm start-up from the base profile');
  }
  let coldExtra: Latency;
  if (cold.length > 0) {
    // A cold start's extra over the warm start it would have been with as many start-ups under way.
    const extra = cold.map((c) => c.startupMs - warmStart.medianMs - perStartingMs * contendingStarts(c.starting, parallelStarts));
    coldExtra = { medianMs: Math.max(0, median(extra)), sigma: logSigma(cold.map((c) => c.startupMs)) };
  }
  else {
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
    invoke: { ...base.invoke, apiCall: { medianMs: 0, sigma: 0 }, dispatch: warmStart, perStartingMs, parallelStarts },
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
    cpu: { ...base.cpu, ...(options.singleThreadedWorker ? { singleThreadedWorker: true } : {}) },
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
    samples: { runs, warmStarts: warm.length, coldStarts: cold.length, transfers: transfers.length, counterOps: counterOps.length, publishOps: publishOps.length, threadBusy },
    warmStart,
    perStartingMs,
    coldExtra,
    transfer,
    counter,
    notify,
    notes,
  };
}
