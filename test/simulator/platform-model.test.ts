import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_MEMORY_MB, MIN_MEMORY_MB } from '../../core/resources.js';
import { platformModelSchema, withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL as M } from '../../simulator/platform-defaults.js';
import {
  coldStartMs,
  counterMs,
  effectiveVcpus,
  executionMs,
  initMs,
  isWarm,
  notifyMs,
  resourcesFor,
  retryDelayMs,
  startupMs,
  stepValue,
  transferBandwidthBytesPerMs,
  transferMs,
  visibleCores,
  warmStartMs,
  workerBandwidthBytesPerMs,
} from '../../simulator/platform-model.js';
import { rngFor } from '../../core/random.js';

const memoryArb = fc.integer({ min: MIN_MEMORY_MB, max: MAX_MEMORY_MB });
const bytesArb = fc.integer({ min: 0, max: 2 ** 31 });

describe('default platform model', () => {
  it('passes its own schema and cannot be mutated', () => {
    expect(platformModelSchema.safeParse(M).success).toBe(true);
    expect(Object.isFrozen(M.storage)).toBe(true);
    expect(Object.isFrozen(M.startup.firstInvokeMs)).toBe(true);
  });

  it('derives vCPUs by the Lambda rule', () => {
    expect(resourcesFor(M, 1769).vCpus).toBe(1);
    expect(resourcesFor(M, 10_240).vCpus).toBe(5.789);
    expect(resourcesFor(M, 128).vCpus).toBe(0.072);
  });
});

describe('start-up', () => {
  it('adds platform overhead, INIT and the first-invoke slowdown', () => {
    // 100 overhead + 140 runtime INIT + 160 code INIT + first invoke (12.5 at 128 MB, 3 from 256 MB).
    expect(coldStartMs(M, resourcesFor(M, 128))).toBe(412.5);
    expect(coldStartMs(M, resourcesFor(M, 1024))).toBe(403);
    expect(initMs(M)).toBe(300);
    expect(warmStartMs(M)).toBe(0);
    expect(startupMs(M, resourcesFor(M, 1024), false)).toBe(60);
    expect(startupMs(M, resourcesFor(M, 1024), true)).toBe(463);
  });

  // lambda-perf: INIT is flat in memory and the first invocation is faster from 256 MB, so never slower with more.
  test.prop([memoryArb, memoryArb])('more memory never makes a cold start slower', (a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    expect(coldStartMs(M, resourcesFor(M, hi))).toBeLessThanOrEqual(coldStartMs(M, resourcesFor(M, lo)));
  });

  test.prop([memoryArb, fc.integer()])('a cold start is slower than a warm one, sampled or not', (memoryMb, seed) => {
    const config = resourcesFor(M, memoryMb);
    expect(startupMs(M, config, true)).toBeGreaterThan(startupMs(M, config, false));
    const sampled = coldStartMs(M, config, rngFor(seed, 'cold'));
    expect(sampled).toBeGreaterThan(M.startup.platformColdOverheadMs + M.startup.codeInitMs);
    expect(coldStartMs(M, config, rngFor(seed, 'cold'))).toBe(sampled);
  });

  it('is exact when the noise is switched off', () => {
    const quiet = withOverrides(M, { startup: { runtimeInit: { sigma: 0 } }, invoke: { apiCall: { sigma: 0 }, dispatch: { sigma: 0 } } });
    const config = resourcesFor(quiet, 512);
    expect(startupMs(quiet, config, true, rngFor(1, 's'))).toBe(startupMs(quiet, config, true));
  });

  it('keeps an idle environment warm for the keep-alive window only', () => {
    expect(isWarm(M, 1000, 1000 + 599_999)).toBe(true);
    expect(isWarm(M, 1000, 1000 + 600_000)).toBe(false);
  });
});

describe('CPU', () => {
  it('shows cores by memory as measured', () => {
    expect(visibleCores(M, 128)).toBe(2);
    expect(visibleCores(M, 3008)).toBe(2);
    expect(visibleCores(M, 3009)).toBe(3);
    expect(visibleCores(M, 10_240)).toBe(6);
  });

  it('runs single-threaded work at the CPU share, capped at one vCPU', () => {
    expect(executionMs(M, 1000, resourcesFor(M, 1769))).toBe(1000);
    expect(executionMs(M, 1000, resourcesFor(M, 4096))).toBe(1000);
    expect(executionMs(M, 1000, resourcesFor(M, 128))).toBeCloseTo(1000 / 0.072, 6);
    expect(effectiveVcpus(M, resourcesFor(M, 10_240), 8)).toBe(5.789);
    expect(effectiveVcpus(M, resourcesFor(M, 3008), 4)).toBe(1.7);
    expect(effectiveVcpus(M, { memoryMb: 3008, vCpus: 4 }, 4)).toBe(2); // visible cores cap an explicit share
    expect(() => executionMs(M, 1, resourcesFor(M, 128), 0)).toThrow(RangeError);
  });

  test.prop([memoryArb, memoryArb, fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 1e6, noNaN: true })])(
    'more memory never runs work slower',
    (a, b, threads, cpuMs) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(executionMs(M, cpuMs, resourcesFor(M, hi), threads)).toBeLessThanOrEqual(executionMs(M, cpuMs, resourcesFor(M, lo), threads));
    },
  );
});

describe('storage and metadata', () => {
  it('scales worker bandwidth linearly up to 1,024 MB', () => {
    expect(workerBandwidthBytesPerMs(M, resourcesFor(M, 128))).toBe(9375);
    expect(workerBandwidthBytesPerMs(M, resourcesFor(M, 1024))).toBe(75_000);
    expect(workerBandwidthBytesPerMs(M, resourcesFor(M, 10_240))).toBe(75_000);
    // Two transfers share the server's 117,125 bytes/ms: each gets 58,562.5, less than a big worker's NIC.
    expect(transferBandwidthBytesPerMs(M, resourcesFor(M, 2048), 2)).toBe(58_562.5);
  });

  it('charges a round trip plus bytes over bandwidth', () => {
    expect(transferMs(M, 0, resourcesFor(M, 1024))).toBe(0.6);
    expect(transferMs(M, 10 * 75_000, resourcesFor(M, 1024))).toBeCloseTo(10.6, 9);
    expect(() => transferMs(M, -1, resourcesFor(M, 1024))).toThrow(RangeError);
    expect(() => transferMs(M, 1, resourcesFor(M, 1024), { concurrentTransfers: 0 })).toThrow(RangeError);
  });

  test.prop([bytesArb, bytesArb, memoryArb])('bigger transfers are never faster', (a, b, memoryMb) => {
    const [small, big] = a <= b ? [a, b] : [b, a];
    const config = resourcesFor(M, memoryMb);
    expect(transferMs(M, big, config)).toBeGreaterThanOrEqual(transferMs(M, small, config));
  });

  test.prop([bytesArb, memoryArb, memoryArb])('more memory never makes a transfer slower', (bytes, a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    expect(transferMs(M, bytes, resourcesFor(M, hi))).toBeLessThanOrEqual(transferMs(M, bytes, resourcesFor(M, lo)));
  });

  test.prop([bytesArb, memoryArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 })])(
    'more concurrent transfers never make one faster',
    (bytes, memoryMb, a, b) => {
      const [few, many] = a <= b ? [a, b] : [b, a];
      const config = resourcesFor(M, memoryMb);
      expect(transferMs(M, bytes, config, { concurrentTransfers: many })).toBeGreaterThanOrEqual(
        transferMs(M, bytes, config, { concurrentTransfers: few }),
      );
    },
  );

  it('gives counter and notification latencies, with noise when asked', () => {
    expect(counterMs(M)).toBe(0.6);
    expect(notifyMs(M)).toBe(0.8);
    const rng = rngFor(3, 'metadata');
    const draws = Array.from({ length: 100 }, () => notifyMs(M, rng));
    expect(new Set(draws).size).toBeGreaterThan(90);
    expect(draws.every((d) => d > 0)).toBe(true);
  });
});

describe('failures', () => {
  it('retries twice, after 1 and 2 minutes, as Lambda does', () => {
    expect(retryDelayMs(M, 1)).toBe(60_000);
    expect(retryDelayMs(M, 2)).toBe(120_000);
    expect(retryDelayMs(M, 3)).toBeUndefined();
    expect(retryDelayMs(withOverrides(M, { failures: { maxRetries: 0 } }), 1)).toBeUndefined();
    expect(() => retryDelayMs(M, 0)).toThrow(RangeError);
  });
});

describe('stepValue', () => {
  const table = [
    { fromMb: 256, value: 5 },
    { fromMb: 1024, value: 1 },
  ];
  it('uses the first step below the table and the last step above it', () => {
    expect(stepValue(table, 128)).toBe(5);
    expect(stepValue(table, 256)).toBe(5);
    expect(stepValue(table, 1023)).toBe(5);
    expect(stepValue(table, 1024)).toBe(1);
    expect(stepValue(table, 9999)).toBe(1);
    expect(() => stepValue([], 128)).toThrow(RangeError);
  });
});
