/**
 * Planning speed (issue 20 item 3): building an estimate's trace records was a third of its time on 10,000 tasks,
 * and most estimates are read for their makespan alone. The estimator builds them only when read: Non-Uniform then
 * builds them for its baseline (the critical path) and once per ranking round, not for each of its trials.
 */
import { describe, expect, it, vi } from 'vitest';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createNonUniformPlanner } from '../../planners/non-uniform.js';
import type { PlanEstimator } from '../../planners/planner.js';
import { simulatorEstimator } from '../../planners/simulator-estimator.js';
import { uniformPlanner } from '../../planners/uniform.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { randomLayeredDag } from '../../traces/synthetic/random-dag.js';
import { formulaPredictions } from './fixtures.js';

const built = vi.hoisted(() => ({ records: 0 }));
vi.mock('../../simulator/run-records.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../simulator/run-records.js')>();
  return {
    ...original,
    buildRecords: (...args: Parameters<typeof original.buildRecords>) => {
      built.records++;
      return original.buildRecords(...args);
    },
  };
});

function setting(tasks: number) {
  return { workflow: randomLayeredDag({ tasks, seed: 3 }), predictions: formulaPredictions(3) };
}

describe('estimates build their trace records only when read', () => {
  it('Uniform, which reads the makespan of its one estimate, builds none', () => {
    const { workflow, predictions } = setting(150);
    built.records = 0;
    const ctx = { predictions, sla: MEDIAN, resources: [resources(2048)], estimate: simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL), optimizations: [] };
    const plan = uniformPlanner.plan(workflow, ctx);
    expect(plan.predictedMakespanMs).toBeGreaterThan(0);
    expect(built.records).toBe(0);
  });

  it('Non-Uniform builds them for its baseline and each ranking round, not for every trial', () => {
    const { workflow, predictions } = setting(300);
    const estimator = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
    let estimates = 0;
    const counting: PlanEstimator = (plan) => (estimates++, estimator(plan));
    const ctx = { predictions, sla: MEDIAN, resources: [8192, 4096, 2048].map((m) => resources(m)), estimate: counting, optimizations: [] };
    built.records = 0;
    const { report } = createNonUniformPlanner().planWithReport(workflow, ctx);
    expect(estimates).toBeGreaterThan(5);
    // One ranking per round: a round ends at its first rejection of every candidate or at the budget.
    expect(built.records).toBeLessThan(estimates / 2);
    expect(report.estimates).toBeGreaterThanOrEqual(estimates);
  });
});
