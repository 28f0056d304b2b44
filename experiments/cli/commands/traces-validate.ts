import type { Argv } from 'yargs';
import { formatTraceLineError } from '../../../traces/trace-io.js';
import { groupRuns } from '../../../traces/trace-runs.js';
import { readTraceInput } from '../trace-input.js';

/** `bench traces validate PATH`: checks every line of a trace file or directory and summarizes its runs. */
export function tracesValidateCommand(yargs: Argv): Argv {
  return yargs.command(
    'validate <path>',
    'Check every line of a trace file (or a directory of .jsonl files); print file:line and field of each problem',
    (y) => y.positional('path', { type: 'string', demandOption: true, describe: 'a .jsonl file or a directory of them' }),
    async (args) => {
      const { records, errors } = await readTraceInput(args.path);
      const { runs, problems } = groupRuns(records);
      for (const error of errors) console.error(formatTraceLineError(error));
      for (const problem of problems) console.error(`${args.path}: record #${problem.index + 1} of the valid ones: ${problem.message}`);
      const tasks = runs.reduce((n, r) => n + r.tasks.length, 0);
      const workers = runs.reduce((n, r) => n + r.workers.length, 0);
      const unfinished = runs.filter((r) => !r.end).length;
      console.log(
        `${records.length} valid record(s): ${runs.length} run(s), ${tasks} task record(s), ${workers} worker record(s)` +
          (unfinished > 0 ? `, ${unfinished} run(s) without a run-end record` : ''),
      );
      if (errors.length + problems.length > 0) {
        console.log(`${errors.length} invalid line(s), ${problems.length} structural problem(s)`);
        process.exitCode = 1;
      }
    },
  );
}
