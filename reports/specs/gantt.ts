import type { TaskRecord, TraceRun } from '../../core/trace-records.js';
import { GANTT_COLOURS, type GanttPhase } from '../palette.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/** One bar of the Gantt chart: a phase of a task, or a worker's start-up or lifetime, in seconds since submission. */
export interface GanttBar {
  readonly worker: string;
  readonly phase: GanttPhase;
  /** The task the bar belongs to; empty for start-up and lifetime bars. */
  readonly task: string;
  readonly startS: number;
  readonly endS: number;
}

/** Above this many worker rows the y axis drops its labels: they would overlap and say nothing at print size. */
export const GANTT_LABELLED_ROWS = 40;
/** Above this many bars, marks carry no ARIA labels: they would make the SVG several times larger. */
export const GANTT_ARIA_BARS = 3000;

/**
 * The phases of one task record. Trace records store when the task started (before its inputs), when it ended (its
 * output stored), its execution time and each transfer, but not when execution began: it is taken to begin when the
 * last download ended (or at the start), moved earlier if needed so it ends by the task's end. A task's downloads are
 * drawn as one bar from the first start to the last end (parallel downloads overlap); uploads likewise.
 */
export function taskPhases(task: TaskRecord): { phase: GanttPhase; startMs: number; endMs: number }[] {
  const bars: { phase: GanttPhase; startMs: number; endMs: number }[] = [];
  const span = (transfers: TaskRecord['downloads']) =>
    transfers.length === 0
      ? null
      : { startMs: Math.min(...transfers.map((t) => t.startMs)), endMs: Math.max(...transfers.map((t) => t.startMs + t.durationMs)) };
  const downloads = span(task.downloads);
  if (downloads && downloads.endMs > downloads.startMs) bars.push({ phase: 'download', ...downloads });
  let execStartMs = Math.max(task.startMs, downloads?.endMs ?? task.startMs);
  if (execStartMs + task.execMs > task.endMs) execStartMs = Math.max(task.startMs, task.endMs - task.execMs);
  if (task.execMs > 0) bars.push({ phase: 'execute', startMs: execStartMs, endMs: execStartMs + task.execMs });
  const uploads = span(task.uploads);
  if (uploads && uploads.endMs > uploads.startMs) bars.push({ phase: 'upload', ...uploads });
  return bars;
}

/** The Gantt chart's rows (workers by invocation time) and bars. */
export function ganttData(run: TraceRun): { workers: string[]; bars: GanttBar[] } {
  const workers = [...run.workers].sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  const rows = workers.map((w) => w.workerId);
  // A task record may name a worker without a worker record (a trace cut off early): it still gets a row.
  const known = new Set(rows);
  for (const task of run.tasks) {
    if (!known.has(task.workerId)) {
      known.add(task.workerId);
      rows.push(task.workerId);
    }
  }
  const s = (ms: number) => ms / 1000;
  const bars: GanttBar[] = [];
  for (const w of workers) {
    bars.push({ worker: w.workerId, phase: 'worker alive', task: '', startS: s(w.readyAtMs), endS: s(w.endedAtMs) });
    if (w.readyAtMs > w.invokedAtMs) {
      bars.push({ worker: w.workerId, phase: w.start === 'cold' ? 'cold start' : 'warm start', task: '', startS: s(w.invokedAtMs), endS: s(w.readyAtMs) });
    }
  }
  for (const task of run.tasks) {
    for (const p of taskPhases(task)) bars.push({ worker: task.workerId, phase: p.phase, task: task.taskId, startS: s(p.startMs), endS: s(p.endMs) });
  }
  return { workers: rows, bars };
}

/**
 * Gantt timeline of one run: a row per worker (ordered by invocation), on it the worker's start-up (cold starts in
 * vermillion, warm in orange), its lifetime in light grey, and per task its download, execute and upload phases.
 * Sized for the full text width; the height grows with the number of workers up to 600 pt, beyond which rows get
 * thinner rather than the figure taller.
 */
export function ganttSpec(run: TraceRun, width: ChartWidth = 'double'): VegaLiteSpec {
  const { workers, bars } = ganttData(run);
  const labelled = workers.length <= GANTT_LABELLED_ROWS;
  const height = Math.min(600, Math.max(60, workers.length * (labelled ? 11 : 4)));
  const aria = bars.length <= GANTT_ARIA_BARS;
  // Phases drawn in this order, so a task's bars sit on top of its worker's lifetime.
  const order = { 'worker alive': 0, 'cold start': 1, 'warm start': 1, download: 2, execute: 3, upload: 4 } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Gantt timeline of run ${run.header.runId}: a row per worker, a bar per task phase`,
    data: { values: bars.map((b) => ({ ...b, layer: order[b.phase] })).sort((a, b) => a.layer - b.layer) },
    width: WIDTH_PT[width] - (labelled ? 90 : 40),
    height,
    mark: { type: 'bar', ...(aria ? {} : { aria: false }), ...(labelled ? { cornerRadius: 0 } : {}) },
    encoding: {
      y: {
        field: 'worker',
        type: 'ordinal',
        scale: { domain: workers, paddingInner: labelled ? 0.2 : 0.05 },
        axis: labelled ? { title: 'worker', labelFontSize: 7 } : { title: `worker (${workers.length}, by invocation time)`, labels: false, ticks: false },
      },
      x: { field: 'startS', type: 'quantitative', title: 'time since submission (s)', scale: { zero: true, nice: false } },
      x2: { field: 'endS' },
      color: { field: 'phase', type: 'nominal', title: null, scale: { domain: GANTT_COLOURS.domain, range: GANTT_COLOURS.range } },
      ...(aria ? { tooltip: [{ field: 'worker' }, { field: 'task' }, { field: 'phase' }, { field: 'startS', title: 'start (s)' }, { field: 'endS', title: 'end (s)' }] } : {}),
    },
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: 6, symbolType: 'square' } },
  };
}
