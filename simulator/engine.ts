import { EventQueue } from './event-queue.js';

/**
 * The simulation engine, SimPy's environment: virtual time and one event queue that every process on it shares
 * (the platform and any number of workflow runs). It knows nothing of what the events mean: each event names the
 * process that owns it, and the engine hands it back to that owner when its time comes. Ties break by push order
 * (`EventQueue`), so a simulation is reproducible from its seeds alone, however many runs share the engine.
 */

/**
 * A process that owns events: the engine calls `handle` with each of its events in time order, and the tag the event
 * was scheduled with (0 unless given: see `at`).
 */
export interface EventOwner<E> {
  handle(event: E, tag: number): void;
}

/** An event the engine can dispatch: it carries its owner, which handles events of its own type. */
export interface OwnedEvent {
  readonly owner: EventOwner<never>;
}

/** An event whose owner accepts it: what `at`/`after` take, so an event cannot reach an owner of another type. */
export type EventOf<E> = E & { readonly owner: EventOwner<E> };

/** Virtual clock and event queue shared by every process of one simulation. */
export class SimEngine {
  readonly #queue = new EventQueue<OwnedEvent>();
  #processed = 0;

  /** The virtual clock (ms). */
  get nowMs(): number {
    return this.#queue.nowMs;
  }

  /** Events handed to their owners so far. */
  get processed(): number {
    return this.#processed;
  }

  /** Events waiting. */
  get pending(): number {
    return this.#queue.size;
  }

  /** When the next waiting event is due, or undefined when none waits. */
  get nextEventMs(): number | undefined {
    return this.#queue.peekTimeMs();
  }

  /**
   * Schedules `event` at absolute time `atMs` (never before the clock). `tag` is handed to the owner with it: one
   * event object can be scheduled again and again (a task's completion whenever its speed changes, the host's next
   * completion) with a version as its tag, so the owner tells stale entries apart without a new object per push.
   */
  at<E>(atMs: number, event: EventOf<E>, tag = 0): void {
    this.#queue.push(atMs, event, tag);
  }

  /**
   * Takes `count` places in the order of events at equal times, for events of which at most one will be scheduled
   * (`atReserved`): the others would be superseded before their time. Returns the first place.
   */
  reserve(count: number): number {
    return this.#queue.reserveSeqs(count);
  }

  /** Schedules `event` at `atMs` in a place taken by `reserve` (`tag` as for `at`). */
  atReserved<E>(atMs: number, event: EventOf<E>, tag: number, place: number): void {
    this.#queue.pushReserved(atMs, event, tag, place);
  }

  /** Schedules `event` `delayMs` from now (`tag` as for `at`). */
  after<E>(delayMs: number, event: EventOf<E>, tag = 0): void {
    this.#queue.pushAfter(delayMs, event, tag);
  }

  /**
   * Hands events to their owners in time order until none is left or `stop()` says so (checked before each event).
   * Returns the number of events handled by this call.
   */
  run(stop?: () => boolean): number {
    const start = this.#processed;
    const queue = this.#queue;
    while (!(stop?.() ?? false)) {
      const next = queue.pop();
      if (next === undefined) break;
      this.#processed++;
      (next.owner as EventOwner<OwnedEvent>).handle(next, queue.lastTag);
    }
    return this.#processed - start;
  }
}
