import { describe, expect, it } from 'vitest';
import { flexiblePlan, type TaskPlan } from '../../core/plan.js';
import { createPredictions } from '../../core/predictions/index.js';
import { resources } from '../../core/resources.js';
import { MEDIAN, percentile } from '../../core/sla.js';
import { estimatePlan } from '../../simulator/estimate-plan.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { serializeTraceRecords } from '../../traces/trace-io.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

const workflow = buildWorkload('gemm');
const predictions = createPredictions(groupRuns(generateHistory('gemm', { runs: 12, seed: 9 })).runs, { workflow: 'gemm' });
const config = resources(4096);

describe('estimatePlan', () => {
  it('is deterministic and orders SLAs', () => {
    const plan = flexiblePlan(workflow, 'wukong', MEDIAN, config);
    const a = estimatePlan(workflow, plan, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
    const b = estimatePlan(workflow, plan, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
    expect(serializeTraceRecords(a.records)).toBe(serializeTraceRecords(b.records));
    const p90 = estimatePlan(workflow, plan, predictions, percentile(90), DEFAULT_PLATFORM_MODEL);
    expect(p90.summary.makespanMs).toBeGreaterThan(a.summary.makespanMs);
  });

  it('charges CPU sharing when tasks are co-located on one worker', () => {
    const spread = estimatePlan(workflow, flexiblePlan(workflow, 'wukong', MEDIAN, config), predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
    const tasks = new Map<string, TaskPlan>([...workflow.tasks.keys()].map((id) => [id, { workerId: 'one', resources: config, optimizations: [] }]));
    const packed = estimatePlan(workflow, { workflow: 'gemm', planner: 'one-worker', sla: MEDIAN, tasks }, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
    const productMs = predictions.execMs('multiply_chunks', 16_000_000, config, MEDIAN);
    // 16 single-threaded products on 2.315 vCPUs take at least 16 / 2.315 products' time.
    expect(packed.summary.makespanMs).toBeGreaterThan((16 / config.vCpus) * productMs);
    expect(packed.summary.makespanMs).toBeGreaterThan(spread.summary.makespanMs);
    expect(packed.summary.workersLaunched).toBe(1);
  });
});
