/**
 * The local Lambda-compatible gateway: a registry of functions, pools of instance processes (cold start = spawn,
 * warm start = most recently used idle instance within the keep-alive window), an account-wide concurrency limit
 * (429 for RequestResponse, Lambda's async queue for Event), Lambda's retries of failed Event invocations, and a
 * record of every attempt, kept in `invocations` and emitted as `invocation`.
 *
 * ```ts
 * const gateway = await LambdaGateway.start({ concurrencyLimit: 4, keepAliveMs: 60_000 });
 * await gateway.register({ name: 'worker', handlerModule: '/abs/worker.ts', memoryMb: 1024, timeoutMs: 30_000 });
 * const client = new LambdaClient({ endpoint: gateway.endpoint, region: gateway.region, maxAttempts: 1,
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * await client.send(new InvokeCommand({ FunctionName: 'worker', Payload: JSON.stringify(event) }));
 * await gateway.drain(); await gateway.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute } from 'node:path';
import { CpuCgroupController } from './cgroup.js';
import { bundleModule, defaultCacheDir, gatewaySourceFile, isTypeScript, resolveAwsRic, resolveTsxLoader } from './code.js';
import { Instance, nowMs, type LaunchSpec, type TimedAttempt } from './instance.js';
import { startInvokeApi, type InvokeApiServer, type InvokeRequest, type InvokeResponse } from './invoke-api.js';
import type { FunctionConfig, GatewayOptions, InvocationOutcome, InvocationRecord, LambdaErrorPayload } from './types.js';

/** Defaults of every gateway option (sources in types.ts and README.md). */
export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  host: '127.0.0.1',
  port: 0,
  region: 'us-east-1',
  accountId: '000000000000',
  concurrencyLimit: 1000,
  keepAliveMs: 600_000,
  asyncRetryDelaysMs: [60, 120],
  initTimeoutMs: 10_000,
  shutdownGraceMs: 500,
  runner: 'own',
  tsLoader: 'esbuild',
  cpuCgroups: true,
  logs: 'capture',
  maxSyncPayloadBytes: 6 * 1024 * 1024,
  maxAsyncPayloadBytes: 256 * 1024,
  log: (message) => console.warn(`[octoplan gateway] ${message}`),
};

/** Lambda's range of memory settings, in MB. */
const MEMORY_RANGE_MB = [128, 10_240] as const;
/** Lambda's longest timeout, in ms. */
const MAX_TIMEOUT_MS = 900_000;

interface FunctionState {
  config: Required<Omit<FunctionConfig, 'env'>> & { env: Record<string, string> };
  arn: string;
  launch: LaunchSpec;
  /** Idle instances, most recently used last. */
  idle: Instance[];
  instances: Set<Instance>;
  keepAliveTimers: Map<Instance, NodeJS.Timeout>;
  nextInstance: number;
}

/** One attempt waiting for a concurrency slot (Event invocations only). */
interface QueuedAttempt {
  fn: FunctionState;
  requestId: string;
  payload: Buffer;
  attempt: number;
  invokedAtMs: number;
  clientContext: string | undefined;
}

/** Output of an instance, as emitted in the `log` event (capture mode). */
export interface InstanceLogEvent {
  functionName: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Events of a gateway: `invocation` per finished (or throttled) attempt, `log` per output chunk, `note`. */
export interface LambdaGatewayEvents {
  invocation: [InvocationRecord];
  log: [InstanceLogEvent];
  note: [string];
  /** An Event invocation whose retries ran out: what Lambda sends to an on-failure destination. */
  'async-failure': [AsyncInvocationFailure];
}

/**
 * An Event invocation that failed for good (Lambda's on-failure destination record, condition `RetriesExhausted`):
 * its request id, function, how many attempts it had, the last attempt's outcome and error type, and the payload.
 */
export interface AsyncInvocationFailure {
  readonly requestId: string;
  readonly functionName: string;
  readonly attempts: number;
  readonly outcome: InvocationOutcome;
  readonly errorType: string | undefined;
  readonly payload: Buffer;
}

/** A running gateway. Create with `LambdaGateway.start`, stop with `close`. */
export class LambdaGateway extends EventEmitter<LambdaGatewayEvents> {
  /** Every attempt so far, in the order they ended. */
  readonly invocations: InvocationRecord[] = [];
  /** Whether instances get a CPU quota: the gateway's cgroup directory when they do, the reason when they do not. */
  readonly cpuQuota: { enabled: boolean; cgroupDir?: string; reason?: string };
  private readonly functions = new Map<string, FunctionState>();
  private readonly bundles = new Map<string, Promise<string>>();
  private readonly queue: QueuedAttempt[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly drainWaiters: (() => void)[] = [];
  private running = 0;
  /** Most invocations running at once since the gateway started or `resetConcurrencyStats` (never above the limit). */
  private peakRunning = 0;
  /** Event attempts that found every slot taken when they arrived and waited in the async queue. */
  private waitedForSlot = 0;
  private closing = false;
  private api!: InvokeApiServer;
  private bootstrapFile: Promise<string> | undefined;

  private constructor(
    /** The options in force, defaults filled in. */
    readonly options: GatewayOptions,
    private readonly cgroups: CpuCgroupController | undefined,
    cpuQuota: { enabled: boolean; cgroupDir?: string; reason?: string },
  ) {
    super();
    this.cpuQuota = cpuQuota;
  }

  /** Starts a gateway: probes cgroups (a logged note when unusable) and listens for Invoke calls. */
  static async start(options: Partial<GatewayOptions> = {}): Promise<LambdaGateway> {
    const resolved: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
    if (!Number.isInteger(resolved.concurrencyLimit) || resolved.concurrencyLimit < 1) {
      throw new Error(`gateway: concurrencyLimit must be a positive integer, got ${resolved.concurrencyLimit}`);
    }
    if (resolved.asyncRetryDelaysMs.length === 0) throw new Error('gateway: asyncRetryDelaysMs needs at least one delay');
    let controller: CpuCgroupController | undefined;
    let cpuQuota: { enabled: boolean; cgroupDir?: string; reason?: string };
    if (!resolved.cpuCgroups) {
      cpuQuota = { enabled: false, reason: 'disabled by the cpuCgroups option' };
    } else {
      const probe = await CpuCgroupController.probe(resolved.cgroupCpuMounts);
      if (probe.available) {
        controller = probe.controller;
        cpuQuota = { enabled: true, cgroupDir: controller.root };
      } else {
        cpuQuota = { enabled: false, reason: probe.reason };
        resolved.log(`instances run without a CPU quota: ${probe.reason}`);
      }
    }
    const gateway = new LambdaGateway(resolved, controller, cpuQuota);
    try {
      gateway.api = await startInvokeApi(
        {
          invoke: (request) => gateway.invoke(request),
          maxSyncPayloadBytes: resolved.maxSyncPayloadBytes,
          maxAsyncPayloadBytes: resolved.maxAsyncPayloadBytes,
        },
        resolved.host,
        resolved.port,
      );
    } catch (error) {
      await controller?.close();
      throw new Error(`gateway: cannot listen on ${resolved.host}:${resolved.port}: ${(error as Error).message}`);
    }
    return gateway;
  }

  /** `http://host:port`: the `endpoint` for `LambdaClient`. */
  get endpoint(): string {
    return this.api.endpoint;
  }

  /** Region of the gateway's ARNs. */
  get region(): string {
    return this.options.region;
  }

  /** ARN of a function, as Lambda would print it. */
  functionArn(name: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
  }

  /**
   * Registers a function (the local CreateFunction). Bundles a TypeScript handler now, so that cold starts do not
   * pay for it. Throws, naming the function, on an invalid configuration or a module that does not build.
   */
  async register(config: FunctionConfig): Promise<void> {
    if (this.closing) throw new Error(`gateway: cannot register ${config.name} on a closed gateway`);
    const name = config.name;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`gateway: function name ${JSON.stringify(name)} must be 1–64 of [A-Za-z0-9_-]`);
    if (this.functions.has(name)) throw new Error(`gateway: function ${name} is already registered`);
    if (!isAbsolute(config.handlerModule)) throw new Error(`gateway: function ${name}: handlerModule must be an absolute path, got ${config.handlerModule}`);
    if (!existsSync(config.handlerModule)) throw new Error(`gateway: function ${name}: handlerModule ${config.handlerModule} does not exist`);
    if (!Number.isInteger(config.memoryMb) || config.memoryMb < MEMORY_RANGE_MB[0] || config.memoryMb > MEMORY_RANGE_MB[1]) {
      throw new Error(`gateway: function ${name}: memoryMb must be an integer in ${MEMORY_RANGE_MB.join('–')}, got ${config.memoryMb}`);
    }
    if (!(config.timeoutMs > 0 && config.timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new Error(`gateway: function ${name}: timeoutMs must be in (0, ${MAX_TIMEOUT_MS}], got ${config.timeoutMs}`);
    }
    const maxRetryAttempts = config.maxRetryAttempts ?? 2;
    if (![0, 1, 2].includes(maxRetryAttempts)) throw new Error(`gateway: function ${name}: maxRetryAttempts must be 0, 1 or 2, got ${maxRetryAttempts}`);
    const resolved = {
      name,
      handlerModule: config.handlerModule,
      handlerExport: config.handlerExport ?? 'handler',
      memoryMb: config.memoryMb,
      timeoutMs: config.timeoutMs,
      env: config.env ?? {},
      maxRetryAttempts,
    };
    let launch: LaunchSpec;
    try {
      launch = await this.launchSpec(resolved);
    } catch (error) {
      throw new Error(`gateway: function ${name}: ${(error as Error).message}`);
    }
    // A concurrent register of the same name may have won while this one was bundling.
    if (this.functions.has(name)) throw new Error(`gateway: function ${name} is already registered`);
    this.functions.set(name, {
      config: resolved,
      arn: this.functionArn(name),
      launch,
      idle: [],
      instances: new Set(),
      keepAliveTimers: new Map(),
      nextInstance: 0,
    });
  }

  /** Whether a function of that name is registered. */
  has(name: string): boolean {
    return this.functions.has(name);
  }

  /** Live instances (not dead or being killed) of one function, or of all functions. */
  instanceCount(name?: string): number {
    const fns = name !== undefined ? [this.functions.get(name)].filter((fn) => fn !== undefined) : [...this.functions.values()];
    let count = 0;
    for (const fn of fns) for (const instance of fn.instances) if (instance.state !== 'dead') count++;
    return count;
  }

  /** Invocations running now (cold starts included), against `concurrencyLimit`. */
  get concurrency(): number {
    return this.running;
  }

  /** Event attempts waiting in the async queue for a concurrency slot now. */
  get queuedAttempts(): number {
    return this.queue.length;
  }

  /**
   * What the account limit did since the gateway started or the last `resetConcurrencyStats()`: the most invocations
   * running at once (`peak`, counted where a slot is taken, so it is exact rather than sampled) and how many Event
   * attempts arrived to find every slot taken and waited (`waited`, the gateway's throttles).
   */
  concurrencyStats(): { readonly peak: number; readonly waited: number } {
    return { peak: this.peakRunning, waited: this.waitedForSlot };
  }

  /** Starts `concurrencyStats` afresh (peak = what runs now, no waits), e.g. at the start of a load point. */
  resetConcurrencyStats(): void {
    this.peakRunning = this.running;
    this.waitedForSlot = 0;
  }

  /** Takes a concurrency slot (the caller checked that one is free). */
  private takeSlot(): void {
    this.running++;
    if (this.running > this.peakRunning) this.peakRunning = this.running;
  }

  private bundle(modulePath: string, cacheDir: string): Promise<string> {
    const key = `${modulePath}\0${cacheDir}`;
    let bundled = this.bundles.get(key);
    if (bundled === undefined) {
      bundled = bundleModule(modulePath, cacheDir);
      this.bundles.set(key, bundled);
      bundled.catch(() => this.bundles.delete(key));
    }
    return bundled;
  }

  /** Works out the command line of the function's instances for the configured runner and loader. */
  private async launchSpec(fn: FunctionState['config']): Promise<LaunchSpec> {
    const cacheDir = this.options.cacheDir ?? defaultCacheDir(fn.handlerModule);
    const ts = isTypeScript(fn.handlerModule);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      // Lambda gives every function its role's credentials; dummies let a handler's own `new LambdaClient({})`
      // sign requests, and AWS_ENDPOINT_URL_LAMBDA sends them to this gateway (SDK service-specific endpoints).
      AWS_ACCESS_KEY_ID: 'octoplan-local',
      AWS_SECRET_ACCESS_KEY: 'octoplan-local',
      AWS_SESSION_TOKEN: 'octoplan-local',
      AWS_ENDPOINT_URL_LAMBDA: this.endpoint,
    };
    if (this.options.runner === 'aws-ric') {
      const ric = resolveAwsRic(fn.handlerModule);
      // The ric loads `module.export` from its cwd and knows .js/.mjs/.cjs only, so TypeScript is bundled first.
      const file = ts ? await this.bundle(fn.handlerModule, cacheDir) : fn.handlerModule;
      const appRoot = dirname(file);
      const handlerName = `${basename(file, extname(file))}.${fn.handlerExport}`;
      return {
        args: [ric, handlerName],
        cwd: appRoot,
        env: { ...env, LAMBDA_TASK_ROOT: appRoot, _HANDLER: handlerName, ...fn.env },
      };
    }
    this.bootstrapFile ??= bundleModule(gatewaySourceFile('bootstrap.ts'), defaultCacheDir(gatewaySourceFile('bootstrap.ts')));
    const bootstrap = await this.bootstrapFile;
    const loaderArgs: string[] = [];
    let file = fn.handlerModule;
    if (ts && this.options.tsLoader === 'esbuild') file = await this.bundle(fn.handlerModule, cacheDir);
    else if (ts) loaderArgs.push('--import', resolveTsxLoader(fn.handlerModule));
    const taskRoot = dirname(fn.handlerModule);
    return {
      args: [...loaderArgs, bootstrap],
      cwd: taskRoot,
      env: {
        ...env,
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: `${basename(fn.handlerModule, extname(fn.handlerModule))}.${fn.handlerExport}`,
        OCTOPLAN_HANDLER_MODULE: file,
        OCTOPLAN_HANDLER_EXPORT: fn.handlerExport,
        ...fn.env,
      },
    };
  }

  /** Resolves `FunctionName` (name, `name:qualifier`, `account:function:name`, or ARN) to a registered function. */
  private lookup(functionName: string, qualifier: string | undefined): { fn: FunctionState } | { error: InvokeResponse } {
    const parts = functionName.split(':');
    let name: string | undefined;
    let arnQualifier: string | undefined;
    if (parts[0] === 'arn') [name, arnQualifier] = [parts[6], parts[7]];
    else if (parts[1] === 'function') [name, arnQualifier] = [parts[2], parts[3]];
    else [name, arnQualifier] = [parts[0], parts[1]];
    const version = qualifier ?? arnQualifier;
    const fn = name !== undefined ? this.functions.get(name) : undefined;
    if (fn === undefined || (version !== undefined && version !== '$LATEST')) {
      const arn = this.functionArn(name ?? functionName) + (version !== undefined ? `:${version}` : '');
      return { error: { kind: 'api-error', status: 404, errorType: 'ResourceNotFoundException', message: `Function not found: ${arn}` } };
    }
    return { fn };
  }

  /** Handles one Invoke call (used by the HTTP layer; callable directly as well). */
  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const found = this.lookup(request.functionName, request.qualifier);
    if ('error' in found) return found.error;
    const { fn } = found;
    const requestId = randomUUID();
    if (this.closing) {
      return { kind: 'api-error', status: 503, errorType: 'ServiceException', message: `gateway is closing; ${fn.config.name} not invoked` };
    }
    if (request.invocationType === 'DryRun') return { kind: 'dry-run', requestId };
    const payload = request.payload.length === 0 ? Buffer.from('{}') : request.payload;
    try {
      JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return { kind: 'api-error', status: 400, errorType: 'InvalidRequestContentException', message: `Could not parse request body into json: ${(error as Error).message}` };
    }
    const invokedAtMs = nowMs();
    // The Invoke API carries the client context as base64; the Runtime API header carries the JSON itself.
    const clientContext = request.clientContext !== undefined ? Buffer.from(request.clientContext, 'base64').toString('utf8') : undefined;
    if (request.invocationType === 'Event') {
      // Lambda's async front end accepts every event and queues it; concurrency is checked when it is dispatched.
      if (this.running >= this.options.concurrencyLimit || this.queue.length > 0) this.waitedForSlot++;
      this.queue.push({ fn, requestId, payload, attempt: 1, invokedAtMs, clientContext });
      this.pump();
      return { kind: 'accepted', requestId };
    }
    if (this.running >= this.options.concurrencyLimit) {
      this.record({
        requestId,
        functionName: fn.config.name,
        instanceId: undefined,
        invocationType: 'RequestResponse',
        cold: false,
        attempt: 1,
        invokedAtMs,
        dispatchedAtMs: invokedAtMs,
        startedAtMs: invokedAtMs,
        endedAtMs: invokedAtMs,
        startupMs: 0,
        outcome: 'throttled',
        willRetry: false,
      });
      return {
        kind: 'api-error',
        status: 429,
        errorType: 'TooManyRequestsException',
        message: 'Rate Exceeded.',
        extra: { Reason: 'ConcurrentInvocationLimitExceeded' },
      };
    }
    this.takeSlot();
    try {
      const { attempt, record } = await this.runAttempt(fn, requestId, payload, 1, invokedAtMs, 'RequestResponse', clientContext, false);
      if (attempt.outcome === 'undelivered') throw new Error('unreachable: undelivered attempts are rerouted');
      const logResult = request.logTail ? Buffer.from(this.logTail(fn, record, attempt.log)).toString('base64') : undefined;
      if (attempt.outcome === 'success') return { kind: 'result', requestId, payload: attempt.payload, functionError: false, logResult };
      return { kind: 'result', requestId, payload: Buffer.from(JSON.stringify(attempt.error)), functionError: true, logResult };
    } catch (error) {
      return { kind: 'api-error', status: 500, errorType: 'ServiceException', message: `gateway could not run ${fn.config.name}: ${(error as Error).message}` };
    } finally {
      this.running--;
      this.pump();
      this.checkDrained();
    }
  }

  /** Lambda's Tail log: the instance's output during the attempt plus a REPORT line. */
  private logTail(fn: FunctionState, record: InvocationRecord, output: string): string {
    const durationMs = (record.endedAtMs - record.startedAtMs).toFixed(2);
    const init = record.cold ? ` Init Duration: ${record.startupMs.toFixed(2)} ms` : '';
    const report = `REPORT RequestId: ${record.requestId}\tDuration: ${durationMs} ms\tMemory Size: ${fn.config.memoryMb} MB${init}\n`;
    const text = output + report;
    return text.length > 4096 ? text.slice(text.length - 4096) : text;
  }

  /** Starts queued Event attempts while concurrency allows. */
  private pump(): void {
    while (!this.closing && this.running < this.options.concurrencyLimit && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.takeSlot();
      void this.runQueued(item);
    }
  }

  private async runQueued(item: QueuedAttempt): Promise<void> {
    const { fn } = item;
    const willRetry = (outcome: InvocationOutcome): boolean =>
      !this.closing && outcome !== 'success' && item.attempt <= fn.config.maxRetryAttempts;
    try {
      const { attempt } = await this.runAttempt(fn, item.requestId, item.payload, item.attempt, item.invokedAtMs, 'Event', item.clientContext, willRetry);
      if (attempt.outcome !== 'success' && attempt.outcome !== 'undelivered' && !willRetry(attempt.outcome) && !this.closing) {
        this.emit('async-failure', { requestId: item.requestId, functionName: fn.config.name, attempts: item.attempt, outcome: attempt.outcome, errorType: attempt.error.errorType, payload: item.payload });
      }
      if (attempt.outcome !== 'success' && attempt.outcome !== 'undelivered' && willRetry(attempt.outcome)) {
        const delays = this.options.asyncRetryDelaysMs;
        const delayMs = delays[Math.min(item.attempt - 1, delays.length - 1)] ?? 0;
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          this.queue.push({ ...item, attempt: item.attempt + 1, invokedAtMs: nowMs() });
          this.pump();
        }, delayMs);
        this.retryTimers.add(timer);
      }
    } catch (error) {
      this.note(`function ${fn.config.name}: async invocation ${item.requestId} attempt ${item.attempt} could not run: ${(error as Error).message}`);
    } finally {
      this.running--;
      this.pump();
      this.checkDrained();
    }
  }

  /**
   * Runs one attempt on a warm instance if one is idle, else on a new one, and records it. An invocation that a
   * warm instance never took (it died between invocations) goes to another instance, as Lambda would route it.
   */
  private async runAttempt(
    fn: FunctionState,
    requestId: string,
    payload: Buffer,
    attemptNumber: number,
    invokedAtMs: number,
    invocationType: 'RequestResponse' | 'Event',
    clientContext: string | undefined,
    willRetry: boolean | ((outcome: InvocationOutcome) => boolean),
  ): Promise<{ attempt: TimedAttempt; record: InvocationRecord }> {
    const dispatchedAtMs = nowMs();
    for (;;) {
      let instance = this.takeIdle(fn);
      const cold = instance === undefined;
      instance ??= await this.startInstance(fn);
      const attempt = await instance.run({ requestId, payload, invokedFunctionArn: fn.arn, clientContext });
      if (attempt.outcome === 'undelivered') continue;
      const error: LambdaErrorPayload | undefined = attempt.outcome === 'success' ? undefined : attempt.error;
      const record: InvocationRecord = {
        requestId,
        functionName: fn.config.name,
        instanceId: instance.id,
        invocationType,
        cold,
        attempt: attemptNumber,
        invokedAtMs,
        dispatchedAtMs,
        startedAtMs: attempt.startedAtMs ?? attempt.endedAtMs,
        endedAtMs: attempt.endedAtMs,
        startupMs: cold ? (instance.startupMs ?? attempt.endedAtMs - instance.spawnedAtMs) : 0,
        outcome: attempt.outcome,
        willRetry: typeof willRetry === 'function' ? willRetry(attempt.outcome) : willRetry,
      };
      if (error !== undefined) record.errorType = error.errorType;
      this.record(record);
      return { attempt, record };
    }
  }

  private record(record: InvocationRecord): void {
    this.invocations.push(record);
    this.emit('invocation', record);
  }

  private note(message: string): void {
    this.options.log(message);
    this.emit('note', message);
  }

  /** Most recently used idle instance of the function (Lambda does not document its choice; MRU lets others expire). */
  private takeIdle(fn: FunctionState): Instance | undefined {
    while (fn.idle.length > 0) {
      const instance = fn.idle.pop()!;
      clearTimeout(fn.keepAliveTimers.get(instance));
      fn.keepAliveTimers.delete(instance);
      if (instance.state === 'idle') return instance;
    }
    return undefined;
  }

  private async startInstance(fn: FunctionState): Promise<Instance> {
    if (this.closing) throw new Error(`gateway is closing; no new instance of ${fn.config.name}`);
    const id = `${fn.config.name}-${++fn.nextInstance}`;
    const instance: Instance = await Instance.start({
      id,
      functionName: fn.config.name,
      memoryMb: fn.config.memoryMb,
      timeoutMs: fn.config.timeoutMs,
      launch: fn.launch,
      host: this.options.host,
      initTimeoutMs: this.options.initTimeoutMs,
      logs: this.options.logs,
      cgroups: this.cgroups,
      note: (message) => this.note(message),
      onLog: (stream, text) => this.emit('log', { functionName: fn.config.name, instanceId: id, stream, text }),
      onIdle: () => this.onIdle(fn, instance),
      onGone: () => this.onGone(fn, instance),
    });
    fn.instances.add(instance);
    return instance;
  }

  private onIdle(fn: FunctionState, instance: Instance): void {
    if (this.closing) {
      void instance.shutdown(this.options.shutdownGraceMs);
      return;
    }
    fn.idle.push(instance);
    const timer = setTimeout(() => {
      fn.keepAliveTimers.delete(instance);
      const index = fn.idle.indexOf(instance);
      if (index >= 0) fn.idle.splice(index, 1);
      void instance.shutdown(this.options.shutdownGraceMs);
    }, this.options.keepAliveMs);
    // Idle instances alone should not keep a finished program alive; the HTTP server does while it is open.
    timer.unref();
    fn.keepAliveTimers.set(instance, timer);
  }

  private onGone(fn: FunctionState, instance: Instance): void {
    fn.instances.delete(instance);
    const index = fn.idle.indexOf(instance);
    if (index >= 0) fn.idle.splice(index, 1);
    clearTimeout(fn.keepAliveTimers.get(instance));
    fn.keepAliveTimers.delete(instance);
  }

  private checkDrained(): void {
    if (this.running > 0 || this.queue.length > 0 || this.retryTimers.size > 0) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Resolves when no invocation runs, none is queued and no retry is pending (e.g. after Event invocations). */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.checkDrained();
    });
  }

  /**
   * Stops every idle instance at once, as if its keep-alive had expired: the next invocation of each function starts
   * cold. Lets a trace collection start every run from no live instance, as the reference's runner did.
   */
  async reclaimIdle(): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const fn of this.functions.values()) {
      for (const instance of fn.idle.splice(0)) {
        clearTimeout(fn.keepAliveTimers.get(instance));
        fn.keepAliveTimers.delete(instance);
        stops.push(instance.shutdown(this.options.shutdownGraceMs));
      }
    }
    await Promise.all(stops);
  }

  /**
   * Stops the gateway: drops queued Event attempts and pending retries (noted), stops every instance (SIGTERM, then
   * SIGKILL after shutdownGraceMs; running invocations end as Runtime.ExitError), removes the cgroups and stops
   * listening.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.queue.length > 0 || this.retryTimers.size > 0) {
      this.note(`closing with ${this.queue.length} queued and ${this.retryTimers.size} pending-retry Event invocations dropped`);
    }
    this.queue.length = 0;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    const stops: Promise<void>[] = [];
    for (const fn of this.functions.values()) {
      for (const timer of fn.keepAliveTimers.values()) clearTimeout(timer);
      fn.keepAliveTimers.clear();
      fn.idle.length = 0;
      for (const instance of fn.instances) stops.push(instance.shutdown(this.options.shutdownGraceMs));
    }
    await Promise.all(stops);
    await this.cgroups?.close();
    await this.api.close();
    this.checkDrained();
  }
}
