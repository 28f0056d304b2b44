/**
 * The engine on its own (issue 15: "the engine, platform and run are each tested on their own"): the virtual clock,
 * the order of events at the same time, `after` and `at`, reserved places, what is pending, tags, stopping, and
 * determinism, with owners that only write down what they are handed.
 */
import { describe, expect, it } from 'vitest';
import { SimEngine, type EventOwner } from '../../simulator/engine.js';

interface Note {
  readonly owner: EventOwner<Note>;
  readonly name: string;
}

/** An owner that notes each event it is handed: its name, the clock then, and its tag. */
function recorder(engine: SimEngine, onEvent?: (event: Note) => void) {
  const seen: { name: string; atMs: number; tag: number }[] = [];
  const owner: EventOwner<Note> = {
    handle(event, tag) {
      seen.push({ name: event.name, atMs: engine.nowMs, tag });
      onEvent?.(event);
    },
  };
  const note = (name: string): Note => ({ owner, name });
  return { seen, owner, note };
}

describe('SimEngine', () => {
  it('starts at 0 ms and moves the clock to each event as it hands it over', () => {
    const engine = new SimEngine();
    const { seen, note } = recorder(engine);
    expect(engine.nowMs).toBe(0);
    engine.at(30, note('c'));
    engine.at(10, note('a'));
    engine.at(20.5, note('b'));
    expect(engine.run()).toBe(3);
    expect(seen.map((s) => [s.name, s.atMs])).toEqual([
      ['a', 10],
      ['b', 20.5],
      ['c', 30],
    ]);
    expect(engine.nowMs).toBe(30);
  });

  it('hands over events at the same time in the order they were scheduled, also those scheduled meanwhile', () => {
    const engine = new SimEngine();
    const { seen, note } = recorder(engine, (event) => {
      // Scheduled while handling, for now: after every event already waiting for this time.
      if (event.name === 'first') engine.after(0, note('scheduled-by-first'));
    });
    engine.at(5, note('first'));
    engine.at(5, note('second'));
    engine.at(5, note('third'));
    engine.run();
    expect(seen.map((s) => s.name)).toEqual(['first', 'second', 'third', 'scheduled-by-first']);
    expect(seen.every((s) => s.atMs === 5)).toBe(true);
  });

  it('after(d) is d from the clock when scheduled; at(t) is absolute', () => {
    const engine = new SimEngine();
    const { seen, note } = recorder(engine, (event) => {
      if (event.name === 'start') {
        engine.after(7, note('relative'));
        engine.at(9, note('absolute'));
      }
    });
    engine.at(4, note('start'));
    engine.run();
    expect(seen.map((s) => [s.name, s.atMs])).toEqual([
      ['start', 4],
      ['absolute', 9],
      ['relative', 11],
    ]);
  });

  it('refuses to schedule before the clock or with a negative delay', () => {
    const engine = new SimEngine();
    const { note } = recorder(engine, () => {
      expect(() => engine.at(2, note('past'))).toThrow(RangeError);
      expect(() => engine.after(-1, note('negative'))).toThrow(RangeError);
    });
    engine.at(3, note('now'));
    engine.run();
    expect(engine.pending).toBe(0);
  });

  it('counts what is pending and what was processed, and stops when asked (checked before each event)', () => {
    const engine = new SimEngine();
    const { seen, note } = recorder(engine);
    for (let i = 0; i < 5; i++) engine.at(i, note(`e${i}`));
    expect(engine.pending).toBe(5);
    expect(engine.processed).toBe(0);
    expect(engine.run(() => seen.length === 2)).toBe(2);
    expect(engine.pending).toBe(3);
    expect(engine.processed).toBe(2);
    expect(engine.nowMs).toBe(1);
    // Running again goes on where it stopped.
    expect(engine.run()).toBe(3);
    expect(engine.processed).toBe(5);
    expect(engine.pending).toBe(0);
    expect(engine.run()).toBe(0);
  });

  it('hands each event to its own owner, with the tag it was scheduled with (0 without one)', () => {
    const engine = new SimEngine();
    const one = recorder(engine);
    const two = recorder(engine);
    const shared = one.note('shared');
    // One object scheduled twice, told apart by tag (what a rescheduled completion does).
    engine.at(1, shared, 1);
    engine.at(2, shared, 2);
    engine.after(3, two.note('other'));
    engine.run();
    expect(one.seen).toEqual([
      { name: 'shared', atMs: 1, tag: 1 },
      { name: 'shared', atMs: 2, tag: 2 },
    ]);
    expect(two.seen).toEqual([{ name: 'other', atMs: 3, tag: 0 }]);
  });

  it('an event scheduled in a reserved place keeps the order it would have had among events at the same time', () => {
    const engine = new SimEngine();
    const { seen, note } = recorder(engine);
    engine.at(5, note('before'));
    // Three places for three events of which only the second is scheduled (the others would be superseded).
    const place = engine.reserve(3);
    engine.at(5, note('after'));
    engine.atReserved(5, note('reserved-second'), 7, place + 1);
    engine.at(4, note('earlier'));
    engine.run();
    expect(seen.map((s) => `${s.name}@${s.atMs}`)).toEqual(['earlier@4', 'before@5', 'reserved-second@5', 'after@5']);
    expect(seen.find((s) => s.name === 'reserved-second')!.tag).toBe(7);
    expect(() => engine.atReserved(6, note('never-reserved'), 0, 1e9)).toThrow(RangeError);
  });

  it('is deterministic: the same schedule gives the same order, however many events tie', () => {
    const order = () => {
      const engine = new SimEngine();
      const { seen, note } = recorder(engine, (event) => {
        const n = Number(event.name);
        if (n < 200) engine.after((n * 7) % 3, note(String(n + 100)));
      });
      for (let i = 0; i < 100; i++) engine.at((i * 13) % 5, note(String(i)));
      engine.run();
      return seen.map((s) => `${s.name}@${s.atMs}`);
    };
    const first = order();
    expect(first).toHaveLength(300);
    expect(order()).toEqual(first);
    // Times never go back.
    const times = first.map((s) => Number(s.split('@')[1]));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
