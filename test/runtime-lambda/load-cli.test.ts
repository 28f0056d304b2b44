import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench } from '../cli/run-bench.js';
import { startTestRedis } from '../support/redis-server.js';

// `bench run --runtime local` with load options and `bench validate --load` as a user runs them, against a test
// Redis; kept to a few requests of gemm under WUKONG (no worker waits holding a slot) so the file takes seconds.

const FROM_SOURCE = { env: { OCTOPLAN_FROM_SOURCE: '1' } };
let redis: { url: string; stop: () => Promise<void> };
let dir: string;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'octoplan-load-cli-'));
  await writeFile(join(dir, 'limit-0.json'), JSON.stringify({ concurrency: { accountLimit: 0 } }));
  await writeFile(join(dir, 'limit-3.json'), JSON.stringify({ concurrency: { accountLimit: 3 } }));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The command failed with exactly one line on stderr matching `pattern`, and no stack trace. */
function expectOneLine(out: { code: number; stderr: string }, pattern: RegExp): void {
  expect(out.code).not.toBe(0);
  const lines = out.stderr.trim().split('\n');
  expect(lines, out.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(out.stderr).not.toMatch(/\n\s+at /);
}

// Each case is its own CLI process (about 2 s of start-up from source), so they run side by side.
describe.concurrent('bad load input is one clear line, before anything starts', () => {
  const cases: [string, string[], RegExp][] = [
    ['a rate of 0', ['run', '--runtime', 'local', '--rates', '0'], /--rates: the arrival rate .* must be a number > 0, got 0/],
    ['a rate below 0', ['run', '--rates=-2'], /--rates: the arrival rate .* must be a number > 0, got -2/],
    ['no requests', ['run', '--rates', '1', '--requests', '0'], /--requests must be a whole number >= 1, got 0/],
    ['a duration of 0', ['run', '--rates', '1', '--duration-ms', '0'], /--duration-ms must be a number > 0, got 0/],
    ['two kinds of load', ['run', '--rates', '1', '--rpm', '6'], /give one kind of offered load, not --rates and --rpm/],
    ['an unknown workload in the mix', ['run', '--rates', '1', '--workloads', 'gemm,nope'], /--workloads: unknown workload 'nope'/],
    ['a weight of 0', ['run', '--rates', '1', '--weights', 'gemm=0'], /--weights: .* > 0, got 'gemm=0'/],
    ['a weight for a workload not in the mix', ['run', '--rates', '1', '--weights', 'montage=1'], /--weights: 'montage' is not a workload of the mix \(gemm\)/],
    ['a concurrency limit of 0', ['run', '--rates', '1', '--platform', '{dir}/limit-0.json'], /limit-0\.json: field 'concurrency\.accountLimit': expected a positive integer/],
    ['a load option without a load', ['run', '--timeout-ms', '1000'], /--timeout-ms is for load runs/],
    ['one rate to validate', ['validate', '--load', '--rates', '1'], /validate --load needs at least two offered loads/],
    ['a fit rate not offered', ['validate', '--load', '--rates', '1,2', '--fit-rates', '3'], /--fit-rates: 3\/s is not one of the offered loads \(1\/s, 2\/s\)/],
    ['nothing held out', ['validate', '--load', '--rates', '1,2', '--fit-rates', '1,2'], /--fit-rates: leave at least one offered load out/],
    ['a closed loop to validate', ['validate', '--load', '--clients', '1,2'], /give --rates or --rpm/],
    ['two planners to validate under load', ['validate', '--load', '--planners', 'wukong,uniform'], /--planners: validate --load runs one planner's plans, got 2/],
    ['a load option without --load', ['validate', '--rates', '1,2'], /--rates is for validate --load/],
  ];
  for (const [what, args, pattern] of cases) {
    it(what, async () => {
      expectOneLine(await bench(args.map((a) => a.replace('{dir}', dir)), FROM_SOURCE), pattern);
    });
  }
});

describe('real loads from the command line', () => {
  it('bench run --runtime local --rates prints the load table and leaves no key in Redis', { timeout: 120_000 }, async () => {
    const jsonOut = join(dir, 'load.json');
    const out = await bench(
      ['run', '--runtime', 'local', '--workload', 'gemm', '--planner', 'wukong', '--rates', '2,6/s', '--requests', '3', '--platform', join(dir, 'limit-3.json'), '--redis', redis.url, '--json-out', jsonOut, '--no-progress'],
      FROM_SOURCE,
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/throughput \(req\/s\)\s+p50 \(s\)/);
    expect(out.stdout).toMatch(/account limit 3\b/);
    expect(out.stdout).toMatch(/Redis: no key left/);
    const results = JSON.parse(await (await import('node:fs/promises')).readFile(jsonOut, 'utf8'));
    expect(results).toMatchObject({ platform: 'local-gateway', accountLimit: 3, requests: 3, leftoverKeys: [] });
    expect(results.points.map((p: { load: string }) => p.load)).toEqual(['2/s', '6/s']);
    for (const p of results.points) {
      expect(p.metrics.arrived).toBe(3);
      expect(p.peakLiveInvocations).toBeLessThanOrEqual(3);
    }
  });

  it('bench validate --load fits on one rate, holds out the other, and prints the error per rate', { timeout: 120_000 }, async () => {
    const out = await bench(
      ['validate', '--load', '--workloads', 'gemm', '--planners', 'wukong', '--rates', '1,4', '--requests', '3', '--warmup', '0', '--simulations', '2', '--redis', redis.url, '--json', '--quiet'],
      FROM_SOURCE,
    );
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.rows.map((r: { load: string; role: string }) => [r.load, r.role])).toEqual([
      ['1/s', 'fit'],
      ['4/s', 'held-out'],
    ]);
    for (const row of report.rows) {
      expect(row.measured.completed).toBe(3);
      for (const key of ['p50', 'p99', 'throughput']) expect(Number.isFinite(row.errorPct[key])).toBe(true);
    }
    expect(report.leftoverKeys).toEqual([]);
    expect(report.hostLoad.otherJobs).toBeGreaterThanOrEqual(0);
  });
});
