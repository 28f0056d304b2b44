import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importWfFormatFile } from '../../../traces/wfcommons/import-wfformat.js';
import { WfFormatError, type WfFormatProblem } from '../../../traces/wfcommons/wfformat-error.js';
import { FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'malformed');
const SPEC = 'workflow.specification.tasks';
const EXEC = 'workflow.execution.tasks';

/** Each malformed fixture, the error it must give: problem, field, task (when one is at fault), and a telling phrase. */
const CASES: Record<string, { problem: WfFormatProblem; field: string; task?: string; says: RegExp }> = {
  'invalid-json': { problem: 'invalid-json', field: '', says: /invalid JSON at the end of the file \(line \d+\): the file is truncated/ },
  'not-an-object': { problem: 'wrong-type', field: '', says: /expected a WfFormat instance \(a JSON object\), got an array/ },
  'schema-1-3': { problem: 'unsupported-version', field: 'schemaVersion', says: /WfFormat 1\.3 is not supported.*wfcommons-migrate-instance\.py/ },
  'schema-version-number': { problem: 'wrong-type', field: 'schemaVersion', says: /expected a string such as "1\.5", got 1\.5/ },
  'no-workflow': { problem: 'missing-field', field: 'workflow', says: /missing; expected an object with a specification/ },
  'empty-task-list': { problem: 'wrong-type', field: SPEC, says: /is empty; a workflow needs at least one task/ },
  'task-without-id': { problem: 'missing-field', field: `${SPEC}[2].id`, says: /expected a non-empty string, got nothing/ },
  'duplicate-task-id': { problem: 'duplicate-task-id', field: `${SPEC}[2].id`, task: 'proc_ID0000002', says: /also used by workflow\.specification\.tasks\[1\]/ },
  'unknown-parent': { problem: 'unknown-task-id', field: `${SPEC}[4].parents[2]`, task: 'merge_ID0000005', says: /names parent 'proc_ID0000009', which is no task id/ },
  'unknown-child': { problem: 'unknown-task-id', field: `${SPEC}[0].children[3]`, task: 'split_ID0000001', says: /names child 'proc'.*not names/ },
  'parents-not-array': { problem: 'wrong-type', field: `${SPEC}[1].parents`, task: 'proc_ID0000002', says: /expected an array of ids, got "split_ID0000001"/ },
  'runtime-string': { problem: 'wrong-type', field: `${EXEC}[3].runtimeInSeconds`, task: 'proc_ID0000004', says: /expected a number of seconds, got "25s"/ },
  'runtime-negative': { problem: 'negative-value', field: `${EXEC}[4].runtimeInSeconds`, task: 'merge_ID0000005', says: /runtime -15 s is negative/ },
  'runtime-missing': { problem: 'missing-field', field: `${EXEC}[5].runtimeInSeconds`, task: 'check_ID0000006', says: /every measured task needs its runtime/ },
  'core-count-zero': { problem: 'wrong-type', field: `${EXEC}[1].coreCount`, task: 'proc_ID0000002', says: /expected a number of cores > 0, got 0/ },
  'unknown-execution-task': { problem: 'unknown-execution-task', field: `${EXEC}[6].id`, task: 'final_ID0000008', says: /not in workflow\.specification\.tasks/ },
  'duplicate-execution-entry': { problem: 'duplicate-execution-entry', field: `${EXEC}[6].id`, task: 'check_ID0000006', says: /measured twice/ },
  'undeclared-file': { problem: 'unknown-file', field: `${SPEC}[3].outputFiles[0]`, task: 'proc_ID0000004', says: /file 'e\.log' is not declared/ },
  'file-produced-twice': { problem: 'file-produced-twice', field: `${SPEC}[2].outputFiles[1]`, task: 'proc_ID0000003', says: /'c\.res' is also an output of task 'proc_ID0000002'/ },
  'negative-file-size': { problem: 'negative-value', field: 'workflow.specification.files[3].sizeInBytes', says: /file 'c\.res' has a negative size -500/ },
  cycle: { problem: 'cycle', field: `${SPEC}[1]`, task: 'proc_ID0000002', says: /dependency cycle proc_ID0000002 -> merge_ID0000005 -> final_ID0000007 -> split_ID0000001 -> proc_ID0000002/ },
  'v1-4-file-without-link': { problem: 'missing-field', field: 'workflow.tasks[1].files[0].link', task: 'proc_ID0000002', says: /expected "input" or "output"/ },
};

describe('malformed WfFormat files', () => {
  it('the corpus has at least 12 files and every file has a case (and every case a file)', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  it('every file gives its own message', async () => {
    const messages = new Set<string>();
    for (const name of Object.keys(CASES)) {
      const error = await importWfFormatFile(join(DIR, `${name}.json`)).catch((e: unknown) => e);
      messages.add((error as Error).message.replace(/^.*?\.json: /, ''));
    }
    expect(messages.size).toBe(Object.keys(CASES).length);
  });

  for (const [name, expected] of Object.entries(CASES)) {
    it(`${name}: rejected naming the file, ${expected.task ? 'the task, ' : ''}the field and the problem`, async () => {
      const file = join(DIR, `${name}.json`);
      const error = await importWfFormatFile(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WfFormatError);
      const e = error as WfFormatError;
      expect(e.problem).toBe(expected.problem);
      expect(e.file).toBe(file);
      expect(e.field).toBe(expected.field);
      expect(e.taskId).toBe(expected.task);
      expect(e.message.startsWith(`${file}: `)).toBe(true);
      if (expected.task) expect(e.message).toContain(`task '${expected.task}'`);
      if (expected.field) expect(e.message).toContain(`field '${expected.field}'`);
      expect(e.message).toMatch(expected.says);
      // One line, no stack frames: what the CLI prints.
      expect(e.message).not.toContain('\n');
    });
  }

  it('a file that cannot be read is an error naming it', async () => {
    const error = await importWfFormatFile(join(DIR, 'no-such-file.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WfFormatError);
    expect((error as WfFormatError).problem).toBe('unreadable-file');
    expect((error as Error).message).toMatch(/no-such-file\.json: cannot read file/);
  });
});
