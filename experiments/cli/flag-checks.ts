import { BOUND_NAMES, MAX_COUNT, MAX_DURATION_MS } from '../../core/bounds.js';
import { UsageError } from './errors.js';

/**
 * Checks of command-line values that hold for every command, made once before any command runs (a yargs
 * middleware): an empty value, and numbers beyond the physical bounds of `core/bounds.ts`. A command still checks
 * its own rules (a positive integer, a known name); these catch what no command thought to: `--workloads ''` (an
 * unset shell variable) ran zero workloads and exited 0, `--runs 1e9` ran for hours.
 */

/**
 * Refuses an option given an empty value: `--seed ''`, `--workloads=`, `-w ''`. An empty string is never a useful
 * value of a bench option (a seed, a name list, a path), and is nearly always an unset shell variable.
 * @throws UsageError naming the option
 */
export function checkEmptyValues(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return;
    const attached = /^(--?[A-Za-z][\w-]*)=(.*)$/.exec(token);
    if (attached) {
      if (attached[2]!.trim() === '') throw new UsageError(`${attached[1]}: empty value; give one (see --help)`);
      continue;
    }
    if (/^--?[A-Za-z][\w-]*$/.test(token) && i + 1 < argv.length && argv[i + 1]!.trim() === '') {
      throw new UsageError(`${token}: empty value; give one (see --help)`);
    }
  }
}

/** An upper bound on a numeric option, and what it stands for. */
interface FlagBound {
  readonly max: number;
  readonly what: string;
}

/** Counts of runs, requests and workers one command simulates or generates; times of a load experiment. */
const FLAG_BOUNDS: Readonly<Record<string, FlagBound>> = {
  runs: { max: MAX_COUNT, what: BOUND_NAMES.count },
  'history-runs': { max: MAX_COUNT, what: BOUND_NAMES.count },
  'fit-runs': { max: MAX_COUNT, what: BOUND_NAMES.count },
  'test-runs': { max: MAX_COUNT, what: BOUND_NAMES.count },
  'warm-up-runs': { max: MAX_COUNT, what: BOUND_NAMES.count },
  simulations: { max: MAX_COUNT, what: BOUND_NAMES.count },
  holdout: { max: MAX_COUNT, what: BOUND_NAMES.count },
  concurrent: { max: MAX_COUNT, what: BOUND_NAMES.count },
  requests: { max: MAX_COUNT, what: BOUND_NAMES.count },
  clients: { max: MAX_COUNT, what: BOUND_NAMES.count },
  // bench scale: tasks per workflow, concurrent workflows, MB or an account limit; each a count in its way.
  values: { max: MAX_COUNT, what: BOUND_NAMES.count },
  'duration-ms': { max: MAX_DURATION_MS, what: BOUND_NAMES.duration },
  'timeout-ms': { max: MAX_DURATION_MS, what: BOUND_NAMES.duration },
  'think-ms': { max: MAX_DURATION_MS, what: BOUND_NAMES.duration },
  // A coefficient of variation of 10 already makes a draw's p99 hundreds of times its median.
  noise: { max: 10, what: 'a coefficient of variation' },
};

/** The numbers an option's value holds: a number, a numeric string, or a comma list (`--values 10,100`). */
function numbersOf(value: unknown): number[] {
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const texts = items.flatMap((v): (number | string)[] => (typeof v === 'number' ? [v] : String(v).split(',')));
  return texts.map((item) => (typeof item === 'number' ? item : Number(item.trim()))).filter((n) => !Number.isNaN(n));
}

/**
 * Refuses a numeric option beyond its bound (`--runs 1e9`, `--duration-ms 1e300`); options not in the table, and
 * values that are no number at all, are left to the command.
 * @throws UsageError naming the option, the value and the bound
 */
export function checkFlagBounds(args: Readonly<Record<string, unknown>>): void {
  for (const [option, bound] of Object.entries(FLAG_BOUNDS)) {
    const value = args[option];
    if (value === undefined || value === null || typeof value === 'boolean') continue;
    for (const n of numbersOf(value)) {
      if (!Number.isFinite(n)) throw new UsageError(`--${option}: expected a finite number, got ${n}`);
      if (n > bound.max) throw new UsageError(`--${option}: ${n} is more than ${bound.max} (${bound.what}); give a smaller value`);
    }
  }
}
