import type { RunSummary } from '../../simulator/run-summary.js';
import { formatBytes, formatTable } from './table.js';

/** The summary table of one run, simulated (`bench simulate`) or real (`bench run`). */
export function formatRunSummaryTable(s: RunSummary): string {
  return formatTable(
    ['metric', 'value'],
    [
      ['status', s.status],
      ['makespan (ms)', s.makespanMs],
      ['GB-seconds', s.billing.gbSeconds],
      ['vCPU-seconds', s.billing.vcpuSeconds],
      ['cost (USD)', s.billing.totalUsd.toExponential(3)],
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
