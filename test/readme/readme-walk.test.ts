/**
 * The README walk: every command the README (and the folder READMEs that show commands) tells a reader to type is run
 * here with realistic arguments, so a README command that stops working fails `npm test`, and with it CI.
 *
 * - A command without placeholders (`npx bench compare --workloads gemm,montage --runs 10 --report out/`) runs as
 *   written, in a temporary directory that stands for the reader's working directory, so relative output paths land
 *   there and one command can read what an earlier one wrote (README order).
 * - Every other command must be listed in `LISTED` with the reason the walk does not run it as written, and what it
 *   runs instead where something can stand in. A command that is neither run nor listed fails the walk, so a new
 *   README command is never skipped silently.
 * - `bench …` named in prose or in the commands table (synopses with placeholders): every option it shows must be in
 *   that command's `--help`, and every command a README table names must be run by the walk at least once; the ones
 *   the README shows only as synopses run from `SYNOPSIS_WALKS`, the real-runtime ones against a test Redis.
 *
 * Each run must exit 0, print something on stdout, write every output path it names, and print no stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWfFormat } from '../../experiments/perf/wfcommons-perf.js';
import { BENCH } from '../cli/run-bench.js';
import { startTestRedis } from '../support/redis-server.js';
import { hasPlaceholder, needsShell, optionNames, parseDocCommands, readDocCommands, type DocCommand } from './readme-commands.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
/** The documents whose commands are walked. */
const DOCS = ['README.md', 'experiments/compare/README.md', 'planners/README.md', 'reports/README.md'];
/** A command's own time limit: the longest (the headline experiment) takes about 15 s on an idle 2-core machine. */
const COMMAND_TIMEOUT_MS = 240_000;

/** What a listed command's stand-in can use. */
interface Walk {
  /** The reader's working directory of the walk. */
  readonly cwd: string;
  /** Runs `bench args` in `cwd` and checks it as every walked command is checked. */
  bench(args: readonly string[]): Promise<RunResult>;
  /** A test Redis (started on first use) for the real runtime. */
  redisUrl(): Promise<string>;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command the walk does not run as written: why, and what stands in for it (if anything can). */
interface Listed {
  readonly command: string | RegExp;
  readonly reason: string;
  readonly instead?: (walk: Walk) => Promise<void>;
}

/** A Montage-shaped WfFormat 1.5 instance standing in for the README's download (same file name, 200 tasks). */
const MONTAGE_FILE = 'montage-chameleon-2mass-01d-001.json';

const LISTED: readonly Listed[] = [
  { command: 'npm ci', reason: "CI's install step (.ci/run runs it before npm test); here it would reinstall node_modules under the running tests" },
  { command: 'npm install', reason: 'installs like npm ci (.ci/run); here it would rewrite node_modules under the running tests' },
  { command: 'npm test', reason: 'the walk runs inside it' },
  { command: 'npm run typecheck', reason: '.ci/run runs it itself, before npm test' },
  {
    command: 'npm run build',
    reason: 'rewrites dist/cli, which other test files run at the same time; test/cli/cli-startup.test.ts builds the same bundle into a temporary directory',
  },
  {
    command: 'npm run schema:write',
    reason: 'rewrites the committed traces/schema/trace-record.schema.json; the schema test fails when that file differs from what it would write',
  },
  {
    command: 'npm run bench:perf',
    reason: 'minutes of benchmarks (10,000-task planning, real runtime); its quickest part checks the script, its bundling and the fresh Node process',
    instead: async () => {
      const { code, stdout, stderr } = await run('npm', ['run', 'bench:perf', '--', 'predictions-perf'], ROOT);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/queries\/s/);
    },
  },
  {
    command: /^curl -LO https:\/\/raw\.githubusercontent\.com\/wfcommons\/WfInstances\/.*\/montage-chameleon-2mass-01d-001\.json$/,
    reason: 'downloads from GitHub, which CI may not reach; a Montage-shaped WfFormat 1.5 instance of 200 tasks is written under the same name, so the next commands run as written',
    instead: async (walk) => {
      await writeFile(join(walk.cwd, MONTAGE_FILE), JSON.stringify(generateWfFormat(200, 2)));
    },
  },
  {
    command: 'npx bench report results.json --out DIR',
    reason: "placeholder DIR; results.json is the README's own compare report's (out/results.json) when the walk made it",
    instead: async (walk) => {
      const results = (await exists(walk, 'out/results.json')) ? 'out/results.json' : 'results.json';
      if (results === 'results.json') await walk.bench(['compare', '--workloads', 'gemm', '--runs', '2', '--json-out', results]);
      await walk.bench(['report', results, '--out', 'report-of-results']);
    },
  },
  {
    command: 'npx bench report run.jsonl --out DIR [--run ID]',
    reason: "placeholders DIR and ID: the run of the README's run.jsonl (simulate --trace-out) when the walk made it",
    instead: async (walk) => {
      if (!(await exists(walk, 'run.jsonl'))) await walk.bench(['simulate', '--planner', 'uniform', '--trace-out', 'run.jsonl']);
      const header = JSON.parse((await readFile(join(walk.cwd, 'run.jsonl'), 'utf8')).split('\n')[0]!) as { runId: string };
      await walk.bench(['report', 'run.jsonl', '--out', 'report-of-run', '--run', header.runId]);
    },
  },
  {
    command: 'npx bench compare … --report DIR',
    reason: 'placeholders … and DIR',
    instead: async (walk) => {
      await walk.bench(['compare', '--workloads', 'gemm', '--runs', '2', '--report', 'compare-report']);
      expect((await readdir(join(walk.cwd, 'compare-report'))).sort()).toEqual(expect.arrayContaining(['report.html', 'report.md', 'results.json']));
    },
  },
  {
    command: 'npx bench scale --dimension workflows',
    reason: 'its default sweep ends at 10,000 concurrent requests (about 20 s on an idle 2-core machine, a minute under load); the walk runs the same sweep at 10 and 100',
    instead: async (walk) => {
      await walk.bench(['scale', '--dimension', 'workflows', '--values', '10,100']);
    },
  },
  {
    command: /\bbench worker\b|--queue redis:\/\//,
    reason:
      'a worker runs until stopped, and a queued sweep waits for workers; test/experiments/sweep-queue.test.ts runs two workers and clients against a test Redis (a killed worker, Ctrl-C and --resume, a version mismatch)',
  },
  {
    command: /^npx bench load --platform experiments\/load\/account-limit-100\.json -p wukong --dispatch /,
    reason: "names a file of the checkout (the walk's directory is a temporary one) and runs 28 points of 300 requests; the walk runs it from the checkout's file with three strategies, two rates and 60 requests",
    instead: async (walk) => {
      await walk.bench(['load', '--platform', join(ROOT, 'experiments/load/account-limit-100.json'), '-p', 'wukong', '--dispatch', 'fifo,edf,least-slack', '--rates', '3,4', '-n', '60', '--report', 'out/dispatch']);
      expect(await readdir(join(walk.cwd, 'out/dispatch'))).toContain('dispatch.svg');
    },
  },
  {
    command: /^npx bench run --runtime local --workloads tree_reduction,wordcount --planner wukong --rates 4 -n 20 --platform experiments\/load\/account-limit-2\.json --dispatch /,
    reason: "names a file of the checkout (the walk's directory is a temporary one) and runs 60 real requests; the walk runs it from the checkout's file with two strategies and 6 requests each, against the test Redis",
    instead: async (walk) => {
      const platform = join(ROOT, 'experiments/load/account-limit-2.json');
      await walk.bench(['run', '--runtime', 'local', '--workloads', 'tree_reduction', '--planner', 'wukong', '--rates', '4', '-n', '6', '--platform', platform, '--dispatch', 'fifo,edf', '--redis', await walk.redisUrl()]);
    },
  },
  {
    command: /--runtime lambda\b/,
    reason: 'needs AWS credentials and deployed functions (runtime-lambda/deploy/README.md); the local runtime runs the same handler',
  },
];

/**
 * Realistic invocations of the commands the README shows only as synopses (the commands table), run after the
 * README's own commands; `{redis}` is the test Redis's URL. Kept small: the real-runtime ones run one or two real runs.
 */
const SYNOPSIS_WALKS: readonly (readonly string[])[] = [
  ['traces', 'generate', '--workload', 'gemm', '--runs', '3', '--seed', '1', '--out', 'history'],
  ['traces', 'validate', 'history'],
  ['traces', 'schema'],
  ['predict', '--workload', 'gemm', '--history', 'history', '--sla', 'median,p90', '--resources', '1024,2048,4096'],
  ['run', '--runtime', 'local', '--workload', 'gemm', '--planner', 'uniform', '--redis', '{redis}', '--trace-out', 'real-run.jsonl'],
  ['traces', 'collect', '--runtime', 'local', '--runs', '1', '--workloads', 'wordcount', '--planners', 'uniform', '--redis', '{redis}', '--out', 'collected'],
  ['validate', '--workloads', 'gemm', '--planners', 'uniform', '--warm-up-runs', '1', '--fit-runs', '2', '--test-runs', '2', '--simulations', '2', '--redis', '{redis}'],
];

/** Options whose value is a path the command writes. */
const OUTPUT_OPTIONS = new Set(['--out', '-o', '--report', '--trace-out', '--json-out', '--csv-out']);

/** Whether the walk's directory holds `path` (an output of an earlier command). */
async function exists(walk: Walk, path: string): Promise<boolean> {
  return (await stat(join(walk.cwd, path)).catch(() => undefined)) !== undefined;
}

async function run(file: string, args: readonly string[], cwd: string): Promise<RunResult> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

// Help texts and the command paths they list, read once.
const helpTexts = new Map<string, Promise<string>>();
function helpOf(path: readonly string[]): Promise<string> {
  const key = path.join(' ');
  let text = helpTexts.get(key);
  if (!text) {
    text = run(process.execPath, [BENCH, ...path, '--help'], ROOT).then((r) => {
      if (r.code !== 0) throw new Error(`bench ${key} --help exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    });
    helpTexts.set(key, text);
  }
  return text;
}

/** The sub-commands a help text lists (`bench traces generate  Write …` under `Commands:` gives `generate`). */
function subcommandsIn(help: string, path: readonly string[]): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const prefix = ['bench', ...path].join(' ') + ' ';
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith(prefix)) names.push(trimmed.slice(prefix.length).split(/\s/)[0]!);
  }
  return names;
}

/** Reads the --help of every command at once, one process each, rather than one after another as the checks ask. */
async function prefetchHelp(path: readonly string[] = []): Promise<void> {
  const subcommands = subcommandsIn(await helpOf(path), path);
  await Promise.all(subcommands.map((sub) => prefetchHelp([...path, sub])));
}

/** The command path (`['traces', 'generate']`) a `bench …` word list starts with; throws for an unknown command. */
async function commandPath(words: readonly string[]): Promise<string[]> {
  const path: string[] = [];
  for (const word of words) {
    const known = subcommandsIn(await helpOf(path), path);
    if (known.length === 0) break;
    if (!known.includes(word)) {
      // Only the top level takes options without a command (`bench --help`); a group (`traces`) needs one of its own.
      if (path.length === 0 && word.startsWith('-')) break;
      throw new Error(
        path.length === 0
          ? `'bench ${word}' is not a bench command (${known.join(', ')})`
          : `'bench ${[...path, word].join(' ')}': 'bench ${path.join(' ')}' takes one of ${known.join(', ')}`,
      );
    }
    path.push(word);
  }
  return path;
}

/** Fails unless every option `text` uses is one `bench <path> --help` lists. */
async function expectOptionsKnown(path: readonly string[], text: string, where: string): Promise<void> {
  const help = await helpOf(path);
  const unknown = optionNames(text).filter((name) => !new RegExp(`(^|[\\s,(])${name.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(help));
  expect(unknown, `${where}: options not in 'bench ${path.join(' ')} --help'`).toEqual([]);
}

/** Command paths the walk ran, for the coverage check of the README's tables. */
const ranPaths = new Set<string>();
let walkDir = '';
let redis: { url: string; stop: () => Promise<void> } | undefined;

const walk: Walk = {
  get cwd() {
    return walkDir;
  },
  async bench(args) {
    const result = await run(process.execPath, [BENCH, ...args], walkDir);
    const shown = `bench ${args.join(' ')}`;
    expect(result.code, `${shown} exited ${result.code}:\n${result.stderr}`).toBe(0);
    expect(result.stdout.trim(), `${shown} printed nothing on stdout`).not.toBe('');
    expect(result.stderr, `${shown} printed a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    for (let i = 0; i < args.length - 1; i++) {
      if (!OUTPUT_OPTIONS.has(args[i]!)) continue;
      const path = join(walkDir, args[i + 1]!);
      const info = await stat(path).catch(() => undefined);
      expect(info, `${shown} did not write ${args[i + 1]}`).toBeDefined();
      if (info!.isDirectory()) expect((await readdir(path)).length, `${shown} left ${args[i + 1]} empty`).toBeGreaterThan(0);
      else expect(info!.size, `${shown} wrote an empty ${args[i + 1]}`).toBeGreaterThan(0);
    }
    ranPaths.add((await commandPath(args)).join(' '));
    return result;
  },
  async redisUrl() {
    redis ??= await startTestRedis();
    return redis.url;
  },
};

beforeAll(async () => {
  walkDir = await mkdtemp(join(tmpdir(), 'octoplan-readme-walk-'));
  await prefetchHelp();
}, COMMAND_TIMEOUT_MS);
afterAll(async () => {
  await redis?.stop();
  if (walkDir) await rm(walkDir, { recursive: true, force: true });
});

const { commands, references } = readDocCommands(ROOT, DOCS);

/** How the walk treats a command: runs it as written, runs what `LISTED` says, or fails saying it knows neither. */
function planFor(command: DocCommand): { kind: 'as written'; args: string[] } | { kind: 'listed'; listed: Listed } | { kind: 'unknown'; why: string } {
  const listed = LISTED.find((l) => (typeof l.command === 'string' ? l.command === command.text : l.command.test(command.text)));
  if (listed) return { kind: 'listed', listed };
  if (!command.text.startsWith('npx bench')) return { kind: 'unknown', why: 'only `npx bench …` commands run as written' };
  if (hasPlaceholder(command.text)) return { kind: 'unknown', why: 'it has placeholders' };
  if (needsShell(command.text)) return { kind: 'unknown', why: 'it needs a shell' };
  return { kind: 'as written', args: command.text.split(/\s+/).slice(2) };
}

describe('README commands: extraction', () => {
  it('reads shell blocks line by line, splits &&, drops comments, joins continued lines, and reads inline spans', () => {
    const markdown = [
      'Run `npx bench workloads -v` or `bench compare --csv`.',
      '```sh',
      'npm ci && npx bench compare   # the quick start',
      'npx bench simulate --planner uniform \\',
      '  --trace-out run.jsonl',
      '```',
      '```',
      'npx bench output --not-a-command',
      '```',
      '| `bench run --sla S \\| --json` | does |',
    ].join('\n');
    const { commands: found, references: refs } = parseDocCommands('X.md', markdown);
    expect(found.map((c) => [c.line, c.where, c.text])).toEqual([
      [1, 'inline', 'npx bench workloads -v'],
      [3, 'code block', 'npm ci'],
      [3, 'code block', 'npx bench compare'],
      [4, 'code block', 'npx bench simulate --planner uniform --trace-out run.jsonl'],
    ]);
    expect(refs.map((r) => [r.line, r.inTable, r.text])).toEqual([
      [1, false, 'bench compare --csv'],
      [10, true, 'bench run --sla S | --json'],
    ]);
    expect(optionNames('bench run --sla S | --json [-v]')).toEqual(['--sla', '--json', '-v']);
    expect([hasPlaceholder('npx bench report x --out DIR'), hasPlaceholder('npx bench compare … --report d'), hasPlaceholder('npx bench compare -O all')]).toEqual([true, true, false]);
  });

  it('runs a concrete `npx bench` command as written and refuses any other command that is not listed', () => {
    const at = (text: string): DocCommand => ({ doc: 'X.md', line: 1, text, where: 'inline' });
    expect(planFor(at('npx bench compare --workloads gemm'))).toEqual({ kind: 'as written', args: ['compare', '--workloads', 'gemm'] });
    expect(planFor(at('npx bench compare --history DIR')).kind).toBe('unknown');
    expect(planFor(at('npx bench compare > out.txt')).kind).toBe('unknown');
    expect(planFor(at('npx tsx runtime-lambda/deploy/bundle.ts')).kind).toBe('unknown');
    expect(planFor(at('npm run lint')).kind).toBe('unknown');
    expect(planFor(at('npx bench run --runtime lambda --workload gemm')).kind).toBe('listed');
  });

  it('finds the README commands (the walk below is not empty)', () => {
    expect(commands.some((c) => c.text === 'npx bench compare')).toBe(true);
    expect(references.some((r) => r.inTable)).toBe(true);
  });
});

describe('README walk', () => {
  it('knows every command: each runs as written or is listed with the reason it does not', () => {
    const unknown = commands
      .map((c) => ({ c, plan: planFor(c) }))
      .filter((x) => x.plan.kind === 'unknown')
      .map(({ c, plan }) => `${c.doc}:${c.line}: \`${c.text}\` is neither run nor listed (${(plan as { why: string }).why}): add it to LISTED in test/readme/readme-walk.test.ts with the reason and a stand-in`);
    expect(unknown).toEqual([]);
  });

  it('lists no command the READMEs no longer show', () => {
    const stale = LISTED.filter((l) => typeof l.command === 'string' && !commands.some((c) => c.text === l.command)).map((l) => String(l.command));
    expect(stale).toEqual([]);
  });

  it('`npx bench` is this package\'s bin script, which the walk runs directly', async () => {
    // `--no`: never fetch a package named bench from the registry when the package's own bin is not found.
    const { code, stdout, stderr } = await run('npx', ['--no', '--', 'bench', '--help'], ROOT);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^bench <command>/);
  });

  // One test per command, in document order, so a later command finds what an earlier one wrote.
  const seen = new Set<Listed | string>();
  for (const command of commands) {
    const plan = planFor(command);
    if (plan.kind === 'unknown') continue;
    // A command shown twice (the quick start's `npx bench compare`, `npm ci`) runs once.
    const key = plan.kind === 'listed' ? plan.listed : command.text;
    if (seen.has(key)) continue;
    seen.add(key);
    const title = `${command.doc}:${command.line}: ${command.text}`;
    if (plan.kind === 'as written') {
      it(title, { timeout: COMMAND_TIMEOUT_MS }, async () => {
        await expectOptionsKnown(await commandPath(plan.args), command.text, title);
        await walk.bench(plan.args);
      });
    } else if (plan.listed.instead) {
      const instead = plan.listed.instead;
      it(`${title} (instead: ${plan.listed.reason})`, { timeout: COMMAND_TIMEOUT_MS }, async () => {
        if (command.text.startsWith('npx bench ')) await expectOptionsKnown(await commandPath(command.text.split(/\s+/).slice(2)), command.text, title);
        await instead(walk);
      });
    } else {
      it.skip(`${title} (not run: ${plan.listed.reason})`, () => undefined);
    }
  }

  for (const args of SYNOPSIS_WALKS) {
    it(`synopsis walk: bench ${args.join(' ')}`, { timeout: COMMAND_TIMEOUT_MS }, async () => {
      const url = args.includes('{redis}') ? await walk.redisUrl() : '';
      await walk.bench(args.map((a) => (a === '{redis}' ? url : a)));
    });
  }

  it('every `bench …` the READMEs name is a bench command, with options its --help lists', { timeout: COMMAND_TIMEOUT_MS }, async () => {
    for (const reference of references) {
      const where = `${reference.doc}:${reference.line}: \`${reference.text}\``;
      const words = reference.text.split(/\s+/).slice(1);
      const path = await commandPath(words).catch((e: Error) => expect.fail(`${where}: ${e.message}`));
      await expectOptionsKnown(path, reference.text, where);
    }
  });

  it('runs every command a README table names at least once', async () => {
    const tabled = new Map<string, string>();
    for (const reference of references.filter((r) => r.inTable)) {
      const path = (await commandPath(reference.text.split(/\s+/).slice(1))).join(' ');
      tabled.set(path, `${reference.doc}:${reference.line}`);
    }
    const missing = [...tabled].filter(([path]) => !ranPaths.has(path)).map(([path, where]) => `bench ${path} (${where}): add a realistic invocation to SYNOPSIS_WALKS`);
    expect(missing).toEqual([]);
  });
});
