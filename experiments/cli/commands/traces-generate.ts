import { join } from 'node:path';
import type { Argv } from 'yargs';
import { writeTraceFile } from '../../../traces/trace-io.js';
import { generateHistory } from '../../../traces/synthetic/history-generator.js';
import { getWorkload, workloadNames } from '../../../traces/workloads/registry.js';
import { paramsOption, resourcesOption, seedOption } from '../options.js';
import { UsageError } from '../errors.js';
import { checkPath } from '../paths.js';

/** `bench traces generate`: writes a seeded synthetic history of one or every built-in workload. */
export function tracesGenerateCommand(yargs: Argv): Argv {
  return yargs.command(
    'generate',
    'Write a seeded synthetic history (trace records) of a built-in workload to DIR/<workload>.jsonl',
    (y) =>
      y
        .option('workload', { alias: 'w', type: 'string', default: 'all', describe: `a workload (${workloadNames().join(', ')}) or 'all'` })
        .option('runs', { alias: 'n', type: 'number', default: 20, describe: 'runs to generate' })
        .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of every random draw' })
        .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output directory' })
        .option('resources', { type: 'string', default: '1024,2048,4096', describe: 'memory MB per run, cycled (e.g. 1024,2048:2)' })
        .option('param', { type: 'string', array: true, default: [] as string[], describe: 'workload parameter name=value (one workload only)' }),
    async (args) => {
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
      checkPath(args.out, 'output-directory', '--out');
      const names = args.workload === 'all' ? workloadNames() : [getWorkload(args.workload).name];
      const params = paramsOption(args.param);
      if (names.length > 1 && Object.keys(params).length > 0) throw new UsageError('--param needs a single --workload');
      const resources = resourcesOption(args.resources);
      const seed = seedOption(args.seed);
      for (const name of names) {
        const records = generateHistory(name, { runs: args.runs, seed, resources, params });
        const file = join(args.out, `${name}.jsonl`);
        await writeTraceFile(file, records);
        const tasks = records.filter((r) => r.type === 'task').length;
        console.log(`${file}: ${args.runs} run(s), ${tasks} task record(s), ${records.length} record(s)`);
      }
    },
  );
}
