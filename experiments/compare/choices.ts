import { ConfigError } from '../../core/errors.js';
import { OPTIMIZATION_PASSES } from '../../planners/optimizations/index.js';
import { OPTIMIZATION_PASS_NAMES, type OptimizationPassName, type Planner } from '../../planners/planner.js';
import { getOptimizationPass, isModulePath, loadPlanner } from '../../planners/registry.js';
import { getWorkload, workloadNames } from '../../traces/workloads/registry.js';
import type { WorkloadSpec } from './matrix.js';

/** Names of the optimization passes, in the registry's order (the order `all` applies them in). */
export function availableOptimizations(): OptimizationPassName[] {
  return OPTIMIZATION_PASSES.map((p) => p.name);
}

/**
 * Reads one optimization choice: `none`, `all` (every built-in pass, in the registry's order), or a comma list of
 * pass names and module paths. A path (`./my-pass.ts`) is loaded now and stands for the pass it exports, named
 * `custom:<name>` (`planners/registry.ts`, `loadOptimizationPassSync`); a `custom:<name>` already loaded may be named
 * directly. A name that is no pass is an error listing the valid ones.
 */
export function parseOptimizationChoice(text: string): OptimizationPassName[] {
  const trimmed = text.trim();
  if (trimmed === 'none') return [];
  if (trimmed === 'all') return availableOptimizations();
  const names: OptimizationPassName[] = [];
  for (const raw of trimmed.split(',')) {
    const choice = raw.trim();
    if (choice === '') continue;
    let name: OptimizationPassName;
    if ((OPTIMIZATION_PASS_NAMES as readonly string[]).includes(choice)) name = choice as OptimizationPassName;
    else if (isModulePath(choice) || choice.startsWith('custom:')) name = getOptimizationPass(choice).name;
    else throw new ConfigError(`unknown optimization '${choice}' (optimizations: none, all, ${OPTIMIZATION_PASS_NAMES.join(', ')}, or a path to a module exporting an OptimizationPass)`);
    if (!names.includes(name)) names.push(name);
  }
  if (names.length === 0) throw new ConfigError(`--optimizations: '${text}' names no optimization (use none, all or pass names)`);
  return names;
}

/** Workload names (`-` or `_`) to specs with default parameters; an unknown name is an error listing the valid ones. */
export function resolveWorkloads(names: readonly string[]): WorkloadSpec[] {
  const specs: WorkloadSpec[] = [];
  for (const name of names) {
    const workload = getWorkload(name);
    if (!specs.some((s) => s.name === workload.name)) specs.push({ name: workload.name, params: {} });
  }
  if (specs.length === 0) throw new ConfigError(`name at least one workload (workloads: ${workloadNames().join(', ')})`);
  return specs;
}

/**
 * The planner names of `choices` as the registry knows them: built-in names are checked (an unknown one is an error
 * listing the valid ones) and module paths are loaded, so a broken module fails before any simulation runs.
 */
export async function resolvePlannerNames(choices: readonly string[]): Promise<{ choice: string; name: string; planner: Planner }[]> {
  const resolved: { choice: string; name: string; planner: Planner }[] = [];
  for (const choice of choices) {
    const planner = await loadPlanner(choice);
    resolved.push({ choice, name: planner.name, planner });
  }
  if (resolved.length === 0) throw new ConfigError('name at least one planner');
  return resolved;
}
