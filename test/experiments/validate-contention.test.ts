import { describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TaskRecord, TraceRecord, WorkerRecord } from '../../core/trace-records.js';
import { createWorkflow } from '../../core/workflow.js';
import { fitPlatformProfile, fitSharedStartups, startupAloneMs, withinRunLogSigma } from '../../experiments/validate/fit-profile.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { platformModelFromJson, withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';

const worker = (workerId: string, invokedAtMs: number, readyAtMs: number, runId = 'r1'): WorkerRecord => ({
  type: 'worker',
  runId,
  workerId,
  resources: { memoryMb: 2048, vCpus: 1 },
  invokedAtMs,
  readyAtMs,
  endedAtMs: readyAtMs + 1,
  start: 'warm',
  startupMs: readyAtMs - invokedAtMs,
  purpose: 'tasks',
});

describe('start-ups sharing a host', () => {
  it('gives each start-up its time alone: every stretch weighted by its share of the cores', () => {
    // a and b invoked together; c while b still starts.
    const workers = [worker('a', 0, 10), worker('b', 0, 20), worker('c', 15, 30)];
    // One core: [0,10] two under way (½ each), [10,15] b alone, [15,20] b and c (½), [20,30] c alone.
    expect(startupAloneMs(workers, 1)).toEqual([5, 5 + 5 + 2.5, 2.5 + 10]);
    // Two cores fit both pairs: the recorded spans.
    expect(startupAloneMs(workers, 2)).toEqual([10, 20, 15]);
    expect(startupAloneMs(workers, Infinity)).toEqual([10, 20, 15]);
    // A task running on another worker from 0 to 10 ms is one more job: a shares one core with b and it (⅓ each).
    const withTask = startupAloneMs([worker('a', 0, 10), worker('b', 0, 20)], 1, [{ startMs: 0, endMs: 10 }]);
    expect(withTask[0]).toBeCloseTo(10 / 3, 9);
    expect(withTask[1]).toBeCloseTo(10 / 3 + 10, 9);
  });

  it('fits the cores under which the start-ups\' times alone agree, and their median', () => {
    // Run k: k start-ups of 10 ms alone invoked together on 1.5 cores, so all are ready at max(10, 10k / 1.5).
    const runs = [1, 2, 3, 4, 6].map((k) => Array.from({ length: k }, (_, i) => worker(`w${i}`, 0, Math.max(10, (10 * k) / 1.5), `r${k}`)));
    const jobs = runs.map((workers) => ({ workers, executions: [] }));
    const fit = fitSharedStartups(jobs, 2);
    expect(fit.cores).toBe(1.5);
    expect(fit.warm!.medianMs).toBeCloseTo(10, 9);
    expect(fit.warm!.sigma).toBeCloseTo(0, 9);
    // Without a host the recorded start-ups are the samples.
    const recorded = fitSharedStartups(jobs, undefined);
    expect(recorded.cores).toBeUndefined();
    expect(recorded.warm!.medianMs).toBeCloseTo(80 / 3, 9); // the middle of 10, 13.3 ×2, 20 ×3, 26.7 ×4, 40 ×6
  });
});

describe('the simulator on a shared host (cpu.hostCores)', () => {
  const workflow = createWorkflow('two-roots', [
    { id: 'a', functionName: 'f', upstream: [] },
    { id: 'b', functionName: 'f', upstream: [] },
  ]);
  const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
  const flat = (startupMs: number): DurationSource => ({
    name: 'flat',
    execMs: () => 100,
    outputBytes: () => 0,
    startupMs: () => startupMs,
    transferMs: () => 0,
  });
  const run = (hostCores: number | undefined, startupMs = 0) => {
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, ...(hostCores !== undefined ? { hostCores } : {}) } });
    return simulate(workflow, plan, { platform, durations: flat(startupMs), seed: 1, latencyNoise: false }).run;
  };

  it('stretches executions on different workers by the host\'s share of the cores', () => {
    expect(run(undefined).tasks.map((t) => t.execMs)).toEqual([100, 100]);
    expect(run(1).tasks.map((t) => t.execMs)).toEqual([200, 200]);
    expect(run(2).tasks.map((t) => t.execMs)).toEqual([100, 100]);
    for (const t of run(1.5).tasks) expect(t.execMs).toBeCloseTo((2 * 100) / 1.5, 2);
  });

  it('adds each task\'s background work to the host\'s load', () => {
    // Two executions and their two background jobs of 100 ms alone on one core: four jobs, a quarter each.
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, hostCores: 1, backgroundMsPerTask: 100 } });
    const { tasks } = simulate(workflow, plan, { platform, durations: flat(0), seed: 1, latencyNoise: false }).run;
    for (const t of tasks) expect(t.execMs).toBeCloseTo(400, 6);
    expect(() => withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { backgroundMsPerTask: 1 } })).toThrow(/backgroundMsPerTask.*hostCores/);
  });

  it('stretches start-ups under way together, the first as much as the last', () => {
    // Two start-ups of 30 ms alone on one core are both ready at 60 ms; on their own CPUs at 30.
    expect(run(1, 30).workers.map((w) => w.startupMs)).toEqual([60, 60]);
    expect(run(undefined, 30).workers.map((w) => w.startupMs)).toEqual([30, 30]);
  });
});

describe('fitPlatformProfile on a shared host', () => {
  it('takes the background work per task from what worker processes used beyond their tasks\' CPU', () => {
    const task = (taskId: string, workerId: string, cpuMs: number): TaskRecord => ({
      type: 'task',
      runId: 'r1',
      taskId,
      functionName: 'f',
      workerId,
      resources: { memoryMb: 2048, vCpus: 1 },
      inputBytes: 0,
      outputBytes: 0,
      startMs: 20,
      endMs: 30,
      execMs: cpuMs,
      cpuMs,
      downloads: [],
      uploads: [],
    });
    const records: TraceRecord[] = [
      { ...worker('a', 0, 10), cpuMs: 10 },
      { ...worker('b', 0, 10), cpuMs: 7 },
      { ...worker('c', 0, 10), cpuMs: 100 },
      task('t1', 'a', 2),
      task('t2', 'a', 4),
      task('t3', 'b', 1),
      task('t4', 'c', 1),
    ];
    // Beyond their tasks per task: a (10 − 6) / 2 = 2, b 6, c 99: the median is 6.
    const fit = fitPlatformProfile(records, { profile: 'p', hostCores: 2, singleThreadedWorker: true });
    expect(fit.model.cpu.backgroundMsPerTask).toBe(6);
    // Not on a host of its own: no background load.
    expect(fitPlatformProfile(records, { profile: 'p', singleThreadedWorker: true }).model.cpu.backgroundMsPerTask).toBeUndefined();
  });
});

describe('withinRunLogSigma', () => {
  it('leaves out what a run shares: runs that differ only by a common factor have no spread of their own', () => {
    const samples = [1, 2, 3].flatMap((k) => [{ runId: `r${k}`, ratio: k }, { runId: `r${k}`, ratio: k }]);
    expect(withinRunLogSigma(samples)).toBe(0);
  });

  it('measures the spread around each run’s median, and ignores runs with one sample', () => {
    const samples = [
      { runId: 'a', ratio: 1 },
      { runId: 'a', ratio: Math.E ** 2 },
      { runId: 'a', ratio: Math.E },
      { runId: 'b', ratio: 100 },
    ];
    // Relative to run a's median e: e^-1, e, 1: the same spread as those three values.
    expect(withinRunLogSigma(samples)).toBeCloseTo((0.6826 * 2) / 2, 2);
  });
});

describe('the platform config accepts the shared-host fields', () => {
  it('reads cpu.hostCores and cpu.singleThreadedWorker, and rejects cores that are not positive, naming the field', () => {
    const model = platformModelFromJson({ cpu: { hostCores: 1.75, singleThreadedWorker: true } }, 'p.json');
    expect(model.cpu.hostCores).toBe(1.75);
    expect(model.cpu.singleThreadedWorker).toBe(true);
    expect(() => platformModelFromJson({ cpu: { hostCores: 0, singleThreadedWorker: true } }, 'p.json')).toThrow(/p\.json.*cpu\.hostCores/);
    expect(() => platformModelFromJson({ cpu: { hostCores: 2 } }, 'p.json')).toThrow(/cpu\.hostCores.*singleThreadedWorker/);
  });
});
