import { describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { createSchedulerContext, DEFAULT_SCHEDULER_PARAMS } from '../../core/scheduler/index.js';
import { percentile } from '../../core/sla.js';
import { planFromJson, planToJson } from '../../traces/plan-file.js';
import { buildWorkload } from '../../traces/workloads/registry.js';

const workflow = buildWorkload('gemm');

describe('plan files', () => {
  it('round-trips a plan through JSON', () => {
    const plan = flexiblePlan(workflow, 'wukong', percentile(90), resources(2048));
    const json = JSON.parse(JSON.stringify(planToJson(plan)));
    const back = planFromJson(json, workflow, 'plan.json');
    expect(planToJson(back)).toEqual(json);
    expect(back.tasks.get('aggregate_results-0')).toEqual(plan.tasks.get('aggregate_results-0'));
  });

  it("round-trips the planner's scheduler settings, which the core then runs with", () => {
    const plan = { ...flexiblePlan(workflow, 'wukong-octoflows', percentile(50), resources(2048)), schedulerParams: { clustering: true, largeOutputThresholdBytes: 1000 } };
    const back = planFromJson(JSON.parse(JSON.stringify(planToJson(plan))), workflow, 'plan.json');
    expect(back.schedulerParams).toEqual({ clustering: true, largeOutputThresholdBytes: 1000 });
    const ctx = createSchedulerContext(workflow, back);
    expect(ctx.params).toEqual({ ...DEFAULT_SCHEDULER_PARAMS, clustering: true, largeOutputThresholdBytes: 1000 });
    // A run's own override still wins over the plan's.
    expect(createSchedulerContext(workflow, back, { clustering: false }).params.clustering).toBe(false);
    const good = JSON.parse(JSON.stringify(planToJson(plan)));
    expect(() => planFromJson({ ...good, schedulerParams: { clustring: true } }, workflow, 'p.json')).toThrow(/p\.json: field 'schedulerParams'/);
  });

  it('names the file and the field or task at fault', () => {
    const good = JSON.parse(JSON.stringify(planToJson(flexiblePlan(workflow, 'w', percentile(50), resources(1024)))));
    expect(() => planFromJson({ ...good, sla: 'fast' }, workflow, 'p.json')).toThrow(/^p\.json: field 'sla': cannot read SLA 'fast'/);
    const { ['multiply_chunks-0-0']: _dropped, ...fewer } = good.tasks;
    expect(() => planFromJson({ ...good, tasks: fewer }, workflow, 'p.json')).toThrow(/p\.json: plan for 'gemm' has no entry for task 'multiply_chunks-0-0'/);
    const badMemory = { ...good, tasks: { ...good.tasks, 'aggregate_results-0': { workerId: null, memoryMb: -1 } } };
    expect(() => planFromJson(badMemory, workflow, 'p.json')).toThrow(/p\.json: field 'tasks\.aggregate_results-0\.memoryMb'/);
  });
});
