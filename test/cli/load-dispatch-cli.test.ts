import { describe, expect, it } from 'vitest';
import { bench } from './run-bench.js';

describe('bench load --dispatch: bad input is one clear line', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown strategy lists the valid ones', ['--dispatch', 'lottery'], /--dispatch: unknown dispatch strategy 'lottery' \(strategies: fifo, priority, sjf, srpt, cost, edf, least-slack, adaptive/],
    ['a strategy given twice', ['--dispatch', 'edf,edf'], /--dispatch: 'edf' is given twice/],
    ['a guard without a strategy', ['--max-wait-ms', '100'], /--max-wait-ms guards a dispatch strategy: give --dispatch too/],
    ['a negative guard', ['--dispatch', 'sjf', '--max-wait-ms', '-5'], /--max-wait-ms must be a number of ms >= 0, got -5/],
    ['a priority class out of range', ['--dispatch', 'priority', '--priorities', 'gemm=100'], /--priorities: expected workload=class with a whole class from 0 to 99, got 'gemm=100'/],
    ['a priority for a workload outside the mix', ['--dispatch', 'priority', '-w', 'gemm', '--priorities', 'montage=1'], /--priorities: 'montage' is not a workload of the mix \(gemm\)/],
    ['a strategy module that does not exist', ['--dispatch', './no/such-strategy.ts'], /cannot load dispatch strategy module '.\/no\/such-strategy.ts'/],
  ];
  for (const [what, args, message] of cases) {
    it(what, { timeout: 60_000 }, async () => {
      const { code, stderr } = await bench(['load', '-n', '2', '--rates', '1', '--no-progress', ...args]);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a user strategy from a file runs beside a built-in one', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await bench(['load', '-w', 'gemm', '-p', 'wukong', '-n', '6', '--rates', '2', '--no-progress', '--dispatch', 'fifo,test/core/dispatch/fixtures/late-refusing-strategy.ts']);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    expect(stdout).toContain('wukong · fifo');
    expect(stdout).toContain('wukong · largest-memory-first');
  });
});
