import { ConfigError, NoSamplesError, PlanValidationError, WorkflowValidationError } from '../../core/errors.js';

/** A user error the CLI reports as one message, without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Errors whose message is complete for a user; anything else is a bug and keeps its stack. */
export function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof NoSamplesError ||
    error instanceof PlanValidationError ||
    error instanceof WorkflowValidationError ||
    // By name: traces/trace-io.js (and its schema) is not loaded before a command needs it.
    (error instanceof Error && error.name === 'TraceReadFailure')
  );
}
