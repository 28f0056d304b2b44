import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserFacing } from './errors.js';
import { compareCommand } from './commands/compare.js';
import { importCommand } from './commands/import-wfcommons.js';
import { predictCommand } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { simulateCommand } from './commands/simulate.js';
import { tracesCollectCommand } from './commands/traces-collect.js';
import { tracesGenerateCommand } from './commands/traces-generate.js';
import { tracesSchemaCommand } from './commands/traces-schema.js';
import { tracesValidateCommand } from './commands/traces-validate.js';
import { validateCommand } from './commands/validate.js';
import { workloadsCommand } from './commands/workloads.js';

/** The `bench` command line: every octoplan job a researcher runs from a shell. */
async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]\n\nPlan, simulate and benchmark DAG workflows on FaaS platforms.')
    .command('traces', 'Generate, validate and describe trace records (JSON Lines)', (y) =>
      [tracesGenerateCommand, tracesCollectCommand, tracesValidateCommand, tracesSchemaCommand]
        .reduce((acc, add) => add(acc), y)
        .demandCommand(1, 'name a traces command: generate, collect, validate or schema'),
    )
    .command(workloadsCommand)
    .command(predictCommand)
    .command(simulateCommand)
    .command(importCommand)
    .command(compareCommand)
    .command(reportCommand)
    .command(runCommand)
    .command(validateCommand)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns || 120))
    .fail((message, error) => {
      if (error) throw error;
      console.error(`bench: ${message}`);
      console.error('Run with --help for usage.');
      process.exit(2);
    })
    .help()
    .parseAsync();
}

try {
  await main(hideBin(process.argv));
} catch (error) {
  if (isUserFacing(error)) {
    console.error(`bench: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
