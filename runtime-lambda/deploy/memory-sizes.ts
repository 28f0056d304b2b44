import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.js';
import { MAX_MEMORY_MB, MIN_MEMORY_MB } from '../../core/resources.js';

/**
 * The memory sizes to deploy a worker function for: one function per size, because a worker invokes another by the
 * resources the plan gives it (`octoplan-worker-<memoryMb>`) and on Lambda memory is a function's setting.
 */

/** A memory size Lambda accepts (an integer number of MB from 128 to 10,240); `where` names the source in the error. */
export function checkMemoryMb(memoryMb: unknown, where: string): number {
  if (typeof memoryMb !== 'number' || !Number.isInteger(memoryMb) || memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB) {
    throw new ConfigError(`${where}: memory must be an integer number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}, got ${JSON.stringify(memoryMb)}`);
  }
  return memoryMb;
}

/** `"1024,2048"` → `[1024, 2048]`: sorted, without repeats. */
export function parseMemoryList(text: string, flag = '--memory'): number[] {
  const sizes = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => checkMemoryMb(/^\d+$/.test(s) ? Number(s) : s, `${flag} '${s}'`));
  if (sizes.length === 0) throw new ConfigError(`${flag}: name at least one memory size in MB, e.g. 1024,2048`);
  return distinctSorted(sizes);
}

/**
 * Every memory size a plan file (`traces/plan-file.ts` JSON: `tasks.<id>.memoryMb`, and pre-warm
 * `optimizations[].targetResources.memoryMb`) can invoke a worker with, sorted. Read without the workflow, since only
 * the sizes matter here; the error names the file and the field at fault.
 */
export function memorySizesOfPlan(value: unknown, file: string): number[] {
  const plan = value as { tasks?: unknown } | null;
  if (typeof plan !== 'object' || plan === null || typeof plan.tasks !== 'object' || plan.tasks === null || Array.isArray(plan.tasks)) {
    throw new ConfigError(`${file}: field 'tasks' must be an object of task plans (a plan file as 'bench simulate --plan-out' writes)`);
  }
  const sizes: number[] = [];
  for (const [taskId, raw] of Object.entries(plan.tasks as Record<string, unknown>)) {
    const task = raw as { memoryMb?: unknown; optimizations?: unknown } | null;
    sizes.push(checkMemoryMb(task?.memoryMb, `${file}: field 'tasks.${taskId}.memoryMb'`));
    const optimizations = Array.isArray(task?.optimizations) ? task.optimizations : [];
    optimizations.forEach((o: { kind?: unknown; targetResources?: { memoryMb?: unknown } } | null, i) => {
      if (o?.kind === 'pre-warm') {
        sizes.push(checkMemoryMb(o.targetResources?.memoryMb, `${file}: field 'tasks.${taskId}.optimizations.${i}.targetResources.memoryMb'`));
      }
    });
  }
  if (sizes.length === 0) throw new ConfigError(`${file}: field 'tasks' is empty; the plan invokes no worker`);
  return distinctSorted(sizes);
}

/** Reads a plan file and returns its memory sizes (`memorySizesOfPlan`). */
export async function memorySizesOfPlanFile(path: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the plan file: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  return memorySizesOfPlan(value, path);
}

function distinctSorted(sizes: readonly number[]): number[] {
  return [...new Set(sizes)].sort((a, b) => a - b);
}
