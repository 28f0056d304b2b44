import { describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';
import { calibrateOtherHostJobs, slowdownAlone } from '../../experiments/validate/load-validation.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { withOverrides } from '../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';
import { simulate } from '../../simulator/simulate.js';

// Other programs' runnable processes on the shared host (`cpu.otherHostJobs`): each of our n jobs progresses at
// min(1, cores / (n + others)), so a job alone is slowed by (1 + others) / cores and one more job of ours slows the
// rest by only (n + 1 + others) / (n + others).

describe('other programs on a shared host (cpu.otherHostJobs)', () => {
  const flat: DurationSource = { name: 'flat', execMs: () => 100, outputBytes: () => 0, startupMs: () => 0, transferMs: () => 0 };
  const execMs = (roots: number, otherHostJobs: number | undefined) => {
    const workflow = createWorkflow('roots', Array.from({ length: roots }, (_, i) => ({ id: `t${i}`, functionName: 'f', upstream: [] })));
    const plan = flexiblePlan(workflow, 'flexible', MEDIAN, resources(2048));
    const platform = withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, hostCores: 2, ...(otherHostJobs !== undefined ? { otherHostJobs } : {}) } });
    return simulate(workflow, plan, { platform, durations: flat, seed: 1, latencyNoise: false }).run.tasks.map((t) => t.execMs);
  };

  it('slows a job alone by (1 + others) / cores, and a second job of ours by (2 + others) / cores', () => {
    expect(execMs(1, undefined)).toEqual([100]);
    expect(execMs(1, 0)).toEqual([100]);
    for (const t of execMs(1, 3)) expect(t).toBeCloseTo(200, 6);
    for (const t of execMs(2, 3)) expect(t).toBeCloseTo(250, 6);
    // Below the cores nothing is slowed: one job of ours and one other on two cores.
    for (const t of execMs(1, 1)) expect(t).toBeCloseTo(100, 6);
    expect(slowdownAlone(2, 3)).toBe(2);
    expect(slowdownAlone(2, 0)).toBe(1);
  });

  it('is refused below 0, naming the field', () => {
    expect(() => withOverrides(DEFAULT_PLATFORM_MODEL, { cpu: { singleThreadedWorker: true, hostCores: 2, otherHostJobs: -1 } })).toThrow(/otherHostJobs/);
  });

  it('is calibrated to the number under which the simulated p50 at the fit loads is the measured', () => {
    // A made-up simulation whose p50 grows with the others: 100 ms × slowdownAlone(2, m); measured 300 ms → m = 5.
    const fit = calibrateOtherHostJobs([0], (m) => 100 * slowdownAlone(2, m), () => 300);
    expect(fit.otherJobs).toBe(5);
    expect(fit.p50ErrorPct).toBeCloseTo(0, 6);
  });
});
