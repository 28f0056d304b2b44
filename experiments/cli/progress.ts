import type { Ora } from 'ora';

/**
 * Progress of a long command on stderr (stdout stays clean for tables, `--json` and pipes): a spinner with what is
 * being done, counts and elapsed time (ora), shown only on a terminal and unless `--no-progress`; and one summary line
 * at the end either way (`bench run: done in 6.2 s: …`), so a log or a CI job still sees what ran and how long.
 */
export interface Progress {
  /** What is being done now; `done`/`total` add a count and a percentage. Drawn at most every 100 ms. */
  update(text: string, done?: number, total?: number): void;
  /** Prints a line on stderr above the spinner (a gateway message, a warning) without garbling it. */
  log(line: string): void;
  /** Stops the spinner and prints `<command>: <summary> in <elapsed> s` on stderr (also without a terminal). */
  finish(summary: string): void;
  /** Stops the spinner without a summary (the command failed; its error says why). */
  stop(): void;
}

/** The stream progress goes to: stderr, or a test's fake. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** `--progress` / `--no-progress` (undefined: on when the stream is a terminal). */
  readonly enabled?: boolean | undefined;
  readonly stream?: ProgressStream;
  /** Milliseconds since start, for tests (default: performance.now()). */
  readonly now?: () => number;
}

/** `12/40 (30%)`, or nothing without a total. */
export function countText(done: number | undefined, total: number | undefined): string {
  if (done === undefined || total === undefined || total <= 0) return '';
  return `${done}/${total} (${Math.floor((100 * done) / total)}%)`;
}

/**
 * Starts the progress of `command` (`bench run`). The spinner is drawn only when the stream is a terminal and
 * progress is not turned off; a spinner on a pipe would fill a log with control characters.
 */
export async function startProgress(command: string, options: ProgressOptions = {}): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const startMs = now();
  const elapsed = () => `${((now() - startMs) / 1000).toFixed(1)} s`;
  // A terminal of no width (a pty nobody sized, as under `script` or `docker -t`) makes ora's redraw clear lines
  // without end: no spinner there.
  const show = options.enabled !== false && Boolean(stream.isTTY) && (stream.columns ?? 0) > 0;
  let spinner: Ora | undefined;
  if (show) {
    const { default: ora } = await import('ora');
    spinner = ora({ stream: stream as NodeJS.WritableStream, isEnabled: true, discardStdin: false, text: `${command}: starting` }).start();
  }
  let lastDrawMs = -Infinity;
  return {
    update(text, done, total) {
      if (!spinner) return;
      const t = now();
      if (t - lastDrawMs < 100 && !(done !== undefined && done === total)) return;
      lastDrawMs = t;
      const count = countText(done, total);
      spinner.text = `${command}: ${text}${count ? ` ${count}` : ''} ${elapsed()}`;
    },
    log(line) {
      if (!spinner) {
        stream.write(`${line}\n`);
        return;
      }
      spinner.clear();
      stream.write(`${line}\n`);
      spinner.render();
    },
    finish(summary) {
      spinner?.stop();
      spinner = undefined;
      stream.write(`${command}: ${summary} in ${elapsed()}\n`);
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}

/** Runs `work` with progress, finishing with `summary(result)` or stopping (no summary) when it throws. */
export async function withProgress<T>(
  command: string,
  enabled: boolean | undefined,
  work: (progress: Progress) => Promise<T>,
  summary: (result: T) => string,
): Promise<T> {
  const progress = await startProgress(command, { enabled });
  let result: T;
  try {
    result = await work(progress);
  } catch (error) {
    progress.stop();
    throw error;
  }
  progress.finish(summary(result));
  return result;
}
