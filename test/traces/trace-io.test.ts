import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskRecord, TraceRecord } from '../../core/trace-records.js';
import {
  TraceReadFailure,
  formatTraceLineError,
  parseTraceText,
  readTraces,
  serializeTraceRecords,
  writeTraceFile,
} from '../../traces/trace-io.js';
import { flattenRuns, groupRuns } from '../../traces/trace-runs.js';
import { SCHEMA_PATH, schemaText } from '../../traces/schema/write-schema.js';

const rc = { memoryMb: 2048, vCpus: 1.158 };
const sample: TraceRecord[] = [
  { type: 'run', schemaVersion: 1, runId: 'r1', workflow: 'gemm', planner: 'uniform', sla: 'p90', platform: 'simulator:aws', seed: 7 },
  { type: 'worker', runId: 'r1', workerId: 'w1', resources: rc, invokedAtMs: 0, readyAtMs: 240.5, endedAtMs: 900, start: 'cold', startupMs: 240.5 },
  {
    type: 'task', runId: 'r1', taskId: 'multiply-0', functionName: 'multiply', workerId: 'w1', resources: rc,
    inputBytes: 16_777_216, outputBytes: 2_097_152, startMs: 240.5, endMs: 880.25, execMs: 400,
    downloads: [{ key: 'A0', sizeBytes: 8_388_608, startMs: 240.5, durationMs: 110 }],
    uploads: [{ key: 'multiply-0', sizeBytes: 2_097_152, startMs: 850, durationMs: 30.25 }],
  },
  { type: 'run-end', runId: 'r1', status: 'completed', makespanMs: 900 },
];

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'octoplan-trace-'));
}

describe('trace JSON Lines', () => {
  it('round-trips byte for byte through a file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'run.jsonl');
    await writeTraceFile(file, sample);
    const text = await readFile(file, 'utf8');
    const read = await readTraces(file, { strict: true });
    expect(read.errors).toEqual([]);
    expect(read.records).toEqual(sample);
    expect(serializeTraceRecords(read.records)).toBe(text);
    expect(text.split('\n')).toHaveLength(sample.length + 1);
  });

  it('accepts counter and publish round trips on a task record, and still refuses an unknown field in them', () => {
    const withOps: TaskRecord = {
      ...(sample[2] as TaskRecord),
      counterOps: [{ startMs: 851, durationMs: 0.2 }],
      publishOps: [{ startMs: 851.3, durationMs: 0.15 }, { startMs: 851.4, durationMs: 0.18 }],
    };
    const [parsed] = parseTraceText(serializeTraceRecords([sample[0]!, withOps]), 'ops.jsonl').records.slice(1);
    expect(parsed).toEqual(withOps);
    const typoOp = { startMs: 851, durationMs: 0.2, key: 'c' };
    const typo = { ...withOps, counterOps: [typoOp] } as TraceRecord;
    expect(() => serializeTraceRecords([typo])).toThrow(/field 'counterOps\.0': unknown field\(s\) 'key'/);
    const negative = { ...withOps, publishOps: [{ startMs: 851, durationMs: -1 }] } as TraceRecord;
    expect(() => serializeTraceRecords([negative])).toThrow(/field 'publishOps\.0\.durationMs'/);
    expect(() => serializeTraceRecords([{ ...withOps, counterOp: [] } as TraceRecord])).toThrow(/unknown field\(s\) 'counterOp'/);
  });

  it('writes keys in schema order whatever order the caller used', () => {
    const shuffled = { seed: 7, sla: 'p90', platform: 'x', planner: 'p', workflow: 'w', runId: 'r', schemaVersion: 1, type: 'run' } as TraceRecord;
    expect(serializeTraceRecords([shuffled])).toBe(
      '{"type":"run","schemaVersion":1,"runId":"r","workflow":"w","planner":"p","sla":"p90","platform":"x","seed":7}\n',
    );
  });

  it('refuses to write an invalid record, naming it and its field', () => {
    const bad = { ...sample[2], outputBytes: -1 } as TraceRecord;
    expect(() => serializeTraceRecords([sample[0]!, bad])).toThrow(/trace record #1 \(task\): field 'outputBytes'/);
  });

  it('reports file:line and field for each bad line and keeps every good line', async () => {
    const lines = [
      JSON.stringify(sample[0]),
      '{"type":"task", not json',
      JSON.stringify(sample[1]),
      JSON.stringify({ ...sample[2], downloads: [{ key: 'A0', sizeBytes: 'big', startMs: 0, durationMs: 1 }] }),
      '',
      JSON.stringify({ ...sample[1], colour: 'blue' }),
      JSON.stringify({ type: 'span', runId: 'r1' }),
      JSON.stringify({ ...sample[2], endMs: 100 }),
      JSON.stringify(sample[3]),
    ];
    const dir = await tempDir();
    const file = join(dir, 'mixed.jsonl');
    await writeFile(file, lines.join('\n'));
    const result = await readTraces(file);
    expect(result.records.map((r) => r.type)).toEqual(['run', 'worker', 'run-end']);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [2, ''],
      [4, 'downloads.0.sizeBytes'],
      [6, ''],
      [7, 'type'],
      [8, 'endMs'],
    ]);
    expect(formatTraceLineError(result.errors[0]!)).toMatch(new RegExp(`^${file}:2: invalid JSON`));
    expect(formatTraceLineError(result.errors[1]!)).toContain(`${file}:4: field 'downloads.0.sizeBytes':`);
    expect(result.errors[2]!.message).toMatch(/unknown field\(s\) 'colour'/);
    expect(result.errors[3]!.message).toMatch(/'run', 'task', 'worker', 'run-end'/);
    expect(result.errors[4]!.message).toMatch(/endMs 100 is before startMs 240.5/);

    await expect(readTraces(file, { strict: true })).rejects.toThrow(TraceReadFailure);
    const failure = await readTraces(file, { strict: true }).catch((e: TraceReadFailure) => e);
    expect((failure as TraceReadFailure).records).toHaveLength(3);
    expect((failure as TraceReadFailure).message).toContain('5 invalid trace line(s)');
  });

  it('reads every .jsonl file of a directory in name order and names missing sources', async () => {
    const dir = await tempDir();
    await writeTraceFile(join(dir, 'b.jsonl'), [{ ...sample[0]!, runId: 'r2' } as TraceRecord]);
    await writeTraceFile(join(dir, 'a.jsonl'), [sample[0]!]);
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const result = await readTraces(dir);
    expect(result.records.map((r) => r.runId)).toEqual(['r1', 'r2']);
    await expect(readTraces(join(dir, 'nope.jsonl'))).rejects.toThrow(/trace source '.*nope.jsonl' does not exist/);
  });

  it('parses text in memory with the given file name', () => {
    const result = parseTraceText(`${JSON.stringify(sample[0])}\n{}`, 'stdin');
    expect(result.records).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: 'stdin', line: 2, field: 'type' });
  });
});

describe('run grouping', () => {
  it('groups interleaved runs and reports records without a header or after the end', () => {
    const other = { ...sample[0]!, runId: 'r2' } as TraceRecord;
    const orphan = { ...sample[1]!, runId: 'r9' } as TraceRecord;
    const late = { ...sample[1]!, workerId: 'w-late' } as TraceRecord;
    const { runs, problems } = groupRuns([sample[0]!, other, sample[1]!, orphan, sample[2]!, sample[3]!, late, sample[0]!]);
    expect(runs.map((r) => r.header.runId)).toEqual(['r1', 'r2']);
    expect(runs[0]!.tasks).toHaveLength(1);
    expect(runs[0]!.workers).toHaveLength(1);
    expect(runs[0]!.end?.makespanMs).toBe(900);
    expect(runs[1]!.end).toBeUndefined();
    expect(problems.map((p) => p.index)).toEqual([3, 6, 7]);
    expect(problems[0]!.message).toMatch(/before \(or without\) its run header/);
    expect(problems[1]!.message).toMatch(/after the run's end/);
    expect(problems[2]!.message).toMatch(/second header/);
    expect(flattenRuns(runs.slice(0, 1))).toEqual(sample);
  });
});

describe('JSON Schema', () => {
  it('is committed and matches the record schema (run `npm run schema:write` if not)', async () => {
    expect(await readFile(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });
});
