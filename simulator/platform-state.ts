import TinyQueue from 'tinyqueue';
import type { EventOwner, SimEngine } from './engine.js';
import { isWarm, type PlatformModel } from './platform-model.js';

/**
 * The simulated platform: what every run on one engine shares. Today that is the account's concurrency slots (and
 * the invocations waiting for one, first come first served, as Lambda's async queue retries throttled events), the
 * idle execution environments that serve warm starts (an environment left by one run serves another run of the same
 * deployed function, here one function per memory size and vCPUs), and the shared host CPU of a local profile
 * (`cpu.hostCores`). Runs ask it for slots and environments; it never decides what a worker does.
 */

/** An invocation that waits for a concurrency slot, with the run that will carry it out. */
export interface WaitingInvocation<I> {
  readonly owner: { admit(invocation: I): void };
  readonly invocation: I;
}

/** Work on the shared host: done when the host has given it `aloneMs` of progress. */
export interface HostWork<J> {
  /** The process told when the work is done. */
  readonly owner: { hostWorkDone(job: J): void };
  readonly job: J;
}

/** The platform's own event: the first job on the shared host is done, if the host's schedule is still `version`. */
export interface HostDoneEvent {
  readonly owner: EventOwner<HostDoneEvent>;
  readonly kind: 'host-done';
  readonly version: number;
}

interface QueuedHostWork extends HostWork<unknown> {
  readonly doneAtVirtualMs: number;
  readonly seq: number;
}

/** An idle execution environment that can serve a warm start. */
interface IdleEnvironment {
  readonly resources: string;
  readonly idleSinceMs: number;
}

/** Shared platform state of one simulation (see the module's doc). */
export class PlatformState implements EventOwner<HostDoneEvent> {
  readonly model: PlatformModel;
  readonly #engine: SimEngine;
  #live = 0;
  readonly #waiting: WaitingInvocation<unknown>[] = [];
  readonly #idle: IdleEnvironment[] = [];
  /** Cores of the shared host; undefined when every instance has its own CPU (Lambda). */
  readonly hostCores: number | undefined;
  // Processor sharing by virtual time: every job under way progresses at the same rate min(1, cores / n), so the
  // host's virtual clock (ms of progress each job has had) is enough, and only the job that finishes first needs an
  // event, rescheduled whenever n changes.
  readonly #hostJobs = new TinyQueue<QueuedHostWork>([], (a, b) => a.doneAtVirtualMs - b.doneAtVirtualMs || a.seq - b.seq);
  #hostSeq = 0;
  #hostVirtualMs = 0;
  #hostUpdatedAtMs = 0;
  #hostVersion = 0;

  constructor(engine: SimEngine, model: PlatformModel) {
    this.#engine = engine;
    this.model = model;
    this.hostCores = model.cpu.hostCores;
  }

  /** Invocations holding a concurrency slot now. */
  get liveInvocations(): number {
    return this.#live;
  }

  /** Whether an invocation can start now; when not, `wait` it. */
  hasFreeSlot(): boolean {
    return this.#live < this.model.concurrency.accountLimit;
  }

  /** Queues an invocation until a slot frees; `owner.admit` is called with it then. */
  wait<I>(owner: { admit(invocation: I): void }, invocation: I): void {
    this.#waiting.push({ owner, invocation } as WaitingInvocation<unknown>);
  }

  /**
   * Takes a slot and, when an environment of `resources` has been idle within the keep-alive, that environment (the
   * most recently idle one: most-recently-used routing). Returns whether the start is warm.
   */
  startInvocation(resources: string): 'warm' | 'cold' {
    this.#live++;
    const now = this.#engine.nowMs;
    const idle = this.#idle;
    for (let i = idle.length - 1; i >= 0; i--) {
      const env = idle[i]!;
      if (env.resources === resources && env.idleSinceMs <= now && isWarm(this.model, env.idleSinceMs, now)) {
        idle.splice(i, 1);
        return 'warm';
      }
    }
    return 'cold';
  }

  /** An invocation ended: its environment turns idle, its slot goes to the first waiting invocation, if any. */
  endInvocation(resources: string): void {
    this.#idle.push({ resources, idleSinceMs: this.#engine.nowMs });
    this.#live--;
    const next = this.#waiting.shift();
    if (next) next.owner.admit(next.invocation);
  }

  /** Adds work of `aloneMs` to the shared host; its owner hears when it is done. */
  addHostWork<J>(work: HostWork<J>, aloneMs: number): void {
    this.#advanceHost();
    this.#hostJobs.push({ ...(work as HostWork<unknown>), doneAtVirtualMs: this.#hostVirtualMs + aloneMs, seq: this.#hostSeq++ });
    this.#scheduleHost();
  }

  /** The host's event: the first job is done unless the schedule changed since. */
  handle(event: HostDoneEvent): void {
    if (event.version !== this.#hostVersion) return;
    this.#advanceHost();
    const work = this.#hostJobs.pop()!;
    this.#scheduleHost();
    work.owner.hostWorkDone(work.job);
  }

  #hostRate(): number {
    return Math.min(1, this.hostCores! / Math.max(1, this.#hostJobs.length));
  }

  #advanceHost(): void {
    const now = this.#engine.nowMs;
    if (this.#hostJobs.length > 0) this.#hostVirtualMs += (now - this.#hostUpdatedAtMs) * this.#hostRate();
    this.#hostUpdatedAtMs = now;
  }

  #scheduleHost(): void {
    this.#hostVersion++;
    const next = this.#hostJobs.peek();
    if (next) this.#engine.after(Math.max(0, next.doneAtVirtualMs - this.#hostVirtualMs) / this.#hostRate(), { owner: this, kind: 'host-done', version: this.#hostVersion });
  }
}
