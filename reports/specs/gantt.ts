import type { TaskRecord, TraceRun } from '../../core/trace-records.js';
import { GANTT_COLOURS, GANTT_PHASES, type GanttPhase } from '../palette.js';
import { textWidth } from '../text-width.js';
import { PAPER_CONFIG, VEGA_LITE_SCHEMA, WIDTH_PT, type ChartWidth, type VegaLiteSpec } from './common.js';

/** One bar of the Gantt chart: a phase of a task, or a worker's start-up or lifetime, in seconds since submission. */
export interface GanttBar {
  readonly worker: string;
  readonly phase: GanttPhase;
  /** The task the bar belongs to; empty for start-up and lifetime bars. */
  readonly task: string;
  readonly startS: number;
  readonly endS: number;
  /**
   * The task's sub-row on its worker (0, 1, …): tasks that run at once on one worker get different sub-rows, so
   * neither is drawn over the other; null for start-up and lifetime bars, which span all of the worker's sub-rows.
   */
  readonly lane: number | null;
  /** Where the bar is drawn on the y scale, in sub-rows from the top: `rowTop` to `rowBottom`. */
  readonly rowTop: number;
  readonly rowBottom: number;
}

/** A worker's row: where it starts on the y scale (in sub-rows from the top) and how many sub-rows its tasks need. */
export interface GanttWorkerRow {
  readonly worker: string;
  readonly firstLane: number;
  readonly lanes: number;
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

/**
 * Sub-rows for the tasks of one worker: in order of start, each task takes the lowest sub-row whose last task has
 * ended by its start (greedy interval partitioning, which uses as many sub-rows as the most tasks ever at once).
 */
export function assignLanes(tasks: readonly { startMs: number; endMs: number }[]): number[] {
  const order = tasks.map((_, i) => i).sort((a, b) => tasks[a]!.startMs - tasks[b]!.startMs || tasks[a]!.endMs - tasks[b]!.endMs || a - b);
  const laneEnds: number[] = [];
  const lanes = tasks.map(() => 0);
  for (const i of order) {
    const task = tasks[i]!;
    let lane = laneEnds.findIndex((end) => end <= task.startMs);
    if (lane === -1) lane = laneEnds.push(task.endMs) - 1;
    else laneEnds[lane] = task.endMs;
    lanes[i] = lane;
  }
  return lanes;
}

/** Gap between a bar and the edge of its sub-row, in sub-rows. */
const LANE_PAD = 0.12;
/** Gap between one worker's row and the next, in sub-rows: rows stay apart even where bars fill them. */
export const GANTT_WORKER_GAP = 0.4;

/**
 * The Gantt chart's rows (workers by invocation time, each with as many sub-rows as it ran tasks at once) and bars.
 * A task's span for its sub-row is from its first phase to its last (start to end of the record when it has none).
 */
export function ganttData(run: TraceRun): { workers: string[]; rows: GanttWorkerRow[]; bars: GanttBar[]; extent: number } {
  const workerRecords = [...run.workers].sort((a, b) => a.invokedAtMs - b.invokedAtMs || a.workerId.localeCompare(b.workerId));
  const workers = workerRecords.map((w) => w.workerId);
  // A task record may name a worker without a worker record (a trace cut off early): it still gets a row.
  const known = new Set(workers);
  for (const task of run.tasks) {
    if (!known.has(task.workerId)) {
      known.add(task.workerId);
      workers.push(task.workerId);
    }
  }
  const phasesOf = new Map(run.tasks.map((task) => [task, taskPhases(task)]));
  const laneOf = new Map<TaskRecord, number>();
  const lanesOf = new Map<string, number>();
  for (const worker of workers) {
    const tasks = run.tasks.filter((t) => t.workerId === worker);
    const spans = tasks.map((t) => {
      const phases = phasesOf.get(t)!;
      return phases.length === 0 ? { startMs: t.startMs, endMs: t.endMs } : { startMs: Math.min(...phases.map((p) => p.startMs)), endMs: Math.max(...phases.map((p) => p.endMs)) };
    });
    const lanes = assignLanes(spans);
    tasks.forEach((t, i) => laneOf.set(t, lanes[i]!));
    lanesOf.set(worker, Math.max(1, ...lanes.map((l) => l + 1)));
  }
  const rows: GanttWorkerRow[] = [];
  let next = 0;
  for (const worker of workers) {
    rows.push({ worker, firstLane: next, lanes: lanesOf.get(worker)! });
    next += lanesOf.get(worker)! + GANTT_WORKER_GAP;
  }
  const rowOf = new Map(rows.map((r) => [r.worker, r]));
  const s = (ms: number) => ms / 1000;
  const bars: GanttBar[] = [];
  for (const w of workerRecords) {
    const row = rowOf.get(w.workerId)!;
    const span = { lane: null, rowTop: row.firstLane, rowBottom: row.firstLane + row.lanes };
    bars.push({ worker: w.workerId, phase: 'worker alive', task: '', startS: s(w.readyAtMs), endS: s(w.endedAtMs), ...span });
    if (w.readyAtMs > w.invokedAtMs) {
      bars.push({ worker: w.workerId, phase: w.start === 'cold' ? 'cold start' : 'warm start', task: '', startS: s(w.invokedAtMs), endS: s(w.readyAtMs), ...span });
    }
  }
  for (const task of run.tasks) {
    const lane = laneOf.get(task)!;
    const top = rowOf.get(task.workerId)!.firstLane + lane;
    for (const p of phasesOf.get(task)!) {
      bars.push({ worker: task.workerId, phase: p.phase, task: task.taskId, startS: s(p.startMs), endS: s(p.endMs), lane, rowTop: top + LANE_PAD, rowBottom: top + 1 - LANE_PAD });
    }
  }
  return { workers, rows, bars, extent: Math.max(1, next - GANTT_WORKER_GAP) };
}

/** Worker labels on the Gantt y axis: at least 9 pt, legible at either width. */
export const GANTT_LABEL_FONT_SIZE = 9;

/**
 * Gantt timeline of one run: a row per worker (ordered by invocation), on it the worker's start-up (cold starts in
 * vermillion, warm in orange), its lifetime in light grey, and per task its download, execute and upload phases.
 * Tasks a worker ran at once get sub-rows of its row (the row is as tall as the most tasks it ever ran at once), so
 * none is drawn over another. The y scale counts sub-rows; each worker's label sits at the middle of its row. The
 * legend lists only the phases that occur in the run. The height grows with the sub-rows up to 600 pt, beyond which
 * they get thinner rather than the figure taller.
 */
export function ganttSpec(run: TraceRun, width: ChartWidth = 'double'): VegaLiteSpec {
  const { workers, rows, bars, extent } = ganttData(run);
  const labelled = workers.length <= GANTT_LABELLED_ROWS;
  const height = Math.min(600, Math.max(60, extent * (labelled ? 10 : 4)));
  const aria = bars.length <= GANTT_ARIA_BARS;
  // Phases drawn in this order, so a task's bars sit on top of its worker's lifetime.
  const order = { 'worker alive': 0, 'cold start': 1, 'warm start': 1, download: 2, execute: 3, upload: 4 } as const;
  const present = new Set(bars.map((b) => b.phase));
  const phases = GANTT_PHASES.filter((p) => present.has(p));
  const labelLimit = 80;
  const labelWidth = Math.min(labelLimit, Math.max(0, ...workers.map((w) => textWidth(w, GANTT_LABEL_FONT_SIZE))));
  // y axis: title (≈ 12 pt), labels, ticks and padding; the rest of the column is the time axis.
  const axisWidth = labelled ? 12 + labelWidth + 8 : 16;
  const centre = (r: GanttWorkerRow) => r.firstLane + r.lanes / 2;
  const names = Object.fromEntries(rows.map((r) => [String(centre(r)), r.worker]));
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Gantt timeline of run ${run.header.runId}: a row per worker, a sub-row per task running at once, a bar per task phase`,
    data: { values: bars.map((b) => ({ ...b, layer: order[b.phase] })).sort((a, b) => a.layer - b.layer) },
    width: WIDTH_PT[width] - 2 * PAPER_CONFIG.padding - axisWidth - 6,
    height,
    mark: { type: 'bar', ...(aria ? {} : { aria: false }), cornerRadius: 0 },
    encoding: {
      y: {
        field: 'rowTop',
        type: 'quantitative',
        scale: { domain: [0, extent], reverse: true, nice: false, zero: false },
        axis: labelled
          ? {
              title: 'worker',
              values: rows.map(centre),
              labelExpr: `${JSON.stringify(names)}['' + datum.value]`,
              labelFontSize: GANTT_LABEL_FONT_SIZE,
              labelLimit,
              grid: false,
              ticks: false,
              domain: true,
            }
          : { title: `worker (${workers.length}, by invocation time)`, labels: false, ticks: false, grid: false },
      },
      y2: { field: 'rowBottom' },
      x: { field: 'startS', type: 'quantitative', title: 'time since submission (s)', scale: { zero: true, nice: false } },
      x2: { field: 'endS' },
      color: { field: 'phase', type: 'nominal', title: null, scale: { domain: phases, range: phases.map((p) => GANTT_COLOURS.range[GANTT_COLOURS.domain.indexOf(p)]!) } },
      ...(aria
        ? { tooltip: [{ field: 'worker' }, { field: 'task' }, { field: 'lane', title: 'sub-row' }, { field: 'phase' }, { field: 'startS', title: 'start (s)' }, { field: 'endS', title: 'end (s)' }] }
        : {}),
    },
    config: { ...PAPER_CONFIG, legend: { ...PAPER_CONFIG.legend, orient: 'bottom', direction: 'horizontal', columns: width === 'double' ? 6 : 3, symbolType: 'square' } },
  };
}
