import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The bin script under test (`OCTOPLAN_BENCH` points it at another checkout, e.g. to show a test failing before a fix). */
export const BENCH = process.env.OCTOPLAN_BENCH ?? join(import.meta.dirname, '..', '..', 'bin', 'bench.js');

export interface BenchResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bench` as a user would (through the npm bin script); never throws, returns the exit code and both outputs. */
export async function bench(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<BenchResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BENCH, ...args], {
      maxBuffer: 64 * 1024 * 1024,
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}
