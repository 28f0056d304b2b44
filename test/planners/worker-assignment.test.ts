import { describe, expect, it } from 'vitest';
import { resources } from '../../core/resources.js';
import { MEDIAN } from '../../core/sla.js';
import { createWorkflow, type TaskSpec } from '../../core/workflow.js';
import { assignWorkers } from '../../planners/worker-assignment.js';
import { formulaPredictions } from './fixtures.js';

const spec = (id: string, upstream: string[] = [], fn = id): TaskSpec => ({ id, functionName: fn, upstream });
const config = resources(2048);

/** Assignment with per-function exec times and output sizes written out. */
function assign(specs: TaskSpec[], execMs: Record<string, number>, outputBytes: Record<string, number> = {}, maxClustering?: number) {
  const workflow = createWorkflow('hand', specs);
  const predictions = formulaPredictions(0, { execMs: (fn) => execMs[fn] ?? 1, outputBytes: (fn) => outputBytes[fn] ?? 1 });
  return Object.fromEntries(assignWorkers(workflow, predictions, MEDIAN, config, maxClustering ? { maxClustering } : {}));
}

describe('Algorithm 3 (worker assignment)', () => {
  it('1→1 reuses the upstream worker along a chain', () => {
    expect(assign([spec('r'), spec('x', ['r']), spec('y', ['x'])], {})).toEqual({ r: 'w0', x: 'w0', y: 'w0' });
  });

  it('groups roots: equal times are all short, three per worker in output order', () => {
    const roots = ['a', 'b', 'c', 'd', 'e'].map((id) => spec(id));
    expect(assign(roots, {}, { a: 1, b: 5, c: 3, d: 4, e: 2 })).toEqual({ b: 'w0', d: 'w0', c: 'w0', e: 'w1', a: 'w1' });
  });

  it('1→N: shorts with the largest outputs stay on the upstream worker, longs get a worker each', () => {
    const kids = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    const result = assign(
      [spec('r'), ...kids.map((k) => spec(k, ['r']))],
      { r: 5, k1: 10, k2: 20, k3: 30, k4: 40, k5: 50, k6: 60 },
      { k1: 300, k2: 100, k3: 200 },
    );
    // median 35: shorts k1..k3 (all fit on r's worker), longs k4..k6 one per new worker (⌊3/2⌋ = 1).
    expect(result).toEqual({ r: 'w0', k1: 'w0', k3: 'w0', k2: 'w0', k4: 'w1', k5: 'w2', k6: 'w3' });
  });

  it('1→N: each remaining long is paired with up to two shorts', () => {
    const kids = ['s1', 's2', 's3', 's4', 's5', 'l1', 'l2', 'l3'];
    const exec = { r: 1, s1: 1, s2: 1, s3: 1, s4: 1, s5: 1, l1: 9, l2: 9, l3: 9 };
    const out = { s1: 50, s2: 40, s3: 30, s4: 20, s5: 10 };
    expect(assign([spec('r'), ...kids.map((k) => spec(k, ['r']))], exec, out)).toEqual({
      r: 'w0', s1: 'w0', s2: 'w0', s3: 'w0', // three shorts with the largest outputs on the upstream worker
      l1: 'w1', s4: 'w1', s5: 'w1', // a long with the two remaining shorts
      l2: 'w2', l3: 'w3', // longs alone
    });
  });

  it('N→1 goes to the upstream worker that sends the most bytes', () => {
    const specs = [spec('a'), spec('b'), spec('c'), spec('d'), spec('sink', ['a', 'b', 'c', 'd'])];
    // Roots by output: c, d, a on w0 and b on w1; w0 sends 550 bytes to the sink, w1 only 10.
    const result = assign(specs, {}, { a: 10, b: 10, c: 500, d: 40 });
    expect(result).toEqual({ c: 'w0', d: 'w0', a: 'w0', b: 'w1', sink: 'w0' });
    const flipped = assign(specs, {}, { a: 10, b: 900, c: 500, d: 40 });
    expect(flipped.sink).toBe(flipped.b);
  });

  it('MAX_CLUSTERING bounds every group', () => {
    const kids = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const result = assign([spec('r'), ...kids.map((k) => spec(k, ['r']))], {}, {}, 2);
    expect(result).toEqual({ r: 'w0', k0: 'w0', k1: 'w0', k2: 'w1', k3: 'w1', k4: 'w2', k5: 'w2', k6: 'w3' });
  });
});
