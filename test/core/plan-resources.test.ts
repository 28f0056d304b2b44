import { describe, expect, it } from 'vitest';
import { ConfigError, PlanValidationError } from '../../core/errors.js';
import { findOptimization, withOptimization, type Optimization } from '../../core/optimizations.js';
import { flexiblePlan, validatePlan, type Plan, type TaskPlan } from '../../core/plan.js';
import { OCTOFLOWS_VCPU_RULE, parseResources, resourceKey, resources } from '../../core/resources.js';
import { MEDIAN, formatSla, parseSla, percentile, slaQuantile } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';

describe('resources', () => {
  it('derives vCPUs by Lambda rule (1,769 MB per vCPU, at most 6)', () => {
    expect(resources(1769).vCpus).toBe(1);
    expect(resources(2048).vCpus).toBe(1.158);
    expect(resources(10240).vCpus).toBe(5.789);
    expect(resources(2048, undefined, OCTOFLOWS_VCPU_RULE).vCpus).toBe(1.143);
    expect(resources(2048, 2).vCpus).toBe(2);
  });
  it('rejects impossible memory and parses CLI forms', () => {
    expect(() => resources(64)).toThrow(ConfigError);
    expect(() => resources(20000)).toThrow(/\[128, 10240\]/);
    expect(parseResources('4096')).toEqual(resources(4096));
    expect(parseResources('4096MB/2vCPU')).toEqual({ memoryMb: 4096, vCpus: 2 });
    expect(() => parseResources('lots')).toThrow(/cannot read resources 'lots'/);
    expect(resourceKey(resources(1024))).toBe('1024MB/0.579vCPU');
  });
});

describe('SLA', () => {
  it('parses and formats median and percentiles', () => {
    expect(parseSla('median')).toEqual(MEDIAN);
    expect(parseSla('p90')).toEqual(percentile(90));
    expect(parseSla('99.9')).toEqual(percentile(99.9));
    expect(formatSla(percentile(75))).toBe('p75');
    expect(slaQuantile(MEDIAN)).toBe(0.5);
    expect(slaQuantile(percentile(90))).toBeCloseTo(0.9);
    expect(() => parseSla('p0')).toThrow(/\(0, 100\]/);
    expect(() => parseSla('fast')).toThrow(/cannot read SLA 'fast'/);
  });
});

describe('optimizations', () => {
  it('keeps at most one per kind and narrows by kind', () => {
    let list: Optimization[] = [{ kind: 'pre-load' }];
    list = withOptimization(list, { kind: 'pre-warm', targetResources: resources(2048) });
    list = withOptimization(list, { kind: 'pre-warm', targetResources: resources(4096) });
    list = withOptimization(list, { kind: 'custom:speculate', params: { factor: 2 } });
    expect(list.map((o) => o.kind)).toEqual(['pre-load', 'pre-warm', 'custom:speculate']);
    expect(findOptimization(list, 'pre-warm')!.targetResources.memoryMb).toBe(4096);
    expect(findOptimization(list, 'task-dup')).toBeUndefined();
  });
});

describe('plans', () => {
  const workflow = createWorkflow('w', [
    { id: 'a', functionName: 'f', upstream: [] },
    { id: 'b', functionName: 'f', upstream: ['a'] },
  ]);
  const entry = (workerId: string | null, memoryMb: number): TaskPlan => ({ workerId, resources: resources(memoryMb), optimizations: [] });
  const plan = (tasks: [string, TaskPlan][]): Plan => ({ workflow: 'w', planner: 'test', sla: MEDIAN, tasks: new Map(tasks) });

  it('accepts a complete consistent plan and a flexible one', () => {
    expect(() => validatePlan(workflow, plan([['a', entry('w1', 2048)], ['b', entry('w1', 2048)]]))).not.toThrow();
    const flexible = flexiblePlan(workflow, 'wukong', MEDIAN, resources(2048));
    expect([...flexible.tasks.values()].every((t) => t.workerId === null)).toBe(true);
    expect(() => validatePlan(workflow, flexible)).not.toThrow();
  });
  it('rejects a missing task, an unknown task and a worker with two configs', () => {
    expect(() => validatePlan(workflow, plan([['a', entry('w1', 2048)]]))).toThrow(/no entry for task 'b'/);
    expect(() => validatePlan(workflow, plan([['a', entry(null, 2048)], ['b', entry(null, 2048)], ['zz', entry(null, 2048)]]))).toThrow(/unknown task 'zz'/);
    expect(() => validatePlan(workflow, plan([['a', entry('w1', 2048)], ['b', entry('w1', 4096)]]))).toThrow(PlanValidationError);
    expect(() => validatePlan(workflow, plan([['a', entry('w1', 2048)], ['b', entry('w1', 4096)]]))).toThrow(/worker 'w1' is planned with 2048MB/);
  });
});
