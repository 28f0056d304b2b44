import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importWfFormatFile, type WfImportOptions } from '../../../traces/wfcommons/import-wfformat.js';
import { criticalPath } from '../../../traces/wfcommons/to-workflow.js';
import type { WfWarningCode } from '../../../traces/wfcommons/warnings.js';
import { DIAMOND_15, FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'pitfalls');

/** wfformat.md §4 pitfalls that are warnings: fixture → the one warning it must give (and options it needs). */
const WARNINGS: Record<string, { code: WfWarningCode; options?: WfImportOptions; edges?: number; mentions: string }> = {
  'one-sided-edge': { code: 'one-sided-edge', edges: 8, mentions: "task 'merge_ID0000005' lists 'proc_ID0000003' as a parent" }, // §4.1
  'file-only-edge': { code: 'file-only-edge', edges: 8, mentions: "task 'check_ID0000006' reads a file task 'proc_ID0000004' writes" }, // §4.17
  'zero-runtime': { code: 'zero-runtime', mentions: "task 'check_ID0000006' has runtimeInSeconds 0" }, // §4.9
  'missing-execution-entry': { code: 'missing-execution-entry', mentions: "task 'check_ID0000006' has no entry" }, // §4.9
  'no-execution': { code: 'no-execution', mentions: 'no workflow.execution section' }, // §4.8
  'zero-byte-file': { code: 'zero-byte-file', mentions: "file 'e.log' has 0 bytes" }, // §4.7
  'self-reference': { code: 'self-reference', edges: 8, mentions: "task 'merge_ID0000005' lists itself" }, // §4.15
  'empty-reference': { code: 'empty-reference', edges: 8, mentions: "task 'final_ID0000007' lists an empty parent id" }, // §4.15
  'duplicate-file-entry': { code: 'duplicate-file-entry', mentions: "file 'a.part' is declared twice (same size 1000)" }, // §4.4
  'file-read-and-written': { code: 'file-read-and-written', edges: 8, mentions: "task 'check_ID0000006' both reads and writes file 'g.ok'" }, // §4.5
  'newer-schema': { code: 'newer-schema', mentions: 'schemaVersion "1.6"' }, // §4.12
  'avgcpu-above-cores': { code: 'avgcpu-above-cores', mentions: "task 'proc_ID0000002' has avgCPU 250 % on 2 core(s)" }, // §2.1
  'parallelism-above-lambda': { code: 'parallelism-above-lambda', mentions: "task 'proc_ID0000002' kept 7.5 cores busy" },
  'unknown-machine': { code: 'unknown-machine', options: { referenceCoreMhz: 2000 }, mentions: "machine 'node-z'" }, // §4.11
  'machine-without-speed': { code: 'machine-without-speed', options: { referenceCoreMhz: 2000 }, mentions: "machine 'node-b'" }, // §4.11
};

describe('§4 pitfalls that are warnings', () => {
  it('every pitfall fixture has a case', async () => {
    const files = (await readdir(DIR)).map((f) => f.replace(/\.json$/, '')).filter((f) => !['harmless-oddities', 'redundant-edge'].includes(f));
    expect(files.sort()).toEqual(Object.keys(WARNINGS).sort());
  });

  for (const [name, expected] of Object.entries(WARNINGS)) {
    it(`${name}: exactly one warning line (${expected.code}), and the instance still imports`, async () => {
      const file = join(DIR, `${name}.json`);
      const result = await importWfFormatFile(file, expected.options);
      expect(result.warningLines).toHaveLength(1);
      expect(result.warnings.map((w) => w.code)).toEqual([expected.code]);
      expect(result.warningLines[0]).toContain(`warning: ${file}: ${expected.code} (1×)`);
      expect(result.warningLines[0]).toContain(expected.mentions);
      expect(result.imported.workflow.tasks.size).toBe(7);
      if (expected.edges !== undefined) expect(result.imported.edgeCount).toBe(expected.edges);
      expect(result.history.length).toBeGreaterThan(0);
    });
  }

  it('a warning that occurs many times is still one line, with its count', async () => {
    const result = await importWfFormatFile(join(DIR, 'no-execution.json'));
    expect(result.warningLines).toHaveLength(1);
    const { imported, warnings } = await importWfFormatFile(join(DIR, 'missing-execution-entry.json'));
    expect(warnings[0]!.count).toBe(1);
    expect(imported.tasks.get('check_ID0000006')!.execMs).toBe(0);
    // Many zero-runtime tasks: one line, counted.
    const value = JSON.parse(await (await import('node:fs/promises')).readFile(DIAMOND_15, 'utf8'));
    for (const t of value.workflow.execution.tasks) t.runtimeInSeconds = 0;
    value.workflow.specification.files.find((f: { id: string }) => f.id === 'e.log').sizeInBytes = 1;
    const { importWfFormat } = await import('../../../traces/wfcommons/import-wfformat.js');
    const many = importWfFormat(value, 'many.json');
    expect(many.warningLines).toEqual([expect.stringMatching(/^warning: many\.json: zero-runtime \(7×\): .* \(first of 7\); /)]);
  });

  it('machine speeds scale runtimes only with a reference speed', async () => {
    const scaled = await importWfFormatFile(join(DIR, 'unknown-machine.json'), { referenceCoreMhz: 1000 });
    // split ran on node-a (2,000 MHz): twice the reference speed, so twice the time at one reference core.
    expect(scaled.imported.tasks.get('split_ID0000001')!.execMs).toBe(20_000);
    expect(scaled.imported.tasks.get('proc_ID0000002')!.execMs).toBe(30_000); // unknown machine: not scaled
  });

  it('no-execution: every task runs 0 ms, the DAG and sizes are kept', async () => {
    const { imported } = await importWfFormatFile(join(DIR, 'no-execution.json'));
    expect(imported.edgeCount).toBe(8);
    expect(criticalPath(imported.workflow, (id) => imported.tasks.get(id)!.execMs).lengthMs).toBe(0);
    expect(imported.recordedMakespanMs).toBeUndefined();
  });
});

describe('§4 pitfalls that are not worth a warning', () => {
  it('harmless schema violations (command string, "Linux", extra keys, odd timestamps, no author) import silently', async () => {
    const result = await importWfFormatFile(join(DIR, 'harmless-oddities.json'));
    expect(result.warningLines).toEqual([]);
    expect(result.imported.edgeCount).toBe(8);
  });

  it('redundant (transitive) edges are kept, without a warning (§4.16)', async () => {
    const result = await importWfFormatFile(join(DIR, 'redundant-edge.json'));
    expect(result.warningLines).toEqual([]);
    expect(result.imported.edgeCount).toBe(9);
    expect(result.imported.tasks.get('merge_ID0000005')!.upstream).toContain('split_ID0000001');
    expect(criticalPath(result.imported.workflow, (id) => result.imported.tasks.get(id)!.execMs).lengthMs).toBe(63_000);
  });
});
