/**
 * Colours of the report's charts. Planners use the Okabe–Ito palette (Okabe & Ito 2008), which stays distinguishable
 * under the common colour-vision deficiencies and in greyscale print better than vega's default. Colours are assigned
 * once per report from the matrix's variant order and written into every spec as an explicit scale, so a planner
 * keeps its colour in every chart of the report.
 */

/** Okabe–Ito, reordered so the first colours are the most distinct on white (yellow, weak on white, comes late). */
export const OKABE_ITO: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#000000', '#F0E442'];

/**
 * Used after the eight Okabe–Ito colours run out: Tableau's colour-blind palette (Tableau 10 "Color Blind"), so a
 * ninth variant still gets a colour of its own.
 */
export const TABLEAU_CB: readonly string[] = ['#006BA4', '#FF800E', '#ABABAB', '#595959', '#5F9ED1', '#C85200', '#898989', '#A2C8EC', '#FFBC79', '#CFCFCF'];

/** A colour scale with a fixed domain: the same planner gets the same colour in every chart. */
export interface ColourScale {
  readonly domain: readonly string[];
  readonly range: readonly string[];
}

/** Colours for planner variants in the given order; beyond 18 variants colours repeat. */
export function plannerColours(variants: readonly string[]): ColourScale {
  const all = [...OKABE_ITO, ...TABLEAU_CB];
  return { domain: [...variants], range: variants.map((_, i) => all[i % all.length]!) };
}

/** Phases of a Gantt chart, in legend order. */
export const GANTT_PHASES = ['cold start', 'warm start', 'download', 'execute', 'upload', 'worker alive'] as const;
/** One phase of a Gantt bar. */
export type GanttPhase = (typeof GANTT_PHASES)[number];

/**
 * Gantt phase colours: the three task phases in blues/green, start-up in vermillion (cold) and orange (warm) so cold
 * starts stand out, idle worker time in a light grey that recedes behind the tasks.
 */
export const GANTT_COLOURS: ColourScale = {
  domain: [...GANTT_PHASES],
  range: ['#D55E00', '#E69F00', '#56B4E9', '#0072B2', '#009E73', '#E5E5E5'],
};
