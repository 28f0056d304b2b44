/**
 * Import warnings: things real instances get wrong that the importer can still make sense of. Each kind is reported
 * once, with how often it occurred and the first example, so a 10,000-task instance with 3,000 zero runtimes prints
 * one line, not 3,000.
 */

/** The kinds of warning; each has one line in the output. */
export type WfWarningCode =
  | 'newer-schema'
  | 'no-execution'
  | 'missing-execution-entry'
  | 'zero-runtime'
  | 'zero-byte-file'
  | 'one-sided-edge'
  | 'file-only-edge'
  | 'self-reference'
  | 'empty-reference'
  | 'duplicate-file-entry'
  | 'file-read-and-written'
  | 'avgcpu-above-cores'
  | 'parallelism-above-lambda'
  | 'unknown-machine'
  | 'machine-without-speed';

/** One kind of warning with its count and first example. */
export interface WfWarning {
  readonly code: WfWarningCode;
  readonly count: number;
  /** What the importer did about it, e.g. "used as an edge". */
  readonly consequence: string;
  /** The first occurrence, e.g. "task 'a' lists 'b' as a child but 'b' does not list 'a' as a parent". */
  readonly example: string;
}

/** Collects warnings of one import. */
export class WarningLog {
  readonly #byCode = new Map<WfWarningCode, { count: number; consequence: string; example: string }>();

  constructor(
    /** The file being imported, named in every line. */
    readonly file: string,
  ) {}

  /** Records one occurrence; the first occurrence's example and consequence are the ones kept. */
  add(code: WfWarningCode, example: string, consequence: string): void {
    const entry = this.#byCode.get(code);
    if (entry) entry.count++;
    else this.#byCode.set(code, { count: 1, consequence, example });
  }

  /** Every kind seen, in the order first seen. */
  list(): WfWarning[] {
    return [...this.#byCode].map(([code, e]) => ({ code, ...e }));
  }

  /** How many times `code` occurred (0 when never). */
  count(code: WfWarningCode): number {
    return this.#byCode.get(code)?.count ?? 0;
  }

  /** One line per kind, as the CLI prints them. */
  lines(): string[] {
    return this.list().map((w) => formatWarning(this.file, w));
  }
}

/** `warning: run.json: one-sided-edge (3×): task 'a' lists ... (first of 3); used as an edge`. */
export function formatWarning(file: string, warning: WfWarning): string {
  const first = warning.count > 1 ? ` (first of ${warning.count})` : '';
  return `warning: ${file}: ${warning.code} (${warning.count}×): ${warning.example}${first}; ${warning.consequence}`;
}
