import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ConfigError, WorkflowValidationError } from '../../core/errors.js';
import { flexiblePlan } from '../../core/plan.js';
import { rngFor } from '../../core/random.js';
import { MEDIAN } from '../../core/sla.js';
import { replayDurations } from '../../simulator/duration-sources.js';
import { platformModelFromJson } from '../../simulator/platform-config.js';
import { simulate } from '../../simulator/simulate.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { importWfFormat } from '../../traces/wfcommons/import-wfformat.js';

/**
 * Issue 21, "sizes, not only signs": over random numeric fields of a workflow (a WfFormat instance's runtimes, file
 * sizes, core counts, makespan) and of platform overrides (latencies, spreads, bandwidths, rates, limits, prices,
 * probabilities), from 0 and tiny fractions to 1e308 and negatives, the toolkit either refuses the input with an error
 * naming the field at fault, or simulates it to finite, non-negative results — and the same seed gives the same run.
 */

const DIAMOND = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'wfformat', 'diamond-1.5.json'), 'utf8'));

/**
 * Numbers across every magnitude a typo or a unit mistake gives, and ordinary ones (weighted so that about half the
 * inputs pass the checks and reach the simulator, extremes within the bounds included).
 */
const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.double({ min: 0, max: 5, noNaN: true }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 100_000 }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1e-3, 1, 3600, 1e6, 1e9, 1e12, 1e15), weight: 2 },
  { arbitrary: fc.constantFrom(-1, 5e-324, 1e-300, 1e16, 1e100, 1e300, 1e308, -1e308), weight: 1 },
  { arbitrary: fc.double({ min: -1e308, max: 1e308, noNaN: true, noDefaultInfinity: true }), weight: 1 },
);

/** Where a number goes in the WfFormat instance (indices into the diamond fixture). */
const WORKFLOW_FIELDS: readonly ((wf: typeof DIAMOND, value: number) => void)[] = [
  ...[0, 1, 2, 3, 4, 5, 6].map((i) => (wf: typeof DIAMOND, v: number) => (wf.workflow.execution.tasks[i].runtimeInSeconds = v)),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => (wf: typeof DIAMOND, v: number) => (wf.workflow.specification.files[i].sizeInBytes = v)),
  (wf, v) => (wf.workflow.execution.tasks[1].coreCount = v),
  (wf, v) => (wf.workflow.execution.tasks[0].avgCPU = v),
  (wf, v) => (wf.workflow.execution.makespanInSeconds = v),
];

/** The numeric fields of the platform model an override can set (dotted paths). */
const PLATFORM_FIELDS = [
  'invoke.apiCall.medianMs',
  'invoke.apiCall.sigma',
  'invoke.dispatch.medianMs',
  'invoke.dispatch.sigma',
  'invoke.asyncPayloadLimitBytes',
  'startup.warmMs',
  'startup.platformColdOverheadMs',
  'startup.runtimeInit.medianMs',
  'startup.runtimeInit.sigma',
  'startup.codeInitMs',
  'startup.keepAliveMs',
  'concurrency.accountLimit',
  'concurrency.scalingBurst',
  'concurrency.scalingRefillPerS',
  'cpu.mbPerVcpu',
  'cpu.maxVcpus',
  'storage.opLatency.medianMs',
  'storage.opLatency.sigma',
  'storage.bandwidthBytesPerMs',
  'storage.fullBandwidthFromMb',
  'storage.serverBandwidthBytesPerMs',
  'storage.serverBurstBandwidthBytesPerMs',
  'storage.serverBurstCreditBytes',
  'storage.serverOpsPerS',
  'metadata.counter.medianMs',
  'metadata.notify.medianMs',
  'metadata.notify.sigma',
  'failures.workerFailureProbability',
  'failures.taskFailureProbability',
  'pricing.gbSecondUsd',
  'pricing.requestUsd',
  'pricing.billingGranularityMs',
] as const;

/** `{ a: { b: value } }` for `a.b`, merged into `target`. */
function setPath(target: Record<string, unknown>, path: string, value: number): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/** Every number in a JSON-like value, with its path. */
function numbersIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbersIn(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => numbersIn(v, path === '' ? k : `${path}.${k}`));
  return [];
}

/** An error is a refusal naming a field: the toolkit's own kinds, with `field '…'` in the message. */
function expectNamedRefusal(error: unknown): void {
  expect(error instanceof ConfigError || error instanceof WorkflowValidationError, `not a refusal: ${String((error as Error)?.stack ?? error)}`).toBe(true);
  expect((error as Error).message).toMatch(/field '[^']+'/);
}

const inputArb = fc.record({
  workflow: fc.array(fc.tuple(fc.nat({ max: WORKFLOW_FIELDS.length - 1 }), anyNumber), { maxLength: 3 }),
  platform: fc.array(fc.tuple(fc.constantFrom(...PLATFORM_FIELDS), anyNumber), { maxLength: 3 }),
  seed: fc.nat({ max: 1000 }),
});

/** Imports the instance, reads the overrides and simulates the recorded run under a flexible plan. */
function run(input: { workflow: [number, number][]; platform: [string, number][]; seed: number }) {
  const instance = structuredClone(DIAMOND);
  for (const [field, value] of input.workflow) WORKFLOW_FIELDS[field]!(instance, value);
  const overrides: Record<string, unknown> = {};
  for (const [path, value] of input.platform) setPath(overrides, path, value);

  const platform = platformModelFromJson(overrides, 'platform.json');
  const { imported, history } = importWfFormat(instance, 'wf.json', { runs: 1, seed: input.seed });
  const recorded = groupRuns(history).runs[0]!;
  const plan = flexiblePlan(imported.workflow, 'flexible', MEDIAN, imported.referenceResources);
  const durations = replayDurations(recorded, platform, { startup: rngFor(input.seed, 'startup'), transfer: rngFor(input.seed, 'transfer') });
  return simulate(imported.workflow, plan, { platform, durations, seed: input.seed });
}

describe('random numeric fields of workflows and platform overrides: refused by name, or finite and non-negative (issue 21)', () => {
  test.prop([inputArb], { numRuns: 300 })('the simulator refuses the input naming the field, or returns finite, non-negative results', (input) => {
    let result;
    try {
      result = run(input);
    } catch (error) {
      expectNamedRefusal(error);
      return;
    }
    for (const [path, value] of numbersIn(result.summary)) {
      expect(Number.isFinite(value), `summary.${path} = ${value}`).toBe(true);
      expect(value, `summary.${path}`).toBeGreaterThanOrEqual(0);
    }
    for (const record of result.records) {
      for (const [path, value] of numbersIn(record)) {
        if (path === 'seed') continue;
        expect(Number.isFinite(value), `${record.type}.${path} = ${value}`).toBe(true);
        expect(value, `${record.type}.${path}`).toBeGreaterThanOrEqual(0);
      }
    }
    // Determinism: the same input and seed give the same run.
    expect(JSON.stringify(run(input).records)).toBe(JSON.stringify(result.records));
  });
});
