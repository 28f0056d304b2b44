import { ConfigError } from '../../core/errors.js';
import type { TraceRun } from '../../core/trace-records.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { formatTraceLineError, readTraces } from '../../traces/trace-io.js';
import { groupRuns } from '../../traces/trace-runs.js';
import type { CompareMatrix } from './matrix.js';
import { historySeed } from './seeds.js';
import { importedWorkloadHistory, type WorkflowSources } from './workflows.js';

/** The runs a workload's predictions are made from, and the seed that generated them (absent when read from disk). */
export interface WorkloadHistory {
  readonly runs: readonly TraceRun[];
  readonly seed?: number;
}

/**
 * The history of every workload of the matrix. An imported workflow's is its imported one (`importedWorkloadHistory`,
 * from `sources`, which must hold every imported workload). A built-in workload's is generated (one seed per
 * workload, split from the matrix seed) or read once from a trace file or directory and split by workflow name.
 * Unreadable lines are returned as warnings, as `bench traces validate` prints them; a workload without any run in
 * the directory is an error.
 */
export async function loadHistories(
  matrix: CompareMatrix,
  sources: WorkflowSources = new Map(),
): Promise<{ histories: Map<string, WorkloadHistory>; warnings: string[] }> {
  const histories = new Map<string, WorkloadHistory>();
  const warnings: string[] = [];
  const builtIn = matrix.workloads.filter((w) => !w.workflow);
  for (const workload of matrix.workloads) {
    if (!workload.workflow) continue;
    const source = sources.get(workload.workflow.path);
    if (!source) throw new Error(`imported workload '${workload.name}' (${workload.workflow.path}) was not loaded`);
    histories.set(workload.name, importedWorkloadHistory(workload, source, matrix.seed));
  }
  if (builtIn.length === 0) return { histories, warnings };
  if (matrix.history.kind === 'generated') {
    for (const workload of builtIn) {
      const seed = historySeed(matrix.seed, workload.name);
      const records = generateHistory(workload.name, { runs: matrix.history.runs, seed, params: workload.params });
      histories.set(workload.name, { runs: groupRuns(records).runs, seed });
    }
    return { histories, warnings };
  }

  const path = matrix.history.path;
  let read;
  try {
    read = await readTraces(path);
  } catch (e) {
    throw new ConfigError(`--history: ${(e as Error).message}`);
  }
  warnings.push(...read.errors.map(formatTraceLineError));
  const grouped = groupRuns(read.records);
  warnings.push(...grouped.problems.map((p) => `${path}: ${p.message}`));
  for (const workload of builtIn) {
    const runs = grouped.runs.filter((r) => r.header.workflow === workload.name);
    if (runs.length === 0) {
      const present = [...new Set(grouped.runs.map((r) => r.header.workflow))].join(', ') || 'none';
      throw new ConfigError(`--history '${path}' holds no run of workload '${workload.name}' (workflows there: ${present})`);
    }
    histories.set(workload.name, { runs });
  }
  return { histories, warnings };
}
