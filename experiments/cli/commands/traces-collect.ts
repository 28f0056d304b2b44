import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { TraceRecord } from '../../../core/trace-records.js';
import { LocalRuntime } from '../../../runtime-lambda/local-runtime.js';
import { RUNTIME_WORKLOADS } from '../../../runtime-lambda/tasks/registry.js';
import { DEFAULT_PLATFORM_MODEL } from '../../../simulator/platform-defaults.js';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { parseOptimizationChoice } from '../../compare/choices.js';
import { localWorkload, planLocal, syntheticHistory } from '../../validate/local-plan.js';
import { UsageError } from '../errors.js';
import { listOption, oneSlaOption } from '../options.js';
import { checkPath } from '../paths.js';
import { startProgress } from '../progress.js';
import { checkRuntime, runtimeWorkloadNames } from './run.js';

/**
 * `bench traces collect`: fills DIR/<workload>.jsonl with real runs through the local gateway — `--runs` per workload ×
 * planner, each planned from the synthetic history, each with its own static inputs, each starting with no warm
 * worker unless `--keep-warm` — in the common trace format (check with `bench traces validate DIR`).
 */
export function tracesCollectCommand(yargs: Argv): Argv {
  return yargs.command(
    'collect',
    'Run workloads for real (local gateway) and write their trace records to DIR/<workload>.jsonl',
    (y) =>
      y
        .option('runtime', { type: 'string', default: 'local', choices: ['local'], describe: 'where workers run (the local gateway)' })
        .option('runs', { alias: 'n', type: 'number', default: 3, describe: 'runs per workload and planner' })
        .option('workloads', { type: 'string', default: 'all', describe: `comma-separated (${RUNTIME_WORKLOADS.map((w) => w.name).join(', ')}) or 'all'` })
        .option('planners', { type: 'string', default: 'wukong,uniform,non-uniform', describe: 'comma-separated planners' })
        .option('optimizations', { alias: 'O', type: 'string', default: 'none', describe: 'none, all, or passes' })
        .option('sla', { type: 'string', default: 'median', describe: 'SLA the planners plan for (median, p90, …)' })
        .option('redis', { type: 'string', describe: 'Redis URL (default: a private redis-server)' })
        .option('keep-warm', { type: 'boolean', default: false, describe: 'let a run reuse the warm workers of the one before (default: every run starts with none)' })
        .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of the static inputs (run i uses <seed>/<planner>/<i>)' })
        .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output directory' })
        .option('progress', { type: 'boolean', describe: 'progress on stderr, run by run (default: when stderr is a terminal; --no-progress: off)' }),
    async (args) => {
      checkRuntime(args.runtime);
      checkPath(args.out, 'output-directory', '--out');
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
      const workloads = args.workloads === 'all' ? RUNTIME_WORKLOADS.map((w) => w.name) : runtimeWorkloadNames(listOption(args.workloads), '--workloads');
      const planners = listOption(args.planners);
      if (workloads.length === 0 || planners.length === 0) throw new UsageError('--workloads and --planners must name at least one each');
      const optimizations = parseOptimizationChoice(args.optimizations);
      const sla = oneSlaOption(args.sla);
      const progress = await startProgress('bench traces collect', { enabled: args.progress });
      const total = workloads.length * planners.length * args.runs;
      let done = 0;
      progress.update('starting the local gateway and Redis');
      const runtime = await LocalRuntime.start({ ...(args.redis ? { redisUrl: args.redis } : {}), log: (m) => progress.log(`gateway: ${m}`) });
      try {
        for (const name of workloads) {
          const probe = localWorkload(name, args.seed);
          const history = syntheticHistory(probe.workflow.name, probe.params, args.seed);
          const records: TraceRecord[] = [];
          for (const planner of planners) {
            const local = await planLocal(probe.workflow, history, { planner, optimizations, sla, platform: DEFAULT_PLATFORM_MODEL });
            for (let i = 0; i < args.runs; i++) {
              // Every run starts from no live worker unless asked otherwise: runs are then independent samples (what
              // a held-out replay assumes), and each holds cold start-ups for the predictions to learn from.
              if (!args['keep-warm']) await runtime.reclaimIdle();
              const seed = `${args.seed}/${planner}/${i}`;
              progress.update(`${name} ${planner} run ${i + 1}/${args.runs}`, done, total);
              const instance = localWorkload(name, seed);
              const result = await runtime.run({
                workflow: instance.workflow,
                plan: local.plan,
                staticInputs: instance.staticInputs,
                taskEstimates: local.taskEstimates,
                params: { ...instance.params, seed },
              });
              records.push(...result.records);
              done++;
            }
          }
          const file = join(args.out, `${probe.workflow.name}.jsonl`);
          await writeTraceFile(file, records);
          const tasks = records.filter((r) => r.type === 'task').length;
          console.log(`${file}: ${args.runs * planners.length} real run(s), ${tasks} task record(s), ${records.length} record(s)`);
        }
      } catch (error) {
        progress.stop();
        throw error;
      } finally {
        await runtime.close();
      }
      progress.finish(`${done} real run(s) of ${workloads.length} workload(s) written to ${args.out}`);
    },
  );
}
