import type { CompareResults as CoreCompareResults } from '../../core/compare-results.js';
import type { CompareMatrix } from './matrix.js';

// The result types live in core/ so that reports/ can read results without importing experiments/. This module keeps
// the names the runner and CLI have always imported.
export {
  COMPARE_METRICS,
  withoutTiming,
  type CompareAggregate,
  type CompareMetric,
  type CompareRunRow,
  type CompareSeeds,
  type CompareTiming,
  type MetricStats,
} from '../../core/compare-results.js';

/** The results of a comparison as the runner makes them: carrying the runner's own `CompareMatrix`. */
export type CompareResults = CoreCompareResults<CompareMatrix>;
