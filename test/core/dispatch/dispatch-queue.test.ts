import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  DISPATCH_STRATEGIES,
  DispatchQueue,
  adaptiveStrategy,
  dispatchStrategyNames,
  edfStrategy,
  fifoStrategy,
  getDispatchStrategy,
  loadDispatchStrategy,
  srptStrategy,
  type AnyDispatchStrategy,
  type DispatchView,
  type WaitingInvocation,
} from '../../../core/dispatch/index.js';

/** An invocation with every field set from a few numbers, so a case reads as a table. */
function invocation(seq: number, fields: Partial<WaitingInvocation> = {}): WaitingInvocation {
  return {
    seq,
    requestId: `r${seq}`,
    workflow: 'w',
    taskIds: [`t${seq}`],
    resourcesKey: '2048',
    memoryMb: 2048,
    requestArrivalMs: 0,
    queuedAtMs: seq,
    priorityClass: 0,
    deadlineMs: 1000,
    predictedExecMs: 100,
    predictedRemainingPathMs: 100,
    predictedRemainingWorkMs: 100,
    predictedColdGbSeconds: 1.2,
    predictedWarmGbSeconds: 0.2,
    ...fields,
  };
}

function view(nowMs: number, waiting: number, warm: ReadonlySet<string> = new Set(), attainment?: number): DispatchView {
  return { nowMs, waiting, warmAvailable: (key) => warm.has(key), recentSlaAttainment: () => attainment };
}

/** Takes everything at `nowMs` and returns the request ids in dispatch order. */
function drain(queue: DispatchQueue<null>, nowMs: number, warm?: ReadonlySet<string>): string[] {
  const order: string[] = [];
  for (let decision = queue.take(view(nowMs, queue.size, warm)); decision; decision = queue.take(view(nowMs, queue.size, warm))) {
    order.push(decision.invocation.requestId);
  }
  return order;
}

// One small case, chosen so that every built-in strategy dispatches in a different order.
const CASE: readonly WaitingInvocation[] = [
  invocation(0, { priorityClass: 2, deadlineMs: 900, predictedExecMs: 300, predictedRemainingWorkMs: 900, predictedRemainingPathMs: 500, predictedWarmGbSeconds: 0.6, predictedColdGbSeconds: 1.6 }),
  invocation(1, { priorityClass: 1, deadlineMs: 500, predictedExecMs: 50, predictedRemainingWorkMs: 700, predictedRemainingPathMs: 50, predictedWarmGbSeconds: 0.1, predictedColdGbSeconds: 1.1, resourcesKey: '1024', memoryMb: 1024 }),
  invocation(2, { priorityClass: 0, deadlineMs: 700, predictedExecMs: 200, predictedRemainingWorkMs: 200, predictedRemainingPathMs: 450, predictedWarmGbSeconds: 0.4, predictedColdGbSeconds: 1.4 }),
  invocation(3, { priorityClass: 1, deadlineMs: 600, predictedExecMs: 120, predictedRemainingWorkMs: 400, predictedRemainingPathMs: 120, predictedWarmGbSeconds: 0.24, predictedColdGbSeconds: 1.24 }),
];

describe('dispatch strategies: a pinned case each (the order they dispatch in)', () => {
  const expected: Record<string, string[]> = {
    // queue order
    fifo: ['r0', 'r1', 'r2', 'r3'],
    // class 0, then class 1 in queue order, then class 2
    priority: ['r2', 'r1', 'r3', 'r0'],
    // own execution 50 < 120 < 200 < 300
    sjf: ['r1', 'r3', 'r2', 'r0'],
    // remaining work of the request 200 < 400 < 700 < 900
    srpt: ['r2', 'r3', 'r1', 'r0'],
    // 2048 MB has a warm environment: its invocations first by warm GB-s (0.24, 0.4, 0.6), then the cold 1024 MB one
    cost: ['r3', 'r2', 'r0', 'r1'],
    // deadlines 500 < 600 < 700 < 900
    edf: ['r1', 'r3', 'r2', 'r0'],
    // deadline − remaining path: 400, 250, 450, 480
    'least-slack': ['r2', 'r0', 'r1', 'r3'],
    // no SLA outcome yet and a short queue: EDF
    adaptive: ['r1', 'r3', 'r2', 'r0'],
  };
  it('covers every built-in strategy', () => {
    expect(Object.keys(expected).sort()).toEqual(dispatchStrategyNames().sort());
  });
  for (const strategy of DISPATCH_STRATEGIES) {
    it(strategy.name, () => {
      const queue = new DispatchQueue<null>({ strategy });
      for (const inv of CASE) queue.push(inv, null);
      expect(queue.peekOrder(view(10, CASE.length, new Set(['2048'])))).toEqual(
        expected[strategy.name]!.map((id) => CASE.find((inv) => inv.requestId === id)),
      );
      expect(drain(queue, 10, new Set(['2048']))).toEqual(expected[strategy.name]);
    });
  }
  it('cost without any warm environment: cheapest cold GB-s first', () => {
    const queue = new DispatchQueue<null>({ strategy: getDispatchStrategy('cost') });
    for (const inv of CASE) queue.push(inv, null);
    expect(drain(queue, 10)).toEqual(['r1', 'r3', 'r2', 'r0']);
  });
});

const invocationArb = fc.record({
  gapMs: fc.integer({ min: 0, max: 50 }),
  resourcesKey: fc.constantFrom('1024', '2048', '4096'),
  priorityClass: fc.integer({ min: 0, max: 3 }),
  deadlineMs: fc.integer({ min: 0, max: 5000 }),
  predictedExecMs: fc.integer({ min: 1, max: 1000 }),
  predictedRemainingPathMs: fc.integer({ min: 1, max: 3000 }),
  predictedRemainingWorkMs: fc.integer({ min: 1, max: 9000 }),
  predictedWarmGbSeconds: fc.double({ min: 0, max: 10, noNaN: true }),
});
/** A script: queue invocations, and take one slot after some of them. */
const scriptArb = fc.array(fc.tuple(invocationArb, fc.nat({ max: 2 })), { minLength: 1, maxLength: 80 });
const strategyArb = fc.constantFrom(...DISPATCH_STRATEGIES);

/** Runs a script on a queue; returns the invocations taken (in order) with the time of each take. */
type Script = [Partial<WaitingInvocation> & { gapMs: number; predictedWarmGbSeconds: number }, number][];

function run(strategy: AnyDispatchStrategy, script: Script, maxWaitMs?: number, warm?: ReadonlySet<string>) {
  const queue = new DispatchQueue<number>({ strategy, maxWaitMs });
  const taken: { inv: WaitingInvocation; atMs: number; oldestWaitMs: number; starved: boolean }[] = [];
  let nowMs = 0;
  const takeOne = () => {
    const waitingQueuedAt = queue.peekOrder(view(nowMs, queue.size, warm)).map((inv) => inv.queuedAtMs);
    const decision = queue.take(view(nowMs, queue.size, warm, 0.5));
    if (decision?.kind === 'dispatch') taken.push({ inv: decision.invocation, atMs: nowMs, oldestWaitMs: nowMs - Math.min(...waitingQueuedAt), starved: decision.starved });
  };
  script.forEach(([fields, takes], seq) => {
    nowMs += fields.gapMs;
    queue.push(invocation(seq, { ...fields, queuedAtMs: nowMs, predictedColdGbSeconds: fields.predictedWarmGbSeconds + 1 }), seq);
    for (let i = 0; i < takes; i++) takeOne();
  });
  while (queue.size > 0) {
    nowMs += 7;
    takeOne();
  }
  return { queue, taken };
}

describe('dispatch queue: properties', () => {
  test.prop([strategyArb, scriptArb, fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined })])(
    'every invocation is dispatched exactly once, whatever the strategy and guard',
    (strategy, script, maxWaitMs) => {
      const { taken, queue } = run(strategy, script, maxWaitMs, new Set(['2048']));
      expect(queue.size).toBe(0);
      expect(taken.map((t) => t.inv.seq).sort((a, b) => a - b)).toEqual(script.map((_, seq) => seq));
    },
  );

  test.prop([strategyArb, scriptArb, fc.integer({ min: 0, max: 200 })])(
    'with a starvation guard, an invocation that waited the bound goes first: the longest-waiting one',
    (strategy, script, maxWaitMs) => {
      const { taken } = run(strategy, script, maxWaitMs);
      for (const t of taken) {
        if (t.oldestWaitMs >= maxWaitMs) {
          expect(t.starved).toBe(true);
          expect(t.atMs - t.inv.queuedAtMs).toBe(t.oldestWaitMs);
        } else expect(t.starved).toBe(false);
      }
    },
  );

  test.prop([strategyArb, scriptArb])('with no contention (one waits at a time) every strategy dispatches in FIFO order', (strategy, script) => {
    const alone: Script = script.map(([fields]) => [fields, 1]);
    const { taken } = run(strategy, alone);
    expect(taken.map((t) => t.inv.seq)).toEqual(alone.map((_, seq) => seq));
  });

  test.prop([scriptArb])('fifo is queue order', (script) => {
    const { taken } = run(fifoStrategy, script);
    expect(taken.map((t) => t.inv.seq)).toEqual(script.map((_, seq) => seq));
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 })])(
    "edf on a batch: dispatched in deadline order, which (Jackson's rule) minimises the maximum lateness",
    (deadlines) => {
      const queue = new DispatchQueue<null>({ strategy: edfStrategy });
      deadlines.forEach((deadlineMs, seq) => queue.push(invocation(seq, { deadlineMs, queuedAtMs: 0 }), null));
      const order = drain(queue, 0).map((id) => deadlines[Number(id.slice(1))]!);
      expect(order).toEqual([...deadlines].sort((a, b) => a - b));
      // One slot, equal work of 100 ms each: EDF's maximum lateness is never above queue order's.
      const maxLateness = (ds: number[]) => Math.max(...ds.map((d, i) => (i + 1) * 100 - d));
      expect(maxLateness(order)).toBeLessThanOrEqual(maxLateness(deadlines));
    },
  );
});

describe('adaptive strategies', () => {
  it('switch to the overload strategy when attainment falls, back only once it recovered and the queue halved', () => {
    const strategy = adaptiveStrategy('test-adaptive', edfStrategy, srptStrategy, { overloadBelowAttainment: 0.8, overloadQueueLength: 4, recoverAtAttainment: 0.9 });
    const queue = new DispatchQueue<null>({ strategy });
    for (const inv of CASE) queue.push(inv, null);
    // attainment 0.85: EDF stays (r1, deadline 500)
    expect(queue.take(view(0, 4, new Set(), 0.85))?.invocation.requestId).toBe('r1');
    expect(queue.activeStrategy.name).toBe('edf');
    // attainment 0.5: SRPT (r2: 200 of remaining work)
    expect(queue.take(view(0, 3, new Set(), 0.5))?.invocation.requestId).toBe('r2');
    expect(queue.activeStrategy.name).toBe('srpt');
    // 0.85 is not yet recovered: SRPT stays
    queue.take(view(0, 2, new Set(), 0.85));
    expect(queue.activeStrategy.name).toBe('srpt');
    expect(queue.take(view(0, 1, new Set(), 0.95))?.invocation.requestId).toBe('r0');
    expect(queue.activeStrategy.name).toBe('edf');
    expect(queue.switches).toBe(2);
  });
  it('switch on queue length alone', () => {
    const strategy = adaptiveStrategy('q', fifoStrategy, srptStrategy, { overloadBelowAttainment: 0, overloadQueueLength: 2, recoverAtAttainment: 0 });
    const queue = new DispatchQueue<null>({ strategy });
    for (const inv of CASE) queue.push(inv, null);
    expect(queue.take(view(0, 4))?.invocation.requestId).toBe('r2');
  });
});

describe('user strategies and bad input', () => {
  it('a strategy loaded from a file orders and refuses as it says', async () => {
    const strategy = await loadDispatchStrategy('test/core/dispatch/fixtures/late-refusing-strategy.ts');
    expect(strategy.name).toBe('largest-memory-first');
    const queue = new DispatchQueue<string>({ strategy });
    queue.push(invocation(0, { memoryMb: 1024, resourcesKey: '1024', deadlineMs: 5 }), 'small');
    queue.push(invocation(1, { memoryMb: 4096, resourcesKey: '4096', deadlineMs: 500 }), 'large');
    const first = queue.take(view(10, 2));
    expect(first).toMatchObject({ kind: 'dispatch', payload: 'large' });
    expect(queue.take(view(10, 1))).toMatchObject({ kind: 'refuse', payload: 'small', reason: 'deadline 5 ms passed' });
    expect(queue.take(view(10, 0))).toBeUndefined();
  });
  it('an unknown name lists the valid ones', () => {
    expect(() => getDispatchStrategy('lottery')).toThrow(/unknown dispatch strategy 'lottery' \(strategies: fifo, priority, sjf, srpt, cost, edf, least-slack, adaptive/);
  });
  it('a module that exports no strategy, or a missing module, is one clear error', async () => {
    await expect(loadDispatchStrategy('test/core/dispatch/fixtures/not-a-strategy.ts')).rejects.toThrow(/strategy 'keyless' has no key\(invocation\) function/);
    await expect(loadDispatchStrategy('./no/such/strategy.ts')).rejects.toThrow(/cannot load dispatch strategy module '.\/no\/such\/strategy.ts'/);
  });
  it('a negative guard, or a key that is NaN, is refused', () => {
    expect(() => new DispatchQueue({ strategy: fifoStrategy, maxWaitMs: -1 })).toThrow(/maxWaitMs must be a finite number ≥ 0/);
    const queue = new DispatchQueue({ strategy: { name: 'nan', description: '', key: () => Number.NaN } });
    expect(() => queue.push(invocation(0), null)).toThrow(/strategy 'nan' gave no key \(NaN\) for request r0/);
  });
});
