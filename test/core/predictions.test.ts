import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { ConfigError, NoSamplesError } from '../../core/errors.js';
import {
  OCTOFLOWS_EXPONENTS,
  collectSamples,
  createPredictions,
  selectSamples,
  type SizedValue,
} from '../../core/predictions/index.js';
import type { ResourceConfig } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import type { TaskRecord, TraceRun, TransferRecord, WorkerRecord } from '../../core/trace-records.js';

// --- fixtures -------------------------------------------------------------------------------------------------------

const MB512: ResourceConfig = { memoryMb: 512, vCpus: 0.289 };
const MB1024: ResourceConfig = { memoryMb: 1024, vCpus: 0.579 };
const MB2048: ResourceConfig = { memoryMb: 2048, vCpus: 1.158 };
const MB4096: ResourceConfig = { memoryMb: 4096, vCpus: 2.315 };

interface TaskSpec {
  fn?: string;
  inputBytes: number;
  execMs?: number;
  outputBytes?: number;
  resources?: ResourceConfig;
  /** [sizeBytes, durationMs] pairs. */
  downloads?: [number, number][];
  uploads?: [number, number][];
}

interface WorkerSpec {
  start: 'cold' | 'warm';
  startupMs: number;
  resources?: ResourceConfig;
  purpose?: 'tasks' | 'pre-warm';
}

let runCounter = 0;

/** A schema-valid run of `workflow` from compact task and worker specs. */
function makeRun(workflow: string, tasks: TaskSpec[], workers: WorkerSpec[] = [], planner = 'uniform'): TraceRun {
  const runId = `run-${++runCounter}`;
  const transfers = (pairs: [number, number][] | undefined, key: string): TransferRecord[] =>
    (pairs ?? []).map(([sizeBytes, durationMs], i) => ({ key: `${key}-${i}`, sizeBytes, startMs: 0, durationMs }));
  const taskRecords: TaskRecord[] = tasks.map((t, i) => {
    const execMs = t.execMs ?? 1;
    return {
      type: 'task', runId, taskId: `t${i}`, functionName: t.fn ?? 'multiply', workerId: `w${i}`,
      resources: t.resources ?? MB1024, inputBytes: t.inputBytes, outputBytes: t.outputBytes ?? 0,
      startMs: 0, endMs: execMs + 1_000, execMs, downloads: transfers(t.downloads, 'in'), uploads: transfers(t.uploads, 'out'),
    };
  });
  const workerRecords: WorkerRecord[] = workers.map((w, i) => ({
    type: 'worker', runId, workerId: `w${i}`, resources: w.resources ?? MB1024, invokedAtMs: 0, readyAtMs: w.startupMs,
    endedAtMs: w.startupMs + 10, start: w.start, startupMs: w.startupMs, ...(w.purpose ? { purpose: w.purpose } : {}),
  }));
  return {
    header: { type: 'run', schemaVersion: 1, runId, workflow, planner, sla: 'median', platform: 'synthetic:test', seed: 1 },
    tasks: taskRecords,
    workers: workerRecords,
    end: { type: 'run-end', runId, status: 'completed', makespanMs: 2_000 },
  };
}

/** n tasks of `fn` with the same input size and resources and the given exec times. */
function execTasks(inputBytes: number, execs: number[], resources: ResourceConfig = MB1024, fn = 'multiply'): TaskSpec[] {
  return execs.map((execMs) => ({ fn, inputBytes, execMs, resources }));
}

// --- samples --------------------------------------------------------------------------------------------------------

describe('collectSamples', () => {
  it('keeps only the asked workflow and pools all planners of it', () => {
    const runs = [
      makeRun('gemm', execTasks(100, [10]), [], 'uniform'),
      makeRun('gemm', execTasks(100, [20]), [], 'wukong'),
      makeRun('wordcount', execTasks(100, [999])),
    ];
    const set = collectSamples(runs, { workflow: 'gemm' });
    expect(set.workflow).toBe('gemm');
    expect(set.runCount).toBe(2);
    expect(set.functions.get('multiply')!.exec.map((s) => s.valueMs)).toEqual([10, 20]);
  });

  it('refuses to mix workflows when none is chosen', () => {
    const runs = [makeRun('gemm', execTasks(100, [10])), makeRun('wordcount', execTasks(100, [10]))];
    expect(() => collectSamples(runs)).toThrow(ConfigError);
    expect(() => collectSamples(runs)).toThrow(/'gemm', 'wordcount'/);
  });

  it('collects transfers from task records and start-ups (pre-warm included) from worker records', () => {
    const run = makeRun(
      'gemm',
      [{ inputBytes: 10, downloads: [[10, 5], [20, 6]], uploads: [[30, 7]] }],
      [{ start: 'cold', startupMs: 300 }, { start: 'warm', startupMs: 20 }, { start: 'cold', startupMs: 310, purpose: 'pre-warm' }],
    );
    const set = collectSamples([run]);
    expect(set.downloads.map((d) => [d.sizeBytes, d.durationMs])).toEqual([[10, 5], [20, 6]]);
    expect(set.uploads.map((d) => [d.sizeBytes, d.durationMs])).toEqual([[30, 7]]);
    expect(set.startups.cold.map((s) => s.startupMs)).toEqual([300, 310]);
    expect(set.startups.warm.map((s) => s.startupMs)).toEqual([20]);
  });
});

// --- selection ------------------------------------------------------------------------------------------------------

describe('selection around a reference size', () => {
  const sized = (pairs: [number, number][]): SizedValue[] => pairs.map(([sizeBytes, value]) => ({ sizeBytes, value }));

  it('reports tolerance 0 when the exact block fills the window', () => {
    const s = selectSamples(sized([[1000, 1], [1000, 2], [1000, 3], [1000, 4], [5000, 9]]), 1000, { neighbourSamples: 4, maxSamples: 10 });
    expect(s).toMatchObject({ count: 4, exact: 4, below: 0, above: 0, toleranceFraction: 0, fallback: null });
  });

  it('widens the tolerance in 5 % steps as the neighbours get farther', () => {
    const near = selectSamples(sized([[850, 1], [900, 1], [1100, 1], [1150, 1], [5000, 1]]), 1000, { neighbourSamples: 4, maxSamples: 10 });
    const far = selectSamples(sized([[500, 1], [600, 1], [1500, 1], [1600, 1]]), 1000, { neighbourSamples: 4, maxSamples: 10 });
    expect(near).toMatchObject({ count: 4, exact: 0, below: 2, above: 2, toleranceFraction: 0.15, fallback: null });
    expect(far).toMatchObject({ toleranceFraction: 0.6, fallback: null });
    // A deviation of exactly one step must not be rounded up to the next.
    expect(selectSamples(sized([[950, 1], [1050, 1]]), 1000, { neighbourSamples: 2, maxSamples: 2 }).toleranceFraction).toBe(0.05);
  });

  it('balances the window: all exact ones, then ⌈(k−e)/2⌉ below and ⌊(k−e)/2⌋ above', () => {
    const s = selectSamples(sized([[1, 0], [2, 0], [3, 0], [5, 7], [8, 0], [9, 0], [10, 0]]), 5, { neighbourSamples: 6, maxSamples: 10 });
    expect(s).toMatchObject({ count: 6, exact: 1, below: 3, above: 2 });
  });

  it('fills from the other side when one side runs out', () => {
    const s = selectSamples(sized([[1, 0], [10, 0], [11, 0], [12, 0], [13, 0]]), 2, { neighbourSamples: 4, maxSamples: 10 });
    expect(s).toMatchObject({ count: 4, below: 1, above: 3 });
  });

  it('falls back to the nearest samples when all are more than 100 % away', () => {
    const s = selectSamples(sized([[100, 1], [200, 1], [8000, 1], [9000, 1]]), 2000, { neighbourSamples: 2, maxSamples: 10 });
    expect(s).toMatchObject({ count: 2, toleranceFraction: null, fallback: 'nearest' });
    // ref 0 only matches exact zeros.
    expect(selectSamples(sized([[0, 1], [0, 2]]), 0, { neighbourSamples: 2, maxSamples: 2 })).toMatchObject({ toleranceFraction: 0 });
    expect(selectSamples(sized([[0, 1], [5, 2]]), 0, { neighbourSamples: 2, maxSamples: 2 })).toMatchObject({ fallback: 'nearest' });
  });

  it('thins an exact block larger than maxSamples evenly, keeping first and last', () => {
    const block = sized(Array.from({ length: 30 }, (_, i): [number, number] => [1000, i + 1]));
    const s = selectSamples(block, 1000, { neighbourSamples: 4, maxSamples: 10 });
    expect(s.count).toBe(10);
    expect(s.values[0]).toBe(1);
    expect(s.values[9]).toBe(30);
    expect(new Set(s.values).size).toBe(10);
  });
});

// --- engine ---------------------------------------------------------------------------------------------------------

describe('execution time', () => {
  it('uses only same-config samples when there are at least 6', () => {
    const runs = [makeRun('gemm', [...execTasks(1000, [100, 101, 102, 103, 104, 105], MB2048), ...execTasks(1000, Array(20).fill(5000), MB512)])];
    const p = createPredictions(runs);
    const e = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 1000, resources: MB2048, sla: MEDIAN });
    expect(e.path).toBe('same-config');
    expect(e.sampleCount).toBe(6);
    expect(e.valueMs).toBe(102.5);
    expect(p.execMs('multiply', 1000, MB2048, MEDIAN)).toBe(102.5);
  });

  it('normalizes to the baseline and rescales with fewer than 6 same-config samples', () => {
    const at2048 = [100, 110, 120, 130, 140];
    const at512 = [300, 320, 340];
    const runs = [makeRun('gemm', [...execTasks(1000, at2048, MB2048), ...execTasks(1000, at512, MB512)])];
    const p = createPredictions(runs);
    const e = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 1000, resources: MB4096, sla: percentile(75) });
    const normalized = [...at2048.map((v) => v * (2048 / 1024) ** 0.3), ...at512.map((v) => v * (512 / 1024) ** 0.3)].sort((a, b) => a - b);
    const expected = quantileSorted(normalized, 0.75) * (1024 / 4096) ** 0.3;
    expect(e.path).toBe('normalized');
    expect(e.sampleCount).toBe(8);
    expect(e.valueMs).toBeCloseTo(expected, 9);
    // Same samples at 2048 MB with a 6th would switch to same-config and ignore the 512 MB ones.
    const six = createPredictions([makeRun('gemm', [...execTasks(1000, [...at2048, 150], MB2048), ...execTasks(1000, at512, MB512)])]);
    expect(six.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 1000, resources: MB2048, sla: MEDIAN }).path).toBe('same-config');
  });

  it('honours custom exponents and baseline', () => {
    const runs = [makeRun('gemm', execTasks(1000, [100, 200, 300], MB2048))];
    const p = createPredictions(runs, { baselineMemoryMb: 2048, exponents: { execMs: 1 } });
    // time ∝ 1/memory: halving memory doubles the time.
    expect(p.execMs('multiply', 1000, MB1024, MEDIAN)).toBeCloseTo(400, 9);
  });

  it('uses the whole exact block when it holds more than k samples', () => {
    const block = execTasks(1000, Array.from({ length: 30 }, (_, i) => i + 1));
    const outliers = [...execTasks(900, [0, 0, 0, 0, 0]), ...execTasks(1100, Array(20).fill(10_000))];
    const p = createPredictions([makeRun('gemm', [...block, ...outliers])]);
    const e = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 1000, resources: MB1024, sla: MEDIAN });
    expect(e.selection).toMatchObject({ count: 30, exact: 30, below: 0, above: 0, toleranceFraction: 0 });
    expect(e.valueMs).toBe(15.5);
  });

  it('extrapolates linearly through the origin only outside the observed sizes', () => {
    const tasks = [1000, 1500, 2000].flatMap((size) => execTasks(size, [size / 10, size / 10]));
    const p = createPredictions([makeRun('gemm', tasks)], { neighbourSamples: 2 });
    const above = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 4000, resources: MB1024, sla: MEDIAN });
    expect(above.extrapolation).toEqual({ side: 'above', boundaryBytes: 2000, factor: 2 });
    expect(above.valueMs).toBeCloseTo(400, 9);
    const below = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 250, resources: MB1024, sla: MEDIAN });
    expect(below.extrapolation).toMatchObject({ side: 'below', boundaryBytes: 1000, factor: 0.25 });
    expect(below.valueMs).toBeCloseTo(25, 9);
    const inside = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 1500, resources: MB1024, sla: MEDIAN });
    expect(inside.extrapolation).toBeNull();
    expect(inside.valueMs).toBe(150);
  });


  it('interpolates between the observed sizes that bracket a reference size in a gap', () => {
    // GEMM's shape: many small samples, few large ones. A window quantile alone would answer from the small cluster.
    const tasks = [...execTasks(2_000_000, Array(32).fill(26)), ...execTasks(32_000_000, [400, 408, 416])];
    const p = createPredictions([makeRun('gemm', tasks)]);
    const mid = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 17_000_000, resources: MB1024, sla: MEDIAN });
    expect(mid.interpolation).toEqual({ lowerBytes: 2_000_000, upperBytes: 32_000_000, upperWeight: 0.5 });
    expect(mid.valueMs).toBeCloseTo((26 + 408) / 2, 9);
    const atSample = p.explain({ quantity: 'execMs', functionName: 'multiply', inputBytes: 2_000_000, resources: MB1024, sla: MEDIAN });
    expect(atSample.interpolation).toBeNull();
    expect(atSample.valueMs).toBe(26);
  });
  it('orders p10 ≤ median ≤ p90 on skewed data, strictly', () => {
    const skewed = [10, 11, 11, 12, 12, 13, 14, 15, 40, 200];
    const p = createPredictions([makeRun('gemm', execTasks(1000, skewed))]);
    const p10 = p.execMs('multiply', 1000, MB1024, percentile(10));
    const med = p.execMs('multiply', 1000, MB1024, MEDIAN);
    const p90 = p.execMs('multiply', 1000, MB1024, percentile(90));
    expect(p10).toBeLessThan(med);
    expect(med).toBeLessThan(p90);
    expect(p90).toBeCloseTo(56, 9); // numpy-style interpolation: 40 + 0.1·(200 − 40)
  });

  it('names function and workflow when there is no history', () => {
    const p = createPredictions([makeRun('gemm', execTasks(1000, [1], MB1024, 'split'))]);
    const call = () => p.execMs('multiply', 1000, MB1024, MEDIAN);
    expect(call).toThrow(NoSamplesError);
    expect(call).toThrow("no samples for execution time of function 'multiply' in workflow 'gemm'");
    expect(() => p.outputBytes('multiply', 1000, MEDIAN)).toThrow("no samples for output size of function 'multiply' in workflow 'gemm'");
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({ quantity: 'execution time', subject: "function 'multiply' in workflow 'gemm'" });
    }
  });

  it('predicts from the chosen workflow only', () => {
    const runs = [makeRun('gemm', execTasks(1000, [10, 10, 10])), makeRun('other', execTasks(1000, [900, 900, 900]))];
    expect(createPredictions(runs, { workflow: 'gemm' }).execMs('multiply', 1000, MB1024, MEDIAN)).toBe(10);
    expect(createPredictions(runs, { workflow: 'other' }).execMs('multiply', 1000, MB1024, MEDIAN)).toBe(900);
    expect(() => createPredictions(runs, { workflow: 'none' }).execMs('multiply', 1000, MB1024, MEDIAN)).toThrow(/workflow 'none'/);
  });

  it('memoizes per engine, never across engines', () => {
    const a = createPredictions([makeRun('gemm', execTasks(1000, [10]))]);
    const b = createPredictions([makeRun('gemm', execTasks(1000, [20]))]);
    expect(a.execMs('multiply', 1000, MB1024, MEDIAN)).toBe(10);
    expect(b.execMs('multiply', 1000, MB1024, MEDIAN)).toBe(20);
    const q = { quantity: 'execMs', functionName: 'multiply', inputBytes: 1000, resources: MB1024, sla: MEDIAN } as const;
    expect(a.explain(q)).toBe(a.explain({ ...q }));
    expect(Object.isFrozen(a.explain(q))).toBe(true);
    // Different resources must not hit the same memo entry.
    expect(a.explain({ ...q, resources: MB2048 }).valueMs).not.toBe(10);
  });
});

describe('output size', () => {
  it('predicts output bytes directly, rounded up, independent of the input/output ratio', () => {
    const tasks: TaskSpec[] = [1000, 2000, 3000].flatMap((inputBytes) => [{ inputBytes, outputBytes: 500 }, { inputBytes, outputBytes: 501 }]);
    const p = createPredictions([makeRun('gemm', tasks)], { neighbourSamples: 2 });
    expect(p.outputBytes('multiply', 2000, MEDIAN)).toBe(501); // 500.5, rounded up
    expect(p.outputBytes('multiply', 2500, MEDIAN)).toBe(501);
    expect(p.outputBytes('multiply', 6000, percentile(100))).toBe(1002);
    expect(Number.isInteger(p.outputBytes('multiply', 1234, percentile(33)))).toBe(true);
  });
});

describe('transfer time', () => {
  const durations = [5, 6, 6, 7, 8, 9, 12, 20, 45, 90];
  const downloads: TaskSpec[] = durations.map((d) => ({ inputBytes: 0, downloads: [[1_000_000, d]] }));

  it('gives a LONGER time for a higher percentile (the reference took percentiles over speeds)', () => {
    const p = createPredictions([makeRun('gemm', downloads)]);
    const p10 = p.transferMs('download', 1_000_000, MB1024, percentile(10));
    const med = p.transferMs('download', 1_000_000, MB1024, MEDIAN);
    const p90 = p.transferMs('download', 1_000_000, MB1024, percentile(90));
    expect(p10).toBeLessThan(med);
    expect(med).toBeLessThan(p90);
  });

  it('takes 0 ms for 0 bytes without any history', () => {
    const p = createPredictions([]);
    expect(p.transferMs('upload', 0, MB1024, percentile(99))).toBe(0);
    expect(() => p.transferMs('upload', 1, MB1024, MEDIAN)).toThrow(NoSamplesError);
    expect(() => p.transferMs('download', 1, MB1024, MEDIAN)).toThrow(/no samples for download time of any workflow/);
  });

  it('predicts uploads from upload records, falling back to downloads only when there are none', () => {
    const onlyDownloads = createPredictions([makeRun('gemm', downloads)]);
    const up = onlyDownloads.explain({ quantity: 'transferMs', direction: 'upload', sizeBytes: 1_000_000, resources: MB1024, sla: MEDIAN });
    expect(up.source).toBe('download');
    expect(up.valueMs).toBe(onlyDownloads.transferMs('download', 1_000_000, MB1024, MEDIAN));

    const withUploads = createPredictions([makeRun('gemm', [...downloads, { inputBytes: 0, uploads: [[1_000_000, 500]] }])]);
    const up2 = withUploads.explain({ quantity: 'transferMs', direction: 'upload', sizeBytes: 1_000_000, resources: MB1024, sla: MEDIAN });
    expect(up2.source).toBe('upload');
    expect(up2.valueMs).toBe(500);
  });

  it('normalizes transfer times by memory^−0.3', () => {
    const p = createPredictions([makeRun('gemm', downloads)]);
    const at1024 = p.transferMs('download', 1_000_000, MB1024, MEDIAN);
    const at2048 = p.explain({ quantity: 'transferMs', direction: 'download', sizeBytes: 1_000_000, resources: MB2048, sla: MEDIAN });
    expect(at2048.path).toBe('normalized');
    expect(at2048.valueMs).toBeCloseTo(at1024 * 2 ** -0.3, 9);
  });
});

describe('start-up time', () => {
  const workers: WorkerSpec[] = [
    ...[200, 210, 220, 230].map((startupMs) => ({ start: 'cold' as const, startupMs, resources: MB2048 })),
    ...[15, 25].map((startupMs) => ({ start: 'warm' as const, startupMs, resources: MB2048 })),
  ];

  it('separates cold from warm and is flat in memory by default', () => {
    const p = createPredictions([makeRun('gemm', [], workers)]);
    const cold = p.explain({ quantity: 'startupMs', start: 'cold', resources: MB4096, sla: MEDIAN });
    expect(cold).toMatchObject({ path: 'normalized', valueMs: 215, selection: null, sampleCount: 4 });
    expect(p.startupMs(MB4096, 'warm', MEDIAN)).toBe(20);
  });

  it('can reproduce the reference, where start-up grows with memory', () => {
    const p = createPredictions([makeRun('gemm', [], workers)], { exponents: OCTOFLOWS_EXPONENTS });
    expect(p.startupMs(MB4096, 'cold', MEDIAN)).toBeCloseTo(215 * 2 ** 0.3, 9);
  });

  it('throws NoSamplesError naming the kind of start', () => {
    const p = createPredictions([makeRun('gemm', [], workers.filter((w) => w.start === 'cold'))]);
    expect(() => p.startupMs(MB1024, 'warm', MEDIAN)).toThrow("no samples for warm start-up time of workers of workflow 'gemm'");
  });
});

describe('options and inputs', () => {
  it('rejects impossible options and queries', () => {
    expect(() => createPredictions([], { neighbourSamples: 10, maxSamples: 5 })).toThrow(ConfigError);
    expect(() => createPredictions([], { minSameConfigSamples: 0 })).toThrow(/minSameConfigSamples/);
    expect(() => createPredictions([], { exponents: { execMs: Number.NaN } })).toThrow(/exponents.execMs/);
    const p = createPredictions([makeRun('gemm', execTasks(1000, [1]))]);
    expect(() => p.execMs('multiply', -1, MB1024, MEDIAN)).toThrow(/inputBytes/);
    expect(() => p.execMs('multiply', 1, MB1024, { kind: 'percentile', percentile: 150 })).toThrow(ConfigError);
    expect(() => p.execMs('multiply', 1, undefined as unknown as ResourceConfig, MEDIAN)).toThrow(/positive memoryMb/);
    expect(() => p.transferMs('sideways' as 'upload', 1, MB1024, MEDIAN)).toThrow(/direction/);
  });

  it('accepts an already collected sample set', () => {
    const set = collectSamples([makeRun('gemm', execTasks(1000, [42]))]);
    expect(createPredictions(set).execMs('multiply', 1000, MB1024, MEDIAN)).toBe(42);
    expect(() => createPredictions(set, { workflow: 'other' })).toThrow(ConfigError);
  });
});
