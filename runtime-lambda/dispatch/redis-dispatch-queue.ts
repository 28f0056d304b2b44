import type { Redis } from 'ioredis';

/**
 * The real runtime's dispatch queue in Redis: the invocations that wait for a concurrency slot, ordered by a dispatch
 * strategy's key (`core/dispatch`), and the account's slots. Every step that must not be split is one Lua script, so
 * a dispatcher killed at any point leaves Redis consistent and a new dispatcher on the same keys goes on:
 *
 * - `queue` (sorted set): member = ticket (`<seq, zero-padded>`), score = the strategy's key; equal keys go in ticket
 *   order, as the simulator's queue breaks ties by queue order;
 * - `age` (sorted set): the same tickets by queue time, for the starvation guard;
 * - `payload` (hash): ticket → the invocation as sent (JSON), `desc` (hash): ticket → what the strategy saw (JSON);
 * - `inflight` (hash): ticket → the payload, from the moment a slot was taken for it until its worker releases it;
 * - `sent` (set): the in-flight tickets forwarded to the platform;
 * - `slots` (string): slots taken; `seq` (string): the last ticket number.
 *
 * A ticket stays in `inflight` while its invocation is on its way or running, so a dispatcher that dies between taking
 * a slot and forwarding the invocation leaves it there, not in `sent`, for the next one to forward (`unsent`; one
 * that dies between forwarding and marking it sent makes the next one send it twice: at least once, never lost), and
 * a worker that is SIGKILLed is retried by the platform with the same ticket, whose release frees the slot once.
 * Each release is published on the `released` channel, so a dispatcher hands the slot on at once.
 */

/** The Redis keys of one dispatcher. */
export interface DispatchKeys {
  readonly queue: string;
  readonly age: string;
  readonly payload: string;
  readonly desc: string;
  readonly inflight: string;
  readonly sent: string;
  readonly slots: string;
  readonly seq: string;
  /** Pub/sub channel (not a key): a ticket's slot was released. */
  readonly released: string;
}

/** The keys of the dispatcher named `name` (one per account being simulated). */
export function dispatchKeys(name: string): DispatchKeys {
  const prefix = `octoplan:dispatch:${name}`;
  return {
    queue: `${prefix}:queue`,
    age: `${prefix}:age`,
    payload: `${prefix}:payload`,
    desc: `${prefix}:desc`,
    inflight: `${prefix}:inflight`,
    sent: `${prefix}:sent`,
    slots: `${prefix}:slots`,
    seq: `${prefix}:seq`,
    released: `${prefix}:released`,
  };
}

/** Ticket numbers are zero-padded so that members of equal score sort by queue order. */
export function ticketOf(seq: number): string {
  return String(seq).padStart(15, '0');
}

// KEYS: queue, age, payload, desc, slots. ARGV: ticket, score, queuedAtMs, payload, desc, limit.
// Returns 1 when the invocation has to wait (every slot taken, or others queued before it), else 0.
const ENQUEUE = `
local waits = 0
if tonumber(redis.call('GET', KEYS[5]) or '0') >= tonumber(ARGV[6]) or redis.call('ZCARD', KEYS[1]) > 0 then waits = 1 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return waits`;

// Takes a slot and the next ticket in one step, or nothing. KEYS: queue, age, payload, desc, inflight, slots.
// ARGV: limit, nowMs, maxWaitMs (-1: no guard). Returns {ticket, payload, starved} or false.
const TAKE = `
if tonumber(redis.call('GET', KEYS[6]) or '0') >= tonumber(ARGV[1]) then return false end
local ticket
local starved = 0
if tonumber(ARGV[3]) >= 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if oldest[1] and tonumber(ARGV[2]) - tonumber(oldest[2]) >= tonumber(ARGV[3]) then
    ticket = oldest[1]
    starved = 1
  end
end
if not ticket then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0)
  if not first[1] then return false end
  ticket = first[1]
end
redis.call('ZREM', KEYS[1], ticket)
redis.call('ZREM', KEYS[2], ticket)
local payload = redis.call('HGET', KEYS[3], ticket)
redis.call('HDEL', KEYS[3], ticket)
redis.call('HDEL', KEYS[4], ticket)
redis.call('HSET', KEYS[5], ticket, payload)
redis.call('INCR', KEYS[6])
return {ticket, payload, starved}`;

// Frees a ticket's slot once, however often its worker (or a retry of it) releases it. KEYS: inflight, sent, slots.
// ARGV: ticket, the released channel.
const RELEASE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('DECR', KEYS[3])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  return 1
end
return 0`;

/** A ticket taken from the queue, with the invocation to forward. */
export interface TakenTicket {
  readonly ticket: string;
  readonly payload: string;
  /** Taken by the starvation guard rather than by the strategy's order. */
  readonly starved: boolean;
}

/** The queue's operations on one Redis connection (see the module's doc). */
export class RedisDispatchQueue {
  constructor(
    private readonly redis: Redis,
    readonly keys: DispatchKeys,
  ) {}

  /** The next ticket number (unique across dispatchers sharing the keys). */
  async nextSeq(): Promise<number> {
    return Number(await this.redis.incr(this.keys.seq));
  }

  /** Queues a ticket; true when it has to wait (every one of `limit` slots taken, or others queued before it). */
  async enqueue(ticket: string, score: number, queuedAtMs: number, payload: string, desc: string, limit: number): Promise<boolean> {
    const { queue, age, payload: payloads, desc: descs, slots } = this.keys;
    return Number(await this.redis.eval(ENQUEUE, 5, queue, age, payloads, descs, slots, ticket, String(score), String(queuedAtMs), payload, desc, String(limit))) === 1;
  }

  /** Takes a slot and the next ticket (the oldest when it waited `maxWaitMs`), or undefined when no slot or none waits. */
  async take(limit: number, nowMs: number, maxWaitMs: number | undefined): Promise<TakenTicket | undefined> {
    const { queue, age, payload, desc, inflight, slots } = this.keys;
    const taken = (await this.redis.eval(TAKE, 6, queue, age, payload, desc, inflight, slots, String(limit), String(nowMs), String(maxWaitMs ?? -1))) as
      | [string, string, number]
      | null;
    return taken ? { ticket: taken[0], payload: taken[1], starved: taken[2] === 1 } : undefined;
  }

  /** Frees the slot of `ticket`; false when it was already freed. */
  async release(ticket: string): Promise<boolean> {
    return Number(await this.redis.eval(RELEASE, 3, this.keys.inflight, this.keys.sent, this.keys.slots, ticket, this.keys.released)) === 1;
  }

  /** Marks an in-flight ticket as forwarded to the platform. */
  async markSent(ticket: string): Promise<void> {
    await this.redis.sadd(this.keys.sent, ticket);
  }

  /** In-flight tickets not yet forwarded (a dispatcher died in between), with their payloads. */
  async unsent(): Promise<[string, string][]> {
    const [inflight, sent] = await Promise.all([this.redis.hgetall(this.keys.inflight), this.redis.smembers(this.keys.sent)]);
    const forwarded = new Set(sent);
    return Object.entries(inflight).filter(([ticket]) => !forwarded.has(ticket));
  }

  /** Rewrites every waiting ticket's score (an adaptive strategy switched), from the descriptions stored with them. */
  async rescore(score: (desc: string) => number): Promise<void> {
    const descs = await this.redis.hgetall(this.keys.desc);
    const entries = Object.entries(descs);
    if (entries.length === 0) return;
    // ZADD XX: a ticket taken meanwhile is not put back.
    await this.redis.zadd(this.keys.queue, 'XX', ...entries.flatMap(([ticket, desc]) => [String(score(desc)), ticket]));
  }

  /** Invocations waiting, and slots taken. */
  async counts(): Promise<{ waiting: number; slots: number }> {
    const [waiting, slots] = await Promise.all([this.redis.zcard(this.keys.queue), this.redis.get(this.keys.slots)]);
    return { waiting, slots: Number(slots ?? 0) };
  }

  /** Deletes every key of this dispatcher (after a run, so nothing is left in Redis). */
  async clear(): Promise<void> {
    const { released: _channel, ...keys } = this.keys;
    await this.redis.del(...Object.values(keys));
  }
}

/** Releases a ticket's slot from a worker, given the ticket's `<keys name>|<ticket>` form. */
export async function releaseTicket(redis: Redis, dispatchTicket: string): Promise<boolean> {
  const bar = dispatchTicket.lastIndexOf('|');
  if (bar <= 0) throw new Error(`dispatch ticket '${dispatchTicket}' is not '<dispatcher>|<ticket>'`);
  return new RedisDispatchQueue(redis, dispatchKeys(dispatchTicket.slice(0, bar))).release(dispatchTicket.slice(bar + 1));
}
