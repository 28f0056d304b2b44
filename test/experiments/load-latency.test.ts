import { describe, expect, it } from 'vitest';
import { buildCompareMatrix } from '../../experiments/compare/build-matrix.js';
import { planLoadMixes } from '../../experiments/load/load-mix.js';
import { loadMetrics } from '../../simulator/load-metrics.js';
import { simulateLoad } from '../../simulator/load-simulation.js';

describe('load on the default mix (statistical check)', () => {
  it('mean latency does not fall as the offered load rises, over five rates up to saturation', { timeout: 120_000 }, async () => {
    const built = await buildCompareMatrix({ planners: ['wukong'], optimizations: ['none'] });
    const { platform, variants } = await planLoadMixes(built.matrix);
    const rates = [0.05, 0.2, 0.5, 1, 2];
    const means = rates.map((ratePerS) => {
      // 150 requests a point (135 measured after the warm-up), so one slow request moves the mean by under 1 %.
      const result = simulateLoad({ platform, mix: variants[0]!.mix, arrivals: { kind: 'poisson', ratePerS }, requests: 150, seed: 11 });
      return loadMetrics(result.requests).latencyMeanMs;
    });
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThanOrEqual(means[i - 1]!);
    // Saturated at the top: latency there is far above the light-load figure.
    expect(means[means.length - 1]!).toBeGreaterThan(2 * means[0]!);
  });
});
