import { ConfigError } from '../../core/errors.js';
import { isUserFacing } from '../cli/errors.js';
import { ToolkitMismatchError, type CellResult } from './cell.js';

/**
 * A cell's outcome as it crosses a thread or machine boundary. Errors travel as data because a structured clone or
 * JSON keeps neither an error's class nor its fields: the receiving side rebuilds one (`cellOutcomeValue`) so that a
 * user error still prints as one line and a bug still shows where it happened.
 */
export type CellOutcome =
  | { readonly ok: true; readonly result: CellResult }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly stack?: string; readonly userFacing: boolean } };

/** Runs `run` and captures its result or its error as a `CellOutcome`. */
export async function captureOutcome(run: () => Promise<CellResult>): Promise<CellOutcome> {
  try {
    return { ok: true, result: await run() };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      ok: false,
      error: {
        name: e.name,
        message: e.message,
        ...(e.stack ? { stack: e.stack } : {}),
        userFacing: error instanceof ToolkitMismatchError || isUserFacing(e),
      },
    };
  }
}

/** The result of an outcome, or its error rebuilt: a `ConfigError` (one line) for a user error, else an `Error` with the remote stack. */
export function cellOutcomeValue(outcome: CellOutcome, cellName: string): CellResult {
  if (outcome.ok) return outcome.result;
  const { error } = outcome;
  if (error.userFacing) throw new ConfigError(error.message);
  const rebuilt = new Error(`cell ${cellName}: ${error.name}: ${error.message}`);
  if (error.stack) rebuilt.stack = `${rebuilt.message}\n  (in the worker) ${error.stack}`;
  throw rebuilt;
}
