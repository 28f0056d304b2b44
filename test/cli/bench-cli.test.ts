import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BENCH = join(import.meta.dirname, '..', '..', 'bin', 'bench.js');

/** Runs `bench` as a user would (through the npm bin script); never throws, returns the exit code. */
async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BENCH, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('bench CLI', () => {
  it('--help lists the commands', async () => {
    const { code, stdout } = await bench('--help');
    expect(code).toBe(0);
    for (const command of ['traces', 'workloads', 'predict', 'simulate']) expect(stdout).toContain(`bench ${command}`);
  });

  it('traces generate is byte-identical for the same seed, different for another, and validates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-'));
    const gen = (seed: string, out: string) => bench('traces', 'generate', '--workload', 'gemm', '--runs', '3', '--seed', seed, '--out', join(dir, out));
    expect((await gen('7', 'a')).code).toBe(0);
    expect((await gen('7', 'b')).code).toBe(0);
    expect((await gen('8', 'c')).code).toBe(0);
    const files = await readdir(join(dir, 'a'));
    expect(files).toEqual(['gemm.jsonl']);
    const a = await readFile(join(dir, 'a', 'gemm.jsonl'), 'utf8');
    expect(await readFile(join(dir, 'b', 'gemm.jsonl'), 'utf8')).toBe(a);
    expect(await readFile(join(dir, 'c', 'gemm.jsonl'), 'utf8')).not.toBe(a);
    const validated = await bench('traces', 'validate', join(dir, 'a'));
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/3 run\(s\), 51 task record\(s\)/);
  });

  it('traces validate names file, line and field of a bad line and exits non-zero', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-'));
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '{"type":"run","schemaVersion":1,"runId":"r","workflow":"w","planner":"p","sla":"fast","platform":"x","seed":1}\n');
    const { code, stderr } = await bench('traces', 'validate', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:1: field 'sla':`);
  });

  it('an unknown workload is an error listing the valid ones, without a stack trace', async () => {
    const { code, stderr } = await bench('predict', '--workload', 'nope');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown workload 'nope'.*gemm/s);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('predict prints predictions for every function of the default workload', async () => {
    const { code, stdout } = await bench('predict', '--runs', '6', '--seed', '3');
    expect(code).toBe(0);
    expect(stdout).toContain('multiply_chunks');
    expect(stdout).toContain('aggregate_results');
    expect(stdout).toMatch(/p90/);
  });

  it('simulate prints a summary and writes valid, seed-stable trace records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-'));
    const once = (out: string) => bench('simulate', '--workload', 'tree_reduction', '--runs', '4', '--seed', '2', '--trace-out', join(dir, out));
    const first = await once('a.jsonl');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/status\s+completed/);
    expect(first.stdout).toMatch(/critical path: add-\d+ → /);
    expect((await once('b.jsonl')).code).toBe(0);
    expect(await readFile(join(dir, 'b.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'a.jsonl'), 'utf8'));
    const validated = await bench('traces', 'validate', join(dir, 'a.jsonl'));
    expect(validated.stdout).toMatch(/1 run\(s\), 63 task record\(s\)/);
  });

  it('simulate --plan-out writes a plan that --plan reads back, and a bad plan names its field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-'));
    const plan = join(dir, 'plan.json');
    expect((await bench('simulate', '--workload', 'gemm', '--runs', '3', '--plan-out', plan)).code).toBe(0);
    const replayed = await bench('simulate', '--workload', 'gemm', '--runs', '3', '--plan', plan);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/status\s+completed/);
    const broken = JSON.parse(await readFile(plan, 'utf8'));
    broken.tasks['aggregate_results-0'].memoryMb = 'lots';
    await writeFile(plan, JSON.stringify(broken));
    const bad = await bench('simulate', '--workload', 'gemm', '--runs', '3', '--plan', plan);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${plan}: field 'tasks.aggregate_results-0.memoryMb'`);
  });

  it('simulate --planner plans from the history, honouring per-task overrides, and names a bad override', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-'));
    const overrides = join(dir, 'overrides.json');
    await writeFile(overrides, JSON.stringify({ 'multiply_chunks-0-0': { 'pre-load': true, 'task-dup': false } }));
    const planFile = join(dir, 'plan.json');
    const args = ['simulate', '--workload', 'gemm', '--runs', '4', '--planner', 'uniform', '-O', 'all', '--task-overrides', overrides];
    const planned = await bench(...args, '--plan-out', planFile);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain("plan 'uniform'");
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as { tasks: Record<string, { workerId: string | null; optimizations?: { kind: string }[] }> };
    const kinds = (plan.tasks['multiply_chunks-0-0']!.optimizations ?? []).map((o) => o.kind);
    expect(kinds).toContain('pre-load');
    expect(kinds).not.toContain('task-dup');
    expect(Object.values(plan.tasks).every((t) => t.workerId !== null)).toBe(true);
    await writeFile(overrides, JSON.stringify({ nope: { 'pre-load': true } }));
    const bad = await bench(...args);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${overrides}: task 'nope': no such task in workflow 'gemm'`);
    const both = await bench('simulate', '--planner', 'uniform', '--plan', planFile);
    expect(both.stderr).toContain('give either --plan or --planner');
  });
});
