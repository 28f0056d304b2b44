import { median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { MEDIAN } from '../../core/sla.js';
import { headlineMatrix, headlineReport, REFERENCE_HEADLINE } from '../../experiments/compare/headline.js';
import { runCompare } from '../../experiments/compare/runner.js';

describe('headline experiment', () => {
  it("uses the reference's setup: WUKONG and Uniform at 2,048 MB, Non-Uniform from {8,192, 4,096, 2,048} MB", () => {
    const { matrix, roles } = headlineMatrix();
    expect(matrix.workloads.map((w) => w.name)).toEqual(['tree_reduction', 'gemm', 'image_transformer', 'text_analysis']);
    const byLabel = new Map(matrix.variants.map((v) => [v.label, v]));
    expect(byLabel.get(roles.wukong)!.resources!.map((r) => r.memoryMb)).toEqual([2048]);
    expect(byLabel.get(roles.uniform)!.resources!.map((r) => r.memoryMb)).toEqual([2048]);
    expect(byLabel.get(roles.optimizedNonUniform)!.resources!.map((r) => r.memoryMb)).toEqual([8192, 4096, 2048]);
    expect(['wukong', 'wukong-octoflows']).toContain(roles.wukong);
    expect(matrix.baselinePlanner).toBe(roles.wukong);
  });

  it('each figure is the median over workloads of the change of per-workload medians, beside the reference', async () => {
    const { matrix, roles } = headlineMatrix({ workloads: ['gemm', 'tree_reduction'], slas: [MEDIAN], runs: 3, historyRuns: 3, seed: 5 });
    const results = await runCompare(matrix);
    const report = headlineReport(results, roles);
    expect(report.figures.map((f) => f.referencePct)).toEqual([
      REFERENCE_HEADLINE.uniformVsWukongGbSecondsPct,
      REFERENCE_HEADLINE.uniformVsWukongMakespanPct,
      REFERENCE_HEADLINE.optimizedNonUniformVsUniformMakespanPct,
      REFERENCE_HEADLINE.optimizedNonUniformVsUniformGbSecondsPct,
    ]);
    const first = report.figures[0]!;
    const med = (workload: string, variant: string) =>
      median(results.runs.filter((r) => r.workload === workload && r.variant === variant).map((r) => r.gbSeconds));
    const changes = ['gemm', 'tree_reduction'].map((w) => (med(w, roles.uniform) / med(w, roles.wukong) - 1) * 100);
    expect(first.perCell.map((c) => c.pct)).toEqual(changes);
    expect(first.medianOfCellsPct).toBeCloseTo(median(changes), 9);
  });
});
