import { ConfigError } from '../../core/errors.js';
import type { Workflow } from '../../core/workflow.js';
import type { FunctionBehaviour } from './behaviour.js';

/** Integer size parameters of a workload generator (number of leaves, chunks, blocks, ...). */
export type WorkloadParams = Readonly<Record<string, number>>;

/** A parameter a workload generator accepts, with its default and bounds. */
export interface WorkloadParam {
  readonly name: string;
  readonly description: string;
  readonly defaultValue: number;
  readonly min: number;
  readonly max: number;
}

/**
 * A built-in workload: a parametrised DAG generator whose defaults reproduce one of the reference system's
 * evaluation workflows, plus the behaviour model of each of its functions.
 */
export interface WorkloadDefinition {
  /** Workflow name, also the metrics key (`gemm`, `tree_reduction`, ...). */
  readonly name: string;
  readonly description: string;
  /** Where the shape and data sizes come from. */
  readonly source: string;
  readonly params: readonly WorkloadParam[];
  /**
   * The workload's instances besides the reference one (the defaults), each a complete parameter set, so that one name
   * has one definition wherever it runs (see `WORKLOAD_INSTANCES`). Every run header records the parameters it ran with,
   * and a history recorded on another instance is refused or warned about (`instance.ts`).
   */
  readonly instances: Readonly<Record<Exclude<WorkloadInstanceName, 'reference'>, WorkloadParams>>;
  /** Builds the DAG for fully resolved parameters (see `resolveParams`). */
  build(params: WorkloadParams): Workflow;
  /** Behaviour of every function the DAG uses, for these (resolved) parameters. */
  behaviour(params: WorkloadParams): Readonly<Record<string, FunctionBehaviour>>;
}

/**
 * The instances every built-in workload has, by name:
 * - `reference`: the defaults, the reference system's sizes; what the simulator, `bench compare` and the synthetic
 *   histories use unless told otherwise;
 * - `local`: what runs for real through the local gateway (`bench run`, `bench traces collect`, `bench validate`):
 *   data the runtime's task code handles in milliseconds and a fan-out of 4–8, because every worker is a Node
 *   process on this machine and a cold start costs 0.3–1 s of CPU on 2 cores (32 at once take 10–20 s each);
 * - `inProcess`: the reference DAG shape with the `local` data sizes, for in-process runs of the real task code
 *   (`buildRuntimeWorkload`'s default, the runtime's tests).
 */
export const WORKLOAD_INSTANCES = ['reference', 'local', 'inProcess'] as const;
export type WorkloadInstanceName = (typeof WORKLOAD_INSTANCES)[number];

/** The complete parameter set of one of a workload's instances. */
export function instanceParams(workload: WorkloadDefinition, instance: WorkloadInstanceName): WorkloadParams {
  return instance === 'reference' ? resolveParams(workload) : resolveParams(workload, workload.instances[instance]);
}

/**
 * Fills defaults in and checks the given parameters: unknown names, non-integers and values out of bounds are
 * errors naming the workload and the parameter.
 */
export function resolveParams(workload: WorkloadDefinition, given: Readonly<Record<string, number>> = {}): WorkloadParams {
  const known = new Map(workload.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const valid = workload.params.map((p) => p.name).join(', ') || '(none)';
      throw new ConfigError(`workload '${workload.name}' has no parameter '${name}' (parameters: ${valid})`);
    }
  }
  const resolved: Record<string, number> = {};
  for (const param of workload.params) {
    const value = given[param.name] ?? param.defaultValue;
    if (!Number.isInteger(value) || value < param.min || value > param.max) {
      throw new ConfigError(
        `workload '${workload.name}' parameter '${param.name}' must be an integer in [${param.min}, ${param.max}], got ${value}`,
      );
    }
    resolved[param.name] = value;
  }
  return resolved;
}

/** Reads a resolved parameter; resolution guarantees presence, this keeps the type checker honest. */
export function param(params: WorkloadParams, name: string): number {
  const value = params[name];
  if (value === undefined) throw new ConfigError(`missing workload parameter '${name}'`);
  return value;
}
