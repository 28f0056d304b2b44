/**
 * The simulator's records stay byte-identical across performance work on the engine, the platform state and the
 * shared link (issue 15 item 1): the md5 of the records of a spread of simulations (`experiments/perf/sim-digest.ts`:
 * every built-in workload and planner, ± optimizations, under the default, failing, local and throttled platforms, the
 * planner's estimate, the perf benchmark's layered DAGs and load simulations) was taken on the simulator before that
 * work. A change meant to move records (a model change) updates the pin after saying why in its commit;
 * `npx tsx experiments/perf/sim-digest.ts --scenarios` names the scenarios that moved.
 */
import { describe, expect, it } from 'vitest';
import { simulationDigest } from '../../experiments/perf/sim-digest.js';

const PINNED_MD5 = 'cbaebd98bbd74c7cf3efe96cfe8e39ba';

describe('simulator records are pinned', () => {
  it('the spread of simulations gives the pinned records', () => {
    const digest = simulationDigest();
    expect(Object.keys(digest.scenarios)).toHaveLength(290);
    expect(digest.md5).toBe(PINNED_MD5);
  }, 180_000);
});
