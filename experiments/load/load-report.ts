import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPng, renderSvg } from '../../reports/render.js';
import { loadLatencySpec } from '../../reports/specs/load-latency.js';
import { formatLoadTable, loadCsv } from './load-table.js';
import type { LoadResults } from './load-sweep.js';

/**
 * Writes a load sweep's report to `dir`: `results.json`, `load.csv` (one row per variant and load), `load.md` (the
 * table and how to regenerate it), and the latency-against-load chart as a Vega-Lite spec, SVG and PNG.
 */
export async function writeLoadReport(results: LoadResults, dir: string, command: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const spec = loadLatencySpec(results);
  const svg = await renderSvg(spec);
  const files: [string, string | Buffer][] = [
    ['results.json', JSON.stringify(results, null, 2) + '\n'],
    ['load.csv', loadCsv(results)],
    ['load.md', `# Load sweep\n\n\`\`\`\n${formatLoadTable(results)}\n\`\`\`\n\nRegenerate: \`${command}\` (toolkit ${results.toolkit.version}, seed ${String(results.seed)}).\n\n![latency against offered load](latency.svg)\n`],
    ['latency.vl.json', JSON.stringify(spec, null, 2) + '\n'],
    ['latency.svg', svg],
    ['latency.png', renderPng(svg)],
  ];
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
