import { ConfigError } from './errors.js';

/**
 * The resources one FaaS worker runs with. CPU follows memory as on AWS Lambda, but both are stored so a platform
 * with another rule (or a recorded trace from one) is represented exactly.
 */
export interface ResourceConfig {
  readonly memoryMb: number;
  readonly vCpus: number;
}

/** How memory maps to vCPUs when only memory is given. */
export interface VcpuRule {
  /** Memory that buys one vCPU. AWS documents 1,769 MB; OctoFlows used 1,792. */
  readonly mbPerVcpu: number;
  /** Upper bound on vCPUs (AWS: 6 at 10,240 MB). */
  readonly maxVcpus: number;
}

/** AWS Lambda's documented rule: one vCPU per 1,769 MB, at most 6. */
export const LAMBDA_VCPU_RULE: VcpuRule = { mbPerVcpu: 1769, maxVcpus: 6 };
/** The reference implementation's rule (OctoFlows `TaskWorkerResourceConfiguration`): 1,792 MB per vCPU. */
export const OCTOFLOWS_VCPU_RULE: VcpuRule = { mbPerVcpu: 1792, maxVcpus: 6 };

/** Lambda's memory bounds, used to reject configs no Lambda function can have. */
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;

/**
 * Builds a resource config from memory, deriving vCPUs by `rule` unless given. vCPUs are rounded to 3 decimals so
 * configs compare and serialize stably.
 */
export function resources(memoryMb: number, vCpus?: number, rule: VcpuRule = LAMBDA_VCPU_RULE): ResourceConfig {
  if (!Number.isFinite(memoryMb) || !Number.isInteger(memoryMb) || memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB) {
    throw new ConfigError(`memoryMb must be an integer in [${MIN_MEMORY_MB}, ${MAX_MEMORY_MB}], got ${memoryMb}`);
  }
  const derived = vCpus ?? Math.min(memoryMb / rule.mbPerVcpu, rule.maxVcpus);
  if (!Number.isFinite(derived) || derived <= 0) {
    throw new ConfigError(`vCpus must be a positive number, got ${vCpus}`);
  }
  // vCPUs may differ from the memory rule (a recorded or local platform), but never exceed what the platform gives
  // any worker: 64 vCPUs on a 2,048 MB Lambda worker would make every task 55 times faster than it can run.
  if (derived > rule.maxVcpus) {
    throw new ConfigError(`vCpus ${derived} at ${memoryMb} MB is more than the platform gives any worker (at most ${rule.maxVcpus} vCPUs; ${memoryMb} MB gets ${Math.round(Math.min(memoryMb / rule.mbPerVcpu, rule.maxVcpus) * 1000) / 1000} by its rule)`);
  }
  return { memoryMb, vCpus: Math.round(derived * 1000) / 1000 };
}

/** A stable string key for a config, e.g. `2048MB/1.158vCPU`; equal configs give equal keys. */
export function resourceKey(config: ResourceConfig): string {
  return `${config.memoryMb}MB/${config.vCpus}vCPU`;
}

/** True when two configs are the same worker shape. */
export function sameResources(a: ResourceConfig, b: ResourceConfig): boolean {
  return a.memoryMb === b.memoryMb && a.vCpus === b.vCpus;
}

/**
 * Parses `2048`, `2048MB`, `2048:2` (memory MB : vCPUs, the form `--help` shows) or `2048MB/1.5vCPU` (the form
 * `resourceKey` prints) — CLI and config files.
 */
export function parseResources(text: string, rule: VcpuRule = LAMBDA_VCPU_RULE): ResourceConfig {
  const match = /^\s*(\d+)\s*(?:MB)?\s*(?:[/:]\s*(\d+(?:\.\d+)?)\s*(?:vCPUs?)?)?\s*$/i.exec(text);
  if (!match) {
    throw new ConfigError(`cannot read resources '${text}': expected memory MB with optional vCPUs, e.g. 2048, 2048:2, 2048MB or 2048MB/1.5vCPU`);
  }
  return resources(Number(match[1]), match[2] === undefined ? undefined : Number(match[2]), rule);
}
