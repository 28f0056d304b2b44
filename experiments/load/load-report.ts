import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPng, renderSvg } from '../../reports/render.js';
import { loadDispatchSpec } from '../../reports/specs/load-dispatch.js';
import { loadConcurrencySpec, loadLatencyCdfSpec, loadLatencySpec } from '../../reports/specs/load-latency.js';
import { formatLoadTable, loadCsv } from './load-table.js';
import type { LoadResults } from './load-sweep.js';

/**
 * Writes a load sweep's report to `dir`: `results.json`, `load.csv` (one row per variant and load), `load.md` (the
 * table and how to regenerate it), and three charts, each as a Vega-Lite spec, SVG and PNG: latency (p50, p99)
 * against offered load; concurrency in use over time and the latency CDF at the middle offered load of the sweep;
 * and, for a sweep comparing dispatch strategies, p99 latency and SLA attainment per strategy against offered load.
 */
export async function writeLoadReport(results: LoadResults, dir: string, command: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const loads = [...new Set(results.points.map((p) => p.load))];
  const middle = loads[Math.floor((loads.length - 1) / 2)]!;
  const latencies = new Map(results.points.filter((p) => p.load === middle).map((p) => [p.variant, p.latenciesMs]));
  const charts: [string, object][] = [
    ['latency', loadLatencySpec(results)],
    ['concurrency', loadConcurrencySpec(results, middle, results.accountLimit)],
    ['latency-cdf', loadLatencyCdfSpec(results, middle, latencies)],
  ];
  const dispatch = loadDispatchSpec(results);
  if (dispatch) charts.push(['dispatch', dispatch]);
  const files: [string, string | Buffer][] = [
    ['results.json', JSON.stringify(results, null, 2) + '\n'],
    ['load.csv', loadCsv(results)],
    [
      'load.md',
      `# Load sweep\n\n\`\`\`\n${formatLoadTable(results)}\n\`\`\`\n\nRegenerate: \`${command}\` (toolkit ${results.toolkit.version}, seed ${String(results.seed)}).\n\n` +
        `![latency against offered load](latency.svg)\n\n![concurrency in use over time at ${middle}](concurrency.svg)\n\n![latency CDF at ${middle}](latency-cdf.svg)\n` +
        (dispatch ? `\n![p99 latency and SLA attainment per dispatch strategy against offered load](dispatch.svg)\n` : ''),
    ],
  ];
  for (const [name, spec] of charts) {
    const svg = await renderSvg(spec as Record<string, unknown>);
    files.push([`${name}.vl.json`, JSON.stringify(spec, null, 2) + '\n'], [`${name}.svg`, svg], [`${name}.png`, renderPng(svg)]);
  }
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
