import { UsageError } from './errors.js';

/**
 * The output convention of every command: `--json` prints JSON to stdout (instead of tables), `--json-out FILE`
 * writes the same JSON to a file (the tables still print); likewise `--csv` / `--csv-out FILE` where a command has a
 * CSV form. A bare `--json FILE` is an error naming `--json-out` (see `checkOutputFlags`), never a silent no-op.
 */
export const OUTPUT_FLAGS = ['json', 'csv'] as const;

/**
 * Rejects a value given to a print flag (`--json FILE`, `--csv=FILE`): those flags take none, and their `-out`
 * twin writes a file. Checked on the raw arguments, before yargs, which would otherwise report an unknown argument.
 * @throws UsageError naming the flag to use instead
 */
export function checkOutputFlags(argv: readonly string[]): void {
  argv.forEach((token, i) => {
    const match = /^--(json|csv)(?:=(.*))?$/.exec(token);
    if (!match) return;
    const value = match[2] ?? argv[i + 1];
    const attached = match[2] !== undefined;
    if (value === undefined || (!attached && value.startsWith('-')) || value === 'true' || value === 'false') return;
    const flag = match[1]!;
    throw new UsageError(`--${flag} takes no value: it prints ${flag.toUpperCase()} to stdout; to write a file, give --${flag}-out ${value === '' ? 'FILE' : value}`);
  });
}
