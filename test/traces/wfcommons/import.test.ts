import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../core/workflow.js';
import { parseTraceText, serializeTraceRecords } from '../../../traces/trace-io.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { importWfFormat, importWfFormatFile } from '../../../traces/wfcommons/import-wfformat.js';
import { loadWorkflowSource, writeImportDirectory } from '../../../traces/wfcommons/load-workflow-source.js';
import { criticalPath, functionNameOf } from '../../../traces/wfcommons/to-workflow.js';
import { DIAMOND_14, DIAMOND_15, DIAMOND_EDGES } from './helpers.js';

function edges(workflow: Workflow): string[] {
  return workflow.graph.mapEdges((_e, _a, source, target) => `${source}->${target}`).sort();
}

describe('WfFormat 1.5 fixture (wfformat.md §3)', async () => {
  const { imported, history, warnings } = await importWfFormatFile(DIAMOND_15);
  const { workflow } = imported;

  it('imports to 7 tasks and the 8 edges of §3, with its sources, sinks and levels', () => {
    expect(workflow.name).toBe('tiny-diamond-fixture');
    expect(workflow.tasks.size).toBe(7);
    expect(imported.edgeCount).toBe(8);
    expect(edges(workflow)).toEqual(DIAMOND_EDGES);
    expect(workflow.roots).toEqual(['split_ID0000001']);
    expect(workflow.sinks).toEqual(['final_ID0000007']);
    expect(workflow.generations.map((g) => [...g].sort())).toEqual([
      ['split_ID0000001'],
      ['proc_ID0000002', 'proc_ID0000003', 'proc_ID0000004'],
      ['check_ID0000006', 'merge_ID0000005'],
      ['final_ID0000007'],
    ]);
  });

  it('has the 63 s critical path split → proc2 → merge → final, not the recorded 70.5 s makespan', () => {
    const path = criticalPath(workflow, (id) => imported.tasks.get(id)!.execMs);
    expect(path.lengthMs).toBe(63_000);
    expect(path.path).toEqual(['split_ID0000001', 'proc_ID0000002', 'merge_ID0000005', 'final_ID0000007']);
    expect(imported.recordedMakespanMs).toBe(70_500);
    const sum = [...imported.tasks.values()].reduce((s, t) => s + t.execMs, 0);
    expect(sum).toBe(113_000);
  });

  it('maps names, file sizes and cores/avgCPU as the README says', () => {
    const t = (id: string) => imported.tasks.get(id)!;
    expect([...new Set([...imported.tasks.values()].map((x) => x.functionName))]).toEqual(['split', 'proc', 'merge', 'check', 'final']);
    // split reads the workflow input (5,000 B) and writes a.part + b.part.
    expect(t('split_ID0000001')).toMatchObject({ staticInputBytes: 5000, outputBytes: 3000, inputFileBytes: 5000 });
    // proc4 reads only b.part (2,000 B) but, with one output per task, downloads all of split's output.
    expect(t('proc_ID0000004')).toMatchObject({ staticInputBytes: 0, outputBytes: 0, inputFileBytes: 2000 });
    expect(t('final_ID0000007')).toMatchObject({ outputBytes: 3000, inputFileBytes: 1300 });
    expect(imported.totalFileBytes).toBe(13_500);
    expect(imported.fileCount).toBe(9);
    // 2 cores at avgCPU 180 %: 1.8 vCPUs busy, 54 s of CPU at one vCPU, 30 s at the reference.
    expect(t('proc_ID0000002')).toMatchObject({ parallelism: 1.8, cpuMsAt1Vcpu: 54_000, execMs: 30_000, recordedRuntimeMs: 30_000 });
    expect(t('proc_ID0000004')).toMatchObject({ parallelism: 0.5, execMs: 25_000 });
    expect(t('merge_ID0000005').parallelism).toBe(1); // no avgCPU: all of its one core
    expect(t('check_ID0000006').parallelism).toBe(1); // no coreCount: one core
    expect(imported.referenceResources).toEqual({ memoryMb: 3185, vCpus: 1.8 });
  });

  it('warns once about its zero-byte file and nothing else', () => {
    expect(warnings.map((w) => [w.code, w.count])).toEqual([['zero-byte-file', 1]]);
  });

  it('yields a valid one-run history whose execution times are the recorded runtimes', () => {
    const text = serializeTraceRecords(history);
    const { records, errors } = parseTraceText(text);
    expect(errors).toEqual([]);
    const { runs, problems } = groupRuns(records);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.end?.status).toBe('completed');
    expect(run.tasks).toHaveLength(7);
    for (const task of run.tasks) {
      expect(task.execMs).toBe(imported.tasks.get(task.taskId)!.execMs);
      expect(task.resources).toEqual(imported.referenceResources);
      expect(task.outputBytes).toBe(imported.tasks.get(task.taskId)!.outputBytes);
    }
    // Inputs in the model: static input plus the whole outputs of the upstream tasks.
    expect(run.tasks.find((t) => t.taskId === 'merge_ID0000005')!.inputBytes).toBe(500 + 700);
    expect(run.tasks.find((t) => t.taskId === 'proc_ID0000004')!.inputBytes).toBe(3000);
  });
});

describe('history options', () => {
  it('runs/noise/seed add seeded synthetic runs; same seed same bytes, other seed other bytes', async () => {
    const a = await importWfFormatFile(DIAMOND_15, { runs: 4, noiseCv: 0.2, seed: 7 });
    const b = await importWfFormatFile(DIAMOND_15, { runs: 4, noiseCv: 0.2, seed: 7 });
    const c = await importWfFormatFile(DIAMOND_15, { runs: 4, noiseCv: 0.2, seed: 8 });
    expect(serializeTraceRecords(a.history)).toBe(serializeTraceRecords(b.history));
    expect(serializeTraceRecords(a.history)).not.toBe(serializeTraceRecords(c.history));
    const runs = groupRuns(a.history).runs;
    expect(runs.map((r) => r.header.params?.resources)).toEqual(['3185MB/1.8vCPU', '1024MB/0.579vCPU', '2048MB/1.158vCPU', '4096MB/2.315vCPU']);
    // Synthetic runs follow the per-vCPU model: proc2 (1.8 vCPUs busy) slows down on 0.579 vCPU, roughly 54 s / 0.579.
    const proc2 = runs[1]!.tasks.find((t) => t.taskId === 'proc_ID0000002')!;
    expect(proc2.execMs / (54_000 / 0.579)).toBeGreaterThan(0.4);
    expect(proc2.execMs / (54_000 / 0.579)).toBeLessThan(2.5);
  });

  it('noise CV 0 gives the model medians exactly', async () => {
    const { history, imported } = await importWfFormatFile(DIAMOND_15, { runs: 2, noiseCv: 0, resources: [{ memoryMb: 1769, vCpus: 1 }] });
    const run = groupRuns(history).runs[1]!;
    for (const task of run.tasks) {
      const t = imported.tasks.get(task.taskId)!;
      expect(task.execMs).toBeCloseTo(t.cpuMsAt1Vcpu / Math.min(1, t.parallelism), 2);
    }
  });

  it('rejects a bad runs or noise value', async () => {
    await expect(importWfFormatFile(DIAMOND_15, { runs: 0 })).rejects.toThrow(/runs must be a positive integer/);
    await expect(importWfFormatFile(DIAMOND_15, { noiseCv: -1 })).rejects.toThrow(/noise CV/);
  });
});

describe('WfFormat 1.4', () => {
  it('the same instance written as 1.4 imports to the same workflow and figures', async () => {
    const v15 = await importWfFormatFile(DIAMOND_15);
    const v14 = await importWfFormatFile(DIAMOND_14);
    expect(v14.imported.declaredVersion).toBe('1.4');
    expect(edges(v14.imported.workflow)).toEqual(DIAMOND_EDGES);
    expect(v14.imported.workflow.topologicalOrder).toEqual(v15.imported.workflow.topologicalOrder);
    expect([...v14.imported.tasks.values()]).toEqual([...v15.imported.tasks.values()]);
    expect(v14.imported.referenceResources).toEqual(v15.imported.referenceResources);
    expect(v14.imported.recordedMakespanMs).toBe(70_500);
    expect(v14.warnings.map((w) => w.code)).toEqual(['zero-byte-file']);
  });

  it('follows the migration rules for ids, missing children and file-derived parents', () => {
    const value = {
      name: 'rules',
      schemaVersion: '1.4',
      workflow: {
        makespanInSeconds: 3,
        tasks: [
          { name: 'a', id: '7', type: 'compute', parents: [], files: [{ name: 'x', path: 'd/', sizeInBytes: 10, link: 'output' }], runtimeInSeconds: 1 },
          // No parents listed: inferred from the producer of its input, as the migration script does.
          { name: 'b', type: 'compute', parents: [], files: [{ name: 'x', path: 'd/', sizeInBytes: 10, link: 'input' }], runtimeInSeconds: 2 },
        ],
      },
    };
    const { imported, warnings } = importWfFormat(value, 'rules.json');
    expect([...imported.tasks.keys()]).toEqual(['a_7', 'b_1']);
    expect(imported.tasks.get('b_1')!.upstream).toEqual(['a_7']);
    expect(imported.tasks.get('a_7')!.outputBytes).toBe(10);
    expect(warnings).toEqual([]);
  });
});

describe('function names', () => {
  it('uses the category, else the name without a Pegasus _ID suffix', () => {
    expect(functionNameOf('mProject_ID0000001')).toBe('mProject');
    expect(functionNameOf('NFCORE.SRA_IDS_TO_RUNINFO')).toBe('NFCORE.SRA_IDS_TO_RUNINFO');
    expect(functionNameOf('anything', 'blastall')).toBe('blastall');
    expect(functionNameOf('_ID1')).toBe('_ID1');
  });
});

describe('import directory and loadWorkflowSource', () => {
  it('writes workflow.json + history.jsonl that load back to the same workflow and history', async () => {
    const result = await importWfFormatFile(DIAMOND_15, { runs: 3, seed: 5 });
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-wfc-'));
    await writeImportDirectory(dir, result.imported, result.history, DIAMOND_15, result.warningLines);
    const loaded = await loadWorkflowSource(dir);
    expect(loaded.origin).toBe('imported');
    expect(edges(loaded.workflow)).toEqual(DIAMOND_EDGES);
    expect([...loaded.imported.tasks.values()]).toEqual([...result.imported.tasks.values()]);
    expect(serializeTraceRecords(loaded.history)).toBe(serializeTraceRecords(result.history));
    expect(loaded.warnings).toEqual(result.warningLines);
    // The workflow file alone works too.
    const viaFile = await loadWorkflowSource(join(dir, 'workflow.json'));
    expect(viaFile.workflow.tasks.size).toBe(7);
    expect(JSON.parse(await readFile(join(dir, 'workflow.json'), 'utf8')).tasks).toHaveLength(7);
  });

  it('loads a WfFormat file directly, importing it now', async () => {
    const loaded = await loadWorkflowSource(DIAMOND_14, { runs: 2 });
    expect(loaded.origin).toBe('wfformat');
    expect(groupRuns(loaded.history).runs).toHaveLength(2);
  });

  it('names what is wrong with a missing source or a directory that is no import', async () => {
    await expect(loadWorkflowSource('/nonexistent/x.json')).rejects.toThrow(/workflow source '\/nonexistent\/x.json' does not exist/);
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-wfc-'));
    await expect(loadWorkflowSource(dir)).rejects.toThrow(/without workflow.json; create one with 'bench import wfcommons/);
  });
});
