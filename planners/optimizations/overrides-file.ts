import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { parseJsonText } from '../../core/json-text.js';
import { findOptimization } from '../../core/optimizations.js';
import type { Workflow } from '../../core/workflow.js';
import { OPTIMIZATION_PASS_NAMES, type OptimizationPassName } from '../planner.js';

/** Per-task overrides of the optimization passes, as `PlannerContext.taskOverrides` takes them. */
export type TaskOverrides = ReadonlyMap<string, Readonly<Partial<Record<OptimizationPassName, boolean>>>>;

/**
 * Checks a parsed overrides document `{ "taskId": { "pre-load": false, "task-dup": true }, ... }` against the workflow.
 * Errors (ConfigError) name `source`, the task and the field: not an object, unknown task id, unknown optimization
 * name, non-boolean value, and `false` for an optimization the workflow itself forces on that task (the workflow's
 * forced optimizations always apply, so such an override could not be honoured).
 */
export function parseTaskOverrides(value: unknown, workflow: Workflow, source: string): TaskOverrides {
  if (!isObject(value)) throw new ConfigError(`${source}: expected an object mapping task ids to overrides, got ${describe(value)}`);
  const result = new Map<string, Partial<Record<OptimizationPassName, boolean>>>();
  const names: readonly string[] = OPTIMIZATION_PASS_NAMES;
  for (const [taskId, entry] of Object.entries(value)) {
    const task = workflow.tasks.get(taskId);
    if (!task) throw new ConfigError(`${source}: task '${taskId}': no such task in workflow '${workflow.name}'`);
    if (!isObject(entry)) throw new ConfigError(`${source}: task '${taskId}': expected an object of optimization -> true/false, got ${describe(entry)}`);
    const overrides: Partial<Record<OptimizationPassName, boolean>> = {};
    for (const [field, flag] of Object.entries(entry)) {
      // custom:<name> addresses a user-defined pass (loaded by path); it reads the override with `overrideOf`.
      if (!names.includes(field) && !/^custom:[^\s,]+$/.test(field)) {
        throw new ConfigError(`${source}: task '${taskId}': unknown optimization '${field}' (optimizations: ${names.join(', ')}, custom:<name>)`);
      }
      if (typeof flag !== 'boolean') {
        throw new ConfigError(`${source}: task '${taskId}': field '${field}' must be true or false, got ${describe(flag)}`);
      }
      const name = field as OptimizationPassName;
      if (!flag && findOptimization(task.optimizations, name)) {
        throw new ConfigError(`${source}: task '${taskId}': field '${field}' is false but the workflow forces ${field} on this task`);
      }
      overrides[name] = flag;
    }
    result.set(taskId, overrides);
  }
  return result;
}

/** Reads and checks a JSON overrides file (see `parseTaskOverrides`); errors name the file. */
export function loadTaskOverrides(file: string, workflow: Workflow): TaskOverrides {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read task overrides: ${(e as Error).message}`);
  }
  return parseTaskOverrides(parseJsonText(text, file), workflow, file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${JSON.stringify(value)}`;
}
