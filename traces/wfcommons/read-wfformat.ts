import { readFile } from 'node:fs/promises';
import { MAX_DURATION_S, MAX_SIZE_BYTES, MAX_VCPUS } from '../../core/bounds.js';
import { migrate14To15 } from './migrate-1.4.js';
import { expectArray, expectObject, isObject, show } from './json-checks.js';
import { WarningLog } from './warnings.js';
import { WfFormatError } from './wfformat-error.js';
import type { WfExecTask, WfExecution, WfInstance, WfMachine, WfSpecTask } from './wfformat-types.js';

/**
 * Reading and validating WfFormat JSON. Checks are hand-written rather than a JSON-Schema run because the errors must
 * name the task at fault (a schema validator only gives a JSON pointer) and because published instances break the
 * schema in harmless ways (extra keys, `command` as a string, non-ISO timestamps) that must not stop an import
 * (wfformat.md §4.12). What the DAG and the timings need is checked strictly; everything else is ignored.
 */

/** Where to find the tool that converts old instances; named in the error for 1.3 and older. */
export const MIGRATION_HINT =
  "convert it first with WfFormat's migration script: python3 tools/wfcommons-migrate-instance.py <old.json> <new.json> " +
  '(https://github.com/wfcommons/WfFormat), which writes schema 1.5';

/** Reads a WfFormat file (1.4, 1.5 or newer 1.x) and validates it. The file's text is dropped once parsed. */
export async function readWfFormatFile(path: string, warnings = new WarningLog(path)): Promise<WfInstance> {
  const value = await readJsonFile(path);
  // The parsed object is ours alone, so a 1.4 migration may release each old task as it converts it.
  return wfInstanceFromJson(value, path, warnings, { consume: true });
}

/** Reads and parses a JSON file; unreadable files and invalid JSON are `WfFormatError`s naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WfFormatError(path, 'unreadable-file', '', `cannot read file: ${(error as Error).message}`);
  }
  return parseJsonText(text, path);
}

/** `JSON.parse` with an error that names the file and the line and column of the syntax error. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${offset - before.lastIndexOf('\n')}`;
    } else if (/end of JSON input/.test(message)) {
      // A truncated file (an interrupted download) has no position in the message; say where it ends.
      where = ` at the end of the file (line ${text.split('\n').length}): the file is truncated`;
    }
    // V8 quotes the offending text, newlines included; keep the message on one line and short.
    const detail = message.replace(/\s+/g, ' ').slice(0, 160);
    throw new WfFormatError(file, 'invalid-json', '', `invalid JSON${where}: ${detail}`);
  }
}

/**
 * Validates parsed WfFormat JSON and returns it in the 1.5 layout. 1.4 is converted by the published rules
 * (`migrate-1.4.ts`); 1.6 and later 1.x are read as 1.5 with a warning (they add only derived `metrics`); 1.3 and
 * older are refused with the migration command. With `consume`, a 1.4 object is taken apart while it is converted.
 */
export function wfInstanceFromJson(value: unknown, file: string, warnings: WarningLog, options: { consume?: boolean } = {}): WfInstance {
  const root = expectObject(value, file, '', 'a WfFormat instance (a JSON object)');
  const version = root.schemaVersion;
  if (version === undefined) throw new WfFormatError(file, 'missing-field', 'schemaVersion', `missing; expected "1.5" or "1.4"`);
  if (typeof version !== 'string') {
    throw new WfFormatError(file, 'wrong-type', 'schemaVersion', `expected a string such as "1.5", got ${show(version)}`);
  }
  const match = /^(\d+)\.(\d+)$/.exec(version);
  const major = match ? Number(match[1]) : NaN;
  const minor = match ? Number(match[2]) : NaN;
  if (major === 1 && minor <= 3) {
    throw new WfFormatError(file, 'unsupported-version', 'schemaVersion', `WfFormat ${version} is not supported (1.4 and 1.5 are); ${MIGRATION_HINT}`);
  }
  if (major !== 1) {
    throw new WfFormatError(file, 'unsupported-version', 'schemaVersion', `unknown WfFormat version ${show(version)}; expected "1.5" or "1.4"`);
  }
  if (minor === 4) return read15(migrate14To15(root, file, warnings, options), file, warnings, version);
  if (minor > 5) {
    warnings.add('newer-schema', `schemaVersion "${version}"`, 'read as 1.5 (later versions add only derived metrics)');
  }
  return read15(root, file, warnings, version);
}

/** Validates an instance in the 1.5 layout. */
function read15(root: Record<string, unknown>, file: string, warnings: WarningLog, declaredVersion: string): WfInstance {
  const name = root.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new WfFormatError(file, name === undefined ? 'missing-field' : 'wrong-type', 'name', `expected a non-empty string, got ${show(name)}`);
  }
  const workflow = expectObject(root.workflow, file, 'workflow', 'an object with a specification');
  const spec = expectObject(workflow.specification, file, 'workflow.specification', 'an object with a task list');
  const { tasks, taskIndex } = readSpecTasks(spec.tasks, file);
  const files = readFiles(spec.files, file, warnings);
  const execution = workflow.execution === undefined ? undefined : readExecution(workflow.execution, file, taskIndex);
  return { name, declaredVersion, tasks, taskIndex, files, execution };
}

function readSpecTasks(value: unknown, file: string): { tasks: WfSpecTask[]; taskIndex: Map<string, number> } {
  const field = 'workflow.specification.tasks';
  const list = expectArray(value, file, field, 'a non-empty array of tasks');
  if (list.length === 0) throw new WfFormatError(file, 'wrong-type', field, 'is empty; a workflow needs at least one task');
  const tasks: WfSpecTask[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < list.length; index++) {
    // Field paths are built only for an error: building four per task is a measurable share of a large import.
    const at = (key: string) => `${field}[${index}]${key}`;
    const raw = expectObject(list[index], file, at(''), 'a task object');
    const id = raw.id;
    if (typeof id !== 'string' || id === '') {
      throw new WfFormatError(file, id === undefined ? 'missing-field' : 'wrong-type', at('.id'), `expected a non-empty string, got ${show(id)}`);
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new WfFormatError(file, 'duplicate-task-id', at('.id'), `task id is also used by ${field}[${earlier}]; ids must be unique`, id);
    }
    seen.set(id, index);
    const name = raw.name;
    if (typeof name !== 'string' || name === '') {
      throw new WfFormatError(file, name === undefined ? 'missing-field' : 'wrong-type', at('.name'), `expected a non-empty string, got ${show(name)}`, id);
    }
    const category = raw.category;
    tasks.push({
      id,
      name,
      ...(typeof category === 'string' && category !== '' ? { category } : {}),
      parents: stringList(raw.parents, file, at, '.parents', id, true),
      children: stringList(raw.children, file, at, '.children', id, true),
      inputFiles: stringList(raw.inputFiles, file, at, '.inputFiles', id, false),
      outputFiles: stringList(raw.outputFiles, file, at, '.outputFiles', id, false),
      index,
    });
  }
  return { tasks, taskIndex: seen };
}

function readFiles(value: unknown, file: string, warnings: WarningLog): Map<string, number> {
  const files = new Map<string, number>();
  if (value === undefined) return files;
  const field = 'workflow.specification.files';
  const list = expectArray(value, file, field, 'an array of {id, sizeInBytes}');
  for (let index = 0; index < list.length; index++) {
    const at = (key: string) => `${field}[${index}]${key}`;
    const raw = expectObject(list[index], file, at(''), 'a file object');
    const id = raw.id;
    if (typeof id !== 'string' || id === '') {
      throw new WfFormatError(file, id === undefined ? 'missing-field' : 'wrong-type', at('.id'), `expected a non-empty string, got ${show(id)}`);
    }
    const size = raw.sizeInBytes;
    if (size === undefined) throw new WfFormatError(file, 'missing-field', at('.sizeInBytes'), `missing for file '${id}'`);
    if (typeof size !== 'number' || !Number.isInteger(size)) {
      throw new WfFormatError(file, 'wrong-type', at('.sizeInBytes'), `expected an integer number of bytes for file '${id}', got ${show(size)}`);
    }
    if (size < 0) throw new WfFormatError(file, 'negative-value', at('.sizeInBytes'), `file '${id}' has a negative size ${size}`);
    if (size > MAX_SIZE_BYTES) throw new WfFormatError(file, 'out-of-range', at('.sizeInBytes'), `file '${id}' has ${size} bytes, more than 1 PB (${MAX_SIZE_BYTES}); no workflow file is that large`);
    const first = files.get(id);
    if (first !== undefined) {
      // Nextflow-derived instances repeat ids; the migration script and WRENCH keep the first entry, so do we.
      const sizes = first === size ? `same size ${size}` : `sizes ${first} and ${size}`;
      warnings.add('duplicate-file-entry', `file '${id}' is declared twice (${sizes})`, 'the first entry is used');
      continue;
    }
    files.set(id, size);
  }
  return files;
}

function readExecution(value: unknown, file: string, taskIndex: ReadonlyMap<string, number>): WfExecution {
  const exec = expectObject(value, file, 'workflow.execution', 'an object with the measured tasks');
  const makespan = exec.makespanInSeconds;
  if (makespan !== undefined && !(typeof makespan === 'number' && Number.isFinite(makespan) && makespan >= 0)) {
    throw new WfFormatError(file, 'wrong-type', 'workflow.execution.makespanInSeconds', `expected a number of seconds >= 0, got ${show(makespan)}`);
  }
  if (typeof makespan === 'number' && makespan > MAX_DURATION_S) {
    throw new WfFormatError(file, 'out-of-range', 'workflow.execution.makespanInSeconds', `${makespan} s is more than a year (${MAX_DURATION_S} s)`);
  }
  const field = 'workflow.execution.tasks';
  const list = expectArray(exec.tasks, file, field, 'an array of measured tasks');
  const tasksByIndex = new Array<WfExecTask | undefined>(taskIndex.size).fill(undefined);
  for (let index = 0; index < list.length; index++) {
    const at = (key: string) => `${field}[${index}]${key}`;
    const raw = expectObject(list[index], file, at(''), 'a measured task object');
    const id = raw.id;
    if (typeof id !== 'string' || id === '') {
      throw new WfFormatError(file, id === undefined ? 'missing-field' : 'wrong-type', at('.id'), `expected a non-empty string, got ${show(id)}`);
    }
    const specIndex = taskIndex.get(id);
    if (specIndex === undefined) {
      throw new WfFormatError(file, 'unknown-execution-task', at('.id'), 'has measurements but is not in workflow.specification.tasks', id);
    }
    if (tasksByIndex[specIndex] !== undefined) {
      throw new WfFormatError(file, 'duplicate-execution-entry', at('.id'), 'is measured twice in workflow.execution.tasks', id);
    }
    const runtime = raw.runtimeInSeconds;
    if (runtime === undefined) throw new WfFormatError(file, 'missing-field', at('.runtimeInSeconds'), 'missing; every measured task needs its runtime', id);
    if (typeof runtime !== 'number' || !Number.isFinite(runtime)) {
      throw new WfFormatError(file, 'wrong-type', at('.runtimeInSeconds'), `expected a number of seconds, got ${show(runtime)}`, id);
    }
    if (runtime < 0) throw new WfFormatError(file, 'negative-value', at('.runtimeInSeconds'), `runtime ${runtime} s is negative`, id);
    // Finite is not enough: 1e308 s overflows the simulator's clock once converted to ms (core/bounds.ts).
    if (runtime > MAX_DURATION_S) throw new WfFormatError(file, 'out-of-range', at('.runtimeInSeconds'), `runtime ${runtime} s is more than a year (${MAX_DURATION_S} s)`, id);
    const cores = raw.coreCount;
    if (cores !== undefined && !(typeof cores === 'number' && Number.isFinite(cores) && cores > 0)) {
      throw new WfFormatError(file, 'wrong-type', at('.coreCount'), `expected a number of cores > 0, got ${show(cores)}`, id);
    }
    if (typeof cores === 'number' && cores > MAX_VCPUS) {
      throw new WfFormatError(file, 'out-of-range', at('.coreCount'), `${cores} cores is more than the largest host modelled (${MAX_VCPUS})`, id);
    }
    const avgCpu = raw.avgCPU;
    if (avgCpu !== undefined && !(typeof avgCpu === 'number' && Number.isFinite(avgCpu) && avgCpu >= 0)) {
      throw new WfFormatError(file, 'wrong-type', at('.avgCPU'), `expected a CPU utilisation in percent >= 0, got ${show(avgCpu)}`, id);
    }
    if (typeof avgCpu === 'number' && avgCpu > MAX_VCPUS * 100) {
      throw new WfFormatError(file, 'out-of-range', at('.avgCPU'), `${avgCpu} % is more than ${MAX_VCPUS} cores fully busy`, id);
    }
    tasksByIndex[specIndex] = {
      id,
      runtimeInSeconds: runtime,
      ...(cores !== undefined ? { coreCount: cores } : {}),
      ...(avgCpu !== undefined ? { avgCPU: avgCpu } : {}),
      machines: stringList(raw.machines, file, at, '.machines', id, false),
      index,
    };
  }
  return {
    makespanInSeconds: typeof makespan === 'number' ? makespan : NaN,
    tasksByIndex,
    machines: readMachines(exec.machines),
  };
}

/**
 * Machines only matter for the optional speed scaling, and published instances get them wrong in many harmless ways
 * (`cpu: {count: 24}` with 1.4 keys, no speed, `system: "Linux"`), so they are read leniently: anything unusable is
 * simply absent, and the importer warns where it would have needed it.
 */
function readMachines(value: unknown): Map<string, WfMachine> {
  const machines = new Map<string, WfMachine>();
  if (!Array.isArray(value)) return machines;
  for (const raw of value) {
    if (!isObject(raw) || typeof raw.nodeName !== 'string') continue;
    const cpu = isObject(raw.cpu) ? raw.cpu : {};
    const speed = positiveNumber(cpu.speedInMHz) ?? positiveNumber(cpu.speed);
    const cores = positiveNumber(cpu.coreCount) ?? positiveNumber(cpu.count);
    machines.set(raw.nodeName, {
      nodeName: raw.nodeName,
      ...(speed !== undefined ? { speedInMHz: speed } : {}),
      ...(cores !== undefined ? { coreCount: cores } : {}),
    });
  }
  return machines;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * A list of strings; absent means empty unless `required`. The array itself is reused, not copied. The field's path
 * is `at(key)`, built only for an error.
 */
function stringList(value: unknown, file: string, at: (key: string) => string, key: string, taskId: string, required: boolean): readonly string[] {
  if (value === undefined) {
    if (required) throw new WfFormatError(file, 'missing-field', at(key), 'missing; expected an array of ids (may be empty)', taskId);
    return [];
  }
  if (!Array.isArray(value)) throw new WfFormatError(file, 'wrong-type', at(key), `expected an array of ids, got ${show(value)}`, taskId);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw new WfFormatError(file, 'wrong-type', `${at(key)}[${i}]`, `expected an id (a string), got ${show(value[i])}`, taskId);
    }
  }
  return value as string[];
}
