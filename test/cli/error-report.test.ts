import { describe, expect, it } from 'vitest';
import { ConfigError, NoSamplesError } from '../../core/errors.js';
import { parseResources } from '../../core/resources.js';
import { UsageError } from '../../experiments/cli/errors.js';
import { debugRequested, describeError } from '../../experiments/cli/error-report.js';
import { checkEmptyValues, checkFlagBounds } from '../../experiments/cli/flag-checks.js';
import { checkRedisUrlOption } from '../../experiments/cli/redis-url.js';

/** Issue 21: how the CLI words an error, and the checks it makes of every command's flags. */
describe('describeError: one or a few lines, never a stack trace', () => {
  it('a user error is its message', () => {
    expect(describeError(new UsageError('--runs: give a number'))).toEqual(['--runs: give a number']);
    expect(describeError(new ConfigError('plan.json: field x: bad'))).toEqual(['plan.json: field x: bad']);
  });

  it('a file-system error names the path and the reason', () => {
    const error = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/x/y', syscall: 'open' });
    expect(describeError(error)).toEqual(["cannot read '/x/y': no such file or directory"]);
  });

  it('an unreachable Redis names it and says what to check', () => {
    const lines = describeError(new Error('client: cannot connect to Redis at redis://127.0.0.1:6399: Connection is closed.'));
    expect(lines[0]).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:6399/);
    expect(lines[1]).toMatch(/is redis-server running/);
  });

  it('a refused connection names the address', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 });
    expect(describeError(error)).toEqual(['cannot reach 127.0.0.1:9: connection refused (connect ECONNREFUSED 127.0.0.1:9)']);
  });

  it('an unexpected error is its message and how to see its stack', () => {
    const lines = describeError(new RangeError('cannot schedule an event at NaN ms'));
    expect(lines).toEqual(['cannot schedule an event at NaN ms', expect.stringMatching(/unexpected RangeError; rerun with --debug or OCTOPLAN_DEBUG=1/)]);
    expect(describeError(new RangeError('x'), true)[1]).toMatch(/its stack trace follows/);
    for (const line of lines) expect(line).not.toMatch(/\n\s+at /);
  });

  it('no samples: the message and where to look', () => {
    const lines = describeError(new NoSamplesError('output size', "function 'f'"));
    expect(lines[0]).toBe("no samples for output size of function 'f'");
    expect(lines[1]).toMatch(/bench traces validate/);
  });

  it('--debug or OCTOPLAN_DEBUG=1 asks for stack traces', () => {
    expect(debugRequested(['node', 'bench', 'simulate', '--debug'], {})).toBe(true);
    expect(debugRequested(['node', 'bench', 'simulate'], { OCTOPLAN_DEBUG: '1' })).toBe(true);
    expect(debugRequested(['node', 'bench', 'simulate'], {})).toBe(false);
  });
});

describe('flag checks made before any command', () => {
  it('an empty value is refused, naming the flag', () => {
    expect(() => checkEmptyValues(['compare', '--workloads', ''])).toThrow(/^--workloads: empty value/);
    expect(() => checkEmptyValues(['compare', '--seed='])).toThrow(/^--seed: empty value/);
    expect(() => checkEmptyValues(['compare', '-w', ' '])).toThrow(/^-w: empty value/);
    expect(() => checkEmptyValues(['compare', '--workloads', 'gemm', '--seed', '0'])).not.toThrow();
  });

  it('counts and times beyond their bounds are refused, naming the flag and the bound', () => {
    expect(() => checkFlagBounds({ runs: 1e9 })).toThrow(/^--runs: 1000000000 is more than 1000000/);
    expect(() => checkFlagBounds({ 'duration-ms': 1e300 })).toThrow(/^--duration-ms: 1e\+300 is more than 31536000000 \(1 year in ms\)/);
    expect(() => checkFlagBounds({ values: ['10,1e12'] })).toThrow(/^--values: 1000000000000/);
    expect(() => checkFlagBounds({ runs: 20, values: ['10,100'], noise: 0.1 })).not.toThrow();
    // No number at all is left to the command, which says what it expects.
    expect(() => checkFlagBounds({ runs: Number.NaN })).not.toThrow();
  });

  it('--redis must be a redis:// URL', () => {
    expect(() => checkRedisUrlOption('notaurl')).toThrow(/--redis: 'notaurl' is not a URL/);
    expect(() => checkRedisUrlOption('http://127.0.0.1:6379')).toThrow(/is not a Redis URL/);
    expect(() => checkRedisUrlOption('redis://127.0.0.1:6379')).not.toThrow();
    expect(() => checkRedisUrlOption('rediss://cache.example.org:6380/0')).not.toThrow();
    expect(() => checkRedisUrlOption(undefined)).not.toThrow();
  });
});

describe('--resources: the MB:vCPUs form --help shows', () => {
  it('parses 2048:2 as 2,048 MB with 2 vCPUs, like 2048MB/2vCPU', () => {
    expect(parseResources('2048:2')).toEqual({ memoryMb: 2048, vCpus: 2 });
    expect(parseResources('2048MB/2vCPU')).toEqual({ memoryMb: 2048, vCpus: 2 });
    expect(parseResources('1024')).toEqual({ memoryMb: 1024, vCpus: 0.579 });
  });

  it('refuses more vCPUs than the platform gives any worker', () => {
    expect(() => parseResources('2048:64')).toThrow(/vCpus 64 at 2048 MB is more than the platform gives any worker \(at most 6 vCPUs/);
    expect(() => parseResources('2048:x')).toThrow(/e\.g\. 2048, 2048:2/);
  });
});
