import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import type { Workflow } from '../core/workflow.js';
import { OPTIMIZATION_PASSES } from './optimizations/index.js';
import type { OptimizationPass, OptimizationPassName, Planner, PlannerContext } from './planner.js';
import { nonUniformPlanner } from './non-uniform.js';
import { uniformPlanner } from './uniform.js';
import { wukongOctoflowsPlanner, wukongPlanner } from './wukong.js';

/** The built-in planners, baseline first. */
export const PLANNERS: readonly Planner[] = [wukongPlanner, uniformPlanner, nonUniformPlanner, wukongOctoflowsPlanner];

/** Names of the built-in planners. */
export function plannerNames(): string[] {
  return PLANNERS.map((p) => p.name);
}

/** A built-in planner by name; an unknown name is an error listing the valid ones. */
export function getPlanner(name: string): Planner {
  const found = PLANNERS.find((p) => p.name === name);
  if (!found) {
    throw new ConfigError(`unknown planner '${name}' (planners: ${plannerNames().join(', ')}, or a path to a module exporting a Planner)`);
  }
  return found;
}

/**
 * A built-in planner by name, or a user-defined one from a module path (anything containing `/` or ending in
 * `.js`/`.ts`): the module's default export, or its `planner` export, must implement `Planner`.
 */
export async function loadPlanner(nameOrPath: string): Promise<Planner> {
  if (!/[\\/]|\.(c|m)?[jt]s$/.test(nameOrPath)) return getPlanner(nameOrPath);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(nameOrPath)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot load planner module '${nameOrPath}': ${(e as Error).message}`);
  }
  const candidate = (module.default ?? module.planner) as Partial<Planner> | undefined;
  if (!candidate || typeof candidate.plan !== 'function' || typeof candidate.name !== 'string') {
    throw new ConfigError(`planner module '${nameOrPath}' must export a Planner (name, description, defaultMemoryMb, plan) as default or 'planner'`);
  }
  return { description: '', defaultMemoryMb: [2048], ...candidate } as Planner;
}

/** An optimization pass by name; an unknown name is an error listing the valid ones. */
export function getOptimizationPass(name: string): OptimizationPass {
  const found = OPTIMIZATION_PASSES.find((p) => p.name === name);
  if (!found) throw new ConfigError(`unknown optimization '${name}' (optimizations: ${OPTIMIZATION_PASSES.map((p) => p.name).join(', ')})`);
  return found;
}

/** Plans with `planner`, then applies `ctx.optimizations` in order. */
export function runPlanner(planner: Planner, workflow: Workflow, ctx: PlannerContext): Plan {
  let plan = planner.plan(workflow, ctx);
  for (const name of ctx.optimizations) plan = getOptimizationPass(name as OptimizationPassName).apply(workflow, plan, ctx);
  return plan;
}
