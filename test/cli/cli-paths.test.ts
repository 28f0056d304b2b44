import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bench } from './run-bench.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'octoplan-cli-paths-'));
  file = join(dir, 'a-file');
  await writeFile(file, 'not a folder\n');
});

/** One line on stderr naming the path, exit code 1, no stack trace. */
function expectOneLine(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^bench: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.code).toBe(1);
}

describe('bench: a bad path is one line, without a stack trace', () => {
  const missing = '/nonexistent/octoplan-missing';
  const cases: [string, () => string[], RegExp][] = [
    ['traces validate, missing path', () => ['traces', 'validate', missing], /'\/nonexistent\/octoplan-missing' does not exist/],
    ['traces validate, folder without .jsonl', () => ['traces', 'validate', dir], /has no \.jsonl files/],
    ['simulate --history, missing', () => ['simulate', '--history', missing], /--history: '.*' does not exist/],
    ['predict --history, missing', () => ['predict', '--history', missing], /--history: '.*' does not exist/],
    ['run --history, missing', () => ['run', '--history', missing], /--history: '.*' does not exist/],
    ['compare --history, missing', () => ['compare', '--history', missing, '--workloads', 'gemm'], /--history: '.*' does not exist/],
    ['simulate --plan, a folder', () => ['simulate', '--plan', dir], /--plan: '.*' is a directory; give a file/],
    ['simulate --platform, a folder', () => ['simulate', '--platform', dir], /--platform: '.*' is a directory/],
    ['simulate --trace-out, under a file', () => ['simulate', '--runs', '2', '--trace-out', join(file, 'run.jsonl')], /--trace-out: cannot write '.*': '.*a-file' is a file, not a folder/],
    ['simulate --trace-out, a folder', () => ['simulate', '--runs', '2', '--trace-out', dir], /--trace-out: '.*' is a directory; give a file to write/],
    ['compare --csv-out, under a file', () => ['compare', '--workloads', 'gemm', '--csv-out', join(file, 'x.csv')], /--csv-out: cannot write/],
    ['report, missing input', () => ['report', missing, '--out', join(dir, 'r')], /'.*' does not exist/],
    ['report --out, a file', () => ['report', file, '--out', file], /--out: '.*' is a file; give a folder/],
    ['traces generate --out, under a file', () => ['traces', 'generate', '--workload', 'gemm', '--runs', '1', '--out', join(file, 'd')], /--out: cannot write/],
    ['import wfcommons, a folder', () => ['import', 'wfcommons', dir, '--out', join(dir, 'imp')], /'.*' is a directory; give a file/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => expectOneLine(await bench(args()), pattern));
  }
});
