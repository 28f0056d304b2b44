import type { Argv } from 'yargs';
import { ConfigError } from '../../core/errors.js';
import { checkArrivals, type ArrivalPattern } from '../../simulator/arrivals.js';
import { DEFAULT_WARMUP_FRACTION } from '../../simulator/load-metrics.js';
import { readArrivalsCsv } from '../load/arrivals-csv.js';
import { UsageError } from './errors.js';
import { factorsOption, listOption, numberListOption } from './options.js';

/**
 * The load options shared by `bench load` (simulated), `bench run --runtime local` (real) and `bench validate --load`:
 * offered loads (`--rates`, `--rpm`, `--clients` with `--think-ms`, `--arrivals`), request count or duration,
 * per-request timeout, warm-up share, SLA latency, the mix's weights, the sustainable-throughput bound; and their
 * validation, so every command says the same one line about the same bad input.
 */

/** The load options as yargs parses them. */
export interface LoadOptionArgs {
  rates?: string[];
  rpm?: string[];
  clients?: string[];
  'think-ms': number;
  arrivals?: string;
  requests?: number;
  'duration-ms'?: number;
  'timeout-ms'?: number;
  warmup: number;
  'sla-factor'?: number;
  'sla-ms'?: number;
  weights?: string[];
  'p99-bound-ms'?: number;
}

/** The load options, checked. */
export interface LoadOptions {
  readonly loads: ArrivalPattern[];
  /** Requests per point (undefined with `--duration-ms` or `--arrivals`). */
  readonly requests?: number;
  readonly durationMs?: number;
  readonly timeoutMs?: number;
  readonly warmupFraction: number;
  readonly slaFactor?: number;
  readonly slaMs?: number;
  readonly p99BoundMs?: number;
  readonly weights?: Record<string, number>;
}

/** What a command fills in when an option is absent. */
export interface LoadDefaults {
  /** Poisson rates (req/s) with no offered load given. */
  readonly rates: readonly number[];
  /** Requests per point with neither `--requests` nor `--duration-ms`. */
  readonly requests: number;
}

/** The flags that make `bench run` a load run (any offered load). */
export const OFFERED_LOAD_FLAGS = ['rates', 'rpm', 'clients', 'arrivals'] as const;

/** Adds the load options to a command. */
export function withLoadOptions<T>(y: Argv<T>, defaults: LoadDefaults): Argv<T & LoadOptionArgs> {
  return y
    .option('rates', { type: 'string', array: true, describe: `open-loop Poisson rates, req/s, comma list (default ${defaults.rates.join(',')}/s)` })
    .option('rpm', { type: 'string', array: true, describe: "fixed-rate arrivals, requests per minute, comma list (FaaSFlow's load generator)" })
    .option('clients', { type: 'string', array: true, describe: 'closed loop: numbers of clients, comma list, each sending its next request after its last ended and --think-ms' })
    .option('think-ms', { type: 'number', default: 0, describe: 'closed loop: think time between a result and the next request (ms)' })
    .option('arrivals', { type: 'string', describe: 'CSV file of arrivals (header timeMs,workflow): one load point replaying it' })
    .option('requests', { alias: 'n', type: 'number', describe: `requests per load point (default ${defaults.requests}, unless --duration-ms)` })
    .option('duration-ms', { type: 'number', describe: 'send requests for this long per load point instead of a count (ms)' })
    .option('timeout-ms', { type: 'number', describe: 'a request without a result this long after arriving counts as timed out (FaaSFlow: 60000); default none' })
    .option('warmup', { type: 'number', default: DEFAULT_WARMUP_FRACTION, describe: 'share of the first requests left out of latency, throughput and SLA figures' })
    .option('sla-factor', { type: 'number', describe: "SLA latency = the plan's estimated makespan × this (default 1)" })
    .option('sla-ms', { type: 'number', describe: 'an absolute SLA latency for every request instead (ms)' })
    .option('weights', { type: 'string', array: true, describe: 'share of each workload in the mix, name=weight list (default 1 each)' })
    .option('p99-bound-ms', { type: 'number', describe: 'p99 bound of the sustainable throughput (default: twice the p99 at the lightest load)' }) as unknown as Argv<T & LoadOptionArgs>;
}

/** Whether any offered load is given (`bench run` is then a load run). */
export function offeredLoadGiven(args: Partial<LoadOptionArgs>): boolean {
  return OFFERED_LOAD_FLAGS.some((flag) => args[flag] !== undefined);
}

/** `--rates 0.5,1,2/s` → rates per second (a trailing `/s` is allowed on the list or on each item). */
export function ratesOption(value: unknown, flag = '--rates'): number[] {
  return numberListOption(listOption(value).map((item) => item.replace(/\/s$/, '')), flag);
}

/**
 * Checks the load options and builds the offered loads; every bad value is one `UsageError` naming its flag (a rate
 * of 0 or below, a request count that is no whole number ≥ 1, a duration or timeout of 0, two kinds of load, …).
 */
export async function parseLoadOptions(args: LoadOptionArgs, defaults: LoadDefaults): Promise<LoadOptions> {
  const kinds = OFFERED_LOAD_FLAGS.filter((k) => args[k] !== undefined);
  if (kinds.length > 1) throw new UsageError(`give one kind of offered load, not ${kinds.map((k) => `--${k}`).join(' and ')}`);
  if (args.requests !== undefined && args['duration-ms'] !== undefined) throw new UsageError('give --requests or --duration-ms, not both');
  if (args['sla-factor'] !== undefined && args['sla-ms'] !== undefined) throw new UsageError('give --sla-factor or --sla-ms, not both');
  for (const flag of ['sla-factor', 'sla-ms', 'p99-bound-ms', 'duration-ms', 'timeout-ms'] as const) {
    const value = args[flag];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new UsageError(`--${flag} must be a number > 0, got ${value}`);
  }
  if (args.requests !== undefined && !(Number.isInteger(args.requests) && args.requests >= 1)) throw new UsageError(`--requests must be a whole number >= 1, got ${args.requests}`);
  if (!(args.warmup >= 0 && args.warmup < 1)) throw new UsageError(`--warmup must be a share in [0, 1), got ${args.warmup}`);
  if (!(Number.isFinite(args['think-ms']) && args['think-ms'] >= 0)) throw new UsageError(`--think-ms must be a number of ms >= 0, got ${args['think-ms']}`);
  let loads: ArrivalPattern[];
  let flag: string;
  if (args.rpm !== undefined) [flag, loads] = ['--rpm', numberListOption(args.rpm, '--rpm').map((perMinute) => ({ kind: 'rpm', perMinute }))];
  else if (args.clients !== undefined) [flag, loads] = ['--clients', numberListOption(args.clients, '--clients').map((clients) => ({ kind: 'closed', clients, thinkMs: args['think-ms'] }))];
  else if (args.arrivals !== undefined) [flag, loads] = ['--arrivals', [{ kind: 'trace', arrivals: await readArrivalsCsv(args.arrivals) }]];
  else [flag, loads] = ['--rates', (args.rates !== undefined ? ratesOption(args.rates) : [...defaults.rates]).map((ratePerS) => ({ kind: 'poisson', ratePerS }))];
  if (loads.length === 0) throw new UsageError(`${flag}: give at least one value`);
  for (const load of loads) {
    try {
      checkArrivals(load);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`${flag}: ${error.message}`);
      throw error;
    }
  }
  const requests = args.arrivals !== undefined || args['duration-ms'] !== undefined ? undefined : (args.requests ?? defaults.requests);
  return {
    loads,
    ...(requests !== undefined ? { requests } : {}),
    ...(args['duration-ms'] !== undefined ? { durationMs: args['duration-ms'] } : {}),
    ...(args['timeout-ms'] !== undefined ? { timeoutMs: args['timeout-ms'] } : {}),
    warmupFraction: args.warmup,
    ...(args['sla-factor'] !== undefined ? { slaFactor: args['sla-factor'] } : {}),
    ...(args['sla-ms'] !== undefined ? { slaMs: args['sla-ms'] } : {}),
    ...(args['p99-bound-ms'] !== undefined ? { p99BoundMs: args['p99-bound-ms'] } : {}),
    ...(args.weights ? { weights: factorsOption(args.weights, '--weights') } : {}),
  };
}

/** Checks that every workload `--weights` names is in the mix; one line naming the stray one otherwise. */
export function checkWeights(weights: Readonly<Record<string, number>> | undefined, mix: readonly string[]): void {
  if (!weights) return;
  for (const name of Object.keys(weights)) if (!mix.includes(name)) throw new UsageError(`--weights: '${name}' is not a workload of the mix (${mix.join(', ')})`);
}
