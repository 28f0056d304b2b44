/**
 * Errors raised by octoplan's core. Each carries enough context (workflow, task, file, field) to be acted on
 * without a stack trace; the CLI prints `message` only.
 */

/** A workflow definition that cannot be a DAG of tasks (cycle, duplicate id, unknown dependency, empty). */
export class WorkflowValidationError extends Error {
  override readonly name = 'WorkflowValidationError';
  constructor(
    readonly workflow: string,
    readonly problem: 'empty' | 'duplicate-id' | 'unknown-dependency' | 'cycle' | 'invalid-field',
    message: string,
    /** Tasks involved, in a meaningful order (for a cycle: the tasks along it). */
    readonly taskIds: readonly string[] = [],
  ) {
    super(`workflow '${workflow}': ${message}`);
  }
}

/** A plan that does not fit its workflow (missing task, worker with two resource configs, ...). */
export class PlanValidationError extends Error {
  override readonly name = 'PlanValidationError';
  constructor(message: string, readonly taskId?: string) {
    super(message);
  }
}

/** Invalid user-facing configuration value (resources, SLA, option). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A prediction was asked for a quantity that has no recorded sample at all. */
export class NoSamplesError extends Error {
  override readonly name = 'NoSamplesError';
  constructor(readonly quantity: string, readonly subject: string) {
    super(`no samples for ${quantity} of ${subject}`);
  }
}
