import type { Argv } from 'yargs';
import { formatTraceLineError } from '../../../traces/trace-io.js';
import { allRunProblems } from '../../../traces/run-checks.js';
import { groupRuns, type RunStructureProblem } from '../../../traces/trace-runs.js';
import { missingRuns, readTraceInput } from '../trace-input.js';

/**
 * One line per kind of structural problem of a run: a file without its run header would otherwise print a line for
 * each of its records, burying every other problem.
 */
function structureLines(path: string, problems: readonly RunStructureProblem[]): string[] {
  const byKind = new Map<string, RunStructureProblem[]>();
  for (const problem of problems) {
    // The record type is the one thing that differs between records of one kind ('worker record of run …').
    const kind = problem.message.replace(/^\S+ record of /, 'record of ');
    byKind.set(kind, [...(byKind.get(kind) ?? []), problem]);
  }
  return [...byKind.values()].map((group) => {
    const first = group[0]!;
    const more = group.length > 1 ? ` (and ${group.length - 1} more record(s) like it)` : '';
    return `${path}: record #${first.index + 1} of the valid ones: ${first.message}${more}`;
  });
}

/** `bench traces validate PATH`: checks every line of a trace file or directory and summarizes its runs. */
export function tracesValidateCommand(yargs: Argv): Argv {
  return yargs.command(
    'validate <path>',
    'Check every line of a trace file (or a directory of .jsonl files); print file:line and field of each problem',
    (y) => y.positional('path', { type: 'string', demandOption: true, describe: 'a .jsonl file or a directory of them' }),
    async (args) => {
      const read = await readTraceInput(args.path);
      const { records, errors } = read;
      const { runs, problems } = groupRuns(records);
      // Whole-run checks (a task twice on one worker, a worker without its record, a run without tasks).
      const runLevel = allRunProblems(runs);
      for (const error of errors) console.error(formatTraceLineError(error));
      for (const line of structureLines(args.path, problems)) console.error(line);
      for (const problem of runLevel) console.error(`${args.path}: ${problem.message}`);
      // Nothing wrong in nothing: an empty input passes, but a reader expecting runs is told (the commands that need
      // runs refuse it).
      if (records.length === 0 && errors.length === 0) console.error(`warning: ${missingRuns(args.path, read)}; commands reading a history will refuse it`);
      const tasks = runs.reduce((n, r) => n + r.tasks.length, 0);
      const workers = runs.reduce((n, r) => n + r.workers.length, 0);
      const unfinished = runs.filter((r) => !r.end).length;
      console.log(
        `${records.length} valid record(s): ${runs.length} run(s), ${tasks} task record(s), ${workers} worker record(s)` +
          (unfinished > 0 ? `, ${unfinished} run(s) without a run-end record` : ''),
      );
      if (errors.length + problems.length + runLevel.length > 0) {
        console.log(`${errors.length} invalid line(s), ${problems.length + runLevel.length} structural problem(s)`);
        process.exitCode = 1;
      }
    },
  );
}
