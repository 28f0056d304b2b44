import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { isModulePath } from '../module-path.js';
import { DISPATCH_STRATEGIES, isAdaptive, type AnyDispatchStrategy } from './strategy.js';

/** Names of the built-in dispatch strategies, the default first. */
export function dispatchStrategyNames(): string[] {
  return DISPATCH_STRATEGIES.map((strategy) => strategy.name);
}

/** A built-in strategy by name; an unknown name is an error listing the valid ones. */
export function getDispatchStrategy(name: string): AnyDispatchStrategy {
  const found = DISPATCH_STRATEGIES.find((strategy) => strategy.name === name);
  if (!found) {
    throw new ConfigError(`unknown dispatch strategy '${name}' (strategies: ${dispatchStrategyNames().join(', ')}, or a path to a module exporting a DispatchStrategy)`);
  }
  return found;
}

/**
 * A built-in strategy by name, or a user-defined one from a module path: the module's default export, or its
 * `strategy` export, must be a `DispatchStrategy` (name, description, key; optionally headKey and refuse) or an
 * `AdaptiveDispatchStrategy` (kind 'adaptive', name, description, two strategies, choose).
 */
export async function loadDispatchStrategy(nameOrPath: string): Promise<AnyDispatchStrategy> {
  if (!isModulePath(nameOrPath)) return getDispatchStrategy(nameOrPath);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(nameOrPath)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot load dispatch strategy module '${nameOrPath}': ${(e as Error).message}`);
  }
  const candidate = (module.default ?? module.strategy) as AnyDispatchStrategy | undefined;
  checkStrategy(candidate, `dispatch strategy module '${nameOrPath}'`);
  return candidate;
}

function checkStrategy(candidate: AnyDispatchStrategy | undefined, where: string): asserts candidate is AnyDispatchStrategy {
  const shape = 'a DispatchStrategy (name, description, key(invocation)) or an adaptive one (kind: "adaptive", name, strategies, choose)';
  if (!candidate || typeof candidate !== 'object' || typeof candidate.name !== 'string' || candidate.name === '') {
    throw new ConfigError(`${where} must export ${shape} as default or 'strategy'`);
  }
  if (isAdaptive(candidate)) {
    if (typeof candidate.choose !== 'function' || !Array.isArray(candidate.strategies) || candidate.strategies.length !== 2) {
      throw new ConfigError(`${where}: adaptive strategy '${candidate.name}' needs choose(view, current) and exactly two strategies`);
    }
    candidate.strategies.forEach((inner, i) => checkStrategy(inner, `${where}, strategies[${i}]`));
    return;
  }
  if (typeof candidate.key !== 'function') throw new ConfigError(`${where}: strategy '${candidate.name}' has no key(invocation) function`);
  for (const optional of ['headKey', 'refuse'] as const) {
    if (candidate[optional] !== undefined && typeof candidate[optional] !== 'function') {
      throw new ConfigError(`${where}: strategy '${candidate.name}' has a ${optional} that is not a function`);
    }
  }
}
