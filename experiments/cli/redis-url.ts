import { UsageError } from './errors.js';

/** The URL schemes ioredis connects with: plain and TLS. */
const REDIS_SCHEMES = ['redis:', 'rediss:'];

/**
 * Checks a `--redis` value before a command starts anything: a URL such as `redis://127.0.0.1:6379` (ioredis would
 * read `notaurl` as a host name and fail after its retries with "Connection is closed", naming nothing).
 * @throws UsageError naming the option, the value and the form expected
 */
export function checkRedisUrlOption(value: unknown): void {
  if (value === undefined) return;
  const text = String(value);
  const example = 'give e.g. redis://127.0.0.1:6379 (or leave --redis out for a private redis-server)';
  if (text.trim() === '') throw new UsageError(`--redis: needs a URL; ${example}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--redis: '${text}' is not a URL; ${example}`);
  }
  if (!REDIS_SCHEMES.includes(url.protocol)) throw new UsageError(`--redis: '${text}' is not a Redis URL (scheme '${url.protocol}'); ${example}`);
  if (url.hostname === '') throw new UsageError(`--redis: '${text}' names no host; ${example}`);
  if (url.port !== '' && !(Number(url.port) >= 1 && Number(url.port) <= 65535)) throw new UsageError(`--redis: port ${url.port} is not in 1–65535`);
}
