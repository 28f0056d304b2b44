/**
 * The parts of WfFormat (the WfCommons workflow-instance JSON) the importer reads, after validation. Raw JSON is
 * checked field by field in `read-wfformat.ts`; these types describe what the checks guarantee. Keys the importer
 * does not need (command, energy, timestamps, author, ...) are not listed: WfFormat allows extra keys everywhere and
 * real instances carry many, so they are ignored rather than rejected.
 *
 * Units are WfFormat's own (seconds, bytes, percent, MHz); conversion to ms happens in `to-workflow.ts`.
 */

/** One task of `workflow.specification.tasks` (schema 1.5). */
export interface WfSpecTask {
  /** Unique key used by parents, children and execution entries. */
  readonly id: string;
  /** Free-form label, usually the program or category (`mProject`, or `mProject_ID0000001` in Pegasus instances). */
  readonly name: string;
  /** Optional category key some WfCommons writers add (not in the schema). */
  readonly category?: string;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly inputFiles: readonly string[];
  readonly outputFiles: readonly string[];
  /** Position in the specification's task list, for error messages. */
  readonly index: number;
}

/** One entry of `workflow.execution.tasks`: the measurements of one task. */
export interface WfExecTask {
  readonly id: string;
  /** Measured wall-clock time on the recording machine. */
  readonly runtimeInSeconds: number;
  /** Cores the task was given (may be fractional); absent in many instances. */
  readonly coreCount?: number;
  /** Average CPU utilisation in percent; 100 = one core busy, may exceed 100 for multi-core tasks. */
  readonly avgCPU?: number;
  /** Node names the task ran on (1.5 allows several; 1.4 had one). */
  readonly machines: readonly string[];
  readonly index: number;
}

/** One entry of `workflow.execution.machines`. */
export interface WfMachine {
  readonly nodeName: string;
  /** Per-core speed; often missing. */
  readonly speedInMHz?: number;
  readonly coreCount?: number;
}

/** The measured part of an instance (optional in the schema). */
export interface WfExecution {
  readonly makespanInSeconds: number;
  /**
   * The measurements of each specification task, by its position in `WfInstance.tasks` (undefined: not measured).
   * Positions rather than a Map of ids: a 10,000-task import looks every task up by position anyway, and a Map this
   * size costs more to fill than the whole lookup saves.
   */
  readonly tasksByIndex: readonly (WfExecTask | undefined)[];
  readonly machines: ReadonlyMap<string, WfMachine>;
}

/** A validated WfFormat instance in the 1.5 layout (1.4 files are converted to it first). */
export interface WfInstance {
  readonly name: string;
  /** The version the file declared (`1.4`, `1.5`, `1.6`). */
  readonly declaredVersion: string;
  readonly tasks: readonly WfSpecTask[];
  /** Task id → its position in `tasks` (every id is in it once: duplicates are refused). */
  readonly taskIndex: ReadonlyMap<string, number>;
  /** File id → size in bytes. */
  readonly files: ReadonlyMap<string, number>;
  /** Undefined when the file has no `workflow.execution` section. */
  readonly execution: WfExecution | undefined;
}
