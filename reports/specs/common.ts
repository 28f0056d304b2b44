/**
 * What every chart spec of a report shares: sizes that fit a paper's columns, a sober style, and the chart record
 * the writer renders.
 */

/** A Vega-Lite spec as plain JSON (written to the output folder as is). */
export type VegaLiteSpec = Record<string, unknown>;

/** Widths of a two-column paper in points: one column (≈ 240 pt) or the full text width (≈ 500 pt). */
export const WIDTH_PT = { single: 240, double: 500 } as const;
/** Which width a chart is drawn for. */
export type ChartWidth = keyof typeof WIDTH_PT;

/** One chart of a report: a file name stem, a caption for Markdown and HTML, and its Vega-Lite spec. */
export interface ReportChart {
  /** File stem: `<name>.vl.json`, `<name>.svg`, `<name>.png`. */
  readonly name: string;
  readonly title: string;
  readonly caption: string;
  readonly width: ChartWidth;
  readonly spec: VegaLiteSpec;
}

/** The Vega-Lite schema the specs are written for (vega-lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Style for print: small type (charts are placed at their natural size, so 8–9 pt text matches a paper's captions),
 * DejaVu Sans (the font the PNG renderer is given; browsers without it fall back to sans-serif), light grid, no
 * chart title (the caption carries it), white background.
 */
export const PAPER_CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 4,
  axis: { labelFontSize: 8, titleFontSize: 9, titleFontWeight: 'normal', gridColor: '#E6E6E6', domainColor: '#555555', tickColor: '#555555', labelColor: '#222222', titleColor: '#222222' },
  legend: { labelFontSize: 8, titleFontSize: 9, titleFontWeight: 'normal', symbolSize: 60, labelLimit: 180 },
  header: { labelFontSize: 9, titleFontSize: 9, labelColor: '#222222' },
  title: { fontSize: 10, fontWeight: 'normal' },
  view: { stroke: null },
  facet: { spacing: 8 },
} as const;

/**
 * A grid of panels drawn as rows of concatenated views (not a wrapped facet, so each panel can have its own axes:
 * a y title on the first panel of a row only, x labels on the lowest panel of a column only, ticks from its data).
 * Space per row: the first panel's y axis (title and labels, `firstAxisPt`), every other panel's y labels
 * (`otherAxisPt`), the gaps between panels and the chart's padding; the rest is shared by the panels.
 */
export interface PanelGrid {
  readonly columns: number;
  readonly panelWidth: number;
  /** The panels row by row. */
  readonly rows: readonly (readonly string[])[];
}

/** Gap between concatenated panels in points. */
export const PANEL_SPACING = 6;

/** Lays `panels` out in rows for a chart of `width`: at most 2 panels a row at single width, 4 at double. */
export function panelGrid(panels: readonly string[], width: ChartWidth, space: { firstAxisPt: number; otherAxisPt: number; minPanelPt?: number }): PanelGrid {
  const columns = Math.max(1, Math.min(panels.length, width === 'double' ? 4 : 2));
  const free = WIDTH_PT[width] - 2 * PAPER_CONFIG.padding - space.firstAxisPt - (columns - 1) * (space.otherAxisPt + PANEL_SPACING);
  const panelWidth = Math.max(space.minPanelPt ?? 40, Math.floor(free / columns));
  const rows: string[][] = [];
  panels.forEach((panel, i) => (i % columns === 0 ? rows.push([panel]) : rows[rows.length - 1]!.push(panel)));
  return { columns, panelWidth, rows };
}

/** Whether the panel at (row, column) has no panel below it: it carries the x axis labels of its column. */
export function lowestInColumn(grid: PanelGrid, row: number, column: number): boolean {
  return grid.rows[row + 1]?.[column] === undefined;
}

/** A panel's title above its plot: the workload (and SLA), close to the plot, no band above it. */
export function panelTitle(text: string): Record<string, unknown> {
  return { text, fontSize: 9, fontWeight: 'normal', offset: 3, anchor: 'middle', frame: 'group', baseline: 'alphabetic', color: '#222222' };
}

/**
 * About `count` round tick values (1, 2 or 5 × 10^k apart, chosen as d3 does: the step nearest (max − min) / count)
 * from the last multiple of the step at or below min to the first at or above max, so a panel's axis has at least
 * two labelled ticks whatever its range; a degenerate range is widened by 5 % of its value (or 1) on each side.
 * Values are rounded to the step's decimals (no 0.30000000000000004).
 */
export function niceTicks(min: number, max: number, count: number): number[] {
  let lo = min;
  let hi = max;
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  const step = factor * 10 ** power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const round = (v: number) => Number(v.toFixed(decimals));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(round(k * step));
  return ticks;
}

/** The panel label of a (workload, SLA) cell: the SLA is named only when the results hold more than one. */
export function panelLabel(workload: string, sla: string, severalSlas: boolean): string {
  return severalSlas ? `${workload} (${sla})` : workload;
}
