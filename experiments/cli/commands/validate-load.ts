import { offeredPerS } from '../../../simulator/arrivals.js';
import { loadPlatformModel } from '../../../simulator/platform-config.js';
import { realLoadPlatform } from '../../load/real-load-sweep.js';
import { DEFAULT_LOAD_SIMULATIONS, formatLoadValidationReport, runLoadValidation } from '../../validate/load-validation.js';
import { UsageError } from '../errors.js';
import { checkWeights } from '../load-options.js';
import type { RealLoadMixRequest } from './run-load.js';
import { numberListOption, writeJsonOut } from '../options.js';
import { ratesOption } from '../load-options.js';
import { startProgress } from '../progress.js';

/** Offered loads of `bench validate --load` by default (req/s): light, near and past saturation of `gemm` on this 2-core host. */
export const DEFAULT_VALIDATE_LOAD_RATES = [0.5, 1, 1.5, 2] as const;
/** Requests per load point of `bench validate --load` by default. */
export const DEFAULT_VALIDATE_LOAD_REQUESTS = 20;

/** What `bench validate --load` takes. */
export interface ValidateLoadRequest extends RealLoadMixRequest {
  /** `--fit-rates` as given (the offered rates, req/s, of the loads to fit on); default the lightest load. */
  readonly fitRates?: readonly string[];
  readonly simulations?: number;
  readonly platformFile?: string;
  readonly redisUrl?: string;
  readonly json: boolean;
  readonly jsonOut?: string;
  readonly quiet: boolean;
}

/**
 * Which loads to fit on: the offered rates `--fit-rates` names (each must be one of the loads'), else the lightest
 * load alone (see `load-validation.ts` for why). One line naming the flag for a rate that is not offered, and for a
 * choice that leaves nothing held out.
 */
export function fitLoadIndexes(offered: readonly number[], fitRates: readonly string[] | undefined): number[] {
  if (fitRates === undefined) return [offered.indexOf(Math.min(...offered))];
  const indexes = ratesOption(fitRates, '--fit-rates').map((rate) => {
    const i = offered.findIndex((o) => Math.abs(o - rate) < 1e-9);
    if (i < 0) throw new UsageError(`--fit-rates: ${rate}/s is not one of the offered loads (${offered.map((o) => `${o}/s`).join(', ')})`);
    return i;
  });
  const unique = [...new Set(indexes)];
  if (unique.length >= offered.length) throw new UsageError('--fit-rates: leave at least one offered load out to test on');
  return unique;
}

/** `bench validate --load`: runs the load validation and prints (or writes) its report. */
export async function validateLoadCommand(request: ValidateLoadRequest): Promise<void> {
  const offered = request.load.loads.map((l) => offeredPerS(l));
  if (offered.some((o) => o === undefined) || request.load.loads.some((l) => l.kind === 'trace')) {
    throw new UsageError('validate --load compares loads by their offered rate: give --rates or --rpm (not --clients or --arrivals)');
  }
  if (request.load.loads.length < 2) throw new UsageError('--rates: validate --load needs at least two offered loads, one to fit on and one to test on');
  if (request.simulations !== undefined && !(Number.isInteger(request.simulations) && request.simulations >= 1)) throw new UsageError(`--simulations must be a positive integer, got ${request.simulations}`);
  if (request.fitRates !== undefined) numberListOption(request.fitRates.map((r) => r.replace(/\/s$/, '')), '--fit-rates');
  const fitLoads = fitLoadIndexes(offered as number[], request.fitRates);
  checkWeights(request.load.weights, [...request.workloads]);
  const platform = realLoadPlatform(request.platformFile ? await loadPlatformModel(request.platformFile) : undefined);
  const progress = await startProgress('bench validate', { enabled: !request.quiet });
  let report;
  try {
    report = await runLoadValidation({
      workloads: request.workloads,
      planner: request.planner,
      optimizations: request.optimizations,
      sla: request.sla,
      seed: request.seed,
      loads: request.load.loads,
      fitLoads,
      ...(request.load.requests !== undefined ? { requests: request.load.requests } : {}),
      ...(request.load.durationMs !== undefined ? { durationMs: request.load.durationMs } : {}),
      ...(request.load.timeoutMs !== undefined ? { timeoutMs: request.load.timeoutMs } : {}),
      ...(request.load.weights ? { weights: request.load.weights } : {}),
      warmupFraction: request.load.warmupFraction,
      platform,
      simulations: request.simulations ?? DEFAULT_LOAD_SIMULATIONS,
      ...(request.redisUrl ? { redisUrl: request.redisUrl } : {}),
      progress: (done, total, what) => progress.update(what, done, total),
    });
  } catch (error) {
    progress.stop();
    throw error;
  }
  progress.finish(`${report.rows.length} offered loads run for real and simulated (${fitLoads.length} fitted on, ${report.rows.length - fitLoads.length} held out)`);
  if (request.jsonOut) await writeJsonOut(request.jsonOut, report);
  if (request.json) console.log(JSON.stringify(report, null, 2));
  else console.log(formatLoadValidationReport(report));
  if (report.leftoverKeys.length > 0) {
    console.error(`bench validate: ${report.leftoverKeys.length} key(s) left in Redis after the load (every run should delete its own)`);
    process.exitCode = 1;
  }
}
