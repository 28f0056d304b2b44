import TinyQueue from 'tinyqueue';
import type { EventOwner, SimEngine } from './engine.js';

/**
 * A server resource shared by concurrent jobs (fluid model): the storage server's network bandwidth (bytes) or its
 * operation rate (operations). Every job has its own rate alone, `amount / aloneMs` (a transfer alone is limited by
 * the worker's bandwidth and takes what the duration source says). While the jobs' rates alone sum to no more than
 * the capacity C, each runs at its own rate; beyond, every job under way is slowed by the same factor C / Σ rates
 * alone, so the server runs at exactly its capacity and each job keeps its share of it in proportion to what it asks
 * (proportional fair sharing: two equal transfers through a server that is the bottleneck each take twice as long).
 * Max-min fairness would favour small jobs a little more; proportional sharing is chosen because one virtual clock
 * then serves every job, so a change costs O(log n) however many jobs are under way — load experiments run
 * thousands at once.
 *
 * The whole job (its round trip included) is the fluid: a contended transfer is slowed over its whole duration, not
 * only its bytes. That is conservative for small transfers, which never bind the server anyway.
 *
 * Bursting (`LinkBurst`): a server may run above its baseline capacity on credits, as EC2 and ElastiCache nodes burst
 * their network on network I/O credits. While credits remain the capacity is the burst rate; running above the
 * baseline spends them (at the rate above it), running below earns them back (up to the pool); with none left the
 * capacity is the baseline. A short workflow runs on the burst rate; a sustained load drains the pool and then gets
 * the baseline. The credits are brought up to date whenever a job starts or ends, and the capacity follows them from
 * then on: the drop to the baseline takes effect at the first start or end after the pool ran dry (under load,
 * within milliseconds), so the link needs no events of its own for it.
 *
 * A job ends with an event of this link; `owner.linkDone(token, slowed)` is then called. While the link is not
 * contended every job has its own event, pushed when it starts, at `start + aloneMs`: a simulation in which the link
 * never binds carries out the same events in the same order as one without the link. Contended, the link keeps one
 * event, for the job due first.
 */

/** Who hears when a job on the link is done, and is told the job's token then. */
export interface LinkOwner<T> {
  /** Told when the job is done; `slowed` when the server's share ever held it below its rate alone. */
  linkDone(token: T, slowed: boolean): void;
}

/** Bursting above the baseline on credits (see the module's doc). */
export interface LinkBurst {
  /** Capacity while credits remain, amount per ms (one not above the baseline means no bursting). */
  readonly capacityPerMs: number;
  /** The credit pool, in amount above the baseline; full at the start. */
  readonly creditAmount: number;
}

/**
 * A job under way, and its own event on the engine (the owner of the event is the link): one object per job, pushed
 * again with its `version` as the tag when its completion moves, so a transfer costs the link one allocation. The
 * contended link's single event is one more object of this class (`#linkEvent`), so the link's handler sees one shape.
 */
class ActiveJob {
  /** Version of the job's own event; an event whose tag differs was superseded. */
  version = 0;
  /** Neighbours in the link's list of jobs under way (start order). */
  prev: ActiveJob | undefined = undefined;
  next: ActiveJob | undefined = undefined;
  constructor(
    /** The engine hands the job's events to the link. */
    readonly owner: SharedLink,
    readonly target: LinkOwner<unknown> | undefined,
    readonly token: unknown,
    /** Rate alone (amount per ms). */
    readonly aloneRate: number,
    /** The virtual time (ms of progress alone) at which the job is done. */
    readonly finishVirtualMs: number,
    /** Start order, breaking ties between jobs due at the same virtual time; -1 for a job that does not load the link. */
    readonly seq: number,
  ) {}
}

/** The link's events (see `ActiveJob`). */
export type LinkDoneEvent = ActiveJob;

/** The tag of the event of a job that does not load the link (no amount or no time): it just ends. */
const FREE_JOB = -1;

/** One shared server resource (see the module's doc). */
export class SharedLink implements EventOwner<LinkDoneEvent> {
  readonly #engine: SimEngine;
  /** Baseline capacity, amount per ms. */
  readonly capacityPerMs: number;
  readonly #burst: LinkBurst | undefined;
  /** Capacity now: the burst rate while credits remain, else the baseline. */
  #capacity: number;
  #credits: number;
  #creditsUpdatedAtMs = 0;
  // Jobs by when they are due, kept only while contended (uncontended, each job has its own event, and a heap of
  // finished jobs would keep every run they belong to alive).
  #jobs = SharedLink.#heap();
  // Jobs under way in start order, a list through the jobs themselves: a Set grew and shrank its table as a job
  // started and ended, an allocation per transfer; the order is the Set's, so events come out as before.
  #first: ActiveJob | undefined = undefined;
  #last: ActiveJob | undefined = undefined;
  #activeCount = 0;
  #seq = 0;
  #aloneSum = 0;
  /** Progress every job under way has had (ms alone), and the speed it advances at: min(1, C / Σ rates alone). */
  #virtualMs = 0;
  #speed = 1;
  #updatedAtMs = 0;
  #linkVersion = 0;
  #peakActive = 0;
  readonly #linkEvent: ActiveJob = new ActiveJob(this, undefined, undefined, 0, 0, -1);

  constructor(engine: SimEngine, capacityPerMs: number, burst?: LinkBurst) {
    if (!(capacityPerMs > 0)) throw new RangeError(`shared link capacity must be > 0 per ms, got ${capacityPerMs}`);
    this.#engine = engine;
    this.capacityPerMs = capacityPerMs;
    this.#burst = burst && burst.capacityPerMs > capacityPerMs && burst.creditAmount > 0 ? burst : undefined;
    this.#credits = this.#burst?.creditAmount ?? 0;
    this.#capacity = this.#burst?.capacityPerMs ?? capacityPerMs;
  }

  /** Burst credits left (amount above the baseline). */
  get credits(): number {
    this.#updateCredits();
    return this.#credits;
  }

  /** Jobs under way now. */
  get active(): number {
    return this.#activeCount;
  }

  /** Most jobs under way at once so far. */
  get peakActive(): number {
    return this.#peakActive;
  }

  /**
   * Starts a job moving `amount` that alone would take `aloneMs`. A job of no amount or no time does not load the
   * server: it ends after `aloneMs` as it would alone.
   */
  start<T>(owner: LinkOwner<T>, token: T, amount: number, aloneMs: number): void {
    const target = owner as LinkOwner<unknown>;
    if (!(amount > 0) || !(aloneMs > 0)) {
      this.#engine.after(aloneMs, new ActiveJob(this, target, token, 0, 0, -1), FREE_JOB);
      return;
    }
    this.#advance();
    this.#updateCredits();
    const active = new ActiveJob(this, target, token, amount / aloneMs, this.#virtualMs + aloneMs, this.#seq++);
    this.#append(active);
    if (this.#activeCount > this.#peakActive) this.#peakActive = this.#activeCount;
    this.#aloneSum += active.aloneRate;
    if (this.#speed === 1 && this.#aloneSum <= this.#capacity) {
      this.#engine.after(aloneMs, active, 0);
      return;
    }
    // Already contended: it joins the heap; becoming contended, the reschedule puts every job there.
    if (this.#speed < 1) this.#jobs.push(active);
    this.#reschedule();
  }

  /** The link's events: a job's own (tagged with its version, or `FREE_JOB`), or the contended link's (`#linkEvent`). */
  handle(job: LinkDoneEvent, tag: number): void {
    if (job !== this.#linkEvent) {
      if (tag === FREE_JOB) return job.target!.linkDone(job.token, false);
      // Superseded, or the link is contended now (its own event, below, ends the job).
      if (tag !== job.version || this.#speed < 1) return;
      this.#advance();
      this.#updateCredits();
      // Ended by its first own event: it ran alone all the way.
      this.#end([job], job.version !== 0);
      return;
    }
    if (tag !== this.#linkVersion) return;
    this.#advance();
    this.#updateCredits();
    // Every job due now (the first, and any due at the same virtual time), in start order.
    const due: ActiveJob[] = [];
    const tolerance = 1e-9 * Math.max(1, Math.abs(this.#virtualMs));
    while (this.#jobs.length > 0 && this.#jobs.peek()!.finishVirtualMs <= this.#virtualMs + tolerance) due.push(this.#jobs.pop()!);
    this.#end(due, true);
  }

  #end(jobs: readonly ActiveJob[], slowed: boolean): void {
    for (const job of jobs) {
      // Its own event may still be pending (the contended link can end a job within the tolerance before it, then
      // turn uncontended): bumping the version makes that event stale, or the job would end twice (a reply handed
      // over twice, as the 100,000-task fixed-plan benchmark once did: a counter incremented twice, a run stuck).
      job.version++;
      this.#remove(job);
      this.#aloneSum -= job.aloneRate;
    }
    if (this.#activeCount === 0) this.#aloneSum = 0; // no float drift carried across idle periods
    this.#reschedule();
    for (const job of jobs) job.target!.linkDone(job.token, slowed);
  }

  #append(job: ActiveJob): void {
    job.prev = this.#last;
    if (this.#last === undefined) this.#first = job;
    else this.#last.next = job;
    this.#last = job;
    this.#activeCount++;
  }

  #remove(job: ActiveJob): void {
    if (job.prev === undefined) this.#first = job.next;
    else job.prev.next = job.next;
    if (job.next === undefined) this.#last = job.prev;
    else job.next.prev = job.prev;
    job.prev = undefined;
    job.next = undefined;
    this.#activeCount--;
  }

  static #heap(): TinyQueue<ActiveJob> {
    return new TinyQueue<ActiveJob>([], (a, b) => a.finishVirtualMs - b.finishVirtualMs || a.seq - b.seq);
  }

  /**
   * Brings the credits up to now at the throughput since the last change (min(Σ rates alone, capacity)); with any
   * credit the capacity is the burst rate again (the caller reallocates where that matters).
   */
  #updateCredits(): void {
    const burst = this.#burst;
    if (!burst) return;
    const now = this.#engine.nowMs;
    const throughput = Math.min(this.#aloneSum, this.#capacity);
    this.#credits = Math.min(burst.creditAmount, Math.max(0, this.#credits - (throughput - this.capacityPerMs) * (now - this.#creditsUpdatedAtMs)));
    this.#creditsUpdatedAtMs = now;
    this.#capacity = this.#credits > 0 ? burst.capacityPerMs : this.capacityPerMs;
  }

  /** Brings the virtual clock up to now. */
  #advance(): void {
    const now = this.#engine.nowMs;
    this.#virtualMs += (now - this.#updatedAtMs) * this.#speed;
    this.#updatedAtMs = now;
  }

  /** Sets the speed for the jobs under way and the events that follow from it. */
  #reschedule(): void {
    const wasContended = this.#speed < 1;
    this.#speed = this.#aloneSum > this.#capacity ? this.#capacity / this.#aloneSum : 1;
    this.#linkVersion++;
    if (this.#speed < 1) {
      // Becoming contended: every job under way goes on the heap (their own events are ignored from now on).
      if (!wasContended) for (let job = this.#first; job !== undefined; job = job.next) this.#jobs.push(job);
      const first = this.#jobs.peek();
      if (first) this.#engine.after(Math.max(0, first.finishVirtualMs - this.#virtualMs) / this.#speed, this.#linkEvent, this.#linkVersion);
      return;
    }
    if (!wasContended) return;
    // Back to uncontended: every job under way gets its own event again.
    this.#jobs = SharedLink.#heap();
    for (let job = this.#first; job !== undefined; job = job.next) {
      job.version++;
      this.#engine.after(Math.max(0, job.finishVirtualMs - this.#virtualMs), job, job.version);
    }
  }
}
