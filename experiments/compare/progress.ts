import type { CompareProgress } from './runner.js';

/** Steps above which a sweep counts as long and reports progress even when stderr is not a terminal. */
export const LONG_SWEEP_STEPS = 1_000;

/** A progress display on an output stream (stderr: stdout stays clean for tables, `--json` and pipes). */
export interface ProgressDisplay {
  update(progress: CompareProgress): void;
  /** Clears the bar (on a terminal) so later output starts on a clean line. */
  finish(): void;
}

/**
 * A progress bar redrawn in place on a terminal (at most every 100 ms), or, on a pipe or file, one line per tenth of
 * the sweep so a log shows progress without thousands of lines.
 */
export function progressDisplay(stream: { write(text: string): unknown }, isTty: boolean, widthChars = 30): ProgressDisplay {
  let lastDrawMs = -Infinity;
  let lastTenth = 0;
  let drawn = false;
  const startMs = performance.now();
  return {
    update(p) {
      const fraction = p.total === 0 ? 1 : p.done / p.total;
      const where = p.variant ? `${p.workload} ${p.variant}` : p.workload;
      if (!isTty) {
        const tenth = Math.floor(fraction * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(`compare: ${tenth * 10}% (${p.done}/${p.total} steps, ${where})\n`);
        }
        return;
      }
      const nowMs = performance.now();
      if (nowMs - lastDrawMs < 100 && p.done < p.total) return;
      lastDrawMs = nowMs;
      const filled = Math.round(fraction * widthChars);
      const elapsedS = ((nowMs - startMs) / 1000).toFixed(1);
      stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(widthChars - filled)}] ${p.done}/${p.total} ${elapsedS}s ${where}`);
      drawn = true;
    },
    finish() {
      if (isTty && drawn) stream.write('\r\x1b[K');
    },
  };
}
