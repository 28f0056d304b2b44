import type { Argv, CommandModule } from 'yargs';
import { importWfFormatFile } from '../../../traces/wfcommons/import-wfformat.js';
import { writeImportDirectory } from '../../../traces/wfcommons/load-workflow-source.js';
import { criticalPath } from '../../../traces/wfcommons/to-workflow.js';
import { DEFAULT_NOISE_CV } from '../../../traces/wfcommons/to-history.js';
import { UsageError } from '../errors.js';
import { seedOption } from '../options.js';
import { checkPath } from '../paths.js';
import { formatBytes } from '../table.js';

interface ImportWfcommonsArgs {
  file: string;
  out: string;
  runs: number;
  noise: number;
  seed: string;
  'reference-mhz'?: number;
}

/** `bench import wfcommons FILE --out DIR`: a WfFormat instance → `DIR/workflow.json` + `DIR/history.jsonl`. */
const importWfcommonsCommand: CommandModule<object, ImportWfcommonsArgs> = {
  command: 'wfcommons <file>',
  describe: 'Import a WfCommons (WfFormat 1.5 or 1.4) instance as a workflow and a one-run history',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'WfFormat JSON file' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'directory for workflow.json and history.jsonl' })
      .option('runs', { alias: 'n', type: 'number', default: 1, describe: 'runs in the history: the recorded one plus N-1 seeded synthetic runs' })
      .option('noise', { type: 'number', default: DEFAULT_NOISE_CV, describe: 'coefficient of variation of execution times in synthetic runs' })
      .option('seed', { alias: 's', type: 'string', default: '1', describe: 'seed of start-ups, transfers and noise in the history' })
      .option('reference-mhz', { type: 'number', describe: 'per-core speed of one vCPU: scale runtimes by the machines\' speedInMHz (default: ignore machine speeds)' }) as unknown as Argv<ImportWfcommonsArgs>,
  handler: async (args) => {
    if (!Number.isInteger(args.runs) || args.runs < 1) throw new UsageError(`--runs must be a positive integer, got ${args.runs}`);
    if (!(Number.isFinite(args.noise) && args.noise >= 0)) throw new UsageError(`--noise must be a number >= 0, got ${args.noise}`);
    checkPath(args.file, 'file');
    checkPath(args.out, 'output-directory', '--out');
    const mhz = args['reference-mhz'];
    if (mhz !== undefined && !(Number.isFinite(mhz) && mhz > 0)) throw new UsageError(`--reference-mhz must be a positive number, got ${mhz}`);
    const result = await importWfFormatFile(args.file, {
      runs: args.runs,
      noiseCv: args.noise,
      seed: seedOption(args.seed),
      ...(mhz !== undefined ? { referenceCoreMhz: mhz } : {}),
    });
    for (const line of result.warningLines) console.error(line);
    const { imported } = result;
    const written = await writeImportDirectory(args.out, imported, result.history, args.file, result.warningLines);
    const path = criticalPath(imported.workflow, (id) => imported.tasks.get(id)!.execMs);
    const functions = new Set([...imported.tasks.values()].map((t) => t.functionName)).size;
    console.log(
      `imported '${imported.name}' (WfFormat ${imported.declaredVersion}): ${imported.tasks.size} tasks, ${imported.edgeCount} edges, ` +
        `${functions} functions, ${imported.fileCount} files (${formatBytes(imported.totalFileBytes)})`,
    );
    const recorded = imported.recordedMakespanMs === undefined ? '' : `; recorded makespan ${(imported.recordedMakespanMs / 1000).toFixed(3)} s (includes queueing)`;
    console.log(`critical path ${(path.lengthMs / 1000).toFixed(3)} s over ${path.path.length} tasks${recorded}`);
    console.log(`reference resources ${imported.referenceResources.memoryMb} MB / ${imported.referenceResources.vCpus} vCPU; ${result.warnings.length} warning kind(s)`);
    console.log(`wrote ${written.workflowFile} and ${written.historyFile} (${args.runs} run(s))`);
  },
};

/** `bench import <format> ...`: workflows from other tools' formats. */
export const importCommand: CommandModule = {
  command: 'import',
  describe: 'Import workflows recorded by other tools (WfCommons WfFormat)',
  builder: (y: Argv) => y.command(importWfcommonsCommand).demandCommand(1, 'name a format to import: wfcommons'),
  handler: () => undefined,
};
