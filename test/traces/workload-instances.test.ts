import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceRecord, TraceRun } from '../../core/trace-records.js';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { runCompare } from '../../experiments/compare/runner.js';
import { localWorkload } from '../../experiments/validate/local-plan.js';
import { predictionErrorsFromCompare, predictionErrorsFromTraces, realRunsOnOtherInstances } from '../../reports/prediction-error.js';
import { writeCompareReport } from '../../reports/write-report.js';
import { buildRuntimeWorkload } from '../../runtime-lambda/tasks/registry.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { writeTraceFile } from '../../traces/trace-io.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { describeInstance, runsOnOtherInstances } from '../../traces/workloads/instance.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { instanceParams } from '../../traces/workloads/workload.js';

const gemm = getWorkload('gemm');
const REAL = 'lambda:http://127.0.0.1:9001';

/** Synthetic runs of gemm with `params`, relabelled as runs of `planner` on a real platform when `real`. */
function gemmRuns(params: Record<string, number>, seed: number, prefix: string, real = false): TraceRecord[] {
  return generateHistory('gemm', { runs: 3, seed, params }).map((r) => {
    const runId = r.runId.replace(/^gemm-s\d+-/, `${prefix}-`);
    if (r.type !== 'run') return { ...r, runId };
    return real ? { ...r, runId, platform: REAL, planner: 'wukong', seed: null } : { ...r, runId };
  });
}

describe('one definition per workload name', () => {
  it('the real runtime builds gemm from the definition: its local instance (5 tasks) and in-process instance, named', () => {
    const local = localWorkload('gemm', 1);
    expect(local.params).toEqual(instanceParams(gemm, 'local'));
    expect(local.workflow.tasks.size).toBe(5);
    expect(buildRuntimeWorkload('gemm', 1).params).toEqual(instanceParams(gemm, 'inProcess'));
    expect(gemm.build(instanceParams(gemm, 'reference')).tasks.size).toBe(17);
    expect(describeInstance(gemm, local.params)).toBe('blocks=2, matrixSize=200 (local instance, 5 tasks)');
  });

  it('runs recorded on another instance are found by their header parameters, or by their tasks when they record none', () => {
    const reference = instanceParams(gemm, 'reference');
    const workflow = gemm.build(reference);
    const small = groupRuns(gemmRuns({ blocks: 2, matrixSize: 200 }, 1, 'small')).runs;
    const same = groupRuns(gemmRuns({}, 2, 'ref')).runs;
    expect(runsOnOtherInstances(gemm, reference, workflow, same)).toEqual([]);
    expect(runsOnOtherInstances(gemm, reference, workflow, small)).toEqual([
      { recordedOn: 'blocks=2, matrixSize=200 (local instance, 5 tasks)', runIds: ['small-r0', 'small-r1', 'small-r2'] },
    ]);
    const unrecorded: TraceRun[] = small.map((r) => ({ ...r, header: { ...r.header, params: {} } }));
    expect(runsOnOtherInstances(gemm, reference, workflow, unrecorded).map((o) => o.recordedOn)).toEqual(['no recorded parameters, and 5 tasks completed']);
  });

  it('bench compare refuses a history holding runs of another instance, naming the workload, the runs and both instances', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-instances-'));
    await writeTraceFile(join(dir, 'gemm-reference.jsonl'), gemmRuns({}, 3, 'ref'));
    await writeTraceFile(join(dir, 'gemm-local.jsonl'), gemmRuns({ blocks: 2, matrixSize: 200 }, 4, 'local'));
    const { matrix } = await buildCompareMatrix({ workloads: ['gemm'], planners: ['wukong'], optimizations: ['none'], runs: 1, historyPath: dir });
    await expect(runCompare(matrix)).rejects.toThrow(
      /--history '.*': 3 run\(s\) of gemm \(local-r0, local-r1, local-r2\) were recorded on blocks=2, matrixSize=200 \(local instance, 5 tasks\), not on blocks=4, matrixSize=2000 \(reference instance, 17 tasks\)/,
    );
  });

  it('report --real leaves real runs of another instance out of the prediction errors, and the report names them', async () => {
    const { matrix } = await buildCompareMatrix({ workloads: ['gemm'], planners: ['wukong'], optimizations: ['none'], runs: 1, historyRuns: 3, seed: 3 });
    const results = await runCompare(matrix);
    const realRuns = groupRuns([...gemmRuns({ blocks: 2, matrixSize: 200 }, 5, 'real-local', true), ...gemmRuns({}, 6, 'real-ref', true)]).runs;
    const other = realRunsOnOtherInstances(results, realRuns);
    expect([...other.excluded]).toEqual(['real-local-r0', 'real-local-r1', 'real-local-r2']);
    expect(predictionErrorsFromCompare(results, realRuns).map((s) => s.realRunId)).toEqual(['real-ref-r0', 'real-ref-r1', 'real-ref-r2']);
    const output = await writeCompareReport(results, await mkdtemp(join(tmpdir(), 'octoplan-instances-report-')), { source: 'results.json', realRuns });
    expect(output.notes.join('\n')).toMatch(/3 run\(s\) of gemm \(real-local-r0, real-local-r1, real-local-r2\) were recorded on blocks=2, matrixSize=200 \(local instance, 5 tasks\)/);
  });

  it('a trace report does not hold a real run against a simulated run of another instance', () => {
    const simulated = groupRuns(gemmRuns({}, 7, 'sim')).runs.map((r) => ({ ...r, header: { ...r.header, planner: 'wukong' } }));
    const real = groupRuns(gemmRuns({ blocks: 4, matrixSize: 200 }, 8, 'real', true)).runs;
    expect(predictionErrorsFromTraces([...simulated, ...real])).toEqual([]);
  });
});
