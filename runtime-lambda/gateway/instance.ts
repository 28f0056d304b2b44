/**
 * One function instance: a real Node process running a Runtime API client (our bootstrap or `aws-lambda-ric`)
 * against a Runtime API served for it alone, with its heap limit and optional cgroup CPU quota. It handles one
 * invocation at a time and reports every way an invocation can end the way Lambda does: the handler's result or
 * error, `Sandbox.Timedout` when it runs past its timeout (the process is killed), `Runtime.ExitError` /
 * `Runtime.OutOfMemory` when the process dies mid-invocation, and the init error when the module cannot load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { CpuCgroupController, InstanceCgroup } from './cgroup.js';
import { startRuntimeApi, type RuntimeApiServer, type RuntimeEvent } from './runtime-api.js';
import type { InstanceLogMode, LambdaErrorPayload } from './types.js';

/** How to start the process of one function's instances (computed once per function by the gateway). */
export interface LaunchSpec {
  /** Node arguments after the heap flags: the script and its arguments (plus `--import` of a loader). */
  args: string[];
  cwd: string;
  /** Complete environment, without AWS_LAMBDA_RUNTIME_API (set per instance). */
  env: Record<string, string>;
}

/** Everything an instance needs to start. */
export interface InstanceSpec {
  id: string;
  functionName: string;
  memoryMb: number;
  timeoutMs: number;
  launch: LaunchSpec;
  host: string;
  initTimeoutMs: number;
  logs: InstanceLogMode;
  /** Gives the instance a CPU quota when present. */
  cgroups: CpuCgroupController | undefined;
  /** Notes that are not errors (a cgroup that could not be set up). */
  note: (message: string) => void;
  /** Output of the instance, in capture mode. */
  onLog: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Called each time the instance becomes available for a warm start (after INIT, after each handled attempt). */
  onIdle: () => void;
  /** Called once when the process has exited and its resources are released. */
  onGone: () => void;
}

/** The invocation given to an instance. */
export interface InstanceInvocation {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  clientContext?: string;
}

/** How an attempt ended on an instance. `undelivered`: a warm instance died before taking the event. */
export type AttemptResult =
  | { outcome: 'success'; payload: Buffer }
  | { outcome: 'error' | 'timeout' | 'crash' | 'init-error'; error: LambdaErrorPayload }
  | { outcome: 'undelivered' };

/** An attempt's result with its timing, as the gateway records it. */
export type TimedAttempt = AttemptResult & {
  /** Epoch ms the event was handed to the handler; undefined when it never was. */
  startedAtMs: number | undefined;
  endedAtMs: number;
  /** Output of the instance while it ran the attempt (capture mode), last 4 KiB. */
  log: string;
};

/** Sub-ms epoch time, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Lambda (Go) spells signals the way Go's os/exec does, e.g. "signal: killed". */
const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error',
};

const LOG_TAIL_BYTES = 4096;

function appendTail(tail: string, text: string): string {
  const joined = tail + text;
  return joined.length > LOG_TAIL_BYTES ? joined.slice(joined.length - LOG_TAIL_BYTES) : joined;
}

interface Current {
  invocation: InstanceInvocation;
  resolve: (result: TimedAttempt) => void;
  startedAtMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  log: string;
}

/** A running instance process. Create with `Instance.start`. */
export class Instance {
  /** `init` until the first `next`, then `idle`/`busy`, `dead` once the process is gone or being killed. */
  state: 'init' | 'idle' | 'busy' | 'dead' = 'init';
  /** Epoch ms of the spawn. */
  readonly spawnedAtMs: number;
  /** Spawn until the first `next` request, in ms (INIT); undefined until then. */
  startupMs: number | undefined;
  /** Epoch ms at which the instance last finished an invocation (for keep-alive and MRU choice). */
  lastUsedAtMs: number;
  /** Whether the instance has taken at least one event (a later death before delivery is then `undelivered`). */
  private served = false;
  private child!: ChildProcess;
  private api!: RuntimeApiServer;
  private cgroup: InstanceCgroup | undefined;
  private pendingNext: ((event: RuntimeEvent) => void) | undefined;
  private current: Current | undefined;
  private initError: LambdaErrorPayload | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private readonly exited: Promise<void>;
  private markExited!: () => void;

  private constructor(readonly spec: InstanceSpec) {
    this.spawnedAtMs = nowMs();
    this.lastUsedAtMs = this.spawnedAtMs;
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  /** Instance id (unique in the gateway). */
  get id(): string {
    return this.spec.id;
  }

  /** Spawns the process with its Runtime API and cgroup. The instance is in `init` until it asks for an event. */
  static async start(spec: InstanceSpec): Promise<Instance> {
    const instance = new Instance(spec);
    const [api, cgroup] = await Promise.all([
      startRuntimeApi(spec.host, instance.runtimeHandlers()),
      spec.cgroups?.createInstanceCgroup(spec.id, spec.memoryMb).catch((error: unknown) => {
        spec.note(`function ${spec.functionName}: instance ${spec.id} runs without a CPU quota: ${(error as Error).message}`);
        return undefined;
      }),
    ]);
    instance.api = api;
    instance.cgroup = cgroup;
    instance.spawnProcess();
    return instance;
  }

  /** Heap flags of Lambda's Node bootstrap: new space = memory/10 (semi-space half of it), old space the rest. */
  static heapArgs(memoryMb: number): string[] {
    const newSpaceMb = Math.floor(memoryMb / 10);
    return [`--max-semi-space-size=${Math.max(1, Math.floor(newSpaceMb / 2))}`, `--max-old-space-size=${memoryMb - newSpaceMb}`];
  }

  private spawnProcess(): void {
    const { launch } = this.spec;
    const capture = this.spec.logs === 'capture';
    this.child = spawn(process.execPath, [...Instance.heapArgs(this.spec.memoryMb), ...launch.args], {
      cwd: launch.cwd,
      env: {
        ...launch.env,
        AWS_LAMBDA_RUNTIME_API: this.api.address,
        AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${this.id}`,
      },
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    if (capture) {
      for (const stream of ['stdout', 'stderr'] as const) {
        this.child[stream]?.setEncoding('utf8');
        this.child[stream]?.on('data', (text: string) => {
          if (stream === 'stderr') this.stderrTail = appendTail(this.stderrTail, text);
          if (this.current?.startedAtMs !== undefined) this.current.log = appendTail(this.current.log, text);
          this.spec.onLog(stream, text);
        });
      }
    }
    this.child.on('error', (error) => {
      // Spawn failure (e.g. ENOENT): no 'exit' follows, so finish here.
      this.stderrTail = appendTail(this.stderrTail, `spawn failed: ${error.message}\n`);
      this.onExit(null, null);
    });
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    this.initTimer = setTimeout(() => {
      if (this.startupMs !== undefined) return;
      this.initError = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `INIT of ${this.spec.functionName} timed out after ${this.spec.initTimeoutMs} ms`,
        trace: [],
      };
      void this.kill();
    }, this.spec.initTimeoutMs);
  }

  private runtimeHandlers() {
    return {
      onNext: (deliver: (event: RuntimeEvent) => void) => void this.onNext(deliver),
      onResponse: (requestId: string, body: Buffer) => this.complete(requestId, { outcome: 'success', payload: body }),
      onError: (requestId: string, error: LambdaErrorPayload) => this.complete(requestId, { outcome: 'error', error }),
      onInitError: (error: LambdaErrorPayload) => {
        this.initError = error;
        // The runtime exits after reporting; the exit handler reports the error for the pending invocation.
      },
    };
  }

  private async onNext(deliver: (event: RuntimeEvent) => void): Promise<void> {
    if (this.state === 'dead') return;
    if (this.startupMs === undefined) {
      this.startupMs = nowMs() - this.spawnedAtMs;
      clearTimeout(this.initTimer);
      // The quota starts after INIT: Lambda runs INIT unthrottled (flat INIT duration across memory sizes).
      if (this.cgroup !== undefined && this.child.pid !== undefined) {
        await this.cgroup.attach(this.child.pid).catch((error: unknown) => {
          this.spec.note(`function ${this.spec.functionName}: cannot move instance ${this.id} into ${this.cgroup?.path}: ${(error as Error).message}`);
        });
      }
      // close() or a timeout may have killed the instance while it was being attached.
      if ((this.state as Instance['state']) === 'dead') return;
    }
    this.pendingNext = deliver;
    if (this.current !== undefined) {
      this.deliver();
    } else if (this.state !== 'idle') {
      this.state = 'idle';
      this.spec.onIdle();
    }
  }

  /** Hands the current invocation to the instance's held `next` request and starts its timeout. */
  private deliver(): void {
    const current = this.current;
    const deliver = this.pendingNext;
    if (current === undefined || deliver === undefined || current.startedAtMs !== undefined) return;
    this.pendingNext = undefined;
    this.served = true;
    this.state = 'busy';
    current.startedAtMs = nowMs();
    const event: RuntimeEvent = {
      requestId: current.invocation.requestId,
      payload: current.invocation.payload,
      deadlineMs: Date.now() + this.spec.timeoutMs,
      invokedFunctionArn: current.invocation.invokedFunctionArn,
    };
    if (current.invocation.clientContext !== undefined) event.clientContext = current.invocation.clientContext;
    this.startTimeout(current);
    deliver(event);
  }

  /** Kills the instance and reports Lambda's timeout error when the invocation runs past timeoutMs. */
  private startTimeout(current: Current): void {
    if (current.timer !== undefined) return;
    current.timer = setTimeout(() => {
      const seconds = (this.spec.timeoutMs / 1000).toFixed(2);
      this.finish({
        outcome: 'timeout',
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${current.invocation.requestId} Error: Task timed out after ${seconds} seconds`,
          trace: [],
        },
      });
      void this.kill();
    }, this.spec.timeoutMs);
  }

  /** Runs one invocation. The gateway calls this only on an instance in `init` (cold) or `idle` (warm) state. */
  run(invocation: InstanceInvocation): Promise<TimedAttempt> {
    if (this.current !== undefined || this.state === 'dead' || this.state === 'busy') {
      throw new Error(`gateway: instance ${this.id} of ${this.spec.functionName} is not free (state ${this.state})`);
    }
    if (this.state === 'idle') this.state = 'busy';
    return new Promise((resolve) => {
      const current: Current = { invocation, resolve, startedAtMs: undefined, timer: undefined, log: '' };
      this.current = current;
      // A warm instance normally takes the event at once; timing from now also covers one that never asks again.
      if (this.served) this.startTimeout(current);
      this.deliver();
    });
  }

  private complete(requestId: string, result: AttemptResult): boolean {
    if (this.current === undefined || this.current.invocation.requestId !== requestId || this.current.startedAtMs === undefined) return false;
    this.finish(result);
    return true;
  }

  private finish(result: AttemptResult): void {
    const current = this.current;
    if (current === undefined) return;
    clearTimeout(current.timer);
    this.current = undefined;
    this.lastUsedAtMs = nowMs();
    // After a response or a handled error the runtime asks for the next event within a fraction of a ms, so the
    // instance is offered for warm starts at once: waiting for its `next` would let a caller that invokes again
    // right after the response find no idle instance and cold-start a spurious one. An instance that exits instead
    // of asking (uncaught error) hands its assigned invocation back as `undelivered`, and the gateway reroutes it.
    if ((result.outcome === 'success' || result.outcome === 'error') && this.state !== 'dead') {
      this.state = 'idle';
      this.spec.onIdle();
    }
    current.resolve({ ...result, startedAtMs: current.startedAtMs, endedAtMs: this.lastUsedAtMs, log: current.log });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitedSeen) return;
    this.exitedSeen = true;
    this.state = 'dead';
    clearTimeout(this.initTimer);
    const current = this.current;
    if (current !== undefined) {
      if (current.startedAtMs === undefined && this.served) {
        this.finish({ outcome: 'undelivered' });
      } else if (current.startedAtMs === undefined && this.initError !== undefined) {
        this.finish({ outcome: 'init-error', error: this.initError });
      } else {
        const how = signal !== null ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code ?? 'unknown'}`;
        const outOfMemory = /heap out of memory|Reached heap limit/.test(this.stderrTail);
        const error: LambdaErrorPayload = {
          errorType: outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
          errorMessage: `RequestId: ${current.invocation.requestId} Error: Runtime exited with error: ${how}`,
          trace: this.stderrTail.split('\n').filter((line) => line.trim() !== '').slice(-20),
        };
        this.finish({ outcome: current.startedAtMs === undefined ? 'init-error' : 'crash', error });
      }
    }
    this.pendingNext = undefined;
    void Promise.all([this.api.close(), this.cgroup?.remove()]).finally(() => {
      this.markExited();
      this.spec.onGone();
    });
  }

  private exitedSeen = false;

  /** Kills the process at once (timeout, crash handling). Resolves when it is gone and cleaned up. */
  kill(): Promise<void> {
    if (!this.exitedSeen) {
      this.state = 'dead';
      this.child.kill('SIGKILL');
    }
    return this.exited;
  }

  /** Stops the process politely: SIGTERM, then SIGKILL after `graceMs`. Resolves when it is gone and cleaned up. */
  async shutdown(graceMs: number): Promise<void> {
    if (this.exitedSeen) return this.exited;
    this.state = 'dead';
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The cgroup of the instance, if it has a CPU quota. */
  get cpuCgroup(): InstanceCgroup | undefined {
    return this.cgroup;
  }

  /** Process id of the instance. */
  get pid(): number | undefined {
    return this.child.pid;
  }
}
