/**
 * `measureGateway()`: cold-start and warm-invoke latency of the gateway as a caller sees it, through the unmodified
 * AWS SDK client, with a handler that does nothing but echo (so the figures are the gateway's and the runtime
 * loop's overhead, not the handler's). For `npm run bench:perf`.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { quantile } from '../../core/stats.js';
import { gatewaySourceFile } from './code.js';
import { LambdaGateway } from './gateway.js';
import type { InstanceRunner, TsLoader } from './types.js';

/** What to measure and how often. */
export interface MeasureGatewayOptions {
  /** Cold starts to time (each on a newly registered function). Default 7. */
  coldRuns?: number;
  /** Warm invocations to time, after a few untimed ones. Default 100. */
  warmRuns?: number;
  runner?: InstanceRunner;
  tsLoader?: TsLoader;
  /** Memory of the measured function. Default 1769 MB (one vCPU, so a CPU quota does not slow the figures). */
  memoryMb?: number;
}

/** Medians (and p90) in ms; quantiles as `core/stats.ts` defines them (type 7). */
export interface GatewayMeasurement {
  runner: InstanceRunner;
  tsLoader: TsLoader;
  coldRuns: number;
  warmRuns: number;
  /** Invoke call to response on a cold start (spawn, INIT, handler, response), median. */
  coldInvokeMedianMs: number;
  coldInvokeP90Ms: number;
  /** INIT alone (spawn until the instance asks for its first event), median. */
  coldInitMedianMs: number;
  /** Invoke call to response on a warm instance, median. */
  warmInvokeMedianMs: number;
  warmInvokeP90Ms: number;
  /** Gateway-side dispatch to result on a warm instance (no HTTP client, no SDK), median. */
  warmInstanceMedianMs: number;
  /** Whether instances ran with a cgroup CPU quota. */
  cpuQuota: boolean;
}

/** Starts a private gateway, times cold and warm invocations, closes it and returns the figures. */
export async function measureGateway(options: MeasureGatewayOptions = {}): Promise<GatewayMeasurement> {
  const coldRuns = options.coldRuns ?? 7;
  const warmRuns = options.warmRuns ?? 100;
  const runner = options.runner ?? 'own';
  const tsLoader = options.tsLoader ?? 'esbuild';
  const memoryMb = options.memoryMb ?? 1769;
  const notes: string[] = [];
  const gateway = await LambdaGateway.start({ runner, tsLoader, log: (message) => notes.push(message) });
  const client = new LambdaClient({
    endpoint: gateway.endpoint,
    region: gateway.region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'measure', secretAccessKey: 'measure' },
  });
  try {
    const handlerModule = gatewaySourceFile('measure-handler.ts');
    const invoke = async (name: string, i: number): Promise<number> => {
      const startedMs = performance.now();
      const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ i }) }));
      const elapsedMs = performance.now() - startedMs;
      if (out.FunctionError !== undefined) {
        throw new Error(`measureGateway: ${name} failed: ${Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')}`);
      }
      return elapsedMs;
    };
    const cold: number[] = [];
    // One untimed function first: it warms the SDK client, the HTTP connection and the OS file cache.
    for (let i = -1; i < coldRuns; i++) {
      const name = `measure-cold-${i + 1}`;
      await gateway.register({ name, handlerModule, memoryMb, timeoutMs: 10_000 });
      const elapsedMs = await invoke(name, i);
      if (i >= 0) cold.push(elapsedMs);
    }
    const coldInit = gateway.invocations.filter((r) => r.cold).slice(1).map((r) => r.startupMs);
    const warm: number[] = [];
    for (let i = -10; i < warmRuns; i++) {
      const elapsedMs = await invoke('measure-cold-0', i);
      if (i >= 0) warm.push(elapsedMs);
    }
    const warmRecords = gateway.invocations.filter((r) => r.functionName === 'measure-cold-0' && !r.cold).slice(10);
    return {
      runner,
      tsLoader,
      coldRuns,
      warmRuns,
      coldInvokeMedianMs: quantile(cold, 0.5),
      coldInvokeP90Ms: quantile(cold, 0.9),
      coldInitMedianMs: quantile(coldInit, 0.5),
      warmInvokeMedianMs: quantile(warm, 0.5),
      warmInvokeP90Ms: quantile(warm, 0.9),
      warmInstanceMedianMs: quantile(warmRecords.map((r) => r.endedAtMs - r.startedAtMs), 0.5),
      cpuQuota: gateway.cpuQuota.enabled,
    };
  } finally {
    client.destroy();
    await gateway.close();
  }
}
