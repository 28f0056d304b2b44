import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCompareReport, writeTraceReport } from '../../reports/write-report.js';
import { CHROMIUM_ARGS, ensureChromium, type ChromiumAvailability } from './chromium.js';
import { WIDTH_PT } from '../../reports/specs/common.js';
import { optimizedCompareResults, singleRun } from './fixtures.js';

const WIDTHS = ['single', 'double'] as const;

/** Screenshots go here for a person to look at; outside the repository so they are never committed. */
export const SCREENSHOT_DIR = join(tmpdir(), 'octoplan-report-screenshots');

let chromiumAvailability: ChromiumAvailability = { ok: false, reason: 'not checked yet' };

describe('HTML report in headless Chromium', () => {
  beforeAll(() => {
    // Installs Debian's chromium the first time (minutes); instant afterwards.
    chromiumAvailability = ensureChromium();
    if (!chromiumAvailability.ok) {
      // CI must not skip: without a browser this test fails there, with the reason.
      if (process.env.CI) throw new Error(`headless Chromium is required in CI: ${chromiumAvailability.reason}`);
      console.warn(`browser test skipped: ${chromiumAvailability.reason}`);
    }
  }, 20 * 60_000);

  it('renders every chart of a compare and a trace report at single and double width, offline, and writes screenshots', async (ctx) => {
    if (!chromiumAvailability.ok) return ctx.skip();
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-report-html-'));
    const results = await optimizedCompareResults();
    const simulated = singleRun(1);
    const real = singleRun(2, { platform: 'lambda:local', runId: 'real-2' });
    for (const width of WIDTHS) {
      await writeCompareReport(results, join(dir, `compare-${width}`), { source: 'results.json', width });
      await writeTraceReport([simulated.run, real.run], join(dir, `trace-${width}`), { source: 'runs.jsonl', width });
    }
    await mkdir(SCREENSHOT_DIR, { recursive: true });

    const browser = await chromium.launch({ executablePath: chromiumAvailability.path, args: [...CHROMIUM_ARGS] });
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true, deviceScaleFactor: 2 });
      for (const width of WIDTHS) {
        for (const [kind, charts] of [['compare', ['makespan', 'gb-seconds', 'cost-makespan']], ['trace', ['gantt', 'prediction-error']]] as const) {
          const name = `${kind}-${width}`;
          const page = await context.newPage();
          const failed: string[] = [];
          page.on('requestfailed', (request) => failed.push(request.url()));
          await page.goto(pathToFileURL(join(dir, name, 'report.html')).href, { waitUntil: 'load' });
          const figures = await page.$$eval('figure[data-chart]', (nodes) =>
            nodes.map((figure) => {
              const svg = figure.querySelector('svg');
              const box = svg?.getBoundingClientRect();
              return {
                name: figure.getAttribute('data-chart'),
                width: box?.width ?? 0,
                height: box?.height ?? 0,
                // Marks that actually have a drawn size, not just nodes in the DOM.
                drawnMarks: svg ? [...svg.querySelectorAll('[role="graphics-symbol"]')].filter((m) => {
                  const b = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
                  return b.width > 0 || b.height > 0;
                }).length : 0,
                texts: svg ? [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim() !== '').length : 0,
                // Text the browser draws wider than the SVG (a cut or overflowing label).
                overflowing: svg
                  ? [...svg.querySelectorAll('text')].filter((t) => {
                      const b = t.getBoundingClientRect();
                      return b.right > box!.right + 1 || b.left < box!.left - 1;
                    }).map((t) => t.textContent)
                  : [],
                truncated: svg ? [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').includes('…')).map((t) => t.textContent) : [],
              };
            }),
          );
          expect(figures.map((f) => f.name)).toEqual(charts);
          for (const figure of figures) {
            expect(figure.width, `${name} ${figure.name} width`).toBeGreaterThan(100);
            expect(figure.width, `${name} ${figure.name} width`).toBeLessThanOrEqual(WIDTH_PT[width] * 1.05);
            expect(figure.height, `${name} ${figure.name} height`).toBeGreaterThan(50);
            expect(figure.drawnMarks, `${name} ${figure.name} marks`).toBeGreaterThan(0);
            expect(figure.texts, `${name} ${figure.name} axis text`).toBeGreaterThan(3);
            expect(figure.overflowing, `${name} ${figure.name} text outside the chart`).toEqual([]);
            expect(figure.truncated, `${name} ${figure.name} cut labels`).toEqual([]);
            // One screenshot per chart, as placed on the page, for a person to look at.
            await page.locator(`figure[data-chart="${figure.name}"] svg`).screenshot({ path: join(SCREENSHOT_DIR, `${figure.name}-${width}.png`) });
          }
          expect(await page.$$eval('table', (tables) => tables.length)).toBeGreaterThan(0);
          expect(failed).toEqual([]);
          await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-report.png`), fullPage: true });
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
    console.log(`report screenshots: ${SCREENSHOT_DIR}`);
  }, 180_000);
});
