import { describe, expect, it } from 'vitest';
import { createPredictions } from '../../core/predictions/index.js';
import { rngFor } from '../../core/random.js';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload } from '../../traces/workloads/registry.js';
import { expectedDurations, replayDurations, sampledDurations } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { observedCriticalPath, summarizeRun } from '../../simulator/run-summary.js';

const { runs } = groupRuns(generateHistory('gemm', { runs: 12, seed: 4 }));
const predictions = createPredictions(runs, { workflow: 'gemm' });
const workflow = buildWorkload('gemm');
const product = { taskId: 'multiply_chunks-0-0', functionName: 'multiply_chunks' };
const rngs = (seed: number) => ({
  exec: rngFor(seed, 'exec'),
  output: rngFor(seed, 'output'),
  startup: rngFor(seed, 'startup'),
  transfer: rngFor(seed, 'transfer'),
});

describe('duration sources', () => {
  it('replay gives the recorded exec and output, scaled by effective vCPUs on other resources', () => {
    const run = runs[0]!;
    const record = run.tasks.find((t) => t.taskId === product.taskId)!;
    const source = replayDurations(run, DEFAULT_PLATFORM_MODEL, rngs(1));
    expect(source.execMs(product, record.inputBytes, record.resources)).toBe(record.execMs);
    expect(source.outputBytes(product, record.inputBytes)).toBe(record.outputBytes);
    // Recorded at 1,024 MB (0.579 vCPU); at 1,769 MB a single thread gets one full vCPU.
    expect(record.resources.memoryMb).toBe(1024);
    expect(source.execMs(product, record.inputBytes, resources(1769))).toBeCloseTo(record.execMs * 0.579, 6);
    expect(() => source.execMs({ taskId: 'nope', functionName: 'f' }, 0, record.resources)).toThrow(/no record of task 'nope' to replay/);
  });

  it('expected values are the engine predictions under the SLA, deterministic', () => {
    const source = expectedDurations(predictions, percentile(90));
    const config = resources(2048);
    expect(source.execMs(product, 16_000_000, config)).toBe(predictions.execMs('multiply_chunks', 16_000_000, config, percentile(90)));
    expect(source.startupMs(config, 'cold')).toBe(predictions.startupMs(config, 'cold', percentile(90)));
    expect(source.transferMs('upload', 0, config)).toBe(0);
    expect(source.name).toBe('expected:p90');
  });

  it('sampling follows the history: same seed same draws, spread around the median', () => {
    const config = resources(1024);
    const draw = (seed: number) => {
      const source = sampledDurations(predictions, DEFAULT_PLATFORM_MODEL, rngs(seed));
      return Array.from({ length: 200 }, () => source.execMs(product, 16_000_000, config));
    };
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(draw(4)).not.toEqual(a);
    const median = predictions.execMs('multiply_chunks', 16_000_000, config, MEDIAN);
    const below = a.filter((x) => x < median).length;
    expect(below).toBeGreaterThan(60);
    expect(below).toBeLessThan(140);
  });
});

describe('run summary', () => {
  it('counts workers, starts, bytes and the critical path of a generated run', () => {
    const run = runs[0]!;
    const summary = summarizeRun(run, workflow, DEFAULT_PLATFORM_MODEL);
    expect(summary.status).toBe('completed');
    expect(summary.workersLaunched).toBe(17);
    expect(summary.coldStarts + summary.warmStarts).toBe(17);
    expect(summary.storageOps).toBe(16 * 2 + 16 + 1);
    expect(summary.downloadedBytes).toBe(16 * 16_000_000 + 16 * 2_000_000);
    expect(summary.criticalPath).toHaveLength(2);
    expect(summary.criticalPath[1]).toBe('aggregate_results-0');
    const memoryTimeGbS = run.workers.reduce((s, w) => s + (w.resources.memoryMb / 1024) * ((w.endedAtMs - w.readyAtMs) / 1000), 0);
    expect(summary.billing.gbSeconds).toBeGreaterThanOrEqual(memoryTimeGbS);
  });

  it('the critical path follows the upstream that finished last', () => {
    const run = runs[1]!;
    const path = observedCriticalPath(run.tasks, workflow);
    const ends = new Map(run.tasks.map((t) => [t.taskId, t.endMs]));
    const lastProduct = Math.max(...run.tasks.filter((t) => t.functionName === 'multiply_chunks').map((t) => t.endMs));
    expect(ends.get(path[0]!)).toBe(lastProduct);
  });
});
