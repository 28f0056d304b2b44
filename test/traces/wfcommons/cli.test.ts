import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DIAMOND_14, DIAMOND_15, FIXTURES } from './helpers.js';

const run = promisify(execFile);
const BENCH = join(import.meta.dirname, '..', '..', '..', 'bin', 'bench.js');

async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BENCH, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('bench import wfcommons / bench simulate --workflow', () => {
  it('imports the fixture into a directory that simulate --workflow runs', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'octoplan-wfc-cli-')), 'diamond');
    const imported = await bench('import', 'wfcommons', DIAMOND_15, '--out', dir, '--runs', '3', '--seed', '2');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("imported 'tiny-diamond-fixture' (WfFormat 1.5): 7 tasks, 8 edges");
    expect(imported.stdout).toContain('critical path 63.000 s over 4 tasks');
    expect(imported.stderr.trim().split('\n')).toEqual([expect.stringContaining('zero-byte-file (1×)')]);
    expect((await readdir(dir)).sort()).toEqual(['history.jsonl', 'workflow.json']);
    const validated = await bench('traces', 'validate', join(dir, 'history.jsonl'));
    expect(validated.code).toBe(0);

    const simulated = await bench('simulate', '--workflow', dir, '--durations', 'replay', '--json');
    expect(simulated.code).toBe(0);
    const summary = JSON.parse(simulated.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.makespanMs).toBeGreaterThanOrEqual(63_000);
  });

  it('simulate --workflow takes a WfFormat file directly (1.4 here)', async () => {
    const { code, stdout } = await bench('simulate', '--workflow', DIAMOND_14, '--durations', 'expected');
    expect(code).toBe(0);
    expect(stdout).toContain('tiny-diamond-fixture: 7 tasks');
  });

  it('a malformed file is one error line naming file, task and field, exit 1, no stack trace', async () => {
    const file = join(FIXTURES, 'malformed', 'runtime-string.json');
    const { code, stderr } = await bench('import', 'wfcommons', file, '--out', join(tmpdir(), 'octoplan-never-written'));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `bench: ${file}: task 'proc_ID0000004': field 'workflow.execution.tasks[3].runtimeInSeconds': expected a number of seconds, got "25s"`,
    );
  });

  it('refuses 1.3 with the migration command', async () => {
    const { code, stderr } = await bench('simulate', '--workflow', join(FIXTURES, 'malformed', 'schema-1-3.json'));
    expect(code).toBe(1);
    expect(stderr).toContain('wfcommons-migrate-instance.py');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
