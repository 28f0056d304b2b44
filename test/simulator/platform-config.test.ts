import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { loadPlatformModel, platformModelFromJson, withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL as M } from '../../simulator/platform-defaults.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const fromJson = (value: unknown) => platformModelFromJson(value, 'platform.json');
const messageOf = (value: unknown) => errorOf(() => fromJson(value)).message;

describe('platformModelFromJson: merging', () => {
  it('returns the defaults for an empty object', () => {
    expect(fromJson({})).toEqual(M);
  });

  it('changes only the fields given, at any depth', () => {
    const model = fromJson({ storage: { bandwidthBytesPerMs: 1000 }, invoke: { dispatch: { sigma: 0 } }, profile: 'test' });
    expect(model.storage).toEqual({ ...M.storage, bandwidthBytesPerMs: 1000 });
    expect(model.invoke.dispatch).toEqual({ medianMs: 40, sigma: 0 });
    expect(model.invoke.apiCall).toEqual(M.invoke.apiCall);
    expect(model.profile).toBe('test');
    expect(model.pricing).toEqual(M.pricing);
    // The defaults are untouched.
    expect(M.storage.bandwidthBytesPerMs).toBe(75_000);
  });

  it('replaces arrays whole', () => {
    const model = fromJson({ startup: { firstInvokeMs: [{ fromMb: 128, value: 1 }] }, failures: { retryDelaysMs: [5, 6, 7] } });
    expect(model.startup.firstInvokeMs).toEqual([{ fromMb: 128, value: 1 }]);
    expect(model.failures.retryDelaysMs).toEqual([5, 6, 7]);
  });

  it('layers onto another base', () => {
    const base = withOverrides(M, { pricing: { gbSecondUsd: 0.0000133334 } });
    const model = platformModelFromJson({ pricing: { requestUsd: 0 } }, 'arm.json', base);
    expect(model.pricing.gbSecondUsd).toBe(0.0000133334);
    expect(model.pricing.requestUsd).toBe(0);
  });
});

describe('platformModelFromJson: errors name the file and the field', () => {
  it('rejects a negative number', () => {
    expect(messageOf({ storage: { bandwidthBytesPerMs: -5 } })).toBe(
      "platform.json: field 'storage.bandwidthBytesPerMs': expected a number >= 0.001 (1 byte/s in bytes per ms)",
    );
    expect(messageOf({ startup: { keepAliveMs: -5 } })).toBe("platform.json: field 'startup.keepAliveMs': expected a number >= 0");
  });

  it('rejects finite but absurd values, naming the bound (issue 21)', () => {
    expect(messageOf({ storage: { bandwidthBytesPerMs: 1e-300 } })).toMatch(/field 'storage\.bandwidthBytesPerMs': expected a number >= 0\.001 \(1 byte\/s/);
    expect(messageOf({ storage: { opLatency: { medianMs: 1e308, sigma: 0.1 } } })).toMatch(/field 'storage\.opLatency\.medianMs': expected a number <= 3600000 \(1 hour in ms\)/);
    expect(messageOf({ invoke: { apiCall: { medianMs: 20, sigma: 1e300 } } })).toMatch(/field 'invoke\.apiCall\.sigma': expected a number <= 5/);
    expect(messageOf({ pricing: { billingGranularityMs: 1e-300 } })).toMatch(/field 'pricing\.billingGranularityMs': expected a number >= 0\.001/);
    expect(messageOf({ concurrency: { scalingRefillPerS: 1e-300 } })).toMatch(/field 'concurrency\.scalingRefillPerS': expected a number >= /);
  });

  it('rejects a wrong type', () => {
    expect(messageOf({ storage: { bandwidthBytesPerMs: '75000' } })).toBe(
      "platform.json: field 'storage.bandwidthBytesPerMs': expected a number >= 0.001 (1 byte/s in bytes per ms)",
    );
    expect(messageOf({ pricing: { billInit: 'yes' } })).toBe("platform.json: field 'pricing.billInit': expected true or false");
    expect(messageOf({ storage: 5 })).toBe("platform.json: field 'storage': expected an object");
    expect(messageOf({ profile: '' })).toBe("platform.json: field 'profile': expected a non-empty string");
  });

  it('rejects an unknown key at the top and inside a section, listing the known ones', () => {
    expect(messageOf({ storge: {} })).toMatch(/^platform\.json: field 'storge': unknown field \(known: profile, invoke, startup,/);
    expect(messageOf({ storage: { bandwidthBytesPerMS: 1 } })).toBe(
      "platform.json: field 'storage.bandwidthBytesPerMS': unknown field " +
        '(known: opLatency, bandwidthBytesPerMs, fullBandwidthFromMb, serverBandwidthBytesPerMs, serverBurstBandwidthBytesPerMs, serverBurstCreditBytes, serverOpsPerS)',
    );
    expect(messageOf({ invoke: { dispatch: { meanMs: 3 } } })).toBe(
      "platform.json: field 'invoke.dispatch.meanMs': unknown field (known: medianMs, sigma)",
    );
  });

  it('rejects non-integers, out-of-range probabilities and bad tables', () => {
    expect(messageOf({ concurrency: { accountLimit: 10.5 } })).toBe(
      "platform.json: field 'concurrency.accountLimit': expected a positive integer",
    );
    expect(messageOf({ failures: { taskFailureProbability: 1.5 } })).toBe(
      "platform.json: field 'failures.taskFailureProbability': expected a probability in [0, 1]",
    );
    expect(messageOf({ cpu: { visibleCores: [] } })).toBe("platform.json: field 'cpu.visibleCores': expected at least one step");
    expect(
      messageOf({
        cpu: {
          visibleCores: [
            { fromMb: 1024, value: 2 },
            { fromMb: 512, value: 3 },
          ],
        },
      }),
    ).toBe("platform.json: field 'cpu.visibleCores.1.fromMb': expected fromMb larger than the previous step");
    expect(messageOf({ startup: { firstInvokeMs: [{ fromMb: 128 }] } })).toBe(
      "platform.json: field 'startup.firstInvokeMs.0.value': expected a positive number",
    );
  });

  it('checks fields against each other after merging', () => {
    expect(messageOf({ failures: { maxRetries: 3 } })).toBe(
      "platform.json: field 'failures.retryDelaysMs': expected at least 3 delays, one per retry (failures.maxRetries)",
    );
    expect(fromJson({ failures: { maxRetries: 3, retryDelaysMs: [1, 2, 3] } }).failures.maxRetries).toBe(3);
  });

  it('rejects a document that is not an object', () => {
    expect(messageOf([])).toBe('platform.json: expected an object');
    expect(messageOf(null)).toBe('platform.json: expected an object');
  });

  it('reports every problem, one per line', () => {
    const lines = messageOf({ storage: { bandwidthBytesPerMs: 0, serverOpsPerS: -1 }, nope: 1 }).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.startsWith('platform.json: field '))).toBe(true);
  });
});

describe('loadPlatformModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'octoplan-platform-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and merges a file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ startup: { keepAliveMs: 7000 } }));
    const model = await loadPlatformModel(path);
    expect(model.startup.keepAliveMs).toBe(7000);
    expect(model.startup.codeInitMs).toBe(M.startup.codeInitMs);
  });

  it('names an unreadable file', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadPlatformModel(path)).rejects.toThrow(ConfigError);
    await expect(loadPlatformModel(path)).rejects.toThrow(`${path}: cannot read file: ENOENT`);
    await expect(loadPlatformModel(dir)).rejects.toThrow(`${dir}: cannot read file:`);
  });

  it('names a file that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "storage": { ');
    await expect(loadPlatformModel(path)).rejects.toThrow(ConfigError);
    await expect(loadPlatformModel(path)).rejects.toThrow(`${path}: invalid JSON:`);
  });

  it('names the file in schema errors', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ storage: { bandwidthBytesPerMs: -1 } }));
    await expect(loadPlatformModel(path)).rejects.toThrow(`${path}: field 'storage.bandwidthBytesPerMs': expected a number >= 0.001 (1 byte/s in bytes per ms)`);
  });
});
