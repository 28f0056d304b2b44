/**
 * The prediction engine: the Task Predictions API of the thesis (Figure 3.5) over recorded history.
 *
 * Departures from the reference implementation (OctoFlows `PredictionsProvider`), each fixing a defect:
 * - Missing history throws `NoSamplesError` naming the quantity and subject; the reference returned 0 (or the input
 *   size for output), which planners then trusted as a real prediction.
 * - Transfer times: the SLA percentile is taken over times, not speeds. The reference took it over speeds, so a
 *   higher percentile meant a faster speed and a shorter, more optimistic time, the opposite of every other
 *   quantity. Here a higher percentile always predicts at least as much, for every quantity.
 * - Uploads are predicted from upload records; download samples are used only when there is no upload sample.
 * - Output size is predicted from output bytes directly, not from an output/input ratio × input size: a ratio
 *   quantile taken near one size and multiplied by another is not monotone in the input size.
 * - Per-byte scaling is applied only outside the observed sizes (see `estimate.ts`); selection is a fixed-size
 *   balanced window (see `select.ts`) that does not depend on the SLA.
 * - Execution and transfer times are never below the smallest positive observation moved to the target memory
 *   (scaled per byte below the smallest observed size; `estimate.ts`, "Lower bound"). Clamping slope-moved samples
 *   at 0 predicted 0 ms for every small input of a function whose history started at larger inputs, so all its
 *   tasks tied and Algorithm 3 packed them together.
 * - Memoization is keyed by the full query (the reference overwrote its execution-time key with "", so it never
 *   hit) and lives in each engine instance (the reference used class-level caches shared by all instances).
 * - Start-up time is flat in memory by default (see `ScalingExponents.startupMs`).
 */
import { ConfigError, NoSamplesError } from '../errors.js';
import { resourceKey, type ResourceConfig } from '../resources.js';
import { formatSla, slaQuantile, type Sla } from '../sla.js';
import type { TraceRun } from '../trace-records.js';
import { estimateAt, quantileOf, type Extrapolation, type Interpolation } from './estimate.js';
import { resourceView, type ResourcePath, type ResourceScaling } from './normalize.js';
import { resolvePredictionOptions, type PredictionOptions, type ResolvedPredictionOptions } from './options.js';
import { collectSamples, type SampleSet, type StartKind, type TransferSample } from './samples.js';
import { sortBySize, type SelectionSummary, type SizedValue } from './select.js';

/** Direction of a transfer between a worker and intermediate storage. */
export type TransferDirection = 'upload' | 'download';

/** Execution time of a function for an input size on given resources. */
export interface ExecQuery {
  readonly quantity: 'execMs';
  readonly functionName: string;
  readonly inputBytes: number;
  readonly resources: ResourceConfig;
  readonly sla: Sla;
}

/** Output size of a function for an input size (resources do not matter). */
export interface OutputQuery {
  readonly quantity: 'outputBytes';
  readonly functionName: string;
  readonly inputBytes: number;
  readonly sla: Sla;
}

/** Time to move `sizeBytes` to or from intermediate storage on given resources. */
export interface TransferQuery {
  readonly quantity: 'transferMs';
  readonly direction: TransferDirection;
  readonly sizeBytes: number;
  readonly resources: ResourceConfig;
  readonly sla: Sla;
}

/** Start-up time of a cold or warm worker with given resources. */
export interface StartupQuery {
  readonly quantity: 'startupMs';
  readonly start: StartKind;
  readonly resources: ResourceConfig;
  readonly sla: Sla;
}

/** Any prediction the engine answers. */
export type PredictionQuery = ExecQuery | OutputQuery | TransferQuery | StartupQuery;

/** A time prediction with how it was made. */
export interface TimeExplanation {
  readonly quantity: 'execMs' | 'transferMs' | 'startupMs';
  readonly valueMs: number;
  /** Resource path taken; null only for a 0-byte transfer, which needs no history. */
  readonly path: ResourcePath | null;
  /** Factor from the common scale to the target resources (1 on the same-config path). */
  readonly rescaleFactor: number;
  /** The quantile in [0, 1] the SLA selected. */
  readonly quantile: number;
  /** Samples available on the chosen path, before selection by size. */
  readonly sampleCount: number;
  /** Selection by size; null for start-up times (no size) and 0-byte transfers. */
  readonly selection: SelectionSummary | null;
  readonly extrapolation: Extrapolation | null;
  /** Set when the reference size fell between two observed sizes; null for start-ups and 0-byte transfers. */
  readonly interpolation: Interpolation | null;
  /** For transfers, whose records were used (uploads fall back to downloads); null otherwise. */
  readonly source: TransferDirection | null;
}

/** An output-size prediction with how it was made. */
export interface OutputExplanation {
  readonly quantity: 'outputBytes';
  /** Whole bytes, rounded up. */
  readonly valueBytes: number;
  /** Output size has no resource dependence. */
  readonly path: null;
  readonly quantile: number;
  readonly sampleCount: number;
  readonly selection: SelectionSummary;
  readonly extrapolation: Extrapolation | null;
  readonly interpolation: Interpolation | null;
}

/** Any explanation. */
export type Explanation = TimeExplanation | OutputExplanation;

/** The explanation type of a query type. */
export type ExplanationFor<Q extends PredictionQuery> = Q extends OutputQuery ? OutputExplanation : TimeExplanation;

/** The Task Predictions API (thesis Figure 3.5), plus `explain` to see which path a prediction took. */
export interface Predictions {
  /** The history predictions are made from. */
  readonly samples: SampleSet;
  readonly options: ResolvedPredictionOptions;
  /** Output bytes of `functionName` for `inputBytes` of input, an integer. */
  outputBytes(functionName: string, inputBytes: number, sla: Sla): number;
  /** Start-up time of a cold or warm worker. */
  startupMs(resources: ResourceConfig, start: StartKind, sla: Sla): number;
  /** Time of one upload or download of `sizeBytes`; 0 bytes take 0 ms. */
  transferMs(direction: TransferDirection, sizeBytes: number, resources: ResourceConfig, sla: Sla): number;
  /** Execution time of `functionName` for `inputBytes` of input. */
  execMs(functionName: string, inputBytes: number, resources: ResourceConfig, sla: Sla): number;
  /** The prediction for `query` with its provenance; the value is the same the methods above return. */
  explain<Q extends PredictionQuery>(query: Q): ExplanationFor<Q>;
}

/**
 * Creates an engine over recorded runs (filtered by `options.workflow`, see `collectSamples`) or over an already
 * collected sample set. Throws `ConfigError` for invalid options.
 */
export function createPredictions(source: readonly TraceRun[] | SampleSet, options: PredictionOptions = {}): Predictions {
  const resolved = resolvePredictionOptions(options);
  let samples: SampleSet;
  if (isRunList(source)) {
    samples = collectSamples(source, options.workflow === undefined ? {} : { workflow: options.workflow });
  } else {
    if (options.workflow !== undefined && options.workflow !== source.workflow) {
      throw new ConfigError(`workflow option '${options.workflow}' does not match the sample set's workflow '${source.workflow}'`);
    }
    samples = source;
  }
  return new PredictionEngine(samples, resolved);
}

function isRunList(source: readonly TraceRun[] | SampleSet): source is readonly TraceRun[] {
  return Array.isArray(source);
}

/** Samples of one quantity for one target, on the common scale and sorted by size. */
interface PreparedSized {
  readonly path: ResourcePath | null;
  readonly rescaleFactor: number;
  readonly sorted: readonly SizedValue[];
  readonly source: TransferDirection | null;
}

/** Start-up samples for one target, on the common scale, ascending. */
interface PreparedStartup {
  readonly path: ResourcePath;
  readonly rescaleFactor: number;
  readonly ascending: readonly number[];
}

// Interpolation and scaling leave noise such as 2000.0000000000002; it must not add a whole byte.
const BYTE_ROUNDING_SLACK = 1e-6;

class PredictionEngine implements Predictions {
  // Per instance, unlike the reference's class-level caches: two engines over different histories must not share.
  readonly #memo = new Map<string, Explanation>();
  readonly #sized = new Map<string, PreparedSized>();
  readonly #startups = new Map<string, PreparedStartup>();

  constructor(
    readonly samples: SampleSet,
    readonly options: ResolvedPredictionOptions,
  ) {}

  // Values already answered, by the numbers and names a query is made of (nested maps: no key string to build). The
  // simulator asks for tens of thousands of predictions per estimate, nearly all repeats; building the memo key of
  // `explain` (a JSON string) for each was a sixth of a planner's estimate. An entry exists only after `explain`
  // validated that query, so a hit needs no validation (an invalid query never matches: see `quantileKey`).
  readonly #outputValues = new Map<string, Map<number, Map<number, number>>>();
  readonly #execValues = new Map<string, Map<number, Map<number, Map<number, Map<number, number>>>>>();
  readonly #transferValues = new Map<string, Map<number, Map<number, Map<number, Map<number, number>>>>>();
  readonly #startupValues = new Map<string, Map<number, Map<number, Map<number, number>>>>();

  outputBytes(functionName: string, inputBytes: number, sla: Sla): number {
    const q = quantileKey(sla);
    const byBytes = this.#outputValues.get(functionName)?.get(q);
    const hit = byBytes?.get(inputBytes);
    if (hit !== undefined) return hit;
    const value = this.explain({ quantity: 'outputBytes', functionName, inputBytes, sla }).valueBytes;
    (byBytes ?? at(at(this.#outputValues, functionName), q)).set(inputBytes, value);
    return value;
  }

  startupMs(resources: ResourceConfig, start: StartKind, sla: Sla): number {
    const q = quantileKey(sla);
    const byQ = this.#startupValues.get(start)?.get(resources.memoryMb)?.get(resources.vCpus);
    const hit = byQ?.get(q);
    if (hit !== undefined) return hit;
    const value = this.explain({ quantity: 'startupMs', start, resources, sla }).valueMs;
    (byQ ?? at(at(at(this.#startupValues, start), resources.memoryMb), resources.vCpus)).set(q, value);
    return value;
  }

  transferMs(direction: TransferDirection, sizeBytes: number, resources: ResourceConfig, sla: Sla): number {
    const q = quantileKey(sla);
    const byBytes = this.#transferValues.get(direction)?.get(resources.memoryMb)?.get(resources.vCpus)?.get(q);
    const hit = byBytes?.get(sizeBytes);
    if (hit !== undefined) return hit;
    const value = this.explain({ quantity: 'transferMs', direction, sizeBytes, resources, sla }).valueMs;
    (byBytes ?? at(at(at(at(this.#transferValues, direction), resources.memoryMb), resources.vCpus), q)).set(sizeBytes, value);
    return value;
  }

  execMs(functionName: string, inputBytes: number, resources: ResourceConfig, sla: Sla): number {
    const q = quantileKey(sla);
    const byBytes = this.#execValues.get(functionName)?.get(resources.memoryMb)?.get(resources.vCpus)?.get(q);
    const hit = byBytes?.get(inputBytes);
    if (hit !== undefined) return hit;
    const value = this.explain({ quantity: 'execMs', functionName, inputBytes, resources, sla }).valueMs;
    (byBytes ?? at(at(at(at(this.#execValues, functionName), resources.memoryMb), resources.vCpus), q)).set(inputBytes, value);
    return value;
  }

  explain<Q extends PredictionQuery>(query: Q): ExplanationFor<Q> {
    const q = checkQuery(query);
    const key = memoKey(query);
    let result = this.#memo.get(key);
    if (!result) {
      result = deepFreeze(this.#compute(query, q));
      this.#memo.set(key, result);
    }
    return result as ExplanationFor<Q>;
  }

  #compute(query: PredictionQuery, q: number): Explanation {
    switch (query.quantity) {
      case 'outputBytes':
        return this.#output(query, q);
      case 'execMs':
        return this.#exec(query, q);
      case 'transferMs':
        return this.#transfer(query, q);
      case 'startupMs':
        return this.#startup(query, q);
    }
  }

  #output(query: OutputQuery, q: number): OutputExplanation {
    const prepared = this.#prepare(`output\0${query.functionName}`, () => {
      const pool = this.samples.functions.get(query.functionName)?.output ?? [];
      if (pool.length === 0) throw new NoSamplesError('output size', this.#functionSubject(query.functionName));
      return {
        path: null,
        rescaleFactor: 1,
        sorted: sortBySize(pool.map((s) => ({ sizeBytes: s.inputBytes, value: s.outputBytes }))),
        source: null,
      };
    });
    const estimate = estimateAt(prepared.sorted, query.inputBytes, q, this.options);
    return {
      quantity: 'outputBytes',
      valueBytes: Math.max(0, Math.ceil(estimate.value - BYTE_ROUNDING_SLACK)),
      path: null,
      quantile: q,
      sampleCount: prepared.sorted.length,
      selection: estimate.selection,
      extrapolation: estimate.extrapolation,
      interpolation: estimate.interpolation,
    };
  }

  #exec(query: ExecQuery, q: number): TimeExplanation {
    const prepared = this.#prepare(`exec\0${query.functionName}\0${resourceKey(query.resources)}`, () => {
      const pool = this.samples.functions.get(query.functionName)?.exec ?? [];
      if (pool.length === 0) throw new NoSamplesError('execution time', this.#functionSubject(query.functionName));
      const view = resourceView(pool, query.resources, (s) => s.valueMs, this.#scaling(this.options.exponents.execMs));
      return {
        path: view.path,
        rescaleFactor: view.rescaleFactor,
        sorted: sortBySize(view.entries.map((e) => ({ sizeBytes: e.sample.inputBytes, value: e.value }))),
        source: null,
      };
    });
    return this.#sizedTime('execMs', prepared, query.inputBytes, q);
  }

  #transfer(query: TransferQuery, q: number): TimeExplanation {
    if (query.sizeBytes === 0) {
      return { quantity: 'transferMs', valueMs: 0, path: null, rescaleFactor: 1, quantile: q, sampleCount: 0, selection: null, extrapolation: null, interpolation: null, source: null };
    }
    const { direction, resources } = query;
    const prepared = this.#prepare(`transfer\0${direction}\0${resourceKey(resources)}`, () => {
      let pool: readonly TransferSample[] = direction === 'upload' ? this.samples.uploads : this.samples.downloads;
      let source: TransferDirection = direction;
      // Uploads and downloads of the same store behave alike enough that the other direction beats no estimate.
      if (pool.length === 0 && direction === 'upload') {
        pool = this.samples.downloads;
        source = 'download';
      }
      if (pool.length === 0) {
        const fallback = direction === 'upload' ? ', and no download samples to fall back on' : '';
        throw new NoSamplesError(`${direction} time`, `${this.#workflowSubject()} (asked for ${resourceKey(resources)}${fallback})`);
      }
      const view = resourceView(pool, resources, (s) => s.durationMs, this.#scaling(this.options.exponents.transferMs));
      return {
        path: view.path,
        rescaleFactor: view.rescaleFactor,
        sorted: sortBySize(view.entries.map((e) => ({ sizeBytes: e.sample.sizeBytes, value: e.value }))),
        source,
      };
    });
    return this.#sizedTime('transferMs', prepared, query.sizeBytes, q);
  }

  #startup(query: StartupQuery, q: number): TimeExplanation {
    const { start, resources } = query;
    const key = `${start}\0${resourceKey(resources)}`;
    let prepared = this.#startups.get(key);
    if (!prepared) {
      const pool = this.samples.startups[start];
      if (pool.length === 0) {
        throw new NoSamplesError(`${start} start-up time`, `workers of ${this.#workflowSubject()} (asked for ${resourceKey(resources)})`);
      }
      const view = resourceView(pool, resources, (s) => s.startupMs, this.#scaling(this.options.exponents.startupMs));
      prepared = {
        path: view.path,
        rescaleFactor: view.rescaleFactor,
        ascending: view.entries.map((e) => e.value).sort((a, b) => a - b),
      };
      this.#startups.set(key, prepared);
    }
    return {
      quantity: 'startupMs',
      valueMs: quantileOf(prepared.ascending, q) * prepared.rescaleFactor,
      path: prepared.path,
      rescaleFactor: prepared.rescaleFactor,
      quantile: q,
      sampleCount: prepared.ascending.length,
      selection: null,
      extrapolation: null,
      interpolation: null,
      source: null,
    };
  }

  #sizedTime(quantity: 'execMs' | 'transferMs', prepared: PreparedSized, refBytes: number, q: number): TimeExplanation {
    // Times are never below the smallest positive observation (per byte below the observed sizes): see estimate.ts.
    const estimate = estimateAt(prepared.sorted, refBytes, q, this.options, 'smallest-positive');
    return {
      quantity,
      valueMs: estimate.value * prepared.rescaleFactor,
      path: prepared.path,
      rescaleFactor: prepared.rescaleFactor,
      quantile: q,
      sampleCount: prepared.sorted.length,
      selection: estimate.selection,
      extrapolation: estimate.extrapolation,
      interpolation: estimate.interpolation,
      source: prepared.source,
    };
  }

  #prepare(key: string, build: () => PreparedSized): PreparedSized {
    let prepared = this.#sized.get(key);
    if (!prepared) {
      prepared = build();
      this.#sized.set(key, prepared);
    }
    return prepared;
  }

  #scaling(exponent: number): ResourceScaling {
    return { minSameConfigSamples: this.options.minSameConfigSamples, baselineMemoryMb: this.options.baselineMemoryMb, exponent };
  }

  #functionSubject(functionName: string): string {
    const workflow = this.samples.workflow;
    return workflow === undefined ? `function '${functionName}'` : `function '${functionName}' in workflow '${workflow}'`;
  }

  #workflowSubject(): string {
    const workflow = this.samples.workflow;
    return workflow === undefined ? 'any workflow' : `workflow '${workflow}'`;
  }
}

/**
 * The quantile an SLA selects, for the value caches; NaN (which no cache entry holds, as entries are only made for
 * validated queries) for anything `checkSla` would reject, so a malformed SLA still reaches `explain` and its error.
 */
function quantileKey(sla: Sla): number {
  if (sla?.kind === 'median') return 0.5;
  if (sla?.kind === 'percentile' && sla.percentile > 0 && sla.percentile <= 100) return sla.percentile / 100;
  return NaN;
}

/** The inner map of `map` under `key`, created empty on first use. */
function at<K, V extends Map<unknown, unknown>>(map: Map<K, V>, key: K): V {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map() as V;
    map.set(key, inner);
  }
  return inner;
}

function memoKey(query: PredictionQuery): string {
  const sla = formatSla(query.sla);
  switch (query.quantity) {
    case 'outputBytes':
      return JSON.stringify([query.quantity, query.functionName, query.inputBytes, sla]);
    case 'execMs':
      return JSON.stringify([query.quantity, query.functionName, query.inputBytes, resourceKey(query.resources), sla]);
    case 'transferMs':
      return JSON.stringify([query.quantity, query.direction, query.sizeBytes, resourceKey(query.resources), sla]);
    case 'startupMs':
      return JSON.stringify([query.quantity, query.start, resourceKey(query.resources), sla]);
  }
}

/** Rejects malformed queries with a `ConfigError` before they reach the memo; returns the SLA's quantile. */
function checkQuery(query: PredictionQuery): number {
  switch (query?.quantity) {
    case 'outputBytes':
      checkBytes('inputBytes', query.inputBytes);
      break;
    case 'execMs':
      checkBytes('inputBytes', query.inputBytes);
      checkResources(query.resources);
      break;
    case 'transferMs':
      checkBytes('sizeBytes', query.sizeBytes);
      checkResources(query.resources);
      if (query.direction !== 'upload' && query.direction !== 'download') {
        throw new ConfigError(`transfer direction must be 'upload' or 'download', got '${String(query.direction)}'`);
      }
      break;
    case 'startupMs':
      checkResources(query.resources);
      if (query.start !== 'cold' && query.start !== 'warm') {
        throw new ConfigError(`start must be 'cold' or 'warm', got '${String(query.start)}'`);
      }
      break;
    default:
      throw new ConfigError(`unknown prediction quantity '${String((query as { quantity?: unknown })?.quantity)}'`);
  }
  return checkSla(query.sla);
}

// Validated here, not only in `percentile()`, because an Sla is a plain object anyone can build.
function checkSla(sla: Sla): number {
  if (sla?.kind === 'median') return slaQuantile(sla);
  if (sla?.kind === 'percentile' && Number.isFinite(sla.percentile) && sla.percentile > 0 && sla.percentile <= 100) {
    return slaQuantile(sla);
  }
  throw new ConfigError(`invalid SLA ${JSON.stringify(sla)}: expected median or a percentile in (0, 100]`);
}

function checkBytes(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a finite number ≥ 0, got ${value}`);
}

function checkResources(resources: ResourceConfig): void {
  if (!(Number.isFinite(resources?.memoryMb) && resources.memoryMb > 0 && Number.isFinite(resources.vCpus) && resources.vCpus > 0)) {
    throw new ConfigError(`resources must have positive memoryMb and vCpus, got ${JSON.stringify(resources)}`);
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (field !== null && typeof field === 'object') deepFreeze(field as object);
  }
  return Object.freeze(value);
}
