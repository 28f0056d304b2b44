/**
 * Issue item 3 (planning speed): the speed-ups must not change a plan. These digests are of plans (assignment,
 * resources, optimizations, estimated makespan) made before them (prediction-engine value caches, Non-Uniform's reuse
 * of rejected trials); the current code must make the same plans.
 *
 * The estimate is the simulator, so a change to the simulator or the prediction engine that moves estimates changes
 * these plans too. Then check the change is meant, and rewrite the pins: `UPDATE_PLAN_PINS=1 npx vitest run
 * test/planners/plan-pins.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDigests } from './plan-pin-cases.js';

const PINS = join(import.meta.dirname, 'fixtures', 'plan-pins.json');

describe('plans are pinned across planning speed-ups', () => {
  it('uniform, non-uniform and non-uniform+opt make the pinned plans on layered and imported DAGs', async () => {
    const digests = await planDigests();
    if (process.env.UPDATE_PLAN_PINS === '1') writeFileSync(PINS, `${JSON.stringify(digests, null, 2)}\n`);
    expect(digests).toEqual(JSON.parse(readFileSync(PINS, 'utf8')));
  }, 120_000);
});
