import { stringify } from 'csv-stringify/sync';
import { formatTable } from '../cli/table.js';
import type { LoadResults } from './load-sweep.js';

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—');
const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The sweep as a table: one row per variant and offered load; then the sustainable throughput per variant. */
export function formatLoadTable(results: LoadResults): string {
  // A sweep comparing dispatch strategies also shows each one's worst wait for a slot (starvation) and refusals.
  const dispatch = results.points.some((p) => p.dispatch !== undefined);
  const header = ['variant', 'load', 'done/measured', 'failed+timeout', 'throughput (req/s)', 'p50 (s)', 'p95 (s)', 'p99 (s)', 'max (s)', 'queue p99 (s)', 'SLA met (%)', 'GB-s', 'µUSD/req', 'cold (%)', 'peak conc.', 'throttles'];
  if (dispatch) header.push('worst wait (s)', 'refused');
  const rows = results.points.map((p) => {
    const m = p.metrics;
    const dispatchCells = dispatch ? [s(p.maxSlotWaitMs ?? Number.NaN), String(p.refusedInvocations ?? '—')] : [];
    return [
      p.variant,
      p.load,
      `${m.completed}/${m.measured}`,
      String(m.failed + m.timedOut + m.unfinished),
      f(m.throughputPerS),
      s(m.latencyP50Ms),
      s(m.latencyP95Ms),
      s(m.latencyP99Ms),
      s(m.latencyMaxMs),
      s(m.queueP99Ms),
      f(100 * m.slaAttainment, 0),
      f(m.gbSeconds, 1),
      f(m.costPer1000Usd * 1000, 1),
      f(100 * m.coldStartShare, 0),
      String(p.peakLiveInvocations),
      String(p.throttles),
      ...dispatchCells,
    ];
  });
  const sustainable = results.sustainable
    .map((v) => `  ${v.variant}: ${v.throughputPerS === null ? 'none of the offered loads' : `${v.throughputPerS} req/s`} (p99 ≤ ${s(v.p99BoundMs)} s)`)
    .join('\n');
  return `${formatTable(header, rows)}\n\nsustainable throughput (highest offered load whose p99 stays within the bound):\n${sustainable}`;
}

/** One CSV row per variant and offered load, every metric in its unit (ms, req/s, GB-s, USD, shares 0–1). */
export function loadCsv(results: LoadResults): string {
  const rows = results.points.map((p) => ({
    variant: p.variant,
    planner: p.planner,
    dispatch: p.dispatch ?? 'fifo',
    load: p.load,
    offeredPerS: p.offeredPerS ?? '',
    arrived: p.metrics.arrived,
    measured: p.metrics.measured,
    completed: p.metrics.completed,
    failed: p.metrics.failed,
    timedOut: p.metrics.timedOut,
    unfinished: p.metrics.unfinished,
    throughputPerS: p.metrics.throughputPerS,
    latencyMeanMs: p.metrics.latencyMeanMs,
    latencyP50Ms: p.metrics.latencyP50Ms,
    latencyP95Ms: p.metrics.latencyP95Ms,
    latencyP99Ms: p.metrics.latencyP99Ms,
    latencyMaxMs: p.metrics.latencyMaxMs,
    queueP50Ms: p.metrics.queueP50Ms,
    queueP99Ms: p.metrics.queueP99Ms,
    slaAttainment: p.metrics.slaAttainment,
    gbSeconds: p.metrics.gbSeconds,
    costUsd: p.metrics.costUsd,
    costPer1000Usd: p.metrics.costPer1000Usd,
    coldStartShare: p.metrics.coldStartShare,
    peakLiveInvocations: p.peakLiveInvocations,
    throttles: p.throttles,
    maxSlotWaitMs: p.maxSlotWaitMs ?? '',
    refusedInvocations: p.refusedInvocations ?? '',
  }));
  return stringify(rows, { header: true });
}
