import { describe, expect, it } from 'vitest';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { planLoadMixes } from '../../experiments/load/load-mix.js';
import { loadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad } from '../../simulator/load-simulation.js';

describe('load on the default mix (statistical check)', () => {
  it('mean latency does not fall as the offered load rises, over five rates up to saturation', { timeout: 120_000 }, async () => {
    const built = await buildCompareMatrix({ planners: ['wukong'], optimizations: ['none'] });
    const { platform, variants } = await planLoadMixes(built.matrix);
    const rates = [0.5, 2, 8, 32, 64];
    const means = rates.map((ratePerS) => {
      // 300 requests a point (270 measured after the warm-up), so one slow request moves the mean by under 0.5 %.
      const result = simulateLoad({ platform, mix: variants[0]!.mix, arrivals: { kind: 'poisson', ratePerS }, requests: 300, seed: 11 });
      return loadMetrics(result.requests).latencyMeanMs;
    });
    // At light load a higher rate finds a few more warm environments (a few ms per request): "does not fall" within
    // 0.5 %, far below the rise that load brings.
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThanOrEqual(means[i - 1]! * 0.995);
    // Saturated at the top: latency there is far above the light-load figure.
    expect(means[means.length - 1]!).toBeGreaterThan(1.5 * means[0]!);
  });
});
