import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { isModulePath } from '../core/module-path.js';
import type { Plan } from '../core/plan.js';
import type { Workflow } from '../core/workflow.js';
import { faasflowPlanner } from './faasflow/faasflow-planner.js';
import { OPTIMIZATION_PASSES } from './optimizations/index.js';
import type { OptimizationPass, Planner, PlannerContext } from './planner.js';
import { nonUniformPlanner } from './non-uniform.js';
import { uniformPlanner } from './uniform.js';
import { wukongOctoflowsPlanner, wukongPlanner } from './wukong.js';

/** The built-in planners, baseline first. */
export const PLANNERS: readonly Planner[] = [wukongPlanner, uniformPlanner, nonUniformPlanner, wukongOctoflowsPlanner, faasflowPlanner];

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
  if (!isModulePath(nameOrPath)) return getPlanner(nameOrPath);
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

export { isModulePath };

/** User passes loaded or registered so far, by name, and by the absolute path they were loaded from. */
const userPasses = new Map<string, OptimizationPass>();
const userPassesByPath = new Map<string, OptimizationPass>();

/**
 * Makes a user-defined pass known by its name (`custom:<name>`), so that `getOptimizationPass`, `runPlanner` and
 * `bench -O custom:<name>` find it. Registering the same object twice is harmless; another pass under a taken name is
 * an error.
 */
export function registerOptimizationPass(pass: OptimizationPass): OptimizationPass {
  checkUserPass(pass, `pass '${String(pass?.name)}'`);
  const seen = userPasses.get(pass.name);
  if (seen && seen !== pass) throw new ConfigError(`an optimization pass named '${pass.name}' is already registered (from another module?)`);
  userPasses.set(pass.name, pass);
  return pass;
}

/**
 * Loads a user-defined pass from a module path, synchronously (a plan is made synchronously, and `-O` is parsed
 * synchronously): the module's default export, or its `pass` export, must implement `OptimizationPass` with a
 * `custom:<name>` name. TypeScript and ES modules are loaded through tsx's require (`tsx/cjs/api`), so the module
 * may not use top-level await. Loading the same path again returns the same pass; the pass is registered under its
 * name. The module gets its own copy of any octoplan module it imports (tsx loads them as CommonJS).
 */
export function loadOptimizationPassSync(path: string): OptimizationPass {
  const absolute = resolve(path);
  const cached = userPassesByPath.get(absolute);
  if (cached) return cached;
  let module: Record<string, unknown>;
  try {
    const { require: tsxRequire } = createRequire(import.meta.url)('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
    module = tsxRequire(absolute, import.meta.url) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot load optimization pass module '${path}': ${(e as Error).message}`);
  }
  const candidate = (module.default ?? module.pass) as OptimizationPass | undefined;
  checkUserPass(candidate, `optimization pass module '${path}'`);
  const pass: OptimizationPass = { ...candidate!, description: candidate!.description ?? '', apply: candidate!.apply.bind(candidate) };
  registerOptimizationPass(pass);
  userPassesByPath.set(absolute, pass);
  return pass;
}

/** The absolute path the user pass `name` was loaded from, or undefined (a built-in, or registered in code). */
export function userPassModule(name: string): string | undefined {
  for (const [path, pass] of userPassesByPath) if (pass.name === name) return path;
  return undefined;
}

/** `loadOptimizationPassSync` for callers that can wait; the same rules and the same registry. */
export async function loadOptimizationPass(path: string): Promise<OptimizationPass> {
  return loadOptimizationPassSync(path);
}

function checkUserPass(candidate: Partial<OptimizationPass> | undefined, what: string): void {
  if (!candidate || typeof candidate.apply !== 'function' || typeof candidate.name !== 'string') {
    throw new ConfigError(`${what} must export an OptimizationPass (name, description, apply) as default or 'pass'`);
  }
  if (!/^custom:[^\s,]+$/.test(candidate.name)) {
    throw new ConfigError(
      `${what}: a user-defined pass must be named 'custom:<name>' (no spaces or commas), got '${candidate.name}'; the built-in names are ${OPTIMIZATION_PASSES.map((p) => p.name).join(', ')}`,
    );
  }
}

/**
 * An optimization pass by name: a built-in one, a registered or loaded user pass (`custom:<name>`), or a module path
 * (loaded now, see `loadOptimizationPassSync`). An unknown name is an error listing the valid ones.
 */
export function getOptimizationPass(nameOrPath: string): OptimizationPass {
  const found = OPTIMIZATION_PASSES.find((p) => p.name === nameOrPath) ?? userPasses.get(nameOrPath);
  if (found) return found;
  if (isModulePath(nameOrPath)) return loadOptimizationPassSync(nameOrPath);
  const known = [...OPTIMIZATION_PASSES.map((p) => p.name), ...userPasses.keys()].join(', ');
  const hint = nameOrPath.startsWith('custom:') ? `; a custom pass is found once its module is loaded (give its path)` : ', or a path to a module exporting an OptimizationPass';
  throw new ConfigError(`unknown optimization '${nameOrPath}' (optimizations: ${known}${hint})`);
}

/** Plans with `planner`, then applies `ctx.optimizations` in order. */
export function runPlanner(planner: Planner, workflow: Workflow, ctx: PlannerContext): Plan {
  let plan = planner.plan(workflow, ctx);
  for (const name of ctx.optimizations) plan = getOptimizationPass(name).apply(workflow, plan, ctx);
  return plan;
}
