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
 * The width of one facet when `panels` facets with their own y axes share a chart of `width` points: a y axis with
 * its labels and title, and the gap to the next facet, take about 64 pt, and at most 4 (double) or 2 (single) facets go in a row.
 */
export function facetLayout(panels: number, width: ChartWidth): { columns: number; facetWidth: number } {
  const columns = Math.max(1, Math.min(panels, width === 'double' ? 4 : 2));
  return { columns, facetWidth: Math.max(40, Math.floor((WIDTH_PT[width] - columns * 64) / columns)) };
}

/** The panel label of a (workload, SLA) cell: the SLA is named only when the results hold more than one. */
export function panelLabel(workload: string, sla: string, severalSlas: boolean): string {
  return severalSlas ? `${workload} (${sla})` : workload;
}
