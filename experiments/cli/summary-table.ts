import type { RunSummary } from '../../simulator/run-summary.js';
import { formatBytes, formatTable } from './table.js';

/** The summary table of one run, simulated (`bench simulate`) or real (`bench run`): the bill is `billRun`'s. */
export function formatRunSummaryTable(s: RunSummary): string {
  return formatTable(
    ['metric', 'value'],
    [
      ['status', s.status],
      ['makespan (ms)', s.makespanMs],
      ['GB-s', s.billing.gbSeconds],
      ['vCPU-s', s.billing.vcpuSeconds],
      // µUSD as in every table and chart: a run costs 1e-5 to 1e-2 USD, which reads badly in dollars.
      ['cost (µUSD)', s.billing.totalUsd * 1e6],
      ['workers launched', s.workersLaunched],
      ['cold / warm starts', `${s.coldStarts} / ${s.warmStarts}`],
      ['pre-warms', s.preWarms],
      ['uploaded', formatBytes(s.uploadedBytes)],
      ['downloaded', formatBytes(s.downloadedBytes)],
      ['storage operations', s.storageOps],
      ['Σ execution (ms)', s.totalExecMs],
    ].map(([k, v]) => [String(k), typeof v === 'number' ? v : String(v)]),
  );
}
