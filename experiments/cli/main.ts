import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserFacing } from './errors.js';
import { checkOutputFlags } from './output-flags.js';
import { fsErrorMessage, isFsError } from './paths.js';
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

try {
  await main(hideBin(process.argv));
} catch (error) {
  if (isUserFacing(error)) {
    console.error(`bench: ${error.message}`);
    process.exit(1);
  }
  // A file that vanished or could not be written after the up-front checks: still one line, not a stack trace.
  if (isFsError(error)) {
    console.error(`bench: ${fsErrorMessage(error)}`);
    process.exit(1);
  }
  throw error;
}
