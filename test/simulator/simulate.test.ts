import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Optimization } from '../../core/optimizations.js';
import type { Plan, TaskPlan } from '../../core/plan.js';
import { flexiblePlan } from '../../core/plan.js';
import { rngFor } from '../../core/random.js';
import { resources, type ResourceConfig } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { checkTraceRecord } from '../../core/trace-records.js';
import { createWorkflow, type Workflow } from '../../core/workflow.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { simulate } from '../../simulator/simulate.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { serializeTraceRecords } from '../../traces/trace-io.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

/** Deterministic per-task durations: exec and output drawn once per task id from the seed. */
function fixedDurations(seed: number): DurationSource & { aloneMs: Map<string, number> } {
  const aloneMs = new Map<string, number>();
  const outputs = new Map<string, number>();
  const draw = (taskId: string) => {
    if (!aloneMs.has(taskId)) {
      const rng = rngFor(seed, `task/${taskId}`);
      aloneMs.set(taskId, 1 + rng.int(500));
      outputs.set(taskId, rng.int(8 * 1024 * 1024));
    }
  };
  return {
    name: 'fixed',
    aloneMs,
    execMs: (task) => (draw(task.taskId), aloneMs.get(task.taskId)!),
    outputBytes: (task) => (draw(task.taskId), outputs.get(task.taskId)!),
    startupMs: (_r, start) => (start === 'cold' ? 400 : 40),
    transferMs: (_d, bytes) => (bytes === 0 ? 0 : 1 + bytes / 75_000),
  };
}

const CONFIGS: ResourceConfig[] = [resources(1024), resources(2048), resources(4096)];

/**
 * A random plan: each task flexible or on one of a few fixed workers (a worker keeps one configuration), and with
 * `optimize` some tasks get pre-load, pre-warm or task-dup.
 */
function randomPlan(workflow: Workflow, seed: number, workers: number, flexibleShare: number, optimize = false): Plan {
  const rng = rngFor(seed, 'plan');
  const workerConfig = Array.from({ length: workers }, () => CONFIGS[rng.int(CONFIGS.length)]!);
  const tasks = new Map<string, TaskPlan>();
  for (const id of workflow.topologicalOrder) {
    if (workers === 0 || rng.next() < flexibleShare) {
      tasks.set(id, { workerId: null, resources: CONFIGS[rng.int(CONFIGS.length)]!, optimizations: [] });
    } else {
      const w = rng.int(workers);
      tasks.set(id, { workerId: `w${w}`, resources: workerConfig[w]!, optimizations: [] });
    }
    if (optimize) {
      const optimizations: Optimization[] = [];
      if (rng.next() < 0.3) optimizations.push({ kind: 'pre-load' });
      if (rng.next() < 0.2) optimizations.push({ kind: 'pre-warm', targetResources: CONFIGS[rng.int(CONFIGS.length)]!, delayMs: rng.int(300) });
      if (rng.next() < 0.3) optimizations.push({ kind: 'task-dup', minSavedMs: rng.int(100) });
      tasks.set(id, { ...tasks.get(id)!, optimizations });
    }
  }
  return { workflow: workflow.name, planner: 'random', sla: MEDIAN, tasks };
}

const scenario = fc.record({
  tasks: fc.integer({ min: 1, max: 60 }),
  dagSeed: fc.integer({ min: 0, max: 1_000_000 }),
  planSeed: fc.integer({ min: 0, max: 1_000_000 }),
  workers: fc.integer({ min: 0, max: 6 }),
  flexibleShare: fc.constantFrom(0, 0.3, 1),
  optimize: fc.boolean(),
  clustering: fc.boolean(),
  delayedIo: fc.boolean(),
  singleThread: fc.boolean(),
  hostCores: fc.constantFrom(undefined, 1, 2.5),
});

describe('simulate', () => {
  test.prop([scenario], { numRuns: 100 })('invariants hold over random DAGs, plans and optimizations', (sc) => {
    const workflow = randomLayeredDag({ tasks: sc.tasks, seed: sc.dagSeed, widthMean: 4 });
    const plan = randomPlan(workflow, sc.planSeed, sc.workers, sc.flexibleShare, sc.optimize);
    const durations = fixedDurations(sc.planSeed);
    const schedulerParams = { clustering: sc.clustering, delayedIo: sc.delayedIo, largeOutputThresholdBytes: 4 * 1024 * 1024 };
    const platform =
      sc.singleThread || sc.hostCores !== undefined
        ? withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, ...(sc.hostCores !== undefined ? { hostCores: sc.hostCores } : {}) } })
        : DEFAULT_PLATFORM_MODEL;
    const result = simulate(workflow, plan, { platform, durations, seed: 1, schedulerParams });
    const { run, summary } = result;

    // The same seed gives byte-identical records (a fresh duration source, so nothing is shared between the runs).
    const again = simulate(workflow, plan, { platform, durations: fixedDurations(sc.planSeed), seed: 1, schedulerParams });
    expect(serializeTraceRecords(again.records)).toBe(serializeTraceRecords(result.records));

    // A run with no failures completes, and every record is valid.
    expect(summary.status).toBe('completed');
    for (const r of result.records) expect(checkTraceRecord(r)).toMatchObject({ ok: true });

    // Every task's output is produced: once, unless workers of its dependents ran task-dup copies (at most one each).
    // Outputs are consumed only after they exist.
    const copies = new Map<string, number>();
    for (const t of run.tasks) copies.set(t.taskId, (copies.get(t.taskId) ?? 0) + 1);
    expect(copies.size).toBe(workflow.tasks.size);
    for (const [taskId, n] of copies) {
      const dupAllowed = plan.tasks.get(taskId)!.optimizations.some((o) => o.kind === 'task-dup');
      expect(n, `task ${taskId} ran ${n} times`).toBeLessThanOrEqual(dupAllowed ? 1 + workflow.tasks.get(taskId)!.downstream.length : 1);
    }
    const uploadsOf = new Map<string, { startMs: number; durationMs: number }>();
    for (const t of run.tasks) for (const u of t.uploads) if (!uploadsOf.has(u.key)) uploadsOf.set(u.key, u);
    for (const t of run.tasks) {
      for (const d of t.downloads) {
        if (d.key.startsWith('static/')) continue;
        const upload = uploadsOf.get(d.key)!;
        expect(upload, `${d.key} downloaded but never uploaded`).toBeDefined();
        expect(d.startMs).toBeGreaterThanOrEqual(upload.startMs + upload.durationMs - 1e-6);
      }
      // No task starts before all its inputs are on its worker: \`simulate\` throws if one would, so reaching
      // here with every task recorded is the check. Inputs downloaded for it arrived before it ended, except where
      // task-dup raced: the worker also ran a copy of that input's task (a pre-load of the original output can still
      // be in flight when the local copy has already fed the task: the first output on the worker wins), or this
      // record is one copy of a duplicated task (a copy abandoned when the other won leaves its transfers running).
      const raced = (copies.get(t.taskId) ?? 0) > 1;
      for (const d of t.downloads) {
        const localCopy = run.tasks.some((c) => c.taskId === d.key && c.workerId === t.workerId);
        if (!localCopy && !raced) expect(d.startMs + d.durationMs, `${t.taskId} ended before its input ${d.key} arrived`).toBeLessThanOrEqual(t.endMs + 1e-3);
      }
    }

    // Makespan ≥ the critical path of pure execution times.
    const longest = new Map<string, number>();
    for (const id of workflow.topologicalOrder) {
      const before = Math.max(0, ...workflow.tasks.get(id)!.upstream.map((u) => longest.get(u)!));
      longest.set(id, before + durations.aloneMs.get(id)!);
    }
    expect(summary.makespanMs + 1e-3).toBeGreaterThanOrEqual(Math.max(...longest.values()));

    // GB-s ≥ Σ memory × execution time, where a worker's time is its work: tasks sharing a worker of V vCPUs run
    // concurrently, so V ≥ 1 single-threaded tasks can overlap and the literal sum of their times would overcount.
    const memoryTime = run.tasks.reduce((s, t) => {
      const work = (durations.aloneMs.get(t.taskId)! * Math.min(1, t.resources.vCpus)) / t.resources.vCpus;
      return s + (t.resources.memoryMb / 1024) * (work / 1000);
    }, 0);
    expect(summary.billing.gbSeconds + 1e-9).toBeGreaterThanOrEqual(memoryTime);
  });

  it('the same seed gives byte-identical records; another seed gives other latencies', () => {
    const workflow = buildWorkload('image_transformer');
    const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
    const once = (seed: number) =>
      serializeTraceRecords(simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: fixedDurations(3), seed }).records);
    expect(once(5)).toBe(once(5));
    expect(once(6)).not.toBe(once(5));
  });

  it('records counter round trips and publishes as the runtime does, at the model\'s latencies', () => {
    const workflow = buildWorkload('gemm');
    const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { metadata: { counter: { medianMs: 3, sigma: 0.5 }, notify: { medianMs: 7, sigma: 0.5 } } });
    const { run } = simulate(workflow, plan, { platform, durations: fixedDurations(3), seed: 1, latencyNoise: false });
    // Every task's TASK_COMPLETED is published by its worker; gemm has fan-ins, so dependency counters are counted.
    for (const taskId of workflow.tasks.keys()) {
      expect(run.tasks.some((t) => t.taskId === taskId && (t.publishOps?.length ?? 0) > 0), taskId).toBe(true);
    }
    const counters = run.tasks.flatMap((t) => t.counterOps ?? []);
    expect(counters.length).toBeGreaterThan(0);
    for (const op of counters) expect(op.durationMs).toBe(3);
    for (const op of run.tasks.flatMap((t) => t.publishOps ?? [])) expect(op.durationMs).toBe(7);
  });

  it('co-located tasks share the worker\'s vCPUs', () => {
    // Two independent single-threaded roots on one fixed 1-vCPU worker take twice as long as alone.
    const workflow = randomLayeredDag({ tasks: 2, seed: 1, widthMean: 2 });
    expect(workflow.roots).toHaveLength(2);
    const config = resources(1769);
    const tasks = new Map(workflow.topologicalOrder.map((id) => [id, { workerId: 'w', resources: config, optimizations: [] } as TaskPlan]));
    const durations: DurationSource = {
      name: 'flat',
      execMs: () => 100,
      outputBytes: () => 0,
      startupMs: () => 0,
      transferMs: () => 0,
    };
    const result = simulate(workflow, { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks }, { platform: DEFAULT_PLATFORM_MODEL, durations, seed: 1 });
    for (const t of result.run.tasks) expect(t.execMs).toBeCloseTo(200, 6);
  });

  describe('a single-threaded worker (cpu.singleThreadedWorker)', () => {
    const single = withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true } });
    const flat = (transferMs: number): DurationSource => ({
      name: 'flat',
      execMs: () => 100,
      outputBytes: () => 1000,
      startupMs: () => 0,
      transferMs: (_d, bytes) => (bytes === 0 ? 0 : transferMs),
    });

    it('runs co-located tasks one after the other, each at full speed', () => {
      const workflow = randomLayeredDag({ tasks: 2, seed: 1, widthMean: 2 });
      const tasks = new Map(workflow.topologicalOrder.map((id) => [id, { workerId: 'w', resources: resources(1769), optimizations: [] } as TaskPlan]));
      const plan: Plan = { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks };
      const { run } = simulate(workflow, plan, { platform: single, durations: flat(0), seed: 1, latencyNoise: false });
      expect(run.tasks.map((t) => t.execMs)).toEqual([100, 100]);
      // The second ran after the first: its record ends a whole execution later.
      const ends = run.tasks.map((t) => t.endMs).sort((a, b) => a - b);
      expect(ends[1]! - ends[0]!).toBeGreaterThanOrEqual(100 - 1e-6);
    });

    it('handles a reply that arrives while a task runs when the task ends, and records the wait', () => {
      // a → c and b → c on one worker; b's static input arrives (5 ms) while a runs (100 ms), so b's download is
      // handled at 100 ms with the thread's 100 ms busy inside it.
      const workflow = createWorkflow('reply-wait', [
        { id: 'a', functionName: 'f', upstream: [], staticInputBytes: 0 },
        { id: 'b', functionName: 'f', upstream: [], staticInputBytes: 5000 },
        { id: 'c', functionName: 'f', upstream: ['a', 'b'], staticInputBytes: 0 },
      ]);
      const tasks = new Map(workflow.topologicalOrder.map((id) => [id, { workerId: 'w', resources: resources(1769), optimizations: [] } as TaskPlan]));
      const plan: Plan = { workflow: workflow.name, planner: 'fixed', sla: MEDIAN, tasks };
      const { run } = simulate(workflow, plan, { platform: single, durations: flat(5), seed: 1, latencyNoise: false });
      const b = run.tasks.find((t) => t.taskId === 'b')!;
      const download = b.downloads.find((d) => d.key === 'static/b')!;
      expect(download.durationMs).toBeCloseTo(100, 6);
      expect(download.threadBusyMs).toBeCloseTo(100, 6);
      // The same run with threads shared: the reply is handled on arrival, nothing waits.
      const shared = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: flat(5), seed: 1, latencyNoise: false }).run;
      const sharedDownload = shared.tasks.find((t) => t.taskId === 'b')!.downloads.find((d) => d.key === 'static/b')!;
      expect(sharedDownload.durationMs).toBe(5);
      expect(sharedDownload.threadBusyMs).toBeUndefined();
    });
  });
});

describe('simulate: platform limits and failures', () => {
  const workflow = buildWorkload('gemm');
  const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));

  it('never runs more workers at once than the account concurrency limit, and still completes', () => {
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 3 } });
    const result = simulate(workflow, plan, { platform, durations: fixedDurations(1), seed: 1 });
    expect(result.summary.status).toBe('completed');
    const points = result.run.workers.flatMap((w) => [
      { atMs: w.invokedAtMs, delta: 1 },
      { atMs: w.endedAtMs, delta: -1 },
    ]);
    // Ends before starts at the same instant: a slot freed by a shut-down is reused at once.
    points.sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
    let alive = 0;
    let peak = 0;
    for (const p of points) peak = Math.max(peak, (alive += p.delta));
    expect(peak).toBe(3);
    const unlimited = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: fixedDurations(1), seed: 1 });
    expect(result.summary.makespanMs).toBeGreaterThan(unlimited.summary.makespanMs);
  });

  it('retries failed task attempts after the retry delay and records every attempt', () => {
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { failures: { taskFailureProbability: 0.3, maxRetries: 10, retryDelaysMs: Array(10).fill(1000) } });
    const result = simulate(workflow, plan, { platform, durations: fixedDurations(1), seed: 4 });
    expect(result.summary.status).toBe('completed');
    const failed = result.run.tasks.filter((t) => t.outputBytes === 0 && t.attempt !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      const final = result.run.tasks.find((t) => t.taskId === f.taskId && t.outputBytes > 0)!;
      expect(final.attempt).toBeGreaterThan(f.attempt!);
    }
  });

  it('fails the run, naming the task, when retries run out', () => {
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { failures: { taskFailureProbability: 1 } });
    const result = simulate(workflow, plan, { platform, durations: fixedDurations(1), seed: 1 });
    expect(result.summary.status).toBe('failed');
    expect(result.failure).toMatch(/task 'multiply_chunks-\d-\d' failed 3 times/);
    expect(result.records.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
  });

  it('retries failed invocations (worker failures) and completes', () => {
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { failures: { workerFailureProbability: 0.3, maxRetries: 10, retryDelaysMs: Array(10).fill(500) } });
    const result = simulate(workflow, plan, { platform, durations: fixedDurations(1), seed: 2 });
    expect(result.summary.status).toBe('completed');
    expect(result.run.header.params?.retries).toBeGreaterThan(0);
  });
});
