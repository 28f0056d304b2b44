/**
 * Shared types of the local Lambda-compatible gateway: function configuration, gateway options and the
 * per-invocation records the runtime turns into worker trace records.
 */

/** How a function instance process runs the handler. */
export type InstanceRunner = 'own' | 'aws-ric';

/**
 * How a TypeScript handler module is made runnable by plain Node. `esbuild` bundles it once at registration (its
 * npm packages stay external) so every cold start loads one plain `.mjs`; `tsx` registers tsx's loader in each
 * instance, which transforms on the fly at every cold start (slower; see README for the measured difference).
 */
export type TsLoader = 'esbuild' | 'tsx';

/** What a gateway does with an instance's stdout and stderr. */
export type InstanceLogMode = 'capture' | 'inherit';

/** A function as registered with the gateway (the local counterpart of CreateFunction). */
export interface FunctionConfig {
  /** Function name, as used in the Invoke path (`FunctionName`); an ARN naming it is accepted too. */
  name: string;
  /** Absolute path of the ESM module (.js, .mjs or .ts) exporting the handler. */
  handlerModule: string;
  /** Name of the export holding the handler `(event, context) => Promise<result>`. Default `handler`. */
  handlerExport?: string;
  /** Memory setting in MB (128–10,240 on Lambda): sets the heap limit and, with cgroups, the CPU quota. */
  memoryMb: number;
  /** Invocation timeout in ms (the handler phase; INIT has its own limit, `GatewayOptions.initTimeoutMs`). */
  timeoutMs: number;
  /** Environment variables of the function, added over the Lambda-defined ones. */
  env?: Record<string, string>;
  /**
   * Retries of a failed asynchronous (`Event`) invocation, 0–2, like Lambda's `MaximumRetryAttempts` of the
   * function's event invoke config. Default 2 (Lambda's default).
   */
  maxRetryAttempts?: number;
}

/** Options of a gateway. Every field has a default; see `DEFAULT_GATEWAY_OPTIONS`. */
export interface GatewayOptions {
  /** Host the Invoke API and the per-instance Runtime APIs listen on. Default 127.0.0.1. */
  host: string;
  /** Port of the Invoke API; 0 picks a free one. Default 0. */
  port: number;
  /** Region used in ARNs and the instances' AWS_REGION. Default us-east-1. */
  region: string;
  /** Account id used in ARNs. Default 000000000000. */
  accountId: string;
  /**
   * Maximum number of invocations running at once over all functions (Lambda's account concurrency). Above it a
   * RequestResponse invocation gets 429 and an Event invocation waits in the async queue. Default 1000 (Lambda's
   * default account limit); set it to what the machine can run.
   */
  concurrencyLimit: number;
  /** How long an idle instance is kept for a warm start, in ms. Default 600,000 (10 min, platform-defaults.md). */
  keepAliveMs: number;
  /**
   * Delay before each retry of a failed Event invocation, in ms: `[beforeRetry1, beforeRetry2]`. Lambda waits about
   * 1 min then 2 min; the default [60, 120] is that scaled down 1000x so local runs stay short.
   */
  asyncRetryDelaysMs: number[];
  /** Limit of the INIT phase (process start + module load) in ms. Default 10,000 (Lambda's INIT limit). */
  initTimeoutMs: number;
  /** Grace period between SIGTERM and SIGKILL when an idle instance expires or the gateway closes, in ms. */
  shutdownGraceMs: number;
  /** Instance runner: our own Runtime API loop, or AWS's `aws-lambda-ric` (must be installed). Default `own`. */
  runner: InstanceRunner;
  /** Loader for `.ts` handler modules. Default `esbuild`. */
  tsLoader: TsLoader;
  /** Whether to give instances a cgroup v1 CPU quota proportional to memory when possible. Default true. */
  cpuCgroups: boolean;
  /** Where to look for the cgroup v1 `cpu` controller. Default /sys/fs/cgroup/cpu, then /sys/fs/cgroup/cpu,cpuacct. */
  cgroupCpuMounts?: string[];
  /** Where bundles are written. Default `node_modules/.cache/octoplan-gateway` next to the handler's packages. */
  cacheDir?: string;
  /** Instances' stdout/stderr: captured (events `log`, kept for LogType Tail) or passed through. Default capture. */
  logs: InstanceLogMode;
  /** Largest request payload of a RequestResponse invocation in bytes. Default 6 MiB (Lambda's limit). */
  maxSyncPayloadBytes: number;
  /** Largest request payload of an Event invocation in bytes. Default 256 KiB (the classic Lambda limit). */
  maxAsyncPayloadBytes: number;
  /** Receives the gateway's notes (cgroup fallback and the like). Default: console.warn with a prefix. */
  log: (message: string) => void;
}

/** Lambda invocation types accepted by the Invoke API. */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/**
 * How an invocation ended: `success`; `error` (the handler threw or rejected); `timeout` (killed at timeoutMs);
 * `crash` (the instance process exited mid-invocation); `init-error` (the module failed to load or INIT timed out);
 * `throttled` (rejected with 429, no instance involved).
 */
export type InvocationOutcome = 'success' | 'error' | 'timeout' | 'crash' | 'init-error' | 'throttled';

/**
 * One attempt of one invocation, as the gateway saw it. Times are epoch ms with sub-ms precision
 * (`performance.timeOrigin + performance.now()`), so they line up with records written by the instances.
 */
export interface InvocationRecord {
  /** Request id, shared by the attempts of a retried Event invocation (as on Lambda). */
  requestId: string;
  functionName: string;
  /** Instance that ran the attempt; undefined for a throttled one. */
  instanceId: string | undefined;
  invocationType: Exclude<InvocationType, 'DryRun'>;
  /** Whether the attempt started a new instance. */
  cold: boolean;
  /** 1 for the first attempt, 2–3 for Lambda-style retries of an Event invocation. */
  attempt: number;
  /** When the gateway accepted the attempt (for a retry: when its delay ended and it was queued again). */
  invokedAtMs: number;
  /**
   * When the attempt got a concurrency slot and went to an instance (warm) or to a new process (cold). Equals
   * invokedAtMs for RequestResponse; later for an Event attempt that waited in the async queue.
   */
  dispatchedAtMs: number;
  /** When the event was handed to the handler (Runtime API `next` answered); equals endedAtMs if it never was. */
  startedAtMs: number;
  /** When the gateway had the outcome (response/error posted, process exit seen, or timeout fired). */
  endedAtMs: number;
  /** Cold start only: process spawn until the instance asked for its first event (INIT). 0 when warm. */
  startupMs: number;
  outcome: InvocationOutcome;
  /** Lambda error type of a failed attempt (e.g. `Runtime.ExitError`, `Sandbox.Timedout`, the thrown error's name). */
  errorType?: string;
  /** Whether the gateway will retry this attempt (Event invocations only). */
  willRetry: boolean;
}

/** Error payload in Lambda's shape, as posted to `/error` and returned with `X-Amz-Function-Error`. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}
