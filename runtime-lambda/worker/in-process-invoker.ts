import { createHandler, type HandlerOptions } from './handler.js';
import type { WorkerInvocation } from './invocation.js';
import type { Invoker } from './invoker.js';
import type { WorkerObservation, WorkerOutcome } from './run-worker.js';

/**
 * Runs each invocation through the real handler in this process, asynchronously like Lambda's `Event` type: `invoke`
 * returns at once and the worker runs on a later turn of the event loop, with a fresh handler (fresh state) per
 * invocation. The workers it starts are started through it too. For tests and measurements: everything is real
 * (Redis, task code, the core) but the process boundary.
 */
export class InProcessInvoker implements Invoker {
  readonly platform = 'in-process';
  private readonly running = new Set<Promise<void>>();
  /** Errors the workers threw (a worker's failure is also in the run's error list in Redis). */
  readonly failures: Error[] = [];
  readonly outcomes: WorkerOutcome[] = [];

  constructor(private readonly options: { redisUrl?: string; observe?: (o: WorkerObservation) => void } = {}) {}

  invoke(invocation: WorkerInvocation): Promise<void> {
    const handlerOptions: HandlerOptions = {
      invoker: this,
      ...(this.options.redisUrl ? { redisUrl: this.options.redisUrl } : {}),
      ...(this.options.observe ? { observe: this.options.observe } : {}),
    };
    const handler = createHandler(handlerOptions);
    // A JSON round trip, as the payload would make through Lambda: nothing but data crosses.
    const payload = JSON.parse(JSON.stringify(invocation)) as unknown;
    const run: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => handler(payload, undefined as never, () => {}) as Promise<WorkerOutcome>)
      .then(
        (outcome) => void this.outcomes.push(outcome),
        (e: Error) => void this.failures.push(e),
      );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return Promise.resolve();
  }

  /** Resolves when every worker started so far (and every worker they started) has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
