import { describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow } from '../../core/workflow.js';
import { mixPicker, openLoopSchedule } from '../../experiments/load/arrival-schedule.js';
import type { ArrivalPattern } from '../../simulator/arrivals.js';
import type { DurationSource } from '../../simulator/duration-sources.js';
import { simulateLoad, type LoadWorkflow } from '../../simulator/load-simulation.js';
import { DEFAULT_PLATFORM_MODEL } from '../../simulator/platform-defaults.js';

// The real load driver sends requests at the times `openLoopSchedule` draws from the seed; these must be the
// simulation's arrivals for the same seed, so a real point and its simulation see the same requests.

function oneTaskWorkflow(name: string): LoadWorkflow {
  const workflow = createWorkflow(name, [{ id: 'only', functionName: name, upstream: [] }]);
  const truth = (): DurationSource => ({ name, execMs: () => 10, outputBytes: () => 0, startupMs: () => 5, transferMs: () => 0 });
  return { name, workflow, plan: flexiblePlan(workflow, 'flexible', MEDIAN, resources(1024)), weight: name === 'a' ? 3 : 1, truth, slaMs: 1e9 };
}

const PATTERNS: ArrivalPattern[] = [
  { kind: 'poisson', ratePerS: 2 },
  { kind: 'poisson', ratePerS: 40 },
  { kind: 'rpm', perMinute: 90 },
  { kind: 'burst', size: 3, everyMs: 500 },
];

describe('the arrival schedule of a real load point', () => {
  for (const pattern of PATTERNS) {
    for (const mix of [[oneTaskWorkflow('a')], [oneTaskWorkflow('a'), oneTaskWorkflow('b')]]) {
      it(`is the simulation's for the same seed: ${pattern.kind}, ${mix.length} workflow(s)`, () => {
        for (const limits of [{ requests: 25 }, { durationMs: 4000 }]) {
          const schedule = openLoopSchedule(pattern, mix, { seed: 'schedule-test', ...limits })!;
          const simulated = simulateLoad({ platform: DEFAULT_PLATFORM_MODEL, mix, arrivals: pattern, seed: 'schedule-test', ...limits });
          expect(schedule.map((a) => a.workflow)).toEqual(simulated.requests.map((r) => r.workflow));
          schedule.forEach((a, i) => expect(a.timeMs).toBeCloseTo(simulated.requests[i]!.arrivalMs, 6));
        }
      });
    }
  }

  it('has none for a closed loop, replays a trace as given, and picks by weight', () => {
    const mix = [oneTaskWorkflow('a'), oneTaskWorkflow('b')];
    expect(openLoopSchedule({ kind: 'closed', clients: 2, thinkMs: 0 }, mix, { seed: 1, requests: 5 })).toBeUndefined();
    const trace = [{ timeMs: 0, workflow: 'b' }, { timeMs: 250, workflow: 'a' }];
    expect(openLoopSchedule({ kind: 'trace', arrivals: trace }, mix, { seed: 1 })).toEqual(trace);
    const pick = mixPicker(mix, 7);
    const picks = Array.from({ length: 4000 }, pick);
    expect(picks.filter((p) => p === 'a').length / picks.length).toBeCloseTo(0.75, 1);
  });

  it('refuses a rate of 0 and a point with neither a request count nor a duration, in one line', () => {
    const mix = [oneTaskWorkflow('a')];
    expect(() => openLoopSchedule({ kind: 'poisson', ratePerS: 0 }, mix, { seed: 1, requests: 3 })).toThrow(/arrival rate .* must be a number > 0, got 0$/);
    expect(() => openLoopSchedule({ kind: 'poisson', ratePerS: 1 }, mix, { seed: 1 })).toThrow(/needs a number of requests or a duration/);
  });
});
