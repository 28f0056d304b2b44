/** The prediction engine's public API (thesis §3.3, Figure 3.5). */
export {
  createPredictions,
  type ExecQuery,
  type Explanation,
  type ExplanationFor,
  type OutputExplanation,
  type OutputQuery,
  type PredictionQuery,
  type Predictions,
  type StartupQuery,
  type TimeExplanation,
  type TransferDirection,
  type TransferQuery,
} from './engine.js';
export { predictTaskSizes, type PredictedSizes } from './task-sizes.js';
export { estimateAt, quantileOf, type Extrapolation, type Interpolation, type LowerBound, type SizedEstimate } from './estimate.js';
export { memoryFactor, resourceView, type ResourcePath, type ResourceScaling, type ResourceView } from './normalize.js';
export {
  DEFAULT_EXPONENTS,
  DEFAULT_PREDICTION_OPTIONS,
  OCTOFLOWS_EXPONENTS,
  resolvePredictionOptions,
  type PredictionOptions,
  type ResolvedPredictionOptions,
  type ScalingExponents,
} from './options.js';
export {
  collectSamples,
  type CollectOptions,
  type ExecSample,
  type FunctionSamples,
  type OutputSample,
  type SampleSet,
  type StartKind,
  type StartupSample,
  type TransferSample,
} from './samples.js';
export {
  DEFAULT_SELECTION,
  checkSelectionOptions,
  selectAroundSorted,
  selectSamples,
  sortBySize,
  type Selection,
  type SelectionOptions,
  type SelectionSummary,
  type SizedValue,
} from './select.js';
export { scaleExecSamples } from './perturb.js';
