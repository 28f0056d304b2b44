import { isUserFacing } from './errors.js';
import { fsErrorMessage, isFsError } from './paths.js';

/**
 * How the CLI shows an error that ends a command: one or a few lines naming what is wrong and, where it helps, the
 * fix, never a stack trace unless the user asks for one (`--debug`, or `OCTOPLAN_DEBUG=1` where the flag cannot be
 * given, e.g. under another tool). Every error goes through here, not only the CLI's own kinds: a stack trace tells a
 * user nothing they can act on, and the one line an unexpected error gets still says how to see where it happened.
 */

/** True when the user asked for stack traces: `--debug` among the arguments, or `OCTOPLAN_DEBUG=1`. */
export function debugRequested(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--debug') || env.OCTOPLAN_DEBUG === '1';
}

/** Node's network error codes, as a reader wants them (Redis unreachable, a gateway gone). */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** The error's code (`ECONNREFUSED`, …) when it has one, also on an `AggregateError`'s first member. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const first = (error as { errors?: unknown[] } | undefined)?.errors?.[0];
  return first === undefined ? undefined : codeOf(first);
}

/** True for a failure to reach Redis (a refused connection, ioredis giving up, a closed connection). */
function isRedisFailure(error: Error): boolean {
  return /\bRedis\b/i.test(error.message) || error.name === 'MaxRetriesPerRequestError' || /^Connection is closed/.test(error.message);
}

/** The fix for an unreachable Redis: what the commands do without `--redis`, and how to check the server. */
const REDIS_FIX =
  'is redis-server running and listening at that address? (without --redis, `bench run`, `traces collect` and `validate` start a private one)';

/** A message on one line: a multi-line message keeps its first lines (a trace file's errors are a few lines by design). */
function trimMessage(message: string, maxLines = 12): string {
  const lines = message.trimEnd().split('\n');
  return lines.length <= maxLines ? lines.join('\n') : [...lines.slice(0, maxLines), `… and ${lines.length - maxLines} more line(s)`].join('\n');
}

/**
 * The lines to print for `error`, each to be prefixed by `bench: ` (first) or printed as is: user errors are their
 * message; file-system and network errors name the path or address and the reason; anything else (a bug, or a
 * library's error we did not anticipate) is its message with a note on how to see the stack trace.
 */
export function describeError(error: unknown, debug = false): string[] {
  if (isUserFacing(error)) {
    // A prediction without samples names a function; what the user can act on is the history it came from.
    if (error.name === 'NoSamplesError') {
      return [error.message, 'the history has no such record: it may be empty, lack run headers, hold another workflow, or have had its lines refused (`bench traces validate PATH` says which)'];
    }
    return [trimMessage(error.message)];
  }
  if (isFsError(error)) return [fsErrorMessage(error)];
  if (error instanceof Error) {
    const code = codeOf(error);
    if (isRedisFailure(error)) return [trimMessage(error.message.replace(/\s+/g, ' ')), REDIS_FIX];
    if (code !== undefined && code in NETWORK_REASONS) {
      const address = (error as { address?: string; port?: number }).address;
      const port = (error as { port?: number }).port;
      const where = address === undefined ? '' : ` ${address}${port === undefined ? '' : `:${port}`}`;
      return [`cannot reach${where}: ${NETWORK_REASONS[code]} (${error.message.split('\n')[0]})`];
    }
    const message = error.message.trim() === '' ? error.name : error.message;
    const how = debug ? 'its stack trace follows' : 'rerun with --debug or OCTOPLAN_DEBUG=1 to see where it happened';
    return [trimMessage(message), `(an unexpected ${error.name}; ${how}, and report it)`];
  }
  return [String(error), debug ? '(an unexpected error)' : '(an unexpected error; rerun with --debug or OCTOPLAN_DEBUG=1 for details)'];
}

/**
 * Prints `error` on stderr the CLI's way (see `describeError`), with the stack trace when debugging was asked for,
 * and ends the process with `code`.
 */
export function reportErrorAndExit(error: unknown, code = 1): never {
  const debug = debugRequested();
  const [first, ...rest] = describeError(error, debug);
  console.error(`bench: ${first}`);
  for (const line of rest) console.error(`bench: ${line}`);
  if (debug && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(code);
}
