import type { Argv } from 'yargs';
import { ConfigError } from '../../core/errors.js';
import { dispatchStrategyNames, loadDispatchStrategy, MAX_PRIORITY_CLASS, type DispatchQueueOptions } from '../../core/dispatch/index.js';
import { UsageError } from './errors.js';
import { listOption } from './options.js';

/**
 * The dispatch options of the load commands: `--dispatch` (strategies to compare, built-in names or module paths),
 * `--max-wait-ms` (the starvation guard) and `--priorities` (the mix's priority classes), checked to one line each.
 */

/** The dispatch options as yargs parses them. */
export interface DispatchOptionArgs {
  dispatch?: string[];
  'max-wait-ms'?: number;
  priorities?: string[];
}

/** The dispatch options, checked. */
export interface DispatchOptions {
  /** One queue configuration per strategy to compare; undefined: the platform's FIFO queue. */
  readonly dispatch?: DispatchQueueOptions[];
  readonly priorityClasses?: Record<string, number>;
}

/** Adds the dispatch options to a command. */
export function withDispatchOptions<T>(y: Argv<T>): Argv<T & DispatchOptionArgs> {
  return y
    .option('dispatch', {
      type: 'string',
      array: true,
      describe: `order of invocations waiting for a slot, comma list to compare (${dispatchStrategyNames().join(', ')}, or a module path; default fifo)`,
    })
    .option('max-wait-ms', { type: 'number', describe: 'starvation guard: an invocation that waited this long goes first, whatever the strategy (default none)' })
    .option('priorities', { type: 'string', array: true, describe: `priority class per workload for --dispatch priority, name=class list (0 first, up to ${MAX_PRIORITY_CLASS}; default 0)` }) as unknown as Argv<T & DispatchOptionArgs>;
}

/** Checks the dispatch options and loads the strategies (user modules included). */
export async function parseDispatchOptions(args: DispatchOptionArgs): Promise<DispatchOptions> {
  const maxWaitMs = args['max-wait-ms'];
  if (maxWaitMs !== undefined && !(Number.isFinite(maxWaitMs) && maxWaitMs >= 0)) throw new UsageError(`--max-wait-ms must be a number of ms >= 0, got ${maxWaitMs}`);
  let dispatch: DispatchQueueOptions[] | undefined;
  if (args.dispatch !== undefined) {
    const names = listOption(args.dispatch);
    if (names.length === 0) throw new UsageError(`--dispatch: give at least one strategy (${dispatchStrategyNames().join(', ')})`);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate !== undefined) throw new UsageError(`--dispatch: '${duplicate}' is given twice`);
    dispatch = [];
    for (const name of names) {
      try {
        dispatch.push({ strategy: await loadDispatchStrategy(name), ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) });
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(`--dispatch: ${error.message}`);
        throw error;
      }
    }
  } else if (maxWaitMs !== undefined) {
    throw new UsageError('--max-wait-ms guards a dispatch strategy: give --dispatch too (FIFO never starves an invocation)');
  }
  let priorityClasses: Record<string, number> | undefined;
  if (args.priorities !== undefined) {
    priorityClasses = {};
    for (const item of listOption(args.priorities)) {
      const match = /^([^=]+)=(\d+)$/.exec(item);
      const priorityClass = match ? Number(match[2]) : Number.NaN;
      if (!match || !(priorityClass <= MAX_PRIORITY_CLASS)) throw new UsageError(`--priorities: expected workload=class with a whole class from 0 to ${MAX_PRIORITY_CLASS}, got '${item}'`);
      priorityClasses[match[1]!.trim()] = priorityClass;
    }
  }
  return { ...(dispatch ? { dispatch } : {}), ...(priorityClasses ? { priorityClasses } : {}) };
}

/** Checks that every workload `--priorities` names is in the mix. */
export function checkPriorities(priorityClasses: Readonly<Record<string, number>> | undefined, mix: readonly string[]): void {
  if (!priorityClasses) return;
  for (const name of Object.keys(priorityClasses)) if (!mix.includes(name)) throw new UsageError(`--priorities: '${name}' is not a workload of the mix (${mix.join(', ')})`);
}
