import { availableParallelism } from 'node:os';
import { rngFor } from '../../core/random.js';
import { formatSla, MEDIAN, type Sla } from '../../core/sla.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import type { ArrivalPattern } from '../../simulator/arrivals.js';
import { sampledDurations } from '../../simulator/duration-sources.js';
import { DEFAULT_WARMUP_FRACTION, loadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad, type LoadWorkflow } from '../../simulator/load-simulation.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { formatTable } from '../cli/table.js';
import type { LoadResults } from '../load/load-sweep.js';
import { runRealLoadSweep } from '../load/real-load-sweep.js';
import { percentError } from './errors.js';
import { median } from '../../core/stats.js';
import { fitPlatformProfile, withOwnWarmStartups, type ProfileFit } from './fit-profile.js';
import { localPredictions, withTasksAlone } from './local-plan.js';

/**
 * `bench validate --load`: the load simulation against the real local runtime at the same offered loads. Every load
 * runs for real (`real-load-sweep.ts`, each point starting with no idle worker); the local platform profile
 * (`fit-profile.ts`) and each workload's predictions are fitted on the requests of the *fit* loads only; then every
 * load is simulated on one shared platform (`simulateLoad`) with the fitted profile, the same plans and the arrivals
 * the real point sent, `simulations` times with fresh draws, and the mean simulated p50, p99 and throughput are
 * held against the measured ones. The error that counts is at the *held-out* loads, which the fit never saw.
 *
 * Why the lightest load fits by default: the profile's shared-host model (`cpu.hostCores`, start-ups' times alone)
 * is fitted per run from that run's own records, which do not show other requests' processes competing for the
 * cores. At a light load requests rarely overlap, so what is fitted is each request's own cost, and the simulation
 * adds the contention of heavier loads itself; fitted at a heavy load, the contention would be counted twice.
 */

/** Simulations per load point by default: a 20-request p99 is nearly the maximum, so one draw says little. */
export const DEFAULT_LOAD_SIMULATIONS = 20;

/** A point whose measured throughput is below this share of the offered load is saturated (it cannot keep up). */
export const SATURATED_BELOW_SHARE = 0.75;

/** Simulations per fit load and candidate while calibrating the host's other load. */
const CALIBRATION_SIMULATIONS = 8;

/** Candidate numbers of other programs' always-runnable processes on the host (`cpu.otherHostJobs`). */
const OTHER_JOBS_CANDIDATES = [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16];

/** A job alone on a host of `cores` with `otherJobs` other runnable processes runs this many times slower than alone on an idle host. */
export function slowdownAlone(cores: number, otherJobs: number): number {
  return Math.max(1, (1 + otherJobs) / cores);
}

/**
 * The other programs running on the host beside the runtime's processes (`cpu.otherHostJobs`), calibrated on the fit
 * loads: of the candidates, the number under which the simulated p50 latency at the fit loads is closest to the
 * measured (least mean |log ratio|). Why: predictions are of each task's time alone, which the runtime measures as
 * its CPU time (`cpuMs`), and the records show what the run's own processes did, not what else ran; on this shared
 * machine other programs keep several processes runnable, a number that changes from minute to minute (in one fit
 * load task code ran at 2–8× its CPU time with nothing of ours beside it). Other processes are not fewer cores: a
 * job of ours added to a busy host slows the others by (n + 1 + m) / (n + m), not by a core's worth, which is why
 * a light load's slowdown must not be carried to a heavy one as a scale.
 */
export function calibrateOtherHostJobs(
  fitLoads: readonly number[],
  simulatedP50Ms: (otherJobs: number, load: number) => number,
  measuredP50Ms: (load: number) => number,
): { otherJobs: number; p50ErrorPct: number } {
  let best: { otherJobs: number; score: number; p50ErrorPct: number } | undefined;
  for (const otherJobs of OTHER_JOBS_CANDIDATES) {
    const ratios = fitLoads.map((i) => simulatedP50Ms(otherJobs, i) / measuredP50Ms(i)).filter((r) => Number.isFinite(r) && r > 0);
    if (ratios.length === 0) continue;
    const score = ratios.reduce((sum, r) => sum + Math.abs(Math.log(r)), 0) / ratios.length;
    if (best === undefined || score < best.score) best = { otherJobs, score, p50ErrorPct: (ratios.reduce((x, r) => x * r, 1) ** (1 / ratios.length) - 1) * 100 };
    // Past the best the error only grows (more others, slower everything): stop once it clearly has.
    if (best !== undefined && score > 2 * best.score + 0.5) break;
  }
  return best ?? { otherJobs: 0, p50ErrorPct: Number.NaN };
}

/** Options of `runLoadValidation`. */
export interface LoadValidationOptions {
  readonly workloads: readonly string[];
  readonly planner: string;
  readonly optimizations: readonly OptimizationPassName[];
  readonly sla?: Sla;
  readonly seed: string;
  /** Every offered load, run for real and simulated. */
  readonly loads: readonly ArrivalPattern[];
  /** Indexes into `loads` of the loads the profile is fitted on; the others are held out. */
  readonly fitLoads: readonly number[];
  readonly requests?: number;
  readonly durationMs?: number;
  readonly timeoutMs?: number;
  readonly warmupFraction?: number;
  /** Prices and account limit (the gateway's limit and the simulated platform's). */
  readonly platform?: PlatformModel;
  readonly weights?: Readonly<Record<string, number>>;
  readonly simulations?: number;
  readonly redisUrl?: string;
  readonly progress?: (done: number, total: number, what: string) => void;
}

/** Simulated against measured at one offered load. */
export interface LoadValidationRow {
  readonly load: string;
  readonly offeredPerS: number | null;
  readonly role: 'fit' | 'held-out';
  /** Measured throughput below `SATURATED_BELOW_SHARE` of the offered load. */
  readonly saturated: boolean;
  /** The host's mean 1-minute load average while the real point ran (ours included): how busy the machine was. */
  readonly hostLoadAverage: number;
  readonly measured: { readonly p50Ms: number; readonly p99Ms: number; readonly throughputPerS: number; readonly completed: number; readonly measured: number };
  /** Means over the simulations. */
  readonly simulated: { readonly p50Ms: number; readonly p99Ms: number; readonly throughputPerS: number };
  /** (simulated − measured) / measured × 100. */
  readonly errorPct: { readonly p50: number; readonly p99: number; readonly throughput: number };
}

/** Everything `bench validate --load` reports. */
export interface LoadValidationReport {
  readonly options: { readonly workloads: readonly string[]; readonly planner: string; readonly optimizations: readonly OptimizationPassName[]; readonly sla: Sla; readonly seed: string; readonly requests: number | null; readonly simulations: number; readonly warmupFraction: number; readonly accountLimit: number };
  readonly fit: ProfileFit;
  /** Other programs' runnable processes on the host, calibrated on the fit loads (`calibrateOtherHostJobs`): how many, the slowdown of a job alone, the fit loads' p50 error with them. */
  readonly hostLoad: { readonly otherJobs: number; readonly slowdownAlone: number; readonly hostCores: number | undefined; readonly fitP50ErrorPct: number };
  /** The client's median arrival → submission at the fit loads (ms), added to every simulated latency. */
  readonly clientSubmissionMs: number;
  readonly rows: readonly LoadValidationRow[];
  /** The largest |error| over the held-out loads below saturation (NaN when there is none). */
  readonly heldOut: { readonly loads: number; readonly maxAbsP50Pct: number; readonly maxAbsP99Pct: number; readonly maxAbsThroughputPct: number };
  /** The measured sweep, as `bench run` with load options prints it. */
  readonly measured: LoadResults;
  readonly leftoverKeys: readonly string[];
  readonly wallMs: number;
}

/** Runs the load validation (see the module's doc). */
export async function runLoadValidation(options: LoadValidationOptions): Promise<LoadValidationReport> {
  const wallStart = performance.now();
  if (options.fitLoads.length === 0 || options.fitLoads.length >= options.loads.length) {
    throw new RangeError(`validate --load needs at least one fit load and one held-out load, got ${options.fitLoads.length} fit of ${options.loads.length}`);
  }
  const sla = options.sla ?? MEDIAN;
  const simulations = options.simulations ?? DEFAULT_LOAD_SIMULATIONS;
  const warmupFraction = options.warmupFraction ?? DEFAULT_WARMUP_FRACTION;
  const sweep = await runRealLoadSweep({
    workloads: options.workloads,
    ...(options.weights ? { weights: options.weights } : {}),
    planner: options.planner,
    optimizations: options.optimizations,
    sla,
    seed: options.seed,
    loads: options.loads,
    ...(options.requests !== undefined ? { requests: options.requests } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    warmupFraction,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    keepRecords: true,
    ...(options.progress ? { onProgress: options.progress } : {}),
  });
  const { results } = sweep;
  const pointKey = (i: number) => `${results.points[i]!.variant}@${results.points[i]!.load}`;
  const fitRecords: TraceRecord[] = options.fitLoads.flatMap((i) => (sweep.records.get(pointKey(i)) ?? []).flat());
  const fit = fitPlatformProfile(fitRecords, {
    profile: 'local-gateway',
    hostCores: availableParallelism(),
    concurrencyLimit: results.accountLimit,
    singleThreadedWorker: true,
  });

  // Per workload: the fitted model (its own warm start-up when the mix has one workload) and its predictions.
  const fitRuns = groupRuns(fitRecords).runs;
  const ownModel = options.workloads.length === 1 ? withOwnWarmStartups(fit, fitRecords).model : fit.model;
  const predictionsByName = new Map(
    sweep.mix.map((entry) => [entry.name, localPredictions(entry.workflow, withTasksAlone(fitRuns.filter((r) => r.header.workflow === entry.workflow.name)), fitRuns, ownModel.cpu.hostCores)]),
  );
  const mixOf = (seed: string, model: PlatformModel): LoadWorkflow[] =>
    sweep.mix.map((entry) => ({
      name: entry.name,
      workflow: entry.workflow,
      plan: entry.plan,
      weight: entry.weight,
      // Fresh draws per simulation and request from the fitted predictions, as `bench validate` samples its runs.
      truth: (k: number) => {
        const rng = (what: string) => rngFor(seed, `${entry.name}/${k}/${what}`);
        const sampled = sampledDurations(predictionsByName.get(entry.name)!, model, { exec: rng('exec'), output: rng('output'), startup: rng('startup'), transfer: rng('transfer') });
        // Start-ups were fitted from their wall times, which the other programs stretched already: their time alone
        // on an idle host is that over the slowdown the others cause (the simulated host puts it back). Tasks were
        // fitted from their CPU times, which no other program stretches.
        const stretch = model.cpu.hostCores === undefined ? 1 : slowdownAlone(model.cpu.hostCores, model.cpu.otherHostJobs ?? 0);
        return stretch === 1 ? sampled : { ...sampled, startupMs: (resources, start) => sampled.startupMs(resources, start) / stretch };
      },
      slaMs: entry.slaMs,
    }));

  // The client's own share of each request's latency (arrival → its submission: connecting, storing the inputs and
  // the configuration), which no worker record shows and the simulation does not model: its median at the fit loads.
  const submissionMs = median(options.fitLoads.flatMap((i) => (sweep.submissionMs.get(pointKey(i)) ?? []).filter(Number.isFinite)));
  const clientMs = Number.isFinite(submissionMs) ? submissionMs : 0;

  /** Mean simulated p50, p99 and throughput of point `i` over `n` simulations on `model`. */
  const simulatePoint = (model: PlatformModel, i: number, n: number) => {
    const point = results.points[i]!;
    const sent = sweep.sent.get(pointKey(i))!;
    const sims = Array.from({ length: n }, (_, r) => {
      const seed = `${options.seed}/load-sim/${point.load}/${r}`;
      const result = simulateLoad({ platform: model, mix: mixOf(seed, model), arrivals: { kind: 'trace', arrivals: sent }, seed });
      // Every request reaches the simulated platform `clientMs` after it arrived (the same shift for all: the same dynamics).
      const requests = result.requests.map((r) => ({ ...r, ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs + clientMs } : {}), ...(r.queueMs !== undefined ? { queueMs: r.queueMs + clientMs } : {}) }));
      return loadMetrics(requests, warmupFraction);
    });
    const meanOf = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    return {
      p50Ms: meanOf(sims.map((m) => m.latencyP50Ms)),
      p99Ms: meanOf(sims.map((m) => m.latencyP99Ms)),
      throughputPerS: meanOf(sims.map((m) => m.throughputPerS)),
    };
  };
  const withOthers = (otherJobs: number): PlatformModel => (ownModel.cpu.hostCores === undefined ? ownModel : { ...ownModel, cpu: { ...ownModel.cpu, otherHostJobs: otherJobs } });
  const others = ownModel.cpu.hostCores === undefined
    ? { otherJobs: 0, p50ErrorPct: Number.NaN }
    : calibrateOtherHostJobs(options.fitLoads, (m, i) => simulatePoint(withOthers(m), i, CALIBRATION_SIMULATIONS).p50Ms, (i) => results.points[i]!.metrics.latencyP50Ms);
  const model = withOthers(others.otherJobs);

  const rows: LoadValidationRow[] = results.points.map((point, i) => {
    const simulated = simulatePoint(model, i, simulations);
    const m = point.metrics;
    const measured = { p50Ms: m.latencyP50Ms, p99Ms: m.latencyP99Ms, throughputPerS: m.throughputPerS, completed: m.completed, measured: m.measured };
    const error = (sim: number, real: number) => (real > 0 && Number.isFinite(sim) ? percentError(sim, real) : Number.NaN);
    return {
      load: point.load,
      offeredPerS: point.offeredPerS,
      role: options.fitLoads.includes(i) ? 'fit' : 'held-out',
      saturated: point.offeredPerS !== null && !(m.throughputPerS >= SATURATED_BELOW_SHARE * point.offeredPerS),
      hostLoadAverage: sweep.hostLoadAverage.get(pointKey(i)) ?? Number.NaN,
      measured,
      simulated,
      errorPct: { p50: error(simulated.p50Ms, measured.p50Ms), p99: error(simulated.p99Ms, measured.p99Ms), throughput: error(simulated.throughputPerS, measured.throughputPerS) },
    };
  });
  const judged = rows.filter((r) => r.role === 'held-out' && !r.saturated);
  const maxAbs = (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values.map(Math.abs)));
  return {
    options: {
      workloads: options.workloads,
      planner: options.planner,
      optimizations: options.optimizations,
      sla,
      seed: options.seed,
      requests: options.requests ?? null,
      simulations,
      warmupFraction,
      accountLimit: results.accountLimit,
    },
    fit,
    clientSubmissionMs: clientMs,
    hostLoad: {
      otherJobs: others.otherJobs,
      slowdownAlone: ownModel.cpu.hostCores === undefined ? 1 : slowdownAlone(ownModel.cpu.hostCores, others.otherJobs),
      hostCores: ownModel.cpu.hostCores,
      fitP50ErrorPct: others.p50ErrorPct,
    },
    rows,
    heldOut: {
      loads: judged.length,
      maxAbsP50Pct: maxAbs(judged.map((r) => r.errorPct.p50)),
      maxAbsP99Pct: maxAbs(judged.map((r) => r.errorPct.p99)),
      maxAbsThroughputPct: maxAbs(judged.map((r) => r.errorPct.throughput)),
    },
    measured: results,
    leftoverKeys: sweep.leftoverKeys,
    wallMs: performance.now() - wallStart,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}%` : '—');
const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '—');
const rate = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');

/** The report as `bench validate --load` prints it: one row per offered load, then the held-out errors against the targets. */
export function formatLoadValidationReport(report: LoadValidationReport): string {
  const { options, fit, rows, heldOut } = report;
  const lines: string[] = [];
  lines.push(
    `load validation: ${options.workloads.join(', ')} under ${options.planner}${options.optimizations.length > 0 ? `+${options.optimizations.join('+')}` : ''}, SLA ${formatSla(options.sla)}, ` +
      `${options.requests ?? '?'} real requests per load (first ${Math.round(options.warmupFraction * 100)}% left out), account limit ${options.accountLimit}, ${options.simulations} simulations per load, seed ${options.seed}`,
  );
  lines.push(
    `fitted on the loads marked fit (${fit.samples.runs} requests: ${fit.samples.warmStarts} warm and ${fit.samples.coldStarts} cold starts): warm start-up ${fit.warmStart.medianMs.toFixed(1)} ms alone, cold extra ${fit.coldExtra.medianMs.toFixed(0)} ms` +
      `${fit.hostCores !== undefined ? `, ${fit.hostCores} host cores` : ''}, transfer ${fit.transfer.opLatencyMs.toFixed(2)} ms + bytes / ${(fit.transfer.bytesPerMs / 1000).toFixed(1)} MB/s`,
  );
  lines.push(
    `other programs on the host, calibrated on the fit loads' p50: ${report.hostLoad.otherJobs} runnable process(es) beside ours on ${report.hostLoad.hostCores ?? '—'} cores (a job alone ${report.hostLoad.slowdownAlone.toFixed(2)}× slower; fit p50 error then ${pct(report.hostLoad.fitP50ErrorPct)}); ` +
      `the client's arrival → submission, ${report.clientSubmissionMs.toFixed(1)} ms (median at the fit loads), added to every simulated latency`,
  );
  lines.push('');
  lines.push(
    formatTable(
      ['load', 'role', 'host load avg.', 'done/measured', 'p50 measured (s)', 'p50 sim (s)', 'p50 error', 'p99 measured (s)', 'p99 sim (s)', 'p99 error', 'throughput measured (req/s)', 'throughput sim (req/s)', 'throughput error'],
      rows.map((r) => [
        r.load,
        r.role + (r.saturated ? ' (saturated)' : ''),
        r.hostLoadAverage.toFixed(1),
        `${r.measured.completed}/${r.measured.measured}`,
        sec(r.measured.p50Ms),
        sec(r.simulated.p50Ms),
        pct(r.errorPct.p50),
        sec(r.measured.p99Ms),
        sec(r.simulated.p99Ms),
        pct(r.errorPct.p99),
        rate(r.measured.throughputPerS),
        rate(r.simulated.throughputPerS),
        pct(r.errorPct.throughput),
      ]),
    ),
  );
  lines.push('');
  lines.push(
    heldOut.loads === 0
      ? 'no held-out load below saturation: nothing to judge the errors on'
      : `held-out loads below saturation (${heldOut.loads}): |error| at most p50 ${pct(heldOut.maxAbsP50Pct).replace('+', '')}, p99 ${pct(heldOut.maxAbsP99Pct).replace('+', '')}, throughput ${pct(heldOut.maxAbsThroughputPct).replace('+', '')} (target: p50 ≤ 15%, p99 ≤ 25%)`,
  );
  lines.push(`host load avg.: the machine's 1-minute load average during the real point (runnable processes, ours included; ${availableParallelism()} cores)`);
  lines.push(`saturated: measured throughput below ${SATURATED_BELOW_SHARE * 100}% of the offered load. Redis after the load: ${report.leftoverKeys.length === 0 ? 'no key left' : `${report.leftoverKeys.length} key(s) left`}`);
  lines.push(`wall time ${(report.wallMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
