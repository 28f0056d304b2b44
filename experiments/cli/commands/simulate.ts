import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { TRUTH_CHOICES, type TruthChoice, type TruthKind } from '../../../core/compare-results.js';
import { ConfigError } from '../../../core/errors.js';
import { flexiblePlan, type Plan } from '../../../core/plan.js';
import { createPredictions, type Predictions } from '../../../core/predictions/index.js';
import { LAMBDA_VCPU_RULE, resources } from '../../../core/resources.js';
import { formatSla, type Sla } from '../../../core/sla.js';
import type { RunHeader, TraceRecord } from '../../../core/trace-records.js';
import { loadTaskOverrides } from '../../../planners/optimizations/overrides-file.js';
import { OPTIMIZATION_PASS_NAMES, type PlannerContext } from '../../../planners/planner.js';
import { loadPlanner, plannerNames, runPlanner } from '../../../planners/registry.js';
import { simulatorEstimator } from '../../../planners/simulator-estimator.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { DEFAULT_HOLDOUT_FRACTION, resolveTruth, type WorkloadTruth } from '../../compare/truth.js';
import { expectedDurations, type DurationSource } from '../../../simulator/duration-sources.js';
import { loadPlatformModel } from '../../../simulator/platform-config.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { simulate } from '../../../simulator/simulate.js';
import { planToJson, readPlanFile } from '../../../traces/plan-file.js';
import { generateHistory } from '../../../traces/synthetic/history-generator.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { loadWorkflowSource } from '../../../traces/wfcommons/load-workflow-source.js';
import { DEFAULT_WORKLOAD, getWorkload, workloadNames } from '../../../traces/workloads/registry.js';
import { resolveParams } from '../../../traces/workloads/workload.js';
import { describeInstance, otherInstanceLines, recordedInstance, runsOnOtherInstances } from '../../../traces/workloads/instance.js';
import { UsageError } from '../errors.js';
import { checkPathOptions } from '../paths.js';
import { readTraceInput, requireTaskRecords } from '../trace-input.js';
import { paramsOption, resourcesOption, seedOption, slaOption, writeJsonOut } from '../options.js';
import { formatRunSummaryTable } from '../summary-table.js';

interface SimulateArgs {
  workload: string;
  workflow?: string;
  plan?: string;
  planner?: string;
  optimizations: string;
  'task-overrides'?: string;
  truth?: string;
  holdout?: number;
  'replay-run'?: string;
  durations?: string;
  sla: string;
  history?: string;
  runs: number;
  seed: string;
  platform?: string;
  resources?: string;
  param: string[];
  'trace-out'?: string;
  'plan-out'?: string;
  json: boolean;
  'json-out'?: string;
}

/** The values `--durations` still accepts (deprecated but `expected`, see `truthMode`). */
export const DURATIONS_CHOICES = ['sampled', 'expected', 'replay'] as const;

/** What the simulated run is graded against, as chosen on the command line. */
export interface TruthMode {
  /** The truth resolved by `resolveTruth` (for `expected`: `predictions`, which holds out nothing of a generated history). */
  readonly choice: TruthChoice;
  /** `--durations expected`: the belief's expected values under the SLA, deterministic, instead of a truth draw. */
  readonly expected: boolean;
  /** A one-line note for stderr when a deprecated `--durations` value was mapped onto `--truth`. */
  readonly note?: string;
}

/**
 * `--truth` and the deprecated `--durations`, mapped onto one truth:
 *
 * - `--truth auto|replay|generator|predictions`: as `bench compare --truth` (`experiments/compare/truth.ts`); default auto.
 * - `--durations sampled` = `--truth predictions` (self-evaluation), with a deprecation note.
 * - `--durations replay` = `--truth replay`, with a deprecation note (an import's recorded run is now the replayed one).
 * - `--durations expected`: kept, the deterministic expected-value mode (self-evaluation without noise).
 * @throws UsageError for an unknown value, or `--durations` given with `--truth`
 */
export function truthMode(truth: string | undefined, durations: string | undefined): TruthMode {
  if (truth !== undefined && !(TRUTH_CHOICES as readonly string[]).includes(truth)) {
    throw new UsageError(`--truth: unknown truth '${truth}'; give one of ${TRUTH_CHOICES.join(', ')}`);
  }
  if (durations === undefined) return { choice: (truth ?? 'auto') as TruthChoice, expected: false };
  if (!(DURATIONS_CHOICES as readonly string[]).includes(durations)) {
    throw new UsageError(`--durations: unknown value '${durations}'; give one of ${DURATIONS_CHOICES.join(', ')}, or --truth ${TRUTH_CHOICES.join('|')} instead`);
  }
  if (truth !== undefined) {
    const instead = durations === 'expected' ? 'the deterministic expected-value mode, which grades against no truth' : `--truth ${durations === 'sampled' ? 'predictions' : 'replay'}`;
    throw new UsageError(`give either --truth or --durations, not both (--durations ${durations} is ${instead})`);
  }
  if (durations === 'expected') return { choice: 'predictions', expected: true };
  if (durations === 'sampled') {
    return {
      choice: 'predictions',
      expected: false,
      note: "bench simulate: --durations sampled is deprecated; it now means --truth predictions, a self-evaluation (the run is drawn from the planner's own predictions); --truth auto grades against a held-out run or the workload's own model",
    };
  }
  return {
    choice: 'replay',
    expected: false,
    note: "bench simulate: --durations replay is deprecated; it now means --truth replay (a run held out from training; an import's recorded run)",
  };
}

/** Which truth graded the simulated run: printed, written in the trace header and in `--json`. */
export interface SimulateTruth {
  /** A truth kind, or `expected` for the deterministic expected-value mode. */
  readonly kind: TruthKind | 'expected';
  readonly description: string;
  /** The recorded run replayed (replay only). */
  readonly truthRun: string | null;
  /** True when the world is made of the planner's own predictions (`predictions`, `expected`). */
  readonly selfEvaluation: boolean;
  /** The replayed run is also a training run (an import with its recorded run alone). */
  readonly inSample: boolean;
  readonly trainingRunIds: readonly string[];
  /** The runs held out for replay (replay only; the one simulated run replays the first). */
  readonly replayRunIds: readonly string[];
}

/** The truth of the one simulated run (run 0 of the truth's streams) and its description. */
function simulateTruth(truth: WorkloadTruth, mode: TruthMode, belief: () => Predictions, sla: Sla): { source: DurationSource; truth: SimulateTruth } {
  const { record } = truth;
  const common = { trainingRunIds: record.trainingRunIds, replayRunIds: record.replayRunIds, inSample: record.inSample };
  if (mode.expected) {
    return {
      source: expectedDurations(belief(), sla),
      truth: {
        ...common,
        kind: 'expected',
        description: `expected: the belief's expected values at ${formatSla(sla)}, deterministic (self-evaluation: the planner's own estimate, no truth)`,
        truthRun: null,
        selfEvaluation: true,
      },
    };
  }
  const { source, truthRun } = truth.sample(0, belief());
  // A replay truth with several held-out runs cycles through them; the one simulated run replays the first.
  const description = record.kind === 'replay' && record.replayRunIds.length > 1 ? `${record.description}; this run replays ${truthRun}` : record.description;
  return { source, truth: { ...common, kind: record.kind, description, truthRun, selfEvaluation: record.selfEvaluation } };
}

/**
 * The trace header of the simulated run with the built-in workload's parameters (which instance it simulated, as a
 * real run's header records them) and the truth that graded it in its params.
 */
function withTruthHeader(records: readonly TraceRecord[], truth: SimulateTruth, workloadParams: Readonly<Record<string, number>>): TraceRecord[] {
  return records.map((record) => {
    if (record.type !== 'run') return record;
    const header: RunHeader = {
      ...record,
      params: {
        ...workloadParams,
        ...record.params,
        truth: truth.kind,
        truthRun: truth.truthRun,
        trainingRuns: truth.trainingRunIds.length,
        selfEvaluation: truth.selfEvaluation,
        inSample: truth.inSample,
      },
    };
    return header;
  });
}

/**
 * `bench simulate`: one simulated run of a workload under a plan (a plan file, a planner's plan made from the
 * training runs of the history, or by default every task on a flexible worker of one configuration, WUKONG's shape),
 * graded against a truth (`--truth`), printing the run's summary and which truth it was.
 */
export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'Simulate one run of a workload under a plan and print its makespan, cost and resource use',
  builder: (y: Argv) =>
    y
      .option('workload', { alias: 'w', type: 'string', default: DEFAULT_WORKLOAD, describe: `built-in workload (${workloadNames().join(', ')})` })
      .option('workflow', { type: 'string', describe: 'WfFormat file or `bench import wfcommons` directory (replaces --workload; its history is the imported one)' })
      .option('plan', { type: 'string', describe: 'plan JSON file (default: every task flexible on --resources)' })
      .option('planner', {
        alias: 'p',
        type: 'string',
        describe: `plan with this planner (${plannerNames().join(', ')}, or a module path) on predictions from the training runs of the history, under --sla`,
      })
      .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: `with --planner: none, all, or passes (${OPTIMIZATION_PASS_NAMES.join(', ')})` })
      .option('task-overrides', { type: 'string', describe: 'with --planner: JSON {"<taskId>": {"pre-load": false, ...}} forcing (true) or forbidding (false) a pass per task' })
      .option('truth', {
        type: 'string',
        describe:
          `what the simulated run is graded against: ${TRUTH_CHOICES.join(', ')} (default auto: a held-out recorded run when the history has one ` +
          "(an import's recorded run, a share of a --history), else fresh draws from the workload's own model (generator); predictions is self-evaluation)",
      })
      .option('holdout', {
        type: 'number',
        describe: `runs of the history held out from training for replay (default: ${DEFAULT_HOLDOUT_FRACTION * 100}% of a recorded history, none of a generated one unless --truth replay)`,
      })
      .option('replay-run', { type: 'string', describe: "the run to hold out and replay (default for an imported instance: its recorded run)" })
      .option('durations', {
        type: 'string',
        describe:
          'deprecated: sampled = --truth predictions (self-evaluation), replay = --truth replay; expected (kept) = the belief\'s expected values under --sla, deterministic, self-evaluation',
      })
      .option('sla', { type: 'string', default: 'median', describe: 'SLA of --planner and of --durations expected' })
      .option('history', { type: 'string', describe: 'trace file or directory (default: a synthetic history)' })
      .option('runs', { alias: 'n', type: 'number', default: 20, describe: 'runs of the synthetic history' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the history, the split, the truth draws and the simulation' })
      .option('platform', { type: 'string', describe: 'JSON file overriding platform-model defaults' })
      .option('resources', { type: 'string', describe: "resources of the default plan (memory MB[:vCPUs]; default 2048), or the planner's (default: its own)" })
      .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value' })
      .option('plan-out', { type: 'string', describe: 'write the plan simulated as JSON (a template for --plan)' })
      .option('trace-out', { type: 'string', describe: 'write the simulated run\'s trace records here (.jsonl); the header\'s params name the truth' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary (and the truth) as JSON on stdout instead of tables' })
      .option('json-out', { type: 'string', describe: 'also write the summary (and the truth) as JSON to this file' }) as unknown as Argv<SimulateArgs>,
  handler: async (args) => {
    checkPathOptions(args, {
      workflow: 'file-or-directory',
      plan: 'file',
      'task-overrides': 'file',
      history: 'file-or-directory',
      platform: 'file',
      'plan-out': 'output-file',
      'trace-out': 'output-file',
      'json-out': 'output-file',
    });
    const seed = seedOption(args.seed);
    const mode = truthMode(args.truth, args.durations);
    if (mode.note) console.error(mode.note);
    if (mode.expected && args['replay-run'] !== undefined) throw new UsageError('--replay-run applies to --truth replay or auto, not to --durations expected');
    // An imported workflow brings its own history; a built-in workload gets a synthetic one below.
    const source = args.workflow ? await loadWorkflowSource(args.workflow, { seed }) : undefined;
    for (const line of source?.warnings ?? []) console.error(line);
    if (source && args.param.length > 0) throw new UsageError('--param applies to built-in workloads, not to --workflow');
    const workload = source ? undefined : getWorkload(args.workload);
    let params = workload ? resolveParams(workload, paramsOption(args.param)) : {};
    let workflow = source ? source.workflow : workload!.build(params);
    const platform = args.platform ? await loadPlatformModel(args.platform) : DEFAULT_PLATFORM_MODEL;
    const [sla] = slaOption(args.sla);
    if (!sla) throw new UsageError('--sla names no SLA');

    let history: TraceRecord[];
    if (args.history) {
      const read = await readTraceInput(args.history, '--history', { reportBadLines: true, requireRuns: true });
      history = read.records;
    } else if (source) {
      history = source.history;
    } else {
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
      history = generateHistory(workload!.name, { runs: args.runs, seed, params });
    }
    const grouped = groupRuns(history).runs;
    const runs = grouped.filter((r) => r.header.workflow === workflow.name);
    if (args.history && runs.length === 0) {
      const present = [...new Set(grouped.map((r) => r.header.workflow))].join(', ') || 'none';
      throw new ConfigError(`--history '${args.history}' holds no run of workflow '${workflow.name}' (workflows there: ${present}); give a history of it or leave --history out`);
    }
    if (args.history) requireTaskRecords(runs, args.history, workflow.name);
    if (args.history && workload) {
      // The history's runs are of one instance of the workload (`gemm` is 5 tasks in a real run, 17 by default): with
      // no --param that instance is simulated, as `bench compare` does; another one would be extrapolated and replayed
      // on the wrong DAG, so it is refused.
      const recorded = args.param.length === 0 ? recordedInstance(workload, runs) : undefined;
      if (recorded) {
        params = recorded;
        workflow = workload.build(params);
        console.error(`bench simulate: ${workload.name}: the instance of the history's run headers, ${describeInstance(workload, params, workflow)}`);
      }
      const others = runsOnOtherInstances(workload, params, workflow, runs);
      if (others.length > 0) {
        throw new UsageError(
          `--history '${args.history}': ${otherInstanceLines(workload, params, workflow, others).join('; ')}; a simulation plans and grades one instance: give --param for the one recorded, or a history of one instance`,
        );
      }
    }

    const generated = !args.history && !source;
    if (generated && mode.choice === 'replay' && args.holdout === undefined && args['replay-run'] === undefined && runs.length < 2) {
      throw new UsageError(`--truth replay needs a run held out from training, and the generated history has ${runs.length}; give --runs 2 or more, or use --truth generator`);
    }

    // Belief and truth: the planner learns from the training runs only; the run is graded against the truth.
    const workloadTruth = resolveTruth({
      spec: { name: workflow.name, params, ...(args.workflow ? { workflow: { path: args.workflow } } : {}) },
      workflow,
      runs,
      recorded: args.history !== undefined || source?.historyFile !== undefined,
      ...(source ? { imported: source.imported } : {}),
      truth: {
        choice: mode.choice,
        ...(args.holdout !== undefined ? { holdout: args.holdout } : {}),
        ...(args['replay-run'] !== undefined ? { replayRun: String(args['replay-run']) } : {}),
      },
      seed,
      platform,
    });
    let predictionsOfTraining: Predictions | undefined;
    const belief = () => (predictionsOfTraining ??= createPredictions(workloadTruth.training, { workflow: workflow.name }));

    if (args.plan && args.planner) throw new UsageError('give either --plan or --planner, not both');
    if (!args.planner && (args.optimizations !== 'none' || args['task-overrides'])) {
      throw new UsageError('--optimizations and --task-overrides apply to the plan of --planner');
    }
    let plan: Plan;
    // The plan's vCPUs are held to the most the simulated platform gives a worker (Lambda: 6); a plan that names none
    // still gets Lambda's rule, as the plan format documents.
    if (args.plan) plan = await readPlanFile(args.plan, workflow, { mbPerVcpu: LAMBDA_VCPU_RULE.mbPerVcpu, maxVcpus: platform.cpu.maxVcpus });
    else if (args.planner) {
      const planner = await loadPlanner(args.planner);
      const configs = args.resources !== undefined ? resourcesOption(args.resources) : planner.defaultMemoryMb.map((m) => resources(m));
      // One run has one plan: a one-configuration planner cannot take several sizes here (compare makes one variant each).
      if (planner.defaultMemoryMb.length === 1 && configs.length > 1) {
        throw new UsageError(
          `--resources: planner '${planner.name}' plans with one configuration and one run has one plan; give one size, or compare sizes with \`bench compare --planners ${args.planner} --resources ${args.resources}\` (a variant per size, ${planner.name}@${configs[0]!.memoryMb}, …)`,
        );
      }
      const ctx: PlannerContext = {
        predictions: belief(),
        sla,
        resources: configs,
        estimate: simulatorEstimator(workflow, belief(), sla, platform),
        optimizations: parseOptimizationChoice(args.optimizations),
        ...(args['task-overrides'] ? { taskOverrides: loadTaskOverrides(args['task-overrides'], workflow) } : {}),
      };
      plan = runPlanner(planner, workflow, ctx);
    } else {
      const [config, ...more] = resourcesOption(args.resources ?? '2048');
      if (!config || more.length > 0) throw new UsageError('--resources must name exactly one configuration for the default plan');
      plan = flexiblePlan(workflow, 'flexible', sla, config);
    }

    const { source: durations, truth } = simulateTruth(workloadTruth, mode, belief, sla);

    if (args['plan-out']) {
      await mkdir(dirname(args['plan-out']), { recursive: true });
      await writeFile(args['plan-out'], JSON.stringify(planToJson(plan), null, 2) + '\n', 'utf8');
    }
    const result = simulate(workflow, plan, { platform, durations, seed });
    const records = withTruthHeader(result.records, truth, params);
    if (args['trace-out']) await writeTraceFile(args['trace-out'], records);
    const s = result.summary;
    if (args['json-out']) await writeJsonOut(args['json-out'], { ...s, truth });
    if (args.json) {
      console.log(JSON.stringify({ ...s, truth }, null, 2));
      return;
    }
    const truthName = truth.truthRun !== null ? `${truth.kind} (${truth.truthRun})` : truth.selfEvaluation ? `${truth.kind} (self-evaluation)` : truth.kind;
    console.log(`${workflow.name}: ${workflow.tasks.size} tasks, plan '${plan.planner}', truth ${truthName}, platform ${platform.profile}, seed ${String(seed)}`);
    // Worded as `bench compare` titles its tables.
    console.log(`truth: ${truth.description.replace(/^\w+: /, `${truth.kind}, `)}; belief: ${truth.trainingRunIds.length} training run(s)`);
    if (truth.selfEvaluation) {
      console.log(
        truth.kind === 'expected'
          ? "SELF-EVALUATION: the run takes the planner's own expected values, deterministic; it grades the plan against no truth"
          : 'SELF-EVALUATION: the run is drawn from the predictions a plan is made from; a wrong prediction cannot show',
      );
    }
    console.log(formatRunSummaryTable(s));
    console.log(`critical path: ${s.criticalPath.join(' → ')}`);
    if (args['trace-out']) console.log(`trace records: ${args['trace-out']} (${records.length})`);
  },
};
