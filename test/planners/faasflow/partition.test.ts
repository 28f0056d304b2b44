import { fc, test } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAASFLOW_PARTITION_CONFIG, partitionFunctions, partitionWorkflow, type PartitionConfig, type PartitionFunction } from '../../../planners/faasflow/partition.js';
import { importWfFormat } from '../../../traces/wfcommons/import-wfformat.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'faasflow');

describe("FaaSFlow's partitioner: pinned cases (derived by hand from the rules, the derivation in the comments)", () => {
  it('file processing (FaaSFlow benchmark, 7 nodes of 96 slots): three merges into one group', () => {
    const path = join(FIXTURES, 'fileprocessing.json');
    const { imported } = importWfFormat(JSON.parse(readFileSync(path, 'utf8')), path);
    const tasks = imported.tasks;
    const partition = partitionWorkflow(partitionFunctions(imported.workflow, (id) => tasks.get(id)!.recordedRuntimeMs, (id) => tasks.get(id)!.outputBytes));
    // Breadth-first order start, conversion, sentiment, upload: nodes 0-3, 3 slots each. An edge weighs its producer's
    // output over 6,553.6 B/ms: start→* 4,516.6164 ms, conversion→upload 4,516.6172 ms, sentiment→upload 0.0012 ms.
    // Round 1: longest path start→conversion→upload (29,123 ms, against 24,657 through sentiment); its heavier edge
    //   conversion→upload merges; best fit for 6 slots with both given back: nodes 0 and 2 have 93 free, the fewest
    //   that fit; node 0 first.
    // Round 2: conversion→upload now weighs 1/15 (301 ms): the path is still through conversion (24,908 ms against
    //   24,657); start→conversion (4,517 ms) goes first and merges; 9 slots fit best on node 2 (93 free).
    // Round 3: the path goes through sentiment (24,657 ms against 20,692); start→sentiment merges (12 slots: every
    //   node has 96 free once the two groups give theirs back; node 0 first). One group: done.
    expect(partition.merges.map((m) => `${m.from}→${m.to}: ${m.outcome}`)).toEqual(['conversion→upload: merged', 'start→conversion: merged', 'start→sentiment: merged']);
    expect(partition.groups).toEqual([['start', 'conversion', 'sentiment', 'upload']]);
    expect(partition.nodeOfGroup).toEqual([0]);
    expect(partition.slotsUsed).toEqual([12, 0, 0, 0, 0, 0, 0]);
    expect(Object.fromEntries(partition.dataPath)).toEqual({ start: 'MEM', conversion: 'MEM', sentiment: 'MEM', upload: 'DB' });
    // Charged once each: conversion's and start's outputs, of a budget of 4 × 0.55 × 256 MiB.
    expect(partition.memoryChargedBytes).toBe(29_600_099 + 29_600_094);
    expect(partition.memoryBudgetBytes).toBeCloseTo(4 * 0.55 * 256 * 1024 * 1024, 3);
    expect(partition.criticalPath).toEqual(['start', 'conversion', 'upload']);
  });

  const chain = (outputs: readonly number[], extra: Partial<PartitionFunction> = {}): PartitionFunction[] =>
    outputs.map((outputBytes, i) => ({ name: `f${i}`, runtimeMs: 1000, outputBytes, next: i + 1 < outputs.length ? [`f${i + 1}`] : [], ...extra }));

  it('the group limit stops a merge: a chain of three with a limit of two keeps the first function alone', () => {
    // Round 1: f1→f2 (10 MB) is heavier than f0→f1 (5 MB) and merges. Round 2: f0→f1 (5 MB) is heavier than f1→f2 at
    // 1/15 and would make a group of three: refused; f1→f2 is inside one group. No merge: done.
    const partition = partitionWorkflow(chain([5_000_000, 10_000_000, 0]), { ...FAASFLOW_PARTITION_CONFIG, groupLimit: 2 });
    expect(partition.merges.map((m) => m.outcome)).toEqual(['merged', 'group-limit', 'same-group']);
    expect(partition.groups).toEqual([['f0'], ['f1', 'f2']]);
    expect(Object.fromEntries(partition.dataPath)).toEqual({ f0: 'DB', f1: 'MEM', f2: 'DB' });
  });

  it('the memory budget stops a merge: producers whose outputs exceed what idle containers can hold stay apart', () => {
    // mem_usage 0.79 leaves 1 % of 256 MiB per function: a budget of 3 × 2.68 MB = 8.05 MB. f1's 5 MB fits; f0's 5 MB
    // more does not.
    const partition = partitionWorkflow(chain([5_000_000, 5_000_001, 0], { memUsage: 0.79 }));
    expect(partition.merges.map((m) => `${m.from}→${m.to}: ${m.outcome}`)).toEqual(['f1→f2: merged', 'f0→f1: memory', 'f1→f2: same-group']);
    expect(partition.memoryChargedBytes).toBe(5_000_001);
  });

  it('the slots stop a merge: no node holds both groups', () => {
    // Two nodes of 6 slots, 3 per function: f0 and f2 on node 0, f1 on node 1. f1→f2 merges onto node 1 (6 free once
    // both give theirs back, node 0 has 3). f0 with them needs 9: no node has it.
    const config: PartitionConfig = { ...FAASFLOW_PARTITION_CONFIG, nodes: 2, slotsPerNode: 6 };
    const partition = partitionWorkflow(chain([1_000_000, 2_000_000, 0]), config);
    expect(partition.merges.map((m) => m.outcome)).toEqual(['merged', 'scale', 'same-group']);
    expect(partition.groups).toEqual([['f0'], ['f1', 'f2']]);
    expect(partition.nodeOfGroup).toEqual([0, 1]);
    expect(partition.slotsUsed).toEqual([3, 6]);
  });

  it('bad input is one clear error naming the function', () => {
    expect(() => partitionWorkflow([{ name: 'a', runtimeMs: 1, outputBytes: 1, next: ['b'] }])).toThrow("function 'a' names an unknown successor 'b'");
    expect(() => partitionWorkflow([{ name: 'a', runtimeMs: -1, outputBytes: 1, next: [] }])).toThrow("function 'a': runtimeMs must be a finite number >= 0");
    expect(() => partitionWorkflow([{ name: 'a', runtimeMs: 1, outputBytes: 1, next: ['b'] }, { name: 'b', runtimeMs: 1, outputBytes: 1, next: ['a'] }])).toThrow('has a cycle');
  });
});

/** A random DAG: function i's successors are later functions; sizes up to 50 MB, run times up to 20 s. */
const dagArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.tuple(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 0.8, noNaN: true })), { minLength: n, maxLength: n }),
    fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.nat({ max: n - 1 })), { maxLength: 3 * n }),
  ).map(([fields, pairs]) => {
    const next = fields.map(() => new Set<number>());
    for (const [a, b] of pairs) if (a !== b) next[Math.min(a, b)]!.add(Math.max(a, b));
    return fields.map(([runtimeMs, outputBytes, scale, memUsage], i): PartitionFunction => ({ name: `t${i}`, runtimeMs, outputBytes, scale, memUsage, next: [...next[i]!].sort((x, y) => x - y).map((j) => `t${j}`) }));
  }),
);
const configArb = fc.record({ nodes: fc.integer({ min: 1, max: 8 }), groupLimit: fc.integer({ min: 1, max: 20 }) }).map(
  (c): PartitionConfig => ({ ...FAASFLOW_PARTITION_CONFIG, ...c, slotsPerNode: 160 }),
);

describe("FaaSFlow's partitioner: properties on random DAGs", () => {
  test.prop([dagArb, configArb])(
    'every function in one group; group limit, node slots and memory budget kept; data paths match the groups; deterministic',
    (functions, config) => {
      const partition = partitionWorkflow(functions, config);
      const placed = partition.groups.flat();
      expect([...placed].sort()).toEqual(functions.map((f) => f.name).sort());
      for (const group of partition.groups) expect(group.length).toBeLessThanOrEqual(config.groupLimit);
      // 40 functions of at most 4 slots round-robin on 1 node fit its 160 slots: the start fits, merges keep it so.
      partition.slotsUsed.forEach((used) => expect(used).toBeLessThanOrEqual(config.slotsPerNode));
      const slotsOnNode = new Array<number>(config.nodes).fill(0);
      partition.groups.forEach((group, g) => (slotsOnNode[partition.nodeOfGroup[g]!]! += group.reduce((s, name) => s + functions.find((f) => f.name === name)!.scale!, 0)));
      expect(slotsOnNode).toEqual(partition.slotsUsed);
      expect(partition.memoryChargedBytes).toBeLessThanOrEqual(partition.memoryBudgetBytes);
      for (const f of functions) {
        const same = f.next.filter((n) => partition.groupOf.get(n) === partition.groupOf.get(f.name)).length;
        expect(partition.dataPath.get(f.name)).toBe(same === 0 ? 'DB' : same === f.next.length ? 'MEM' : 'DB+MEM');
      }
      expect(partition.groups.length).toBe(functions.length - partition.merges.filter((m) => m.outcome === 'merged').length);
      expect(partitionWorkflow(functions, config)).toEqual(partition);
    },
  );
});
