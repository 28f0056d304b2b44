import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bench } from './run-bench.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'octoplan-instance-cli-'));
  // A history of gemm's local instance (what `bench traces collect` records), and one of the reference instance beside it.
  const [local, reference] = await Promise.all([
    bench(['traces', 'generate', '--workload', 'gemm', '--runs', '3', '--seed', '2', '--param', 'blocks=2', '--param', 'matrixSize=200', '--out', join(dir, 'local')]),
    bench(['traces', 'generate', '--workload', 'gemm', '--runs', '3', '--seed', '3', '--out', join(dir, 'reference')]),
  ]);
  expect(local.code).toBe(0);
  expect(reference.code).toBe(0);
});

describe('a workload name is one definition, and a history of another instance is said by name', () => {
  it('bench workloads lists the instance real runs use beside the reference one', async () => {
    const { code, stdout } = await bench(['workloads']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^gemm: 17 tasks/m);
    expect(stdout).toMatch(/instance local \(real runs through the local gateway: bench run, bench traces collect, bench validate\): blocks=2, matrixSize=200, 5 tasks/);
  });

  it('bench simulate --history simulates the instance the history was recorded on and records it in the run header', async () => {
    const trace = join(dir, 'sim.jsonl');
    const { code, stdout, stderr } = await bench(['simulate', '--history', join(dir, 'local'), '--trace-out', trace]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^gemm: 5 tasks/m);
    expect(stderr).toMatch(/gemm: the instance of the history's run headers, blocks=2, matrixSize=200 \(local instance, 5 tasks\)/);
    const header = JSON.parse((await readFile(trace, 'utf8')).split('\n')[0]!) as { params: Record<string, unknown> };
    expect(header.params).toMatchObject({ blocks: 2, matrixSize: 200 });
  });

  it('bench simulate refuses --param naming another instance than the history, in one line', async () => {
    const { code, stderr } = await bench(['simulate', '--history', join(dir, 'local'), '--param', 'blocks=4']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--history '.*': 3 run\(s\) of gemm \(gemm-s2-r0, gemm-s2-r1, gemm-s2-r2\) were recorded on blocks=2, matrixSize=200 \(local instance, 5 tasks\), not on blocks=4, matrixSize=2000 \(reference instance, 17 tasks\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('bench predict warns when the history is of another instance than the one asked for', async () => {
    const { code, stderr } = await bench(['predict', '--history', join(dir, 'reference'), '--param', 'blocks=2', '--param', 'matrixSize=200']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/bench predict: warning: --history: 3 run\(s\) of gemm \(gemm-s3-r0, gemm-s3-r1, gemm-s3-r2\) were recorded on blocks=4, matrixSize=2000 \(reference instance, 17 tasks\), not on blocks=2, matrixSize=200 \(local instance, 5 tasks\)/);
  });
});
