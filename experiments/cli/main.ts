import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportErrorAndExit } from './error-report.js';
import { checkEmptyValues, checkFlagBounds } from './flag-checks.js';
import { checkOutputFlags } from './output-flags.js';
import { checkRedisUrlOption } from './redis-url.js';
import { COMMANDS, TRACES_DESCRIBE, TRACES_SUBCOMMANDS } from './catalogue.js';

/** The name of a command string (`report <results>` → `report`). */
function nameOf(command: string): string {
  return command.split(' ')[0]!;
}

/** The positional words of the arguments (top-level options take no value, so every non-option word is one). */
function words(argv: readonly string[]): string[] {
  return argv.filter((a) => !a.startsWith('-'));
}

/** `bench traces`, with only the subcommand that runs loaded. */
async function tracesCommand(subcommand: string | undefined): Promise<CommandModule> {
  const adders = await Promise.all(
    TRACES_SUBCOMMANDS.map(async (entry) =>
      nameOf(entry.command) === subcommand ? await entry.load() : (y: Argv) => y.command(entry.command, entry.describe),
    ),
  );
  return {
    command: 'traces',
    describe: TRACES_DESCRIBE,
    builder: (y: Argv) => adders.reduce((acc, add) => add(acc), y).demandCommand(1, 'name a traces command: generate, collect, validate or schema'),
    handler: () => undefined,
  };
}

/** The `bench` command line: every octoplan job a researcher runs from a shell. */
async function main(argv: string[]): Promise<void> {
  checkOutputFlags(argv);
  checkEmptyValues(argv);
  const [first, second] = words(argv);
  let cli = yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]\n\nPlan, simulate and benchmark DAG workflows on FaaS platforms.');
  cli = first === 'traces' ? cli.command(await tracesCommand(second)) : cli.command('traces', TRACES_DESCRIBE);
  for (const entry of COMMANDS) {
    cli = nameOf(entry.command) === first ? cli.command(await entry.load()) : cli.command(entry.command, entry.describe);
  }
  await cli
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .wrap(Math.min(120, process.stdout.columns || 120))
    // Every command takes it: an error is one line unless the user asks where it happened.
    .option('debug', { type: 'boolean', global: true, describe: 'print the stack trace of an error (also OCTOPLAN_DEBUG=1)' })
    // A Redis URL is checked before a command starts servers or worker processes (`bench run`, `traces collect`, `validate`).
    .middleware((args) => {
      checkRedisUrlOption(args.redis);
      checkFlagBounds(args);
    })
    .fail((message, error) => {
      if (error) throw error;
      console.error(`bench: ${message}`);
      console.error('Run with --help for usage.');
      process.exit(2);
    })
    .help()
    .parseAsync();
}

// `bench … | head`: a reader that stops early is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// An error thrown outside the command's own chain (an event listener, a timer, a rejected promise nobody awaited) is
// still one line: Node would print its stack trace and exit.
process.on('uncaughtException', (error) => reportErrorAndExit(error));
process.on('unhandledRejection', (reason) => reportErrorAndExit(reason));

try {
  await main(hideBin(process.argv));
} catch (error) {
  // User errors, file-system and network errors and unexpected ones alike (experiments/cli/error-report.ts).
  reportErrorAndExit(error);
}
