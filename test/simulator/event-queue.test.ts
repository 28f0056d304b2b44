import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../simulator/event-queue.js';

interface Entry {
  timeMs: number;
  id: number;
}

function drain<T>(queue: EventQueue<T>): { timeMs: number; payload: T }[] {
  const out: { timeMs: number; payload: T }[] = [];
  while (!queue.isEmpty) {
    const payload = queue.pop() as T;
    out.push({ timeMs: queue.nowMs, payload });
  }
  return out;
}

/** Times with many ties: small integers, plus a few fractional values. */
const timeArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 20, noNaN: true }));

describe('EventQueue', () => {
  it('pops in time order and advances the clock', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a');
    queue.push(20, 'b');
    expect(queue.size).toBe(3);
    expect(queue.peekTimeMs()).toBe(10);
    expect(queue.pop()).toBe('a');
    expect(queue.nowMs).toBe(10);
    expect(queue.pop()).toBe('b');
    expect(queue.pop()).toBe('c');
    expect(queue.nowMs).toBe(30);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peekTimeMs()).toBeUndefined();
    expect(queue.nowMs).toBe(30);
  });

  it('breaks ties by insertion order', () => {
    const queue = new EventQueue<number>();
    for (let i = 0; i < 50; i++) queue.push(5, i);
    queue.push(1, -1);
    expect(drain(queue).map((e) => e.payload)).toEqual([-1, ...Array.from({ length: 50 }, (_, i) => i)]);
  });

  it('numbers events with a stable sequence and reports the last popped one', () => {
    const queue = new EventQueue<string>();
    expect(queue.lastSeq).toBe(-1);
    expect(queue.push(2, 'x')).toBe(0);
    expect(queue.push(1, 'y')).toBe(1);
    expect(queue.pushedCount).toBe(2);
    queue.pop();
    expect(queue.lastSeq).toBe(1);
    queue.clear();
    expect(queue.isEmpty).toBe(true);
    // The counter survives clear(), so later events still sort after earlier ones at equal times.
    expect(queue.push(3, 'z')).toBe(2);
  });

  it('schedules relative to the clock with pushAfter', () => {
    const queue = new EventQueue<string>(100);
    queue.pushAfter(5, 'a');
    expect(queue.peekTimeMs()).toBe(105);
    queue.pop();
    queue.pushAfter(0, 'b');
    expect(queue.peekTimeMs()).toBe(105);
  });

  it('rejects events in the past, NaN and infinite times', () => {
    const queue = new EventQueue<string>();
    queue.push(10, 'a');
    queue.pop();
    expect(() => queue.push(9, 'late')).toThrow(RangeError);
    expect(() => queue.push(Number.NaN, 'nan')).toThrow(RangeError);
    expect(() => queue.push(Infinity, 'never')).toThrow(RangeError);
    expect(() => queue.pushAfter(-1, 'neg')).toThrow(RangeError);
    expect(() => new EventQueue(Number.NaN)).toThrow(RangeError);
    expect(queue.push(10, 'now')).toBeGreaterThan(0);
  });

  it('grows past its initial capacity', () => {
    const queue = new EventQueue<number>(0, 1);
    for (let i = 999; i >= 0; i--) queue.push(i, i);
    expect(drain(queue).map((e) => e.payload)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test.prop([fc.array(timeArb, { maxLength: 300 })])('pushing all then popping all equals a stable sort', (times) => {
    const queue = new EventQueue<number>(0, 4);
    times.forEach((t, id) => queue.push(t, id));
    const popped = drain(queue);
    const reference = times.map((timeMs, id) => ({ timeMs, id })).sort((a, b) => a.timeMs - b.timeMs || a.id - b.id);
    expect(popped.map((e) => e.payload)).toEqual(reference.map((e) => e.id));
    for (let i = 1; i < popped.length; i++) expect(popped[i]!.timeMs).toBeGreaterThanOrEqual(popped[i - 1]!.timeMs);
  });

  // Interleaved pushes (relative to the clock) and pops against a naive reference: a list scanned for (time, id).
  const opArb = fc.oneof(
    fc.record({ kind: fc.constant('push' as const), delayMs: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant('pop' as const) }),
  );
  test.prop([fc.array(opArb, { maxLength: 400 })])('interleaved pushes and pops match a reference', (ops) => {
    const queue = new EventQueue<number>(0, 2);
    const reference: Entry[] = [];
    let nowMs = 0;
    let nextId = 0;
    for (const op of ops) {
      if (op.kind === 'push') {
        const id = nextId++;
        queue.push(nowMs + op.delayMs, id);
        reference.push({ timeMs: nowMs + op.delayMs, id });
      } else {
        let best = -1;
        reference.forEach((e, i) => {
          const b = reference[best];
          if (b === undefined || e.timeMs < b.timeMs || (e.timeMs === b.timeMs && e.id < b.id)) best = i;
        });
        const expected = best < 0 ? undefined : reference.splice(best, 1)[0];
        const got = queue.pop();
        expect(got).toBe(expected?.id);
        if (expected) {
          expect(queue.nowMs).toBe(expected.timeMs);
          expect(queue.nowMs).toBeGreaterThanOrEqual(nowMs);
          nowMs = expected.timeMs;
        }
      }
      expect(queue.size).toBe(reference.length);
    }
  });

  it('handles a million events in order', () => {
    const queue = new EventQueue<number>();
    const n = 1_000_000;
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // a fixed LCG: the test needs no seed plumbing
      queue.push(x % 10_000, i);
    }
    let lastTime = -1;
    let lastId = -1;
    let count = 0;
    while (!queue.isEmpty) {
      const id = queue.pop()!;
      const t = queue.nowMs;
      if (t < lastTime || (t === lastTime && id < lastId)) throw new Error(`out of order at ${count}`);
      lastTime = t;
      lastId = id;
      count++;
    }
    expect(count).toBe(n);
  });
});
