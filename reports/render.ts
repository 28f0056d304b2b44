import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './specs/common.js';
import { textWidth } from './text-width.js';

/**
 * Vega measures text with a canvas when it has one and otherwise guesses 0.8 em a character, a third more than
 * DejaVu Sans takes: layouts got bands of empty space and labels were cut early. Without a canvas (always, here) it
 * calls `textMetrics.width`, which vega lets a host replace (vl-convert does): the charts' font's own widths.
 */
// vega exports `textMetrics` (from vega-scenegraph) at run time; its type declarations do not name it.
const textMetrics = (vega as unknown as { textMetrics: { width: (item: { text?: unknown; fontSize?: number }, text?: unknown) => number } }).textMetrics;
textMetrics.width = (item, text) => {
  const value = text ?? item.text;
  const lines = Array.isArray(value) ? value.map(String) : [value == null ? '' : String(value)];
  return Math.max(0, ...lines.map((line) => textWidth(line, item.fontSize ?? 11)));
};

/** The font resvg draws text with. resvg has no fallback of its own: without a font given, text silently vanishes. */
export const PNG_FONT_FAMILY = 'DejaVu Sans';
/** PNGs are drawn at twice the SVG's size, enough for print at the width the chart was sized for. */
export const PNG_ZOOM = 2;

/** Compiles a Vega-Lite spec to Vega; warnings (an ignored encoding, an unknown property) throw, so specs stay exact. */
export function compileSpec(spec: VegaLiteSpec): object {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      throw new Error(`vega-lite: ${m.join(' ')}`);
    },
    warn: (...m: unknown[]) => {
      warnings.push(m.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const compiled = compile(spec as unknown as TopLevelSpec, { logger: logger as never }).spec;
  if (warnings.length > 0) throw new Error(`vega-lite warned while compiling '${String(spec.description ?? 'a chart')}': ${warnings.join('; ')}`);
  return compiled;
}

/** Renders a Vega-Lite spec to SVG text without a browser (vega's headless renderer). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new View(parse(compileSpec(spec) as never), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes SVG text to PNG bytes on a white background, with DejaVu Sans for text. */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
    font: { loadSystemFonts: true, defaultFontFamily: PNG_FONT_FAMILY },
    background: 'white',
  });
  return resvg.render().asPng();
}

/**
 * Makes an SVG's ids unique with a prefix, so several SVGs inlined in one HTML page cannot point at each other's
 * clip paths and gradients (vega numbers them per render, so two charts may both have `clip1`).
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}-${id}"`);
}
