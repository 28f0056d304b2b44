import { availableParallelism } from 'node:os';
import { rngFor } from '../../core/random.js';
import { formatSla, MEDIAN, type Sla } from '../../core/sla.js';
import type { TraceRecord, TraceRun } from '../../core/trace-records.js';
import type { OptimizationPassName } from '../../planners/planner.js';
import { LocalRuntime, type LocalRunResult } from '../../runtime-lambda/local-runtime.js';
import { functionNameFor } from '../../runtime-lambda/worker/invoker.js';
import { sampledDurations } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { Latency, PlatformModel } from '../../simulator/platform-model.js';
import { summarizeRun } from '../../simulator/run-summary.js';
import { simulate } from '../../simulator/simulate.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { formatTable } from '../cli/table.js';
import { compareCase, summarizeErrors, taskPredictionErrors, type CaseComparison, type ErrorSummary, type TaskPredictionErrors } from './errors.js';
import { fitPlatformProfile, withOwnWarmStartups, type ProfileFit } from './fit-profile.js';
import { localWorkload, planLocal, syntheticHistory, taskAloneMs, type LocalPlan } from './local-plan.js';
import { markPoolStartsWarm, withWarmPool } from './warm-pool.js';

/**
 * Warm-up runs per case. With one, the fit runs still caught worker processes warming up (V8 compiling the handler
 * and the task code): start-ups at the same contention were 10-40% slower in the fit runs than in the test runs;
 * with three or more they agree within the noise.
 */
export const DEFAULT_WARM_UP_RUNS = 3;

/** Simulations per case: the simulated side's mean then varies far less than the measured side's. */
export const DEFAULT_SIMULATIONS = 40;

/** Options of `runValidation`. */
export interface ValidateOptions {
  readonly workloads: readonly string[];
  readonly planners: readonly string[];
  readonly optimizations: readonly OptimizationPassName[];
  /** The SLA every plan is made for (default median). */
  readonly sla?: Sla;
  /** Real runs per workload × planner that the profile and the predictions are fitted on. */
  readonly fitRuns: number;
  /** Real runs per workload × planner of the plan made from the fit set: the runs the error is measured on. */
  readonly testRuns: number;
  /** Simulations per workload × planner, at least `testRuns` (default `DEFAULT_SIMULATIONS`). */
  readonly simulations?: number;
  /** Runs per workload × planner before the fit runs, used only as start-up samples (default `DEFAULT_WARM_UP_RUNS`). */
  readonly warmUpRuns?: number;
  readonly seed: string;
  readonly redisUrl?: string;
  /** Progress lines (one per run). */
  readonly progress?: (line: string) => void;
  /** Called with each fit run's records, for looking at what the fit was made from. */
  readonly onFitRun?: (workload: string, planner: string, records: readonly TraceRecord[]) => void;
  /** Called with each test run's records and its simulation's, for looking at where the two differ. */
  readonly onTestRun?: (pair: TestRunPair) => void;
}

/** One test run and its simulation, as `ValidateOptions.onTestRun` gets them. */
export interface TestRunPair {
  readonly workload: string;
  readonly planner: string;
  readonly index: number;
  readonly measured: readonly TraceRecord[];
  readonly simulated: readonly TraceRecord[];
  /** Idle instances per memory size the real run started with (and the simulation was given). */
  readonly idleByMemoryMb: Readonly<Record<number, number>>;
}

/** One real run and what it was used for. */
export interface RunUse {
  readonly runId: string;
  readonly workload: string;
  readonly planner: string;
  readonly role: 'warm-up' | 'fit' | 'test';
  readonly makespanMs: number;
  readonly coldStarts: number;
  readonly workers: number;
}

/** Everything `bench validate` reports. */
export interface ValidationReport {
  readonly options: Omit<ValidateOptions, 'progress' | 'redisUrl'>;
  readonly fit: ProfileFit;
  /** Each workload's warm start-up alone, fitted on its own fit runs (`withOwnWarmStartups`); the rest is `fit`'s. */
  readonly warmStartByWorkload: Readonly<Record<string, Latency>>;
  readonly runs: readonly RunUse[];
  readonly cases: readonly CaseComparison[];
  readonly summary: ErrorSummary;
  readonly taskErrors: TaskPredictionErrors;
  readonly wallMs: number;
}

/**
 * `bench validate`: measures the simulator against real runs through the local gateway, honestly (decision 6):
 *
 * 1. fit set: every workload × planner runs `warmUpRuns` times (discarded), then `fitRuns` times, with the planner's
 *    plan from the synthetic history;
 * 2. the local platform profile is fitted on all fit runs (`fitPlatformProfile`), and each workload's predictions on
 *    its fit runs (every planner's);
 * 3. test set: each planner plans the workload from that real history on the fitted profile; the plan runs
 *    `testRuns` times for real (other static inputs than the fit runs') and as many times in the simulator (sampled
 *    durations from the fit history, the same plan, each simulation starting with the warm pool its real run found);
 * 4. per case, the mean simulated makespan and GB-s against the mean measured (both summarized on the fitted
 *    profile's prices), the median and p90 absolute error over the cases, and the per-task execution-time
 *    predictions (median SLA) against every measured task of the test runs.
 */
export async function runValidation(options: ValidateOptions): Promise<ValidationReport> {
  const wallStart = performance.now();
  const simulations = Math.max(options.testRuns, options.simulations ?? DEFAULT_SIMULATIONS);
  const progress = options.progress ?? (() => {});
  const sla = options.sla ?? MEDIAN;
  const runtime = await LocalRuntime.start(options.redisUrl ? { redisUrl: options.redisUrl } : {});
  const uses: RunUse[] = [];
  const record = (result: LocalRunResult, workload: string, planner: string, role: RunUse['role']) => {
    const workers = result.records.filter((r) => r.type === 'worker');
    const use: RunUse = {
      runId: result.runId,
      workload,
      planner,
      role,
      makespanMs: result.makespanMs,
      coldStarts: workers.filter((w) => w.type === 'worker' && w.start === 'cold').length,
      workers: workers.length,
    };
    uses.push(use);
    progress(`${role} ${workload} × ${planner}: ${use.makespanMs.toFixed(0)} ms, ${use.workers} workers (${use.coldStarts} cold)`);
  };
  try {
    // 1. Fit set.
    const fitRecords = new Map<string, TraceRecord[]>();
    // Warm-up runs' records serve one purpose only: start-up samples for the planners' predictions, because the fit
    // runs can all find warm instances and a planner needs a cold sample (the profile is still fitted on fit runs).
    const warmUpRecords: TraceRecord[] = [];
    for (const workload of options.workloads) {
      const records: TraceRecord[] = [];
      const probe = localWorkload(workload, options.seed);
      const history = syntheticHistory(probe.workflow.name, probe.params, options.seed);
      for (const planner of options.planners) {
        const { plan, taskEstimates } = await planLocal(probe.workflow, history, { planner, optimizations: options.optimizations, sla, platform: DEFAULT_PLATFORM_MODEL });
        // Warm-up runs start the instances the plan needs and let V8 compile the handler and the task code, so the fit
        // set is not dominated by one-off process and JIT start-up (see DEFAULT_WARM_UP_RUNS).
        for (let i = 0; i < (options.warmUpRuns ?? DEFAULT_WARM_UP_RUNS); i++) {
          const instance = localWorkload(workload, `${options.seed}/warm-up/${planner}/${i}`);
          const result = await runtime.run({ workflow: instance.workflow, plan, staticInputs: instance.staticInputs, taskEstimates, params: { ...instance.params, role: 'warm-up' } });
          record(result, workload, planner, 'warm-up');
          warmUpRecords.push(...result.records);
        }
        for (let i = 0; i < options.fitRuns; i++) {
          const instance = localWorkload(workload, `${options.seed}/fit/${planner}/${i}`);
          const result = await runtime.run({
            workflow: instance.workflow,
            plan,
            staticInputs: instance.staticInputs,
            taskEstimates,
            params: { ...instance.params, role: 'fit' },
          });
          record(result, workload, planner, 'fit');
          records.push(...result.records);
          options.onFitRun?.(workload, planner, result.records);
        }
      }
      fitRecords.set(workload, records);
    }

    // 2. The platform profile, from the fit set only.
    const fit = fitPlatformProfile([...fitRecords.values()].flat(), {
      profile: 'local-gateway',
      // Every worker process runs on this machine: its start-ups and task code share its cores.
      hostCores: availableParallelism(),
      concurrencyLimit: runtime.gateway.options.concurrencyLimit,
      keepAliveMs: runtime.gateway.options.keepAliveMs,
      // The runtime's worker runs task code and handles Redis replies on its one Node.js thread.
      singleThreadedWorker: true,
    });

    // 3. Test set, and the simulations of the same plans.
    const startupRuns = groupRuns([...fitRecords.values()].flat().concat(warmUpRecords)).runs;
    const cases: CaseComparison[] = [];
    const warmStartByWorkload = new Map<string, Latency>();
    const taskPairs: { predictedMs: number; measuredMs: number }[] = [];
    for (const workload of options.workloads) {
      const history = groupRuns(fitRecords.get(workload)!).runs;
      const probe = localWorkload(workload, options.seed);
      const own = withOwnWarmStartups(fit, fitRecords.get(workload)!);
      warmStartByWorkload.set(workload, own.warmStart);
      for (const planner of options.planners) {
        const local = await planLocal(probe.workflow, history, { planner, optimizations: options.optimizations, sla, platform: own.model, startupRuns });
        const measured: { makespanMs: number; gbSeconds: number }[] = [];
        const simulated: { makespanMs: number; gbSeconds: number }[] = [];
        const testStarts: { workflow: Parameters<typeof simulate>[0]; pool: Map<number, number> }[] = [];
        for (let i = 0; i < options.testRuns; i++) {
          const pool = idlePool(runtime, local);
          const instance = localWorkload(workload, `${options.seed}/test/${planner}/${i}`);
          const result = await runtime.run({
            workflow: instance.workflow,
            plan: local.plan,
            staticInputs: instance.staticInputs,
            taskEstimates: local.taskEstimates,
            params: { ...instance.params, role: 'test' },
          });
          record(result, workload, planner, 'test');
          const run = onlyRun(result.records);
          measured.push(metrics(run, own.model, instance.workflow));
          for (const task of run.tasks) {
            if (task.execMs <= 0 && task.outputBytes === 0) continue;
            // Predictions are of the time alone on a shared host (`taskAloneMs`), so that is what they are held to.
            const measuredMs = own.model.cpu.hostCores === undefined ? task.execMs : taskAloneMs(task);
            // Prediction error is measured at the median whatever SLA the plans were made for: the SLA is the planner's margin, not the prediction.
            taskPairs.push({ predictedMs: local.predictions.execMs(task.functionName, task.inputBytes, task.resources, MEDIAN), measuredMs });
          }
          const simulation = simulateOnce(instance.workflow, local, own.model, pool, `${options.seed}/sim/${workload}/${planner}/${i}`);
          simulated.push(simulation.metrics);
          testStarts.push({ workflow: instance.workflow, pool });
          options.onTestRun?.({ workload, planner, index: i, measured: result.records, simulated: simulation.records, idleByMemoryMb: Object.fromEntries(pool) });
        }
        // More simulations than test runs, each starting as one of the test runs did: the simulated mean is the
        // model's expectation, which a handful of draws would leave as noisy as the measured side.
        for (let j = options.testRuns; j < simulations; j++) {
          const start = testStarts[j % testStarts.length]!;
          simulated.push(simulateOnce(start.workflow, local, own.model, start.pool, `${options.seed}/sim/${workload}/${planner}/${j}`).metrics);
        }
        cases.push(compareCase(workload, planner, measured, simulated));
      }
    }
    return {
      options: {
        workloads: options.workloads,
        planners: options.planners,
        optimizations: options.optimizations,
        sla,
        warmUpRuns: options.warmUpRuns ?? DEFAULT_WARM_UP_RUNS,
        simulations,
        fitRuns: options.fitRuns,
        testRuns: options.testRuns,
        seed: options.seed,
      },
      fit,
      warmStartByWorkload: Object.fromEntries(warmStartByWorkload),
      runs: uses,
      cases,
      summary: summarizeErrors(cases),
      taskErrors: taskPredictionErrors(taskPairs),
      wallMs: performance.now() - wallStart,
    };
  } finally {
    await runtime.close();
  }
}

/** Idle worker instances per memory size of the plan's functions, right before a run (all are idle between runs). */
function idlePool(runtime: LocalRuntime, local: LocalPlan): Map<number, number> {
  const pool = new Map<number, number>();
  for (const t of local.plan.tasks.values()) {
    const mb = t.resources.memoryMb;
    if (!pool.has(mb)) pool.set(mb, runtime.gateway.instanceCount(functionNameFor(t.resources)));
  }
  return pool;
}

function onlyRun(records: readonly TraceRecord[]): TraceRun {
  const { runs, problems } = groupRuns(records);
  if (runs.length !== 1 || problems.length > 0) throw new Error(`a real run's records do not form one run: ${problems.map((p) => p.message).join('; ')}`);
  return runs[0]!;
}

function metrics(run: TraceRun, model: PlatformModel, workflow: Parameters<typeof summarizeRun>[1]): { makespanMs: number; gbSeconds: number } {
  const summary = summarizeRun(run, workflow, model);
  return { makespanMs: summary.makespanMs, gbSeconds: summary.billing.gbSeconds };
}

/** One simulation of the plan: sampled durations from the fit history, the fitted profile, the real run's warm pool. */
function simulateOnce(
  workflow: Parameters<typeof simulate>[0],
  local: LocalPlan,
  model: PlatformModel,
  pool: ReadonlyMap<number, number>,
  seed: string,
): { metrics: { makespanMs: number; gbSeconds: number }; records: TraceRecord[] } {
  const rng = (name: string) => rngFor(seed, `durations/${name}`);
  const durations = withWarmPool(
    sampledDurations(local.predictions, model, { exec: rng('exec'), output: rng('output'), startup: rng('startup'), transfer: rng('transfer') }),
    pool,
  );
  const result = simulate(workflow, local.plan, { platform: model, durations, seed });
  const records = markPoolStartsWarm(result.records, durations.servedWarm);
  return { metrics: metrics(onlyRun(records), model, workflow), records };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;

/** The report as `bench validate` prints it. */
export function formatValidationReport(report: ValidationReport): string {
  const { fit, summary, taskErrors, options } = report;
  const lines: string[] = [];
  const fitRuns = report.runs.filter((r) => r.role === 'fit');
  const testRuns = report.runs.filter((r) => r.role === 'test');
  const warmUps = report.runs.filter((r) => r.role === 'warm-up');
  lines.push(
    `validation: ${options.workloads.length} workloads × ${options.planners.length} planners (${options.planners.join(', ')}), optimizations: ${options.optimizations.length > 0 ? options.optimizations.join(', ') : 'none'}, SLA ${formatSla(options.sla ?? MEDIAN)}, seed ${options.seed}`,
  );
  lines.push(`warm-up: ${warmUps.length} real runs (${options.warmUpRuns ?? DEFAULT_WARM_UP_RUNS} per case, before the fit runs), used only as start-up samples of the planners' predictions`);
  lines.push(
    `fit set: ${fitRuns.length} real runs (${options.fitRuns} per case, synthetic-history plans, static inputs '<seed>/fit/...'): platform profile and predictions`,
  );
  lines.push(
    `test set: ${testRuns.length} real runs (${options.testRuns} per case, plans from the fit set, static inputs '<seed>/test/...') and ${options.simulations ?? options.testRuns} simulations per case, each starting as one of them; errors below are on these only`,
  );
  lines.push('');
  lines.push(
    `local platform profile (fitted on ${fit.samples.runs} runs: ${fit.samples.warmStarts} warm and ${fit.samples.coldStarts} cold starts, ${fit.samples.transfers} transfers; ${fit.samples.threadBusy} transfers and round trips left out, their worker's thread ran task code meanwhile):`,
  );
  lines.push(
    `  worker          ${fit.model.cpu.singleThreadedWorker ? 'one thread: tasks run one at a time, replies wait for the running task' : 'co-located tasks share vCPUs'}${fit.model.cpu.backgroundMsPerTask !== undefined ? `; ${fit.model.cpu.backgroundMsPerTask.toFixed(2)} ms of its process's CPU per task beyond the task's code, as background load` : ''}`,
  );
  lines.push(
    `  warm start-up   median ${fit.warmStart.medianMs.toFixed(1)} ms alone, sigma ${fit.warmStart.sigma.toFixed(2)} (within run)${fit.hostCores !== undefined ? `; start-ups and executions share ${fit.hostCores} cores` : ''}`,
  );
  lines.push(`  cold extra      median ${fit.coldExtra.medianMs.toFixed(1)} ms, sigma ${fit.coldExtra.sigma.toFixed(2)}`);
  lines.push(`  transfer        ${fit.transfer.opLatencyMs.toFixed(3)} ms + bytes / ${(fit.transfer.bytesPerMs / 1000).toFixed(1)} MB/s, sigma ${fit.transfer.sigma.toFixed(2)} (within run)`);
  lines.push(`  counter         median ${fit.counter.medianMs.toFixed(3)} ms, sigma ${fit.counter.sigma.toFixed(2)} (within run; ${fit.samples.counterOps} round trips)`);
  lines.push(`  notification    median ${fit.notify.medianMs.toFixed(3)} ms, sigma ${fit.notify.sigma.toFixed(2)} (within run; ${fit.samples.publishOps} publishes)`);
  lines.push(
    `  per workload    warm start-up median alone (own fit runs): ${Object.entries(report.warmStartByWorkload)
      .map(([w, l]) => `${w} ${l.medianMs.toFixed(1)} ms`)
      .join(', ')}`,
  );
  for (const note of fit.notes) lines.push(`  note: ${note}`);
  lines.push('');
  lines.push(
    formatTable(
      ['workload', 'planner', 'makespan sim (ms)', 'makespan measured (ms)', 'makespan error', 'GB-s sim', 'GB-s measured', 'GB-s error', 'cold starts/workers (test runs)'],
      report.cases.map((c) => {
        const runs = testRuns.filter((r) => r.workload === c.workload && r.planner === c.planner);
        return [
          c.workload,
          c.planner,
          c.simulatedMakespanMs.toFixed(1),
          c.measuredMakespanMs.toFixed(1),
          pct(c.makespanErrorPct),
          c.simulatedGbSeconds.toFixed(4),
          c.measuredGbSeconds.toFixed(4),
          pct(c.gbSecondsErrorPct),
          runs.map((r) => `${r.coldStarts}/${r.workers}`).join(' '),
        ];
      }),
    ),
  );
  lines.push('');
  lines.push(
    `makespan |error| over ${summary.cases} cases: median ${summary.medianAbsMakespanErrorPct.toFixed(1)}%, p90 ${summary.p90AbsMakespanErrorPct.toFixed(1)}% (target ≤ 10% / ≤ 20%)`,
  );
  lines.push(`GB-s |error|: median ${summary.medianAbsGbSecondsErrorPct.toFixed(1)}%, p90 ${summary.p90AbsGbSecondsErrorPct.toFixed(1)}%`);
  lines.push(
    `per-task execution-time predictions (median SLA) on ${taskErrors.tasks} test-run tasks: median |error| ${taskErrors.medianAbsErrorPct.toFixed(1)}% over the ${taskErrors.tasks - taskErrors.belowFloor} that ran ≥ ${taskErrors.floorMs} ms, median |error| ${taskErrors.medianAbsErrorMs.toFixed(2)} ms over all`,
  );
  lines.push(`wall time ${(report.wallMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
