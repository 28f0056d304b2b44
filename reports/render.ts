import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './specs/common.js';

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
