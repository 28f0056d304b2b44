import type { CounterRef } from '../core/scheduler/index.js';

/**
 * A run's shared atomic counters (the metadata store's), kept per kind so that no key string is built per operation:
 * `counterKey` makes a new string for every increment, which the map must then hash (and flatten) before looking it
 * up, one of the larger costs per event of a large run. Dependency counters are keyed by task id and worker-start
 * claims by worker id, strings the workflow and plan already hold; the two workflow-wide counters are numbers.
 */
export class RunCounters {
  readonly #dependencies = new Map<string, number>();
  readonly #workerStarts = new Map<string, number>();
  #sinksDone = 0;
  #cleanupReady = 0;

  /** The counter's value (0 before its first increment). */
  get(counter: CounterRef): number {
    switch (counter.kind) {
      case 'dependencies':
        return this.#dependencies.get(counter.taskId) ?? 0;
      case 'worker-start':
        return this.#workerStarts.get(counter.workerId) ?? 0;
      case 'sinks-done':
        return this.#sinksDone;
      case 'cleanup-ready':
        return this.#cleanupReady;
    }
  }

  /** Adds one and returns the new value. */
  increment(counter: CounterRef): number {
    switch (counter.kind) {
      case 'dependencies': {
        const value = (this.#dependencies.get(counter.taskId) ?? 0) + 1;
        this.#dependencies.set(counter.taskId, value);
        return value;
      }
      case 'worker-start': {
        const value = (this.#workerStarts.get(counter.workerId) ?? 0) + 1;
        this.#workerStarts.set(counter.workerId, value);
        return value;
      }
      case 'sinks-done':
        return ++this.#sinksDone;
      case 'cleanup-ready':
        return ++this.#cleanupReady;
    }
  }

  /** Deletes every counter (`delete-counters`). */
  clear(): void {
    this.#dependencies.clear();
    this.#workerStarts.clear();
    this.#sinksDone = 0;
    this.#cleanupReady = 0;
  }
}
