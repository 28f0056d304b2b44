import { spawnSync } from 'node:child_process';
import {
  findRedisServer,
  REDIS_INSTALL_HINT,
  RedisServerError,
  startLocalRedis,
  type LocalRedis,
} from '../../runtime-lambda/redis/local-server.js';

/**
 * A real `redis-server` for one test file, on a free loopback port (`--save '' --appendonly no`, its own directory),
 * never a mock and never the machine's shared server on 6379. Where `redis-server` is missing it is installed with
 * `apt-get install -y redis-server` when the tests run as root with apt; otherwise this throws saying how to install
 * it. Call `stop()` in `afterAll`.
 */
export async function startTestRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const binary = findRedisServer() ?? installRedisServer();
  const server: LocalRedis = await startLocalRedis({ binary });
  return { url: server.url, stop: () => server.stop() };
}

function installRedisServer(): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new RedisServerError(`redis-server is not installed and the tests cannot install it (need root and apt-get); ${REDIS_INSTALL_HINT}`);
  }
  // The package lists may be stale or absent on a fresh machine; `update` first, as the research note measured.
  for (const args of [['update'], ['install', '-y', 'redis-server']]) {
    const run = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) {
      throw new RedisServerError(`apt-get ${args.join(' ')} failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().slice(-500)}; ${REDIS_INSTALL_HINT}`);
    }
  }
  const binary = findRedisServer();
  if (!binary) throw new RedisServerError(`apt-get installed redis-server but it is not on PATH; ${REDIS_INSTALL_HINT}`);
  return binary;
}
