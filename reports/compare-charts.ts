import type { CompareResults } from '../core/compare-results.js';
import { chartLevel, errorLevels, formatLevel } from './levels.js';
import { hasSensitivity } from './sensitivity.js';
import type { ChartWidth, ReportChart } from './specs/common.js';
import { errorSensitivitySpec } from './specs/error-sensitivity.js';
import { GB_SECONDS_BARS, MAKESPAN_BARS, metricBarsSpec } from './specs/metric-bars.js';
import { paretoSpec } from './specs/pareto.js';

/**
 * The charts of a compare report (the prediction-error CDF, which needs real runs, is added by the writer). The
 * charts comparing planners draw the lowest prediction-error level only, and say so when there are several: a
 * planner then has one bar or point per panel, and planners are compared on the same belief. The others are in the
 * sensitivity chart, drawn only when there is more than one level.
 */
export function compareCharts(results: CompareResults, width: ChartWidth | undefined): { planners: ReportChart[]; sensitivity: ReportChart | undefined } {
  const panels = new Set(results.aggregates.map((a) => `${a.workload}\u0000${a.sla}`)).size;
  const wide: ChartWidth = width ?? (panels > 2 ? 'double' : 'single');
  const levels = errorLevels(results);
  const atLevel = levels.length > 1 ? ` Prediction error ${formatLevel(chartLevel(results))} (the lowest level) only: the sensitivity chart shows every level.` : '';
  const planners: ReportChart[] = [
    {
      name: 'makespan',
      title: 'Makespan per workload and planner',
      caption: `Bars: mean makespan over ${results.matrix.runs} simulated run(s) per planner; error bars: ± one sample standard deviation. Each panel has its own y scale.${atLevel}`,
      width: wide,
      spec: metricBarsSpec(results, MAKESPAN_BARS, wide),
    },
    {
      name: 'gb-seconds',
      title: 'Resource usage per workload and planner',
      caption: `Bars: mean GB-s (memory × billed time of every worker) over runs; error bars: ± one sample standard deviation.${atLevel}`,
      width: wide,
      spec: metricBarsSpec(results, GB_SECONDS_BARS, wide),
    },
    {
      name: 'cost-makespan',
      title: 'Cost against makespan',
      caption: `Each planner at its mean over runs, whiskers ± one sample standard deviation. Filled: Pareto-optimal (no other planner is both faster and cheaper); hollow: dominated; dashed: the Pareto front.${atLevel}`,
      width: wide,
      spec: paretoSpec(results, wide),
    },
  ];
  if (!hasSensitivity(results)) return { planners, sensitivity: undefined };
  // Three columns of panels: legible at the full text width only, whatever the other charts use.
  const sensitivityWidth: ChartWidth = width ?? 'double';
  const sensitivity: ReportChart = {
    name: 'error-sensitivity',
    title: 'Sensitivity to prediction error',
    caption:
      `Per workload (row) and quantity (column), each planner variant against the prediction-error level it planned with (${levels.map(formatLevel).join(', ')}: ` +
      "coefficient of variation of the belief's execution-time error): mean makespan and GB-s over completed runs with ± one sample standard deviation, " +
      "and the share of runs within the planner's estimate (SLA met). Every level is graded against the same truth draws.",
    width: sensitivityWidth,
    spec: errorSensitivitySpec(results, sensitivityWidth),
  };
  return { planners, sensitivity };
}
