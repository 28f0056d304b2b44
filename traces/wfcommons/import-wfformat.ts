import type { TraceRecord } from '../../core/trace-records.js';
import { readJsonFile, wfInstanceFromJson } from './read-wfformat.js';
import { importedHistory, type ImportedHistoryOptions } from './to-history.js';
import { toImportedWorkflow, type ConversionOptions, type ImportedWorkflow } from './to-workflow.js';
import { WarningLog, type WfWarning } from './warnings.js';

/** Options of an import: the mapping's and the history's. */
export interface WfImportOptions extends ConversionOptions, ImportedHistoryOptions {}

/** The result of importing one WfFormat instance. */
export interface WfImport {
  readonly imported: ImportedWorkflow;
  /** The recorded run (and any synthetic runs) as trace records. */
  readonly history: TraceRecord[];
  readonly warnings: WfWarning[];
  /** One printable line per warning kind. */
  readonly warningLines: string[];
}

/**
 * Imports already-parsed WfFormat JSON. `file` names the source in errors and warnings. With `consume`, a 1.4 object
 * is taken apart while converted (for callers that parsed it only for this).
 * @throws WfFormatError naming the file, the task and the field at fault
 */
export function importWfFormat(value: unknown, file: string, options: WfImportOptions = {}, consume = false): WfImport {
  const warnings = new WarningLog(file);
  const instance = wfInstanceFromJson(value, file, warnings, { consume });
  const imported = toImportedWorkflow(instance, file, warnings, options);
  const history = importedHistory(imported, options);
  return { imported, history, warnings: warnings.list(), warningLines: warnings.lines() };
}

/**
 * Reads and imports a WfFormat file (1.5, 1.4, or a later 1.x read as 1.5). The text is read once and parsed once;
 * no second copy of the task list is kept (see README, "Large instances").
 */
export async function importWfFormatFile(path: string, options: WfImportOptions = {}): Promise<WfImport> {
  return importWfFormat(await readJsonFile(path), path, options, true);
}
