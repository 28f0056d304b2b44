import type { Argv, CommandModule } from 'yargs';
import { WORKLOADS } from '../../../traces/workloads/registry.js';
import { describeOtherInstances, describeWorkloadMarkdown } from '../../../traces/workloads/describe.js';
import { resolveParams } from '../../../traces/workloads/workload.js';

/** `bench workloads`: lists the built-in workloads with their task counts, functions, parameters and other instances. */
export const workloadsCommand: CommandModule<object, { verbose: boolean }> = {
  command: 'workloads',
  describe: 'List the built-in workloads, their shapes and parameters',
  builder: (y: Argv) => y.option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'print each workload\'s source, parameters and behaviour model as Markdown' }),
  handler: (args) => {
    if (args.verbose) {
      console.log(WORKLOADS.map(describeWorkloadMarkdown).join('\n\n'));
      return;
    }
    for (const workload of WORKLOADS) {
      const workflow = workload.build(resolveParams(workload));
      const functions = new Set([...workflow.tasks.values()].map((t) => t.functionName));
      console.log(`${workload.name}: ${workflow.tasks.size} tasks, ${functions.size} functions, depth ${workflow.generations.length}`);
      console.log(`  ${workload.description}`);
      const params = workload.params.map((p) => `${p.name}=${p.defaultValue}`).join(' ');
      console.log(`  parameters (reference instance, the default): ${params || '(none)'}`);
      // The same name is another DAG in real runs: say so where the workloads are listed.
      for (const line of describeOtherInstances(workload)) console.log(`  instance ${line.replaceAll('`', '')}`);
    }
  },
};
