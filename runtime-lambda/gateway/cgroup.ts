/**
 * CPU quota per function instance through a cgroup v1 `cpu` controller, the way Lambda gives CPU in proportion to
 * memory (one vCPU at 1,769 MB). Each gateway owns one cgroup directory below the cgroup it runs in, and each
 * instance gets a child of it with `cpu.cfs_quota_us = period x vCPUs`. Where the controller is missing or not
 * writable (not root, cgroup v2 only, read-only sysfs) the controller reports itself unavailable with a note, and
 * instances run without a CPU limit.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Memory in MB that corresponds to one vCPU on Lambda (AWS "Configure Lambda function memory"). */
export const MB_PER_VCPU = 1769;
/** Lambda's largest CPU share: 6 vCPUs at 10,240 MB. */
export const MAX_VCPUS = 6;
/** Smallest quota the kernel accepts, in µs. */
const MIN_QUOTA_US = 1000;

/** vCPUs Lambda gives a function of `memoryMb` (linear in memory, capped at 6). */
export function vcpusForMemory(memoryMb: number): number {
  return Math.min(memoryMb / MB_PER_VCPU, MAX_VCPUS);
}

/** One instance's cgroup: quota written, process attached later, removed when the instance is gone. */
export interface InstanceCgroup {
  /** Directory of the cgroup. */
  readonly path: string;
  readonly periodUs: number;
  readonly quotaUs: number;
  /** Moves a whole process (all its threads) into the cgroup. Throws with the path when the kernel refuses. */
  attach(pid: number): Promise<void>;
  /** Moves leftover processes back to the gateway's own cgroup and removes the directory. Never throws. */
  remove(): Promise<void>;
}

/** Result of probing the machine: either a usable controller or the reason why not. */
export type CgroupProbe = { available: true; controller: CpuCgroupController } | { available: false; reason: string };

/** Candidate mount points of the v1 `cpu` controller (Debian mounts it as `cpu`, others as `cpu,cpuacct`). */
export const CPU_MOUNTS = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];
const GATEWAY_PREFIX = 'octoplan-gw-';

/** Path of this process's cgroup in the v1 hierarchy that has the `cpu` controller, from /proc/self/cgroup. */
function ownCpuCgroupPath(): string | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers !== undefined && path !== undefined && controllers.split(',').includes('cpu')) return path;
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes gateway cgroups left behind by gateway processes that died without `close()` (their directories are
 * named after the pid), so repeated crashed test runs do not pile up empty cgroups.
 */
function removeStaleGatewayCgroups(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^octoplan-gw-(\d+)-/.exec(entry);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = join(parent, entry);
    try {
      for (const child of readdirSync(dir, { withFileTypes: true })) {
        if (child.isDirectory()) void rmdir(join(dir, child.name)).catch(() => undefined);
      }
      void rmdir(dir).catch(() => undefined);
    } catch {
      // Best effort: a stale directory that cannot be removed does no harm.
    }
  }
}

let gatewayCounter = 0;

/** Gateway-owned cgroup directory that creates one child per instance. */
export class CpuCgroupController {
  private instanceCounter = 0;
  private constructor(
    /** Gateway cgroup directory. */
    readonly root: string,
    /** The cgroup the gateway runs in, where leftover processes are moved back before a child is removed. */
    private readonly home: string,
    private readonly periodUs: number,
  ) {}

  /**
   * Probes for a writable cgroup v1 `cpu` controller and creates the gateway's directory in it. Never throws:
   * an unusable machine yields `{ available: false, reason }`.
   */
  static async probe(mounts: readonly string[] = CPU_MOUNTS): Promise<CgroupProbe> {
    if (process.platform !== 'linux') return { available: false, reason: `cgroups need Linux (this is ${process.platform})` };
    const mount = mounts.find((m) => existsSync(join(m, 'cpu.cfs_quota_us')));
    if (mount === undefined) {
      return { available: false, reason: `no cgroup v1 cpu controller mounted at ${mounts.join(' or ')} (cgroup v2 is not supported)` };
    }
    const ownPath = ownCpuCgroupPath() ?? '/';
    const home = join(mount, ownPath);
    removeStaleGatewayCgroups(home);
    const root = join(home, `${GATEWAY_PREFIX}${process.pid}-${++gatewayCounter}`);
    try {
      await mkdir(root);
      const periodUs = Number((await readFile(join(root, 'cpu.cfs_period_us'), 'utf8')).trim());
      return { available: true, controller: new CpuCgroupController(root, home, periodUs > 0 ? periodUs : 100_000) };
    } catch (error) {
      await rmdir(root).catch(() => undefined);
      return { available: false, reason: `cannot create ${root}: ${(error as Error).message}` };
    }
  }

  /** Creates the cgroup of one instance with the quota for `memoryMb`. Throws with the path on failure. */
  async createInstanceCgroup(instanceId: string, memoryMb: number): Promise<InstanceCgroup> {
    const path = join(this.root, `${++this.instanceCounter}-${instanceId.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    const quotaUs = Math.max(MIN_QUOTA_US, Math.round(this.periodUs * vcpusForMemory(memoryMb)));
    await mkdir(path);
    try {
      await writeFile(join(path, 'cpu.cfs_period_us'), String(this.periodUs));
      await writeFile(join(path, 'cpu.cfs_quota_us'), String(quotaUs));
    } catch (error) {
      await rmdir(path).catch(() => undefined);
      throw new Error(`cannot set the CPU quota of ${path}: ${(error as Error).message}`);
    }
    const home = this.home;
    return {
      path,
      periodUs: this.periodUs,
      quotaUs,
      async attach(pid: number): Promise<void> {
        // cgroup.procs (not tasks) moves every thread of the process, including V8's worker threads.
        await writeFile(join(path, 'cgroup.procs'), String(pid));
      },
      async remove(): Promise<void> {
        try {
          // A handler may have left child processes behind; the directory cannot go while they are in it.
          const pids = (await readFile(join(path, 'cgroup.procs'), 'utf8')).split('\n').filter((p) => p !== '');
          for (const pid of pids) await writeFile(join(home, 'cgroup.procs'), pid).catch(() => undefined);
          await removeDirWithRetry(path);
        } catch {
          // Already gone (close() raced an instance exit).
        }
      },
    };
  }

  /** Removes the gateway's directory; call after every instance cgroup is removed. Never throws. */
  async close(): Promise<void> {
    try {
      for (const child of readdirSync(this.root, { withFileTypes: true })) {
        if (child.isDirectory()) await removeDirWithRetry(join(this.root, child.name)).catch(() => undefined);
      }
      await removeDirWithRetry(this.root);
    } catch {
      // Best effort, see removeStaleGatewayCgroups for the next run's cleanup.
    }
  }
}

/** rmdir of a cgroup can fail with EBUSY for a moment after its last process exited; retry briefly. */
async function removeDirWithRetry(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
