import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { validatePlan } from '../../../core/plan.js';
import { createPredictions } from '../../../core/predictions/index.js';
import { predictTaskSizes } from '../../../core/predictions/task-sizes.js';
import { resources } from '../../../core/resources.js';
import { MEDIAN } from '../../../core/sla.js';
import { generateWfFormat } from '../../../experiments/perf/wfcommons-perf.js';
import { faasflowPlanner } from '../../../planners/faasflow/faasflow-planner.js';
import { partitionFunctions, partitionWorkflow } from '../../../planners/faasflow/partition.js';
import { runPlanner } from '../../../planners/registry.js';
import { simulatorEstimator } from '../../../planners/simulator-estimator.js';
import { expectedDurations } from '../../../simulator/duration-sources.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { simulate } from '../../../simulator/simulate.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { importWfFormat } from '../../../traces/wfcommons/import-wfformat.js';

describe("the 'faasflow' planner on the Lambda profile: properties on generated WfFormat instances", () => {
  test.prop([fc.integer({ min: 5, max: 80 }), fc.integer({ min: 1, max: 1000 })], { numRuns: 15 })(
    'one fixed worker per partition group, offered resources only, the run completes, and data inside a group never goes through storage',
    (tasks, seed) => {
      const { imported, history } = importWfFormat(generateWfFormat(tasks, seed), `generated-${tasks}-${seed}.json`, { runs: 3, seed });
      const { workflow } = imported;
      const predictions = createPredictions(groupRuns(history).runs, { workflow: workflow.name });
      const offered = faasflowPlanner.defaultMemoryMb.map((mb) => resources(mb));
      const estimate = simulatorEstimator(workflow, predictions, MEDIAN, DEFAULT_PLATFORM_MODEL);
      const plan = runPlanner(faasflowPlanner, workflow, { predictions, sla: MEDIAN, resources: offered, estimate, optimizations: [] });
      validatePlan(workflow, plan);
      // The plan's workers are the partition's groups, computed as the planner computes it.
      const sizes = predictTaskSizes(workflow, predictions, MEDIAN);
      const partition = partitionWorkflow(
        partitionFunctions(workflow, (id) => predictions.execMs(workflow.tasks.get(id)!.functionName, sizes.get(id)!.inputBytes, offered[0]!, MEDIAN), (id) => sizes.get(id)!.outputBytes),
      );
      for (const [taskId, group] of partition.groupOf) expect(plan.tasks.get(taskId)!.workerId).toBe(`faasflow-g${group}`);
      for (const task of plan.tasks.values()) expect(offered).toContainEqual(task.resources);
      const run = simulate(workflow, plan, { platform: DEFAULT_PLATFORM_MODEL, durations: expectedDurations(predictions, MEDIAN), seed, latencyNoise: false });
      expect(run.records.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
      for (const record of run.records) {
        if (record.type === 'task' && partition.dataPath.get(record.taskId) === 'MEM') expect(record.uploads).toEqual([]);
      }
    },
  );
});
