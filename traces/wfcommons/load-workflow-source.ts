import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { Workflow } from '../../core/workflow.js';
import { readTraces } from '../trace-io.js';
import { importWfFormat, type WfImportOptions } from './import-wfformat.js';
import { readJsonFile } from './read-wfformat.js';
import { importedHistory } from './to-history.js';
import type { ImportedWorkflow } from './to-workflow.js';
import { writeFileAtomic } from '../atomic-write.js';
import { importedWorkflowFromJson, importedWorkflowToText, isImportedWorkflowJson } from './workflow-file.js';
import { writeTraceFile } from '../trace-io.js';

/** File names inside an import directory. */
export const WORKFLOW_FILE = 'workflow.json';
export const HISTORY_FILE = 'history.jsonl';

/** A workflow from outside the built-in workloads, with the history to predict it from. */
export interface WorkflowSource {
  readonly workflow: Workflow;
  readonly history: TraceRecord[];
  /** Import warnings, one line per kind (repeated from `workflow.json` when loading an import directory). */
  readonly warnings: string[];
  readonly imported: ImportedWorkflow;
  /** `wfformat` when a WfFormat file was imported now, `imported` when an earlier import was loaded. */
  readonly origin: 'wfformat' | 'imported';
  /** The `history.jsonl` the history was read from; absent when it was generated now from the import's figures. */
  readonly historyFile?: string;
}

/**
 * Loads what `--workflow PATH` names: an import directory (`workflow.json` + `history.jsonl`, as written by
 * `bench import wfcommons`), an imported `workflow.json` itself, or a WfFormat file, imported now with `options`.
 * An imported workflow without its `history.jsonl` gets the history regenerated from `workflow.json` with `options`,
 * since the file holds every figure the history is made from.
 * @throws WfFormatError / ConfigError / TraceReadFailure with a message naming the file at fault
 */
export async function loadWorkflowSource(path: string, options: WfImportOptions = {}): Promise<WorkflowSource> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new ConfigError(`workflow source '${path}' does not exist`);
  }
  const workflowFile = isDirectory ? join(path, WORKFLOW_FILE) : path;
  if (isDirectory && !(await exists(workflowFile))) {
    throw new ConfigError(`'${path}' is a directory without ${WORKFLOW_FILE}; create one with 'bench import wfcommons FILE --out ${path}'`);
  }
  const value = await readJsonFile(workflowFile);
  if (!isImportedWorkflowJson(value)) {
    if (isDirectory) throw new ConfigError(`${workflowFile}: not an imported workflow (no "format": "octoplan-imported-workflow")`);
    const result = importWfFormat(value, path, options, true);
    return { workflow: result.imported.workflow, history: result.history, warnings: result.warningLines, imported: result.imported, origin: 'wfformat' };
  }
  const { imported, warningLines } = importedWorkflowFromJson(value, workflowFile);
  const historyFile = join(dirname(workflowFile), HISTORY_FILE);
  if (await exists(historyFile)) {
    const history = (await readTraces(historyFile, { strict: true })).records;
    return { workflow: imported.workflow, history, warnings: warningLines, imported, origin: 'imported', historyFile };
  }
  return { workflow: imported.workflow, history: importedHistory(imported, options), warnings: warningLines, imported, origin: 'imported' };
}

/** Writes an import directory: `workflow.json` and `history.jsonl`. Returns the two paths. */
export async function writeImportDirectory(
  dir: string,
  imported: ImportedWorkflow,
  history: readonly TraceRecord[],
  sourceFile: string,
  warningLines: readonly string[],
): Promise<{ workflowFile: string; historyFile: string }> {
  const workflowFile = join(dir, WORKFLOW_FILE);
  const historyFile = join(dir, HISTORY_FILE);
  await writeFileAtomic(workflowFile, importedWorkflowToText(imported, basename(sourceFile), warningLines));
  await writeTraceFile(historyFile, history);
  return { workflowFile, historyFile };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
