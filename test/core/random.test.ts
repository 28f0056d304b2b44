import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { rngFor, type Rng } from '../../core/random.js';

function take(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('rngFor', () => {
  it('gives the same numbers for the same seed and component', () => {
    expect(take(rngFor(42, 'platform/cold-start'), 20)).toEqual(take(rngFor(42, 'platform/cold-start'), 20));
    expect(take(rngFor('run-7', 'x'), 5)).toEqual(take(rngFor('run-7', 'x'), 5));
  });

  it('gives different numbers for another seed or component', () => {
    const base = take(rngFor(42, 'a'), 5);
    expect(take(rngFor(43, 'a'), 5)).not.toEqual(base);
    expect(take(rngFor(42, 'b'), 5)).not.toEqual(base);
    // Number and string seeds are distinct, and names cannot collide across the seed/component boundary.
    expect(take(rngFor('42', 'a'), 5)).not.toEqual(base);
    expect(take(rngFor('a/b', 'c'), 5)).not.toEqual(take(rngFor('a', 'b/c'), 5));
  });

  it('keeps a component independent of what other components draw', () => {
    const alone = rngFor(7, 'platform/cold-start');
    const aloneDraws = take(alone, 10);

    const shared = rngFor(7, 'platform/cold-start');
    const other = rngFor(7, 'failures/worker');
    const interleaved: number[] = [];
    for (let i = 0; i < 10; i++) {
      take(other, 3);
      interleaved.push(shared.next());
      rngFor(7, `new-component-${i}`).next();
    }
    expect(interleaved).toEqual(aloneDraws);
  });

  it('splits into named sub-streams', () => {
    const parent = rngFor(1, 'planner');
    expect(take(parent.split('wukong'), 5)).toEqual(take(rngFor(1, 'planner/wukong'), 5));
    expect(take(parent.split('wukong'), 5)).not.toEqual(take(parent.split('uniform'), 5));
  });

  it('rejects unusable seeds and names', () => {
    expect(() => rngFor(Number.NaN, 'a')).toThrow(RangeError);
    expect(() => rngFor(1, '')).toThrow(RangeError);
  });
});

describe('Rng draws', () => {
  test.prop([fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true })])(
    'uniform stays in [min, max)',
    (seed, min, width) => {
      const rng = rngFor(seed, 'u');
      for (let i = 0; i < 20; i++) {
        const x = rng.uniform(min, min + width);
        expect(x).toBeGreaterThanOrEqual(min);
        expect(x).toBeLessThanOrEqual(min + width);
      }
    },
  );

  it('int stays in [0, n)', () => {
    const rng = rngFor(3, 'i');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(5));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('lognormal is centred on its median with the asked spread', () => {
    const rng = rngFor(11, 'lognormal');
    const draws = Array.from({ length: 20_000 }, () => rng.lognormal(140, 0.11));
    expect(median(draws)).toBeCloseTo(140, -0.5); // within ±1.6
    const logs = draws.map(Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    expect(sd).toBeGreaterThan(0.105);
    expect(sd).toBeLessThan(0.115);
    expect(draws.every((d) => d > 0)).toBe(true);
  });

  it('lognormal with sigma 0 is the median and still consumes the same numbers', () => {
    const a = rngFor(5, 'x');
    const b = rngFor(5, 'x');
    expect(a.lognormal(40, 0)).toBe(40);
    b.lognormal(40, 0.5);
    expect(a.next()).toBe(b.next());
  });

  it('bernoulli follows p and always consumes one number', () => {
    const rng = rngFor(9, 'b');
    expect(Array.from({ length: 100 }, () => rng.bernoulli(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.bernoulli(1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 20_000 }, () => rng.bernoulli(0.3)).filter(Boolean).length;
    expect(hits / 20_000).toBeGreaterThan(0.28);
    expect(hits / 20_000).toBeLessThan(0.32);
    const a = rngFor(9, 'c');
    const b = rngFor(9, 'c');
    a.bernoulli(0);
    b.bernoulli(0.9);
    expect(a.next()).toBe(b.next());
  });

  it('rejects invalid parameters', () => {
    const rng = rngFor(1, 'bad');
    expect(() => rng.bernoulli(1.5)).toThrow(RangeError);
    expect(() => rng.bernoulli(Number.NaN)).toThrow(RangeError);
    expect(() => rng.lognormal(-1, 0.1)).toThrow(RangeError);
    expect(() => rng.lognormal(1, -0.1)).toThrow(RangeError);
    expect(() => rng.uniform(2, 1)).toThrow(RangeError);
  });
});
