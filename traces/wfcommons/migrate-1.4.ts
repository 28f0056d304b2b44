import { expectArray, expectObject, show } from './json-checks.js';
import { MAX_SIZE_BYTES } from '../../core/bounds.js';
import type { WarningLog } from './warnings.js';
import { WfFormatError } from './wfformat-error.js';

/**
 * Converts a WfFormat 1.4 instance (flat `workflow.tasks` with embedded files) to the 1.5 layout, in memory, by the
 * rules of WfFormat's `tools/wfcommons-migrate-instance.py` (wfformat.md §1.5):
 *
 * - task id: the old `name` when it already contains the old `id`, else `name_id`, else `name_<index>` without an id;
 * - parents and children are copied as written (in 1.4 they may name tasks rather than ids: such references then
 *   fail as unknown ids, as they would after the official migration, instead of being guessed);
 * - children = the listed children ∪ the tasks that list this one as a parent; a task with no parents gets the
 *   producers of its input files as parents (the script's file-based dependency recovery);
 * - file id = `path + name`; the first occurrence gives the size; `link` sorts it into inputFiles / outputFiles;
 * - measurements move to `workflow.execution`: `cores` → `coreCount`, `machine` → `machines: [machine]`, and
 *   `workflow.makespanInSeconds` and `machines` (with `cpu.count`/`cpu.speed` → `coreCount`/`speedInMHz`) follow;
 * - `type` (compute/transfer/auxiliary) and `category` are dropped by the script; the category is kept here as the
 *   1.5 `category` key because it is the best function name (see README).
 *
 * The result is plain JSON in the 1.5 layout, validated afterwards by the 1.5 reader. With `consume`, each 1.4 task
 * is released from the input array once converted, so a large instance is never held twice.
 */
export function migrate14To15(
  root: Record<string, unknown>,
  file: string,
  warnings: WarningLog,
  options: { consume?: boolean } = {},
): Record<string, unknown> {
  const workflow = expectObject(root.workflow, file, 'workflow', 'an object with a task list (WfFormat 1.4)');
  const list = expectArray(workflow.tasks, file, 'workflow.tasks', 'a non-empty array of tasks (WfFormat 1.4)');
  if (list.length === 0) throw new WfFormatError(file, 'wrong-type', 'workflow.tasks', 'is empty; a workflow needs at least one task');

  const tasks: Record<string, unknown>[] = [];
  const execTasks: Record<string, unknown>[] = [];
  const files = new Map<string, number>();
  const producers = new Map<string, string>();
  for (let index = 0; index < list.length; index++) {
    const at = `workflow.tasks[${index}]`;
    const old = expectObject(list[index], file, at, 'a task object');
    const name = old.name;
    if (typeof name !== 'string' || name === '') {
      throw new WfFormatError(file, name === undefined ? 'missing-field' : 'wrong-type', `${at}.name`, `expected a non-empty string, got ${show(name)}`);
    }
    const oldId = old.id;
    if (oldId !== undefined && typeof oldId !== 'string') {
      throw new WfFormatError(file, 'wrong-type', `${at}.id`, `expected a string, got ${show(oldId)}`, name);
    }
    const id = oldId === undefined ? `${name}_${index}` : name.includes(oldId) ? name : `${name}_${oldId}`;

    const inputFiles: string[] = [];
    const outputFiles: string[] = [];
    if (old.files !== undefined) {
      const oldFiles = expectArray(old.files, file, `${at}.files`, 'an array of {name, sizeInBytes, link}');
      for (let f = 0; f < oldFiles.length; f++) {
        const fat = `${at}.files[${f}]`;
        const entry = expectObject(oldFiles[f], file, fat, 'a file object');
        if (typeof entry.name !== 'string' || entry.name === '') {
          throw new WfFormatError(file, entry.name === undefined ? 'missing-field' : 'wrong-type', `${fat}.name`, `expected a non-empty string, got ${show(entry.name)}`, id);
        }
        const fileId = (typeof entry.path === 'string' ? entry.path : '') + entry.name;
        const size = entry.sizeInBytes;
        if (typeof size !== 'number' || !Number.isInteger(size)) {
          throw new WfFormatError(file, size === undefined ? 'missing-field' : 'wrong-type', `${fat}.sizeInBytes`, `expected an integer number of bytes for file '${fileId}', got ${show(size)}`, id);
        }
        if (size < 0) throw new WfFormatError(file, 'negative-value', `${fat}.sizeInBytes`, `file '${fileId}' has a negative size ${size}`, id);
        if (size > MAX_SIZE_BYTES) throw new WfFormatError(file, 'out-of-range', `${fat}.sizeInBytes`, `file '${fileId}' has ${size} bytes, more than 1 PB (${MAX_SIZE_BYTES})`, id);
        if (entry.link !== 'input' && entry.link !== 'output') {
          throw new WfFormatError(file, entry.link === undefined ? 'missing-field' : 'wrong-type', `${fat}.link`, `expected "input" or "output", got ${show(entry.link)}`, id);
        }
        const first = files.get(fileId);
        if (first === undefined) files.set(fileId, size);
        else if (first !== size) {
          // In 1.4 a shared file is listed by its producer and by each consumer; only disagreeing sizes are news.
          warnings.add('duplicate-file-entry', `file '${fileId}' is listed with sizes ${first} and ${size}`, 'the first size is used');
        }
        if (entry.link === 'input') inputFiles.push(fileId);
        else {
          outputFiles.push(fileId);
          if (!producers.has(fileId)) producers.set(fileId, id);
        }
      }
    }
    tasks.push({
      id,
      name,
      ...(typeof old.category === 'string' && old.category !== '' ? { category: old.category } : {}),
      parents: old.parents ?? [],
      children: old.children ?? [],
      inputFiles,
      outputFiles,
    });
    if (old.runtimeInSeconds !== undefined) {
      execTasks.push({
        id,
        runtimeInSeconds: old.runtimeInSeconds,
        ...(old.cores !== undefined ? { coreCount: old.cores } : {}),
        ...(old.avgCPU !== undefined ? { avgCPU: old.avgCPU } : {}),
        ...(typeof old.machine === 'string' ? { machines: [old.machine] } : {}),
      });
    }
    if (options.consume) list[index] = undefined;
  }

  // children ∪ "lists me as parent"; parents of parentless tasks from file producers.
  const childrenOf = new Map<string, Set<string>>();
  for (const task of tasks) childrenOf.set(task.id as string, new Set(Array.isArray(task.children) ? (task.children as string[]) : []));
  for (const task of tasks) {
    if (!Array.isArray(task.parents)) continue; // the 1.5 reader reports the wrong type with the task's id
    if (task.parents.length === 0) {
      const inferred = new Set<string>();
      for (const input of task.inputFiles as string[]) {
        const producer = producers.get(input);
        if (producer !== undefined && producer !== task.id) inferred.add(producer);
      }
      task.parents = [...inferred];
    }
    for (const parent of task.parents as unknown[]) {
      if (typeof parent === 'string') childrenOf.get(parent)?.add(task.id as string);
    }
  }
  for (const task of tasks) {
    if (Array.isArray(task.children) && task.children.every((c) => typeof c === 'string')) task.children = [...childrenOf.get(task.id as string)!];
  }

  const machines = Array.isArray(workflow.machines)
    ? workflow.machines.map((m: unknown) => {
        if (typeof m !== 'object' || m === null) return m;
        const { cpu, ...rest } = m as Record<string, unknown>;
        if (typeof cpu !== 'object' || cpu === null) return rest;
        const { count, speed, ...cpuRest } = cpu as Record<string, unknown>;
        return { ...rest, cpu: { ...cpuRest, ...(count !== undefined ? { coreCount: count } : {}), ...(speed !== undefined ? { speedInMHz: speed } : {}) } };
      })
    : undefined;

  return {
    name: root.name,
    schemaVersion: '1.5',
    workflow: {
      specification: { tasks, files: [...files].map(([id, sizeInBytes]) => ({ id, sizeInBytes })) },
      // A 1.4 file without any runtime has nothing to measure; leaving execution out gives the same warning as 1.5.
      ...(execTasks.length > 0
        ? {
            execution: {
              ...(workflow.makespanInSeconds !== undefined ? { makespanInSeconds: workflow.makespanInSeconds } : {}),
              tasks: execTasks,
              ...(machines ? { machines } : {}),
            },
          }
        : {}),
    },
  };
}
