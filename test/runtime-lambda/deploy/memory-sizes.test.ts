import { describe, expect, it } from 'vitest';
import { memorySizesOfPlan, parseMemoryList } from '../../../runtime-lambda/deploy/memory-sizes.js';

describe('memory sizes to deploy', () => {
  it('from a list: sorted, without repeats; a bad size names itself', () => {
    expect(parseMemoryList('2048, 1024,2048')).toEqual([1024, 2048]);
    expect(() => parseMemoryList('1024,2gb')).toThrow("--memory '2gb': memory must be an integer number of MB from 128 to 10240, got \"2gb\"");
    expect(() => parseMemoryList(' , ')).toThrow(/name at least one memory size/);
  });

  it('from a plan: every task size and every pre-warm target', () => {
    const plan = {
      tasks: {
        a: { workerId: 'w0', memoryMb: 8192, optimizations: [{ kind: 'pre-load' }, { kind: 'pre-warm', targetResources: { memoryMb: 4096 } }] },
        b: { workerId: null, memoryMb: 2048 },
        c: { workerId: 'w0', memoryMb: 8192 },
      },
    };
    expect(memorySizesOfPlan(plan, 'plan.json')).toEqual([2048, 4096, 8192]);
  });

  it('a malformed plan names the file and the field', () => {
    expect(() => memorySizesOfPlan([], 'p.json')).toThrow("p.json: field 'tasks' must be an object of task plans");
    expect(() => memorySizesOfPlan({ tasks: {} }, 'p.json')).toThrow("p.json: field 'tasks' is empty");
    expect(() => memorySizesOfPlan({ tasks: { a: { memoryMb: 1.5 } } }, 'p.json')).toThrow("p.json: field 'tasks.a.memoryMb': memory must be an integer");
    expect(() => memorySizesOfPlan({ tasks: { a: { memoryMb: 1024, optimizations: [{ kind: 'pre-warm', targetResources: {} }] } } }, 'p.json')).toThrow(
      "p.json: field 'tasks.a.optimizations.0.targetResources.memoryMb': memory must be an integer number of MB from 128 to 10240, got undefined",
    );
  });
});
