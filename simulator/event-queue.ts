/**
 * The discrete-event queue: a binary min-heap of (time, sequence) keys with a virtual clock.
 *
 * Events at the same time come out in the order they were pushed: each push takes the next value of a counter that
 * only grows, and the heap orders by (timeMs, seq). Object identity never takes part, so a run is reproducible from
 * its seed alone.
 *
 * The heap is kept in parallel arrays (two Float64Arrays for the keys, one for tags, one array for payloads) rather
 * than one object per event, so pushing and popping millions of events allocates nothing but the occasional array
 * growth. Sifting moves a "hole" instead of swapping, halving the writes.
 *
 * Each entry carries a numeric tag beside its payload (0 unless given), handed back by `lastTag` after the pop: an
 * owner can push one payload object several times (a task's completion, rescheduled whenever its speed changes) and
 * tell the current entry from stale ones by a version in the tag, instead of allocating a new event per push.
 */
export class EventQueue<T> {
  private times: Float64Array;
  // Float64 holds integers exactly up to 2^53, far beyond any run's event count.
  private seqs: Float64Array;
  private tags: Float64Array;
  private payloads: (T | undefined)[] = [];
  private count = 0;
  private nextSeq = 0;
  private clockMs: number;
  private poppedSeq = -1;
  private poppedTag = 0;

  /**
   * @param startMs virtual time before the first event (the clock never goes below it)
   * @param initialCapacity slots reserved up front; the heap doubles when full
   */
  constructor(startMs = 0, initialCapacity = 1024) {
    if (!Number.isFinite(startMs)) throw new RangeError(`startMs must be finite, got ${startMs}`);
    const capacity = Math.max(1, Math.floor(initialCapacity));
    this.clockMs = startMs;
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.tags = new Float64Array(capacity);
  }

  /** The virtual clock: the time of the last popped event (or the start time). */
  get nowMs(): number {
    return this.clockMs;
  }

  /** Events waiting. */
  get size(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Sequence number of the last popped event, -1 before the first pop (a stable id for logs and traces). */
  get lastSeq(): number {
    return this.poppedSeq;
  }

  /** Tag of the last popped event (0 before the first pop, and for events pushed without one). */
  get lastTag(): number {
    return this.poppedTag;
  }

  /** Events pushed so far (also the sequence number the next push gets). */
  get pushedCount(): number {
    return this.nextSeq;
  }

  /**
   * Schedules `payload` at absolute time `atMs` and returns its sequence number. Scheduling before the clock is a
   * causality bug in the caller, so it throws rather than reordering the past. `tag` comes back as `lastTag` when the
   * entry is popped.
   */
  push(atMs: number, payload: T, tag = 0): number {
    // `!(a >= b)` also rejects NaN.
    if (!(atMs >= this.clockMs) || atMs === Infinity) {
      throw new RangeError(`cannot schedule an event at ${atMs} ms: the clock is at ${this.clockMs} ms`);
    }
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const tags = this.tags;
    const payloads = this.payloads;
    let i = this.count++;
    // The new seq is larger than every stored one, so a parent with an equal time stays above it: stop at `<=`.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent]!;
      if (parentTime <= atMs) break;
      times[i] = parentTime;
      seqs[i] = seqs[parent]!;
      tags[i] = tags[parent]!;
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = atMs;
    seqs[i] = seq;
    tags[i] = tag;
    payloads[i] = payload;
    return seq;
  }

  /**
   * Takes `count` sequence numbers for events that may be pushed later (`pushReserved`) and returns the first: an
   * owner that would push `count` events of which only one can ever be handed over (the rest superseded first) pushes
   * that one with the number it would have had, and every event keeps its place in the order. Pushes in between get
   * later numbers, as they would have.
   */
  reserveSeqs(count: number): number {
    const first = this.nextSeq;
    this.nextSeq += count;
    return first;
  }

  /** Schedules `payload` at `atMs` with a sequence number taken by `reserveSeqs` (never reuse one). */
  pushReserved(atMs: number, payload: T, tag: number, seq: number): void {
    if (!(atMs >= this.clockMs) || atMs === Infinity) {
      throw new RangeError(`cannot schedule an event at ${atMs} ms: the clock is at ${this.clockMs} ms`);
    }
    if (!(seq >= 0 && seq < this.nextSeq)) throw new RangeError(`sequence number ${seq} was not reserved`);
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const tags = this.tags;
    const payloads = this.payloads;
    let i = this.count++;
    // An older number may sort before stored entries of the same time: compare (time, seq) in full.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent]!;
      if (parentTime < atMs || (parentTime === atMs && seqs[parent]! < seq)) break;
      times[i] = parentTime;
      seqs[i] = seqs[parent]!;
      tags[i] = tags[parent]!;
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = atMs;
    seqs[i] = seq;
    tags[i] = tag;
    payloads[i] = payload;
  }

  /** Schedules `payload` `delayMs` after the current clock. */
  pushAfter(delayMs: number, payload: T, tag = 0): number {
    if (!(delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
    return this.push(this.clockMs + delayMs, payload, tag);
  }

  /** Time of the next event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    return this.count === 0 ? undefined : this.times[0];
  }

  /**
   * Removes the earliest event, advances the clock to its time and returns its payload; undefined when empty (check
   * `isEmpty` first if `T` itself admits undefined).
   */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const tags = this.tags;
    const payloads = this.payloads;
    const top = payloads[0];
    const topTime = times[0]!;
    const topSeq = seqs[0]!;
    const topTag = tags[0]!;
    const last = --this.count;
    if (last > 0) {
      // Sift the last element down from the root.
      const time = times[last]!;
      const seq = seqs[last]!;
      const tag = tags[last]!;
      const payload = payloads[last];
      const half = last >> 1; // nodes below `half` have at least a left child
      let i = 0;
      while (i < half) {
        let child = 2 * i + 1;
        let childTime = times[child]!;
        let childSeq = seqs[child]!;
        const right = child + 1;
        if (right < last) {
          const rightTime = times[right]!;
          const rightSeq = seqs[right]!;
          if (rightTime < childTime || (rightTime === childTime && rightSeq < childSeq)) {
            child = right;
            childTime = rightTime;
            childSeq = rightSeq;
          }
        }
        if (time < childTime || (time === childTime && seq < childSeq)) break;
        times[i] = childTime;
        seqs[i] = childSeq;
        tags[i] = tags[child]!;
        payloads[i] = payloads[child];
        i = child;
      }
      times[i] = time;
      seqs[i] = seq;
      tags[i] = tag;
      payloads[i] = payload;
    }
    // Drop the reference so popped payloads can be collected.
    payloads[last] = undefined;
    this.clockMs = topTime;
    this.poppedSeq = topSeq;
    this.poppedTag = topTag;
    return top;
  }

  /** Drops every waiting event. The clock and the sequence counter keep their values, so ordering stays stable. */
  clear(): void {
    this.payloads.fill(undefined, 0, this.count);
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const tags = new Float64Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    tags.set(this.tags);
    this.times = times;
    this.seqs = seqs;
    this.tags = tags;
  }
}
