/**
 * One workflow run on its own (issue 15: "the engine, platform and run are each tested on their own"): a run made with
 * `createWorkflowRun` and driven through an engine and a platform state the test owns, rather than through
 * `simulate()`. It carries out every command kind the scheduler core issues, gives its slots back when it fails (a
 * run waiting for one then goes on), tells its hooks when it ended and drained, and its records are built from what
 * happened.
 */
import { describe, expect, it } from 'vitest';
import { flexiblePlan, type Plan } from '../../core/plan.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import type { TaskRecord, TraceRecord } from '../../core/trace-records.js';
import { createWorkflow, type Workflow } from '../../core/workflow.js';
import { nonUniformPlanner } from '../../planners/non-uniform.js';
import { runPlanner } from '../../planners/registry.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { expectedDurations, type DurationSource } from '../../simulator/duration-sources.js';
import { SimEngine } from '../../simulator/engine.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import type { PlatformModel } from '../../simulator/platform-model.js';
import { PlatformState } from '../../simulator/platform-state.js';
import { createWorkflowRun, type WorkflowRun } from '../../simulator/workflow-run.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

/** Fixed durations: every execution 100 ms, outputs 1 MB, cold start 300 ms, warm 20 ms, transfers 5 ms + 1 ms per 100 kB. */
const FIXED: DurationSource = {
  name: 'test-fixed',
  execMs: () => 100,
  outputBytes: () => 1_000_000,
  startupMs: (_r, start) => (start === 'cold' ? 300 : 20),
  transferMs: (_d, bytes) => 5 + bytes / 100_000,
};

const diamond = (): Workflow =>
  createWorkflow('diamond', [
    { id: 'a', functionName: 'split', upstream: [], staticInputBytes: 1000 },
    { id: 'b', functionName: 'work', upstream: ['a'] },
    { id: 'c', functionName: 'work', upstream: ['a'] },
    { id: 'd', functionName: 'join', upstream: ['b', 'c'] },
  ]);

/** Every task on worker `workerOf(task)`, 2,048 MB. */
function assigned(workflow: Workflow, workerOf: (taskId: string) => string): Plan {
  const config = resources(2048);
  return {
    workflow: workflow.name,
    planner: 'test',
    sla: MEDIAN,
    tasks: new Map(workflow.topologicalOrder.map((id) => [id, { workerId: workerOf(id), resources: config, optimizations: [] }])),
  };
}

/** A run on its own engine and platform, with what its hooks heard. */
function runAlone(workflow: Workflow, plan: Plan, model: PlatformModel = DEFAULT_PLATFORM_MODEL, durations: DurationSource = FIXED) {
  const engine = new SimEngine();
  const platform = new PlatformState(engine, model);
  const heard: string[] = [];
  const commands = new Set<string>();
  const run = createWorkflowRun(
    engine,
    platform,
    workflow,
    plan,
    { platform: model, durations, seed: 3, latencyNoise: false, onTrace: (entry) => entry.command && commands.add(entry.command.kind) },
    { ended: () => heard.push(`ended@${engine.nowMs}`), drained: () => heard.push(`drained@${engine.nowMs}`) },
  );
  run.start();
  engine.run();
  return { engine, platform, run, heard, commands };
}

const tasksOf = (records: readonly TraceRecord[]) => records.filter((r): r is TaskRecord => r.type === 'task');

describe('a workflow run driven through an engine and a platform', () => {
  it('carries out every command kind the core issues for a planned, optimized workflow, and completes', () => {
    const workflow = buildWorkload('text_analysis');
    const predictions = createPredictions(groupRuns(generateHistory('text_analysis', { runs: 6, seed: 11 })).runs, { workflow: workflow.name });
    const plan = runPlanner(nonUniformPlanner, workflow, {
      predictions,
      sla: MEDIAN,
      resources: nonUniformPlanner.defaultMemoryMb.map((m) => resources(m)),
      estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL),
      optimizations: ['pre-load', 'pre-warm', 'task-dup'],
    });
    const { run, platform, commands, heard } = runAlone(workflow, plan, DEFAULT_PLATFORM_MODEL, expectedDurations(predictions, MEDIAN));
    for (const kind of [
      'subscribe',
      'probe-outputs',
      'download',
      'download-static',
      'execute',
      'upload',
      'increment-counter',
      'publish-task-completed',
      'publish-task-ready',
      'invoke-worker',
      'pre-warm',
      'estimate-dup-savings',
      'store-final-output',
      'publish-workflow-completed',
      'delete-intermediates',
      'delete-counters',
      'shut-down',
    ]) {
      expect(commands, kind).toContain(kind);
    }
    expect(run.usage().status).toBe('completed');
    const { records, summary } = run.result();
    expect(summary.status).toBe('completed');
    expect(new Set(tasksOf(records).map((t) => t.taskId))).toEqual(new Set(workflow.topologicalOrder));
    // Every invocation ended: no slot is held after the run.
    expect(platform.liveInvocations).toBe(0);
    expect(heard.map((h) => h.split('@')[0])).toEqual(['ended', 'drained']);
  });

  it('builds its records from what happened: a header, one record per worker and task, times to the µs, the end last', () => {
    const workflow = diamond();
    const { run, heard } = runAlone(workflow, assigned(workflow, (id) => (id === 'c' ? 'w2' : 'w1')));
    const { records, run: traceRun, summary } = run.result();
    expect(records[0]!.type).toBe('run');
    expect(records.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(traceRun.workers.map((w) => w.workerId).sort()).toEqual(['w1', 'w2']);
    const byTask = new Map(tasksOf(records).map((t) => [t.taskId, t]));
    expect([...byTask.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    // d runs on w1 after b and c ran; c's output crossed workers through storage, b's stayed on w1.
    expect(byTask.get('d')!.startMs).toBeGreaterThanOrEqual(byTask.get('b')!.startMs + 100);
    expect(byTask.get('d')!.endMs - byTask.get('d')!.execMs).toBeGreaterThanOrEqual(byTask.get('c')!.startMs + 100);
    expect(byTask.get('d')!.downloads.map((d) => d.key)).toEqual(['c']);
    expect(byTask.get('c')!.uploads.map((u) => u.key)).toEqual(['c']);
    for (const task of byTask.values()) {
      expect(task.execMs).toBe(100);
      for (const t of [task.startMs, task.endMs, ...task.downloads.map((d) => d.durationMs)]) expect(Math.abs(t * 1000 - Math.round(t * 1000))).toBeLessThan(1e-6);
    }
    // The run ended when d's output was stored, and drained when its last worker shut down.
    expect(summary.makespanMs).toBeGreaterThan(4 * 100);
    const endedAt = Number(heard[0]!.split('@')[1]);
    expect(endedAt).toBeCloseTo(summary.makespanMs, 3);
    expect(Number(heard[1]!.split('@')[1])).toBeGreaterThanOrEqual(endedAt);
    // Usage bills what the summary bills.
    const usage = run.usage();
    expect(usage.gbSeconds).toBeCloseTo(summary.billing.gbSeconds, 9);
    expect(usage.coldStarts).toBe(summary.coldStarts);
  });

  it('a run that fails gives its slots back at once: a run waiting for the only slot then completes', () => {
    const shared = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    // The first run's tasks always fail and are not retried; the second run's never fail.
    const failing = withOverrides(shared, { failures: { taskFailureProbability: 1, maxRetries: 0 } });
    const engine = new SimEngine();
    const platform = new PlatformState(engine, shared);
    const single = createWorkflow('single', [{ id: 'only', functionName: 'work', upstream: [], staticInputBytes: 10 }]);
    const heard: string[] = [];
    const make = (name: string, model: PlatformModel): WorkflowRun =>
      createWorkflowRun(engine, platform, single, flexiblePlan(single, 'flexible', MEDIAN, resources(2048)), { platform: model, durations: FIXED, seed: name, runId: name }, {
        ended: (r) => heard.push(`${r.runId} ended@${engine.nowMs}`),
        drained: (r) => heard.push(`${r.runId} drained@${engine.nowMs}`),
      });
    const first = make('first', failing);
    const second = make('second', shared);
    first.start();
    second.start();
    expect(platform.liveInvocations).toBe(1);
    expect(platform.waitingInvocations).toBe(1);
    engine.run();
    expect(first.failed).toBe(true);
    expect(first.usage().status).toBe('failed');
    expect(first.result().failure).toMatch(/task 'only' failed 1 times/);
    expect(first.result().summary.status).toBe('failed');
    expect(second.usage().status).toBe('completed');
    // The second run got the slot when the first failed (after its cold start and one execution), not before.
    const failedAt = Number(heard.find((h) => h.startsWith('first ended'))!.split('@')[1]);
    expect(failedAt).toBeGreaterThanOrEqual(300 + 100);
    expect(second.usage().firstInvokedAtMs).toBe(failedAt);
    expect(heard.filter((h) => h.startsWith('first'))).toEqual([`first ended@${failedAt}`, `first drained@${failedAt}`]);
    expect(platform.liveInvocations).toBe(0);
    expect(platform.peakLiveInvocations).toBe(1);
  });

  it('an invocation beyond the account limit waits for a slot, and the run still completes within the limit', () => {
    const model = withOverrides(DEFAULT_PLATFORM_MODEL, { concurrency: { accountLimit: 1 } });
    const workflow = diamond();
    const { run, platform } = runAlone(workflow, assigned(workflow, (id) => `w-${id}`), model);
    expect(run.usage().status).toBe('completed');
    expect(platform.peakLiveInvocations).toBe(1);
    expect(platform.throttles).toBeGreaterThan(0);
    expect(platform.liveInvocations).toBe(0);
  });
});
