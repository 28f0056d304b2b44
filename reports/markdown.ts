import type { TextTable } from './tables.js';

/** What a report's Markdown and HTML pages say: a title, sections of text, tables and charts. */
export interface ReportDocument {
  readonly title: string;
  /** Lines under the title: what the report is of and how to regenerate it. */
  readonly intro: readonly string[];
  /**
   * Warnings the reader must not miss (a self-evaluated comparison), shown right under the title before anything
   * else: a label in capitals and its text.
   */
  readonly warnings?: readonly ReportWarning[];
  readonly sections: readonly ReportSection[];
}

/** A warning at the top of a report. */
export interface ReportWarning {
  readonly label: string;
  readonly text: string;
}

/** One section of a report. */
export interface ReportSection {
  readonly heading: string;
  readonly paragraphs?: readonly string[];
  readonly tables?: readonly TextTable[];
  /** Charts by file stem, with their caption; their SVG and PNG sit next to the page. */
  readonly charts?: readonly { readonly name: string; readonly title: string; readonly caption: string }[];
  /** A fenced code block (the command that regenerates the report). */
  readonly code?: string;
}

/** Escapes the characters that would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured Markdown table with numeric columns right-aligned. */
export function markdownTable(table: TextTable): string {
  const align = table.numeric.map((n) => (n ? '---:' : '---'));
  return [
    `*${table.caption}*`,
    '',
    `| ${table.header.map(cell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The report as Markdown; charts are linked as their PNG with the SVG and spec next to it. */
export function renderMarkdown(doc: ReportDocument): string {
  const parts: string[] = [`# ${doc.title}`];
  for (const w of doc.warnings ?? []) parts.push('', `> **${w.label}:** ${w.text}`);
  parts.push('', ...doc.intro);
  for (const section of doc.sections) {
    parts.push('', `## ${section.heading}`);
    for (const p of section.paragraphs ?? []) parts.push('', p);
    if (section.code) parts.push('', '```sh', section.code, '```');
    for (const chart of section.charts ?? []) {
      parts.push('', `![${chart.title}](${chart.name}.png)`, '', `*${chart.caption}* ([SVG](${chart.name}.svg), [Vega-Lite spec](${chart.name}.vl.json))`);
    }
    for (const table of section.tables ?? []) parts.push('', markdownTable(table));
  }
  return parts.join('\n') + '\n';
}
