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
  /** Builds the DAG for fully resolved parameters (see `resolveParams`). */
  build(params: WorkloadParams): Workflow;
  /** Behaviour of every function the DAG uses, for these (resolved) parameters. */
  behaviour(params: WorkloadParams): Readonly<Record<string, FunctionBehaviour>>;
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
