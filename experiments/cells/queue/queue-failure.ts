/** A failed cell as the worker records it in the job's failure reason: JSON, so the client can show one clean line. */
export interface CellFailure {
  readonly name: string;
  readonly message: string;
  readonly userFacing: boolean;
  /** The worker that failed it (`host:pid`). */
  readonly worker: string;
}

/** The failure reason a worker gives a job. */
export function failureReason(failure: CellFailure): string {
  return JSON.stringify(failure);
}

/**
 * The line to show for a job's failure reason: the message and the worker for a cell failure as `failureReason` wrote
 * it (a bug's error name too), else the reason as BullMQ gave it (a job stalled too often, say).
 */
export function failureMessage(reason: string): string {
  try {
    const failure = JSON.parse(reason) as CellFailure;
    if (typeof failure.message === 'string') {
      return `${failure.userFacing ? '' : `${failure.name}: `}${failure.message} (worker ${failure.worker})`;
    }
  } catch {
    // Not ours: shown as it is.
  }
  return reason;
}
