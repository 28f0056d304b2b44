import type { Rng } from '../../core/random.js';
import type { ResourceConfig } from '../../core/resources.js';

/**
 * The platform figures the synthetic history generator draws start-ups and transfers from. They follow
 * `../shared/research/platform-defaults.md` (AWS Lambda + Redis); the simulator's platform model carries the full,
 * overridable set. Each field names its source.
 */
export interface SyntheticPlatform {
  /**
   * Median cold start-up: async dispatch (40 ms, estimate bracketed by Wang et al. ATC'18 and an SQS hop) + platform
   * cold overhead (100 ms, Firecracker NSDI'20 boots in ~125 ms) + INIT of a Node runtime with an SDK and a Redis
   * client (300 ms, estimate; Momento's bundling blog reports 100–1,000 ms). Flat in memory (maxday/lambda-perf).
   */
  readonly coldStartMedianMs: number;
  /** Log-normal sigma of cold start-ups (lambda-perf: σ ≈ 0.11 for INIT alone; wider for the composite). */
  readonly coldStartSigma: number;
  /** Median warm start-up: the async dispatch to a live instance (40 ms, estimate, σ 0.5). */
  readonly warmStartMedianMs: number;
  readonly warmStartSigma: number;
  /** Idle instances are reclaimed after 10 min (Shilkov 2019, measured). */
  readonly keepAliveMs: number;
  /** Redis round trip from Lambda, with the VPC path (0.3 ms + up to 0.5 ms): 1 ms, conservative. */
  readonly storageLatencyMs: number;
  /** Lambda NIC bandwidth ≈ 600 Mbit/s = 75,000 bytes/ms at ≥ 1,024 MB, scaled linearly below (blog-level evidence;
   * platform-defaults.md's 78,643 converts through MiB by mistake). */
  readonly bandwidthBytesPerMs: number;
  readonly bandwidthFullAtMemoryMb: number;
  /** Log-normal sigma of transfer times (estimate: network throughput is noisy, more so at low memory). */
  readonly transferSigma: number;
}

/** The generator's defaults (see each field for the source). */
export const SYNTHETIC_PLATFORM: SyntheticPlatform = {
  coldStartMedianMs: 440,
  coldStartSigma: 0.15,
  warmStartMedianMs: 40,
  warmStartSigma: 0.5,
  keepAliveMs: 600_000,
  storageLatencyMs: 1,
  bandwidthBytesPerMs: 75_000,
  bandwidthFullAtMemoryMb: 1024,
  transferSigma: 0.15,
};

/** One start-up time drawn for a cold or warm worker. */
export function sampleStartupMs(platform: SyntheticPlatform, start: 'cold' | 'warm', rng: Rng): number {
  return start === 'cold'
    ? rng.lognormal(platform.coldStartMedianMs, platform.coldStartSigma)
    : rng.lognormal(platform.warmStartMedianMs, platform.warmStartSigma);
}

/** Noise-free transfer time of `sizeBytes` between a worker of `resources` and the storage. */
export function medianTransferMs(platform: SyntheticPlatform, sizeBytes: number, resources: ResourceConfig): number {
  const share = Math.min(1, resources.memoryMb / platform.bandwidthFullAtMemoryMb);
  return platform.storageLatencyMs + sizeBytes / (platform.bandwidthBytesPerMs * share);
}

/** One transfer time drawn from the model. */
export function sampleTransferMs(platform: SyntheticPlatform, sizeBytes: number, resources: ResourceConfig, rng: Rng): number {
  return rng.lognormal(medianTransferMs(platform, sizeBytes, resources), platform.transferSigma);
}
