import { ConfigError } from '../../core/errors.js';

/** What kind of problem made an instance unusable; one code per distinct check, so tests can tell them apart. */
export type WfFormatProblem =
  | 'unreadable-file'
  | 'invalid-json'
  | 'wrong-type'
  | 'missing-field'
  | 'unsupported-version'
  | 'duplicate-task-id'
  | 'unknown-task-id'
  | 'duplicate-execution-entry'
  | 'unknown-execution-task'
  | 'unknown-file'
  | 'file-produced-twice'
  | 'negative-value'
  | 'out-of-range'
  | 'cycle';

/**
 * An instance the importer cannot use. The message names the file, the task (when one is at fault) and the JSON
 * field, e.g. `run.json: task 'proc_2': field 'workflow.execution.tasks[3].runtimeInSeconds': expected a number >= 0,
 * got "fast"`. It extends `ConfigError` so the CLI prints the message alone, never a stack trace.
 */
export class WfFormatError extends ConfigError {
  constructor(
    readonly file: string,
    readonly problem: WfFormatProblem,
    /** Dotted/indexed JSON path of the field at fault; empty when the whole file is at fault. */
    readonly field: string,
    detail: string,
    /** The task at fault, when there is one. */
    readonly taskId?: string,
  ) {
    super(`${file}: ${taskId === undefined ? '' : `task '${taskId}': `}${field === '' ? '' : `field '${field}': `}${detail}`);
  }
}
