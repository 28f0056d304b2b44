import type { Argv, CommandModule } from 'yargs';

/**
 * A command as `bench --help` lists it, and how to load it. Only the command that runs is loaded (its modules pull
 * in the simulator, the planners, the reports' renderer or the local runtime); every other one is registered by name
 * and description alone, so `bench --help` and a typo's suggestion load none of them.
 */
export interface CommandEntry {
  /** yargs command string, as in the module (`report <results>`). */
  readonly command: string;
  readonly describe: string;
  readonly load: () => Promise<CommandModule>;
}

/** A `bench traces` subcommand: its module adds it to the `traces` yargs. */
export interface SubcommandEntry {
  readonly command: string;
  readonly describe: string;
  readonly load: () => Promise<(y: Argv) => Argv>;
}

export const TRACES_DESCRIBE = 'Generate, validate and describe trace records (JSON Lines)';

export const TRACES_SUBCOMMANDS: readonly SubcommandEntry[] = [
  {
    command: 'generate',
    describe: 'Write a seeded synthetic history (trace records) of a built-in workload to DIR/<workload>.jsonl',
    load: async () => (await import('./commands/traces-generate.js')).tracesGenerateCommand,
  },
  {
    command: 'collect',
    describe: 'Run workloads for real (local gateway) and write their trace records to DIR/<workload>.jsonl',
    load: async () => (await import('./commands/traces-collect.js')).tracesCollectCommand,
  },
  {
    command: 'validate <path>',
    describe: 'Check every line of a trace file (or a directory of .jsonl files); print file:line and field of each problem',
    load: async () => (await import('./commands/traces-validate.js')).tracesValidateCommand,
  },
  {
    command: 'schema',
    describe: 'Print the JSON Schema of a trace line',
    load: async () => (await import('./commands/traces-schema.js')).tracesSchemaCommand,
  },
];

export const COMMANDS: readonly CommandEntry[] = [
  {
    command: 'workloads',
    describe: 'List the built-in workloads, their shapes and parameters',
    load: async () => (await import('./commands/workloads.js')).workloadsCommand as CommandModule,
  },
  {
    command: 'predict',
    describe: 'Predict execution times, output sizes, start-ups and transfers of a workload from a history',
    load: async () => (await import('./commands/predict.js')).predictCommand as CommandModule,
  },
  {
    command: 'simulate',
    describe: 'Simulate one run of a workload under a plan and print its makespan, cost and resource use',
    load: async () => (await import('./commands/simulate.js')).simulateCommand as CommandModule,
  },
  {
    command: 'import',
    describe: 'Import workflows recorded by other tools (WfCommons WfFormat)',
    load: async () => (await import('./commands/import-wfcommons.js')).importCommand,
  },
  {
    command: 'compare',
    describe: 'Compare planners across workloads: plan once, simulate several runs, print mean ± std and Δ% vs wukong',
    load: async () => (await import('./commands/compare.js')).compareCommand as CommandModule,
  },
  {
    command: 'load',
    describe: 'Simulate many workflow requests sharing one platform at several offered loads: throughput, p50/p99 latency, SLA, cost',
    load: async () => (await import('./commands/load.js')).loadCommand as CommandModule,
  },
  {
    command: 'scale',
    describe: 'Scalability sweep along one dimension (tasks per workflow, concurrent workflows, memory, account limit): throughput, latency, cost, efficiency',
    load: async () => (await import('./commands/scale.js')).scaleCommand as CommandModule,
  },
  {
    command: 'report <results>',
    describe: 'Write a report for papers (CSV, Markdown, Vega-Lite → SVG/PNG, HTML) from compare results JSON or a trace .jsonl',
    load: async () => (await import('./commands/report.js')).reportCommand as CommandModule,
  },
  {
    command: 'run',
    describe: 'Run a workload for real in worker processes behind the local Lambda gateway and print its summary',
    load: async () => (await import('./commands/run.js')).runCommand as CommandModule,
  },
  {
    command: 'validate',
    describe: 'Measure the simulator against real runs: fit a local profile and predictions on some runs, compare on others',
    load: async () => (await import('./commands/validate.js')).validateCommand as CommandModule,
  },
  {
    command: 'worker',
    describe: 'Take sweep cells (bench compare --queue) from a Redis job queue and run them on this machine\'s cores',
    load: async () => (await import('./commands/worker.js')).workerCommand as CommandModule,
  },
];
