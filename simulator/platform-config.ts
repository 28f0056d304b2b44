import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  atLeast,
  atMost,
  BOUND_NAMES,
  MAX_BANDWIDTH_BYTES_PER_MS,
  MAX_CONCURRENCY,
  MAX_DURATION_MS,
  MAX_HOST_MEMORY_MB,
  MAX_LATENCY_MS,
  MAX_LOG_SIGMA,
  MAX_OPS_PER_S,
  MAX_PRICE_USD,
  MAX_RETRIES,
  MAX_SIZE_BYTES,
  MAX_VCPUS,
  MIN_BANDWIDTH_BYTES_PER_MS,
  MIN_BILLING_GRANULARITY_MS,
  MIN_POSITIVE_LATENCY_MS,
  MIN_RATE_PER_S,
} from '../core/bounds.js';
import { ConfigError } from '../core/errors.js';
import { parseJsonText } from '../core/json-text.js';
import { DEFAULT_PLATFORM_MODEL } from './platform-defaults.js';
import type { MemoryStep, PlatformModel } from './platform-model.js';

/**
 * Platform overrides from JSON. A file holds any part of the model; objects are merged field by field onto the
 * defaults, arrays (memory tables, retry delays) replace the default array whole. The schema is strict: an unknown
 * key is an error, so a misspelt field cannot silently leave a default in place. Errors name the file and the field:
 *
 *   platform.json: field 'storage.bandwidthBytesPerMs': expected a positive number
 */

const POSITIVE = 'expected a positive number';
const NON_NEGATIVE = 'expected a number >= 0';
const POSITIVE_INT = 'expected a positive integer';
const NON_NEGATIVE_INT = 'expected an integer >= 0';
const PROBABILITY = 'expected a probability in [0, 1]';

const positive = z.number({ error: POSITIVE }).positive(POSITIVE);
const nonNegative = z.number({ error: NON_NEGATIVE }).nonnegative(NON_NEGATIVE);
const positiveInt = z.number({ error: POSITIVE_INT }).int(POSITIVE_INT).positive(POSITIVE_INT);
const nonNegativeInt = z.number({ error: NON_NEGATIVE_INT }).int(NON_NEGATIVE_INT).nonnegative(NON_NEGATIVE_INT);
const probability = z.number({ error: PROBABILITY }).min(0, PROBABILITY).max(1, PROBABILITY);
const object = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, { error: 'expected an object' });

// Sizes, not only signs: every number is also bounded by a physical limit (core/bounds.ts says which and why), so a
// finite but absurd override (a bandwidth of 1e-300, a latency of 1e308 ms) is refused here, naming the field,
// instead of overflowing the simulator's clock or its bill.
const upTo = <T extends z.ZodNumber>(schema: T, max: number, name: string) => schema.max(max, atMost(max, name));
/** A number in [min, max] with a positive lower bound: one message per side (a sign check as well would say it twice). */
const between = (min: number, minName: string, max: number, maxName: string) =>
  z.number({ error: atLeast(min, minName) }).min(min, atLeast(min, minName)).max(max, atMost(max, maxName));
const latencyMs = upTo(nonNegative, MAX_LATENCY_MS, BOUND_NAMES.latency).refine((ms) => ms === 0 || ms >= MIN_POSITIVE_LATENCY_MS, {
  message: `expected 0 or at least ${MIN_POSITIVE_LATENCY_MS} ms (1 ns)`,
});
const durationMs = upTo(nonNegative, MAX_DURATION_MS, BOUND_NAMES.duration);
const bandwidth = between(MIN_BANDWIDTH_BYTES_PER_MS, BOUND_NAMES.minBandwidth, MAX_BANDWIDTH_BYTES_PER_MS, BOUND_NAMES.maxBandwidth);
const memoryMb = upTo(positive, MAX_HOST_MEMORY_MB, BOUND_NAMES.memory);
const vCpus = upTo(positive, MAX_VCPUS, BOUND_NAMES.vCpus);
const perSecond = (max: number, name: string) => between(MIN_RATE_PER_S, 'one per year', max, name);
const price = upTo(nonNegative, MAX_PRICE_USD, BOUND_NAMES.price);

const latency = object({ medianMs: latencyMs, sigma: upTo(nonNegative, MAX_LOG_SIGMA, BOUND_NAMES.sigma) });

/** A memory table: at least one step, `fromMb` strictly increasing so each memory size has one value. */
const memoryTable = (value: z.ZodNumber) =>
  z
    .array(object({ fromMb: upTo(positiveInt, MAX_HOST_MEMORY_MB, BOUND_NAMES.memory), value }), { error: 'expected an array of {fromMb, value} steps' })
    .min(1, 'expected at least one step')
    .superRefine((steps: readonly MemoryStep[], ctx) => {
      for (let i = 1; i < steps.length; i++) {
        if (steps[i]!.fromMb <= steps[i - 1]!.fromMb) {
          ctx.addIssue({ code: 'custom', path: [i, 'fromMb'], message: 'expected fromMb larger than the previous step' });
        }
      }
    });

const modelObject = object({
  profile: z.string({ error: 'expected a non-empty string' }).min(1, 'expected a non-empty string'),
  invoke: object({ apiCall: latency, dispatch: latency, asyncPayloadLimitBytes: upTo(positiveInt, MAX_SIZE_BYTES, BOUND_NAMES.size) }),
  startup: object({
    warmMs: latencyMs,
    platformColdOverheadMs: latencyMs,
    runtimeInit: latency,
    codeInitMs: latencyMs,
    firstInvokeMs: memoryTable(upTo(positive, MAX_LATENCY_MS, BOUND_NAMES.latency)),
    keepAliveMs: durationMs,
  }),
  concurrency: object({
    accountLimit: upTo(positiveInt, MAX_CONCURRENCY, BOUND_NAMES.concurrency),
    scalingBurst: upTo(positiveInt, MAX_CONCURRENCY, BOUND_NAMES.concurrency),
    scalingRefillPerS: perSecond(MAX_CONCURRENCY, BOUND_NAMES.concurrency),
  }),
  cpu: object({
    mbPerVcpu: between(1, '1 MB', MAX_HOST_MEMORY_MB, BOUND_NAMES.memory),
    maxVcpus: vCpus,
    visibleCores: memoryTable(vCpus),
    singleThreadedWorker: z.boolean({ error: 'expected true or false' }).optional(),
    hostCores: vCpus.optional(),
    backgroundMsPerTask: latencyMs.optional(),
    otherHostJobs: z.number({ error: 'expected a number' }).min(0, { error: 'expected a number >= 0' }).max(10_000, { error: 'expected at most 10,000 processes' }).optional(),
  }),
  storage: object({
    opLatency: latency,
    bandwidthBytesPerMs: bandwidth,
    fullBandwidthFromMb: memoryMb,
    serverBandwidthBytesPerMs: bandwidth,
    serverBurstBandwidthBytesPerMs: bandwidth.optional(),
    serverBurstCreditBytes: upTo(nonNegative, MAX_SIZE_BYTES, BOUND_NAMES.size).optional(),
    serverOpsPerS: perSecond(MAX_OPS_PER_S, BOUND_NAMES.ops),
  }),
  metadata: object({ counter: latency, notify: latency }),
  failures: object({
    workerFailureProbability: probability,
    taskFailureProbability: probability,
    maxRetries: upTo(nonNegativeInt, MAX_RETRIES, BOUND_NAMES.retries),
    retryDelaysMs: z.array(durationMs, { error: 'expected an array of delays in ms' }),
  }),
  pricing: object({
    gbSecondUsd: price,
    requestUsd: price,
    billingGranularityMs: between(MIN_BILLING_GRANULARITY_MS, '1 µs in ms', MAX_DURATION_MS, BOUND_NAMES.duration),
    billInit: z.boolean({ error: 'expected true or false' }),
  }),
});

/** The complete model, with the checks that span fields. */
export const platformModelSchema: z.ZodType<PlatformModel> = modelObject.superRefine((model, ctx) => {
  const { maxRetries, retryDelaysMs } = model.failures;
  if (retryDelaysMs.length < maxRetries) {
    ctx.addIssue({
      code: 'custom',
      path: ['failures', 'retryDelaysMs'],
      message: `expected at least ${maxRetries} delays, one per retry (failures.maxRetries)`,
    });
  }
  if (model.cpu.hostCores !== undefined && model.cpu.singleThreadedWorker !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['cpu', 'hostCores'],
      message: 'a shared host is modelled for single-threaded workers only: set cpu.singleThreadedWorker to true as well',
    });
  }
  if ((model.cpu.backgroundMsPerTask ?? 0) > 0 && model.cpu.hostCores === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cpu', 'backgroundMsPerTask'], message: 'background work loads a shared host: set cpu.hostCores as well' });
  }
});

/** What an override file may hold: any subset of the model, at any depth. */
export const platformOverrideSchema: z.ZodType<unknown> = deepPartial(modelObject);

/** Any subset of a platform model, for overrides built in code. */
export type PlatformOverrides = DeepPartial<PlatformModel>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * The model `value` (parsed JSON) describes, merged onto `base`. `file` names the source in error messages.
 * @throws ConfigError naming the file and every field at fault
 */
export function platformModelFromJson(value: unknown, file: string, base: PlatformModel = DEFAULT_PLATFORM_MODEL): PlatformModel {
  // Check the overrides alone first so errors point at what the file says, not at the merged result.
  const overrides = platformOverrideSchema.safeParse(value);
  if (!overrides.success) throw configError(file, overrides.error.issues);
  const merged = platformModelSchema.safeParse(deepMerge(base, overrides.data));
  if (!merged.success) throw configError(file, merged.error.issues);
  return merged.data;
}

/** `overrides` applied to `base`, validated the same way as a file. */
export function withOverrides(base: PlatformModel, overrides: PlatformOverrides, label = 'overrides'): PlatformModel {
  return platformModelFromJson(overrides, label, base);
}

/**
 * Reads a JSON file of overrides and merges it onto `base` (the Lambda defaults unless given).
 * @throws ConfigError when the file cannot be read, is not JSON, or does not fit the schema
 */
export async function loadPlatformModel(path: string, base: PlatformModel = DEFAULT_PLATFORM_MODEL): Promise<PlatformModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read file: ${errorText(error)}`);
  }
  return platformModelFromJson(parseJsonText(text, path), path, base);
}

function configError(file: string, issues: readonly z.core.$ZodIssue[]): ConfigError {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(valueAt(DEFAULT_PLATFORM_MODEL, issue.path) ?? {}).join(', ');
      for (const key of issue.keys) {
        lines.push(`${file}: field '${fieldPath([...issue.path, key])}': unknown field (known: ${known})`);
      }
    } else {
      const where = issue.path.length === 0 ? '' : ` field '${fieldPath(issue.path)}':`;
      lines.push(`${file}:${where} ${issue.message}`);
    }
  }
  return new ConfigError(lines.join('\n'));
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The plain-data value at `path`, or undefined; used to list the keys a section knows. */
function valueAt(root: unknown, path: readonly PropertyKey[]): object | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? node : undefined;
}

/** Objects merge key by key; anything else (numbers, arrays) in `overrides` replaces the base value. */
function deepMerge(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides === undefined ? base : overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object level optional and partial; leaves and arrays keep their own checks (arrays are replaced whole). */
function deepPartial(schema: z.ZodType): z.ZodType {
  if (!(schema instanceof z.ZodObject)) return schema;
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    shape[key] = deepPartial(field).optional();
  }
  return object(shape);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
