import { resolve } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { Seed } from '../../core/random.js';
import type { TraceRun } from '../../core/trace-records.js';
import { groupRuns } from '../../traces/trace-runs.js';
import { loadWorkflowSource, type WorkflowSource } from '../../traces/wfcommons/load-workflow-source.js';
import { importedHistory } from '../../traces/wfcommons/to-history.js';
import type { CompareMatrix, ImportedWorkloadSource, WorkloadSpec } from './matrix.js';
import { historySeed } from './seeds.js';

/**
 * Imported workflows (`bench compare --workflow`) as matrix workloads. A matrix names them by path only (it is plain
 * data); the loaded workflows travel beside it as `WorkflowSources`, so that a 10,000-task instance is imported once
 * per comparison rather than once to name it and again to run it.
 */

/** Loaded imported workflows, by the path their `WorkloadSpec.workflow.path` holds. */
export type WorkflowSources = ReadonlyMap<string, WorkflowSource>;

/** How `--history-runs` / `--noise` extend an imported history; absent fields leave it as imported. */
export interface ImportedHistoryChoice {
  readonly historyRuns?: number;
  readonly noiseCv?: number;
}

/**
 * Loads every `--workflow` path (a WfFormat file, an import directory or its `workflow.json`) and makes one workload
 * spec per workflow, named by the workflow's own name. The same path given twice counts once; two paths holding
 * workflows of the same name are an error, because the name keys the history and the results.
 * @throws WfFormatError / ConfigError naming the file (and task and field) at fault
 */
export async function loadCompareWorkflows(
  paths: readonly string[],
  choice: ImportedHistoryChoice = {},
): Promise<{ specs: WorkloadSpec[]; sources: Map<string, WorkflowSource>; warnings: string[] }> {
  const specs: WorkloadSpec[] = [];
  const sources = new Map<string, WorkflowSource>();
  const warnings: string[] = [];
  const resolved = new Set<string>();
  for (const path of paths) {
    if (resolved.has(resolve(path))) continue;
    resolved.add(resolve(path));
    const source = await loadWorkflowSource(path);
    warnings.push(...source.warnings);
    const name = source.workflow.name;
    const clash = specs.find((s) => s.name === name);
    if (clash) {
      throw new ConfigError(
        `--workflow: '${path}' and '${clash.workflow!.path}' both hold a workflow named '${name}'; a comparison tells workflows apart by name, so rename one (its "name" field)`,
      );
    }
    const workflow: ImportedWorkloadSource = {
      path,
      ...(choice.historyRuns !== undefined ? { historyRuns: choice.historyRuns } : {}),
      ...(choice.noiseCv !== undefined ? { noiseCv: choice.noiseCv } : {}),
    };
    specs.push({ name, params: {}, workflow });
    sources.set(path, source);
  }
  return { specs, sources, warnings };
}

/**
 * The loaded workflows of a matrix: `given` where it has them (what `buildCompareMatrix` loaded), else loaded now. A
 * file whose workflow no longer has the name the matrix gives it (it changed since) is an error.
 */
export async function matrixWorkflowSources(
  matrix: CompareMatrix,
  given: WorkflowSources | undefined,
  onWarning?: (message: string) => void,
): Promise<Map<string, WorkflowSource>> {
  const sources = new Map<string, WorkflowSource>();
  for (const spec of matrix.workloads) {
    if (!spec.workflow) continue;
    const { path } = spec.workflow;
    let source = given?.get(path);
    if (!source) {
      source = await loadWorkflowSource(path);
      for (const line of source.warnings) onWarning?.(line);
    }
    if (source.workflow.name !== spec.name) {
      throw new ConfigError(`--workflow '${path}' holds workflow '${source.workflow.name}', but the matrix expects '${spec.name}'`);
    }
    sources.set(path, source);
  }
  return sources;
}

/**
 * The runs an imported workload's predictions are made from. As imported when nothing extends it and an import
 * directory's `history.jsonl` holds it (read, so no seed); otherwise regenerated through the importer from the
 * workflow's figures with `historyRuns` runs (default 1: the recorded run) and the workload's history seed, split
 * from the matrix seed by name like a built-in workload's, so a comparison is reproducible from its seed alone.
 */
export function importedWorkloadHistory(spec: WorkloadSpec, source: WorkflowSource, matrixSeed: Seed): { runs: TraceRun[]; seed?: number } {
  const choice = spec.workflow;
  if (!choice) throw new Error(`workload '${spec.name}' is not an imported workflow`);
  let records = source.history;
  let seed: number | undefined;
  if (choice.historyRuns !== undefined || choice.noiseCv !== undefined || source.historyFile === undefined) {
    seed = historySeed(matrixSeed, spec.name);
    records = importedHistory(source.imported, {
      seed,
      runs: choice.historyRuns ?? 1,
      ...(choice.noiseCv !== undefined ? { noiseCv: choice.noiseCv } : {}),
    });
  }
  const runs = groupRuns(records).runs.filter((r) => r.header.workflow === spec.name);
  if (runs.length === 0) {
    throw new ConfigError(`${source.historyFile ?? choice.path}: the history holds no run of workflow '${spec.name}'`);
  }
  return { runs, ...(seed !== undefined ? { seed } : {}) };
}
