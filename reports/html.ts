import type { ReportDocument } from './markdown.js';
import { prefixSvgIds } from './render.js';
import type { TextTable } from './tables.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlTable(table: TextTable): string {
  const th = table.header.map((h, i) => `<th${table.numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((c, i) => `<td${table.numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  return `<table><caption>${escapeHtml(table.caption)}</caption><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Inline markup the intro and paragraphs may use: `code` only, the rest escaped. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const STYLE = `
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
figure{margin:1.5em 0;display:inline-block;vertical-align:top;margin-right:2em}
figure .chart{border:1px solid #eee}figcaption{font-size:.85em;color:#444;max-width:520px}
table{border-collapse:collapse;margin:1em 0;font-size:.85em}caption{text-align:left;font-style:italic;padding:.3em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}th{background:#f6f6f6}.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}code{font-size:.9em}
.warning{border:2px solid #D55E00;background:#FDF0E8;padding:.6em .8em}.warning strong{color:#A33F00;letter-spacing:.03em}`;

/**
 * The report as one self-contained HTML page: styles inline, each chart's SVG inlined (ids prefixed so charts do not
 * collide), no script and no external resource, so it opens offline and can be mailed as one file.
 */
export function renderHtml(doc: ReportDocument, svgs: ReadonlyMap<string, string>): string {
  const body: string[] = [
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...(doc.warnings ?? []).map((w) => `<p class="warning" role="alert"><strong>${escapeHtml(w.label)}:</strong> ${inline(w.text)}</p>`),
    ...doc.intro.map((line) => `<p>${inline(line)}</p>`),
  ];
  for (const section of doc.sections) {
    body.push(`<section><h2>${escapeHtml(section.heading)}</h2>`);
    for (const p of section.paragraphs ?? []) body.push(`<p>${inline(p)}</p>`);
    if (section.code) body.push(`<pre><code>${escapeHtml(section.code)}</code></pre>`);
    for (const chart of section.charts ?? []) {
      const svg = svgs.get(chart.name);
      if (svg === undefined) throw new Error(`report: chart '${chart.name}' has no rendered SVG`);
      body.push(
        `<figure data-chart="${escapeHtml(chart.name)}"><div class="chart">${prefixSvgIds(svg, chart.name)}</div>` +
          `<figcaption><b>${escapeHtml(chart.title)}.</b> ${escapeHtml(chart.caption)} ` +
          `(<a href="${escapeHtml(chart.name)}.svg">SVG</a>, <a href="${escapeHtml(chart.name)}.png">PNG</a>, <a href="${escapeHtml(chart.name)}.vl.json">Vega-Lite</a>)</figcaption></figure>`,
      );
    }
    for (const table of section.tables ?? []) body.push(htmlTable(table));
    body.push('</section>');
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}
