import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flexiblePlan } from '../../core/plan.js';
import { resources } from '../../core/resources.js';
import type { TraceRecord } from '../../core/trace-records.js';
import { planToJson } from '../../traces/plan-file.js';
import { generateHistory } from '../../traces/synthetic/history-generator.js';
import { serializeTraceRecords } from '../../traces/trace-io.js';
import { getWorkload } from '../../traces/workloads/registry.js';
import { resolveParams } from '../../traces/workloads/workload.js';
import { bench, type BenchResult } from './run-bench.js';

/**
 * Issue 21: a corpus of malformed inputs across every input the CLI takes — trace files, WfFormat instances and
 * imported workflows, plans, platform overrides, task overrides, flags and paths — each run through `bench` as a
 * process, as a new user would. Each must end with the exit code of its contract (1 for bad input, 2 for a usage
 * error yargs reports, 0 with a warning where that is documented) and a message matching the fault, and no output
 * may hold a stack frame. The cases run a few at a time (each is a Node process; `bench` may run from source).
 */

/** A line of a V8 stack trace (`    at fn (file:1:2)`) or Node's uncaught-error banner (`file:///…:12` and a caret). */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$|^file:\/\/\/.*:\d+$/m;

interface Case {
  /** The category of input the case malforms. */
  readonly category: 'trace' | 'wfformat' | 'plan' | 'platform' | 'task-overrides' | 'arrivals' | 'flag' | 'path';
  readonly name: string;
  readonly args: () => string[];
  /** What the message must say (matched on stderr). */
  readonly says: RegExp;
  /** Exit code of the contract: 1 for bad input (default), 2 for yargs' usage errors, 0 where a warning is documented. */
  readonly code?: number;
}

let dir = '';
const at = (name: string) => join(dir, name);

const gemm = getWorkload('gemm');
const gemmWorkflow = gemm.build(resolveParams(gemm, {}));

/** A valid gemm history of 2 runs, as records: the cases below corrupt copies of it. */
const history: TraceRecord[] = generateHistory('gemm', { runs: 2, seed: 21 });
const firstRun = history.filter((r) => r.runId === history[0]!.runId);

function jsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** The first run with one record of `type` changed by `change`. */
function withChanged(type: TraceRecord['type'], change: (record: Record<string, unknown>) => Record<string, unknown>): unknown[] {
  let done = false;
  return firstRun.map((record) => {
    if (done || record.type !== type) return record;
    done = true;
    return change({ ...record });
  });
}

const diamondText = await readFile(join(import.meta.dirname, '..', 'fixtures', 'wfformat', 'diamond-1.5.json'), 'utf8');

/** The diamond WfFormat fixture with `change` applied to its parsed JSON. */
function diamondWith(change: (wf: { workflow: { specification: { tasks: Record<string, unknown>[]; files: Record<string, unknown>[] }; execution: { tasks: Record<string, unknown>[]; makespanInSeconds: number } } }) => void): string {
  const wf = JSON.parse(diamondText);
  change(wf);
  return JSON.stringify(wf);
}

const plan = planToJson(flexiblePlan(gemmWorkflow, 'flexible', { kind: 'median' }, resources(2048))) as { tasks: Record<string, Record<string, unknown>> };
const firstTask = Object.keys(plan.tasks)[0]!;

/** The plan with its first task's entry changed (or the whole plan, with `whole`). */
function planWith(change: (entry: Record<string, unknown>) => void, whole?: (p: Record<string, unknown>) => void): string {
  const copy = JSON.parse(JSON.stringify(plan));
  change(copy.tasks[firstTask]);
  whole?.(copy);
  return JSON.stringify(copy);
}

/** Every file the cases read, by name: written once in `beforeAll`. */
const FILES: Record<string, string> = {
  // Traces.
  'good.jsonl': serializeTraceRecords(history),
  'bad-json.jsonl': jsonl(firstRun).replace(/\n/, '\n{"type": "task", oops\n'),
  'unknown-field.jsonl': jsonl(withChanged('task', (t) => ({ ...t, colour: 'blue' }))),
  'negative-exec.jsonl': jsonl(withChanged('task', (t) => ({ ...t, execMs: -5 }))),
  'huge-duration.jsonl': jsonl(withChanged('task', (t) => ({ ...t, endMs: 1e300, execMs: 1e300 }))),
  'all-tasks-huge.jsonl': jsonl(firstRun.map((r) => (r.type === 'task' ? { ...r, endMs: 1e300, execMs: 1e300 } : r))),
  'huge-size.jsonl': jsonl(withChanged('task', (t) => ({ ...t, outputBytes: 1e300 }))),
  'huge-vcpus.jsonl': jsonl(withChanged('worker', (w) => ({ ...w, resources: { memoryMb: 2048, vCpus: 5000 } }))),
  'end-before-start.jsonl': jsonl(withChanged('task', (t) => ({ ...t, startMs: 100, endMs: 50, execMs: 0 }))),
  'bad-schema-version.jsonl': jsonl(withChanged('run', (h) => ({ ...h, schemaVersion: 7 }))),
  'bad-sla.jsonl': jsonl(withChanged('run', (h) => ({ ...h, sla: 'fast' }))),
  'bad-status.jsonl': jsonl(withChanged('run-end', (e) => ({ ...e, status: 'done' }))),
  'bad-type.jsonl': jsonl(withChanged('task', (t) => ({ ...t, type: 'job' }))),
  'task-twice.jsonl': (() => {
    const task = firstRun.find((r) => r.type === 'task')!;
    const i = firstRun.indexOf(task);
    return jsonl([...firstRun.slice(0, i + 1), task, ...firstRun.slice(i + 1)]);
  })(),
  'worker-missing.jsonl': (() => {
    const task = firstRun.find((r) => r.type === 'task')!;
    return jsonl(firstRun.filter((r) => !(r.type === 'worker' && r.workerId === (task as { workerId: string }).workerId)));
  })(),
  'no-tasks.jsonl': jsonl(firstRun.filter((r) => r.type === 'run' || r.type === 'run-end')),
  'no-workers.jsonl': jsonl(firstRun.filter((r) => r.type !== 'worker')),
  'no-header.jsonl': jsonl(firstRun.filter((r) => r.type !== 'run')),
  'empty.jsonl': '',
  'garbage.jsonl': 'this is not JSON Lines\n\u0000\u0001\n',
  // WfFormat instances.
  'wf-runtime-huge.json': diamondWith((wf) => (wf.workflow.execution.tasks[0]!.runtimeInSeconds = 1e308)),
  'wf-size-huge.json': diamondWith((wf) => (wf.workflow.specification.files[0]!.sizeInBytes = 1e300)),
  'wf-runtime-negative.json': diamondWith((wf) => (wf.workflow.execution.tasks[1]!.runtimeInSeconds = -3)),
  'wf-runtime-string.json': diamondWith((wf) => (wf.workflow.execution.tasks[1]!.runtimeInSeconds = 'fast')),
  'wf-cores-huge.json': diamondWith((wf) => (wf.workflow.execution.tasks[1]!.coreCount = 1e9)),
  'wf-makespan-huge.json': diamondWith((wf) => (wf.workflow.execution.makespanInSeconds = 1e300)),
  'wf-cycle.json': diamondWith((wf) => {
    wf.workflow.specification.tasks[0]!.parents = ['final_ID0000007'];
    (wf.workflow.specification.tasks[6]!.children as string[]).push('split_ID0000001');
  }),
  'wf-unknown-parent.json': diamondWith((wf) => (wf.workflow.specification.tasks[1]!.parents = ['ghost'])),
  'wf-no-tasks.json': diamondWith((wf) => (wf.workflow.specification.tasks = [])),
  'wf-old-schema.json': diamondText.replace('"schemaVersion": "1.5"', '"schemaVersion": "1.3"'),
  'wf-truncated.json': diamondText.slice(0, 400),
  // Plans.
  'plan-vcpus.json': planWith((e) => (e.vCpus = 64)),
  'plan-memory.json': planWith((e) => (e.memoryMb = 99_999)),
  'plan-missing-task.json': planWith(() => undefined, (p) => delete (p.tasks as Record<string, unknown>)[firstTask]),
  'plan-unknown-field.json': planWith((e) => (e.speed = 'max')),
  'plan-delay-huge.json': planWith((e) => (e.optimizations = [{ kind: 'pre-warm', targetResources: { memoryMb: 2048 }, delayMs: 1e300 }])),
  'plan-bad-sla.json': planWith(() => undefined, (p) => (p.sla = 'fastest')),
  'plan-array.json': '[1, 2, 3]',
  'plan-not-json.json': '{ "workflow": "gemm", ',
  // Platform overrides.
  'platform-bandwidth-tiny.json': JSON.stringify({ storage: { bandwidthBytesPerMs: 1e-300 } }),
  'platform-latency-huge.json': JSON.stringify({ storage: { opLatency: { medianMs: 1e308, sigma: 0.1 } } }),
  'platform-sigma-huge.json': JSON.stringify({ invoke: { apiCall: { medianMs: 20, sigma: 1e300 } } }),
  'platform-keepalive-negative.json': JSON.stringify({ startup: { keepAliveMs: -1 } }),
  'platform-unknown-key.json': JSON.stringify({ storage: { bandwith: 5 } }),
  'platform-limit-fraction.json': JSON.stringify({ concurrency: { accountLimit: 1.5 } }),
  'platform-granularity-tiny.json': JSON.stringify({ pricing: { billingGranularityMs: 1e-300 } }),
  'platform-refill-tiny.json': JSON.stringify({ concurrency: { scalingRefillPerS: 1e-300 } }),
  'platform-retries-huge.json': JSON.stringify({ failures: { maxRetries: 1_000_000 } }),
  'platform-probability.json': JSON.stringify({ failures: { workerFailureProbability: 2 } }),
  'platform-price-huge.json': JSON.stringify({ pricing: { gbSecondUsd: 1e300 } }),
  'platform-not-json.json': 'storage: { bandwidth: 5 }',
  // Task overrides.
  'overrides-unknown-task.json': JSON.stringify({ 'no-such-task': { 'pre-load': true } }),
  'overrides-unknown-pass.json': JSON.stringify({ [firstTask]: { 'pre-cook': true } }),
  'overrides-number.json': JSON.stringify({ [firstTask]: { 'pre-load': 1e308 } }),
  'overrides-array.json': JSON.stringify([{ 'pre-load': true }]),
  'overrides-not-json.json': '{ "x": ',
  // An empty JSON file (a redirect that failed), for plans, platforms and task overrides.
  'empty.json': '',
  // Arrival traces of bench load (CSV).
  'arrivals-huge.csv': 'timeMs,workflow\n1e300,gemm\n',
  'arrivals-negative.csv': 'timeMs,workflow\n-5,gemm\n',
  'arrivals-header.csv': 'a,b\n1,gemm\n',
  'arrivals-unknown.csv': 'timeMs,workflow\n5,nope\n',
  // A plain file where a folder is expected.
  'a-file': 'not a folder\n',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'octoplan-bad-input-'));
  for (const [name, text] of Object.entries(FILES)) await writeFile(at(name), text);
  await mkdir(at('empty-dir'));
  await mkdir(at('huge-import'));
  // An imported workflow (the `bench import wfcommons` layout) whose task claims a runtime of 1e300 ms.
  await writeFile(
    at('huge-import/workflow.json'),
    JSON.stringify({
      format: 'octoplan-imported-workflow',
      formatVersion: 1,
      name: 'huge',
      source: { file: 'x.json', schemaVersion: '1.5' },
      referenceResources: { memoryMb: 1769, vCpus: 1 },
      recordedMakespanMs: null,
      fileCount: 0,
      totalFileBytes: 0,
      edgeCount: 0,
      warnings: [],
      tasks: [{ id: 't', functionName: 'f', upstream: [], staticInputBytes: 0, outputBytes: 0, inputFileBytes: 0, recordedRuntimeMs: 1e300, parallelism: 1, cpuMsAt1Vcpu: 1, execMs: 1 }],
    }),
  );
});

const sim = (...more: string[]) => ['simulate', '--runs', '2', ...more];
const simPlanner = (...more: string[]) => ['simulate', '--runs', '2', '--planner', 'uniform', ...more];

const CASES: Case[] = [
  // Trace files: `traces validate` names file, line and field; a command reading a history says what it lacks.
  { category: 'trace', name: 'invalid JSON line', args: () => ['traces', 'validate', at('bad-json.jsonl')], says: /bad-json\.jsonl:2: invalid JSON/ },
  { category: 'trace', name: 'unknown field', args: () => ['traces', 'validate', at('unknown-field.jsonl')], says: /unknown field\(s\) 'colour'/ },
  { category: 'trace', name: 'negative execMs', args: () => ['traces', 'validate', at('negative-exec.jsonl')], says: /field 'execMs'/ },
  { category: 'trace', name: 'duration of 1e300 ms', args: () => ['traces', 'validate', at('huge-duration.jsonl')], says: /field 'endMs': expected a number <= 31536000000 \(1 year in ms\)/ },
  { category: 'trace', name: 'output of 1e300 bytes', args: () => ['traces', 'validate', at('huge-size.jsonl')], says: /field 'outputBytes': expected a number <= 1000000000000000 \(1 PB in bytes\)/ },
  { category: 'trace', name: '5,000 vCPUs on a worker', args: () => ['traces', 'validate', at('huge-vcpus.jsonl')], says: /field 'resources\.vCpus': expected a number <= 1024/ },
  { category: 'trace', name: 'endMs before startMs', args: () => ['traces', 'validate', at('end-before-start.jsonl')], says: /endMs 50 is before startMs 100/ },
  { category: 'trace', name: 'unknown schema version', args: () => ['traces', 'validate', at('bad-schema-version.jsonl')], says: /field 'schemaVersion'/ },
  { category: 'trace', name: 'SLA not a percentile', args: () => ['traces', 'validate', at('bad-sla.jsonl')], says: /field 'sla': expected 'median' or a percentile/ },
  { category: 'trace', name: 'run-end status unknown', args: () => ['traces', 'validate', at('bad-status.jsonl')], says: /field 'status'/ },
  { category: 'trace', name: 'record type unknown', args: () => ['traces', 'validate', at('bad-type.jsonl')], says: /field 'type': must be one of 'run', 'task', 'worker', 'run-end'/ },
  { category: 'trace', name: 'same task twice on one worker and attempt', args: () => ['traces', 'validate', at('task-twice.jsonl')], says: /task '.+' is recorded twice on worker '.+' with attempt 1/ },
  { category: 'trace', name: 'task on a worker without a worker record', args: () => ['traces', 'validate', at('worker-missing.jsonl')], says: /ran on worker '.+', which has no worker record/ },
  { category: 'trace', name: 'run without tasks', args: () => ['traces', 'validate', at('no-tasks.jsonl')], says: /run '.+' has no task records/ },
  { category: 'trace', name: 'run without workers', args: () => ['traces', 'validate', at('no-workers.jsonl')], says: /run '.+' has no worker records/ },
  { category: 'trace', name: 'records without a run header', args: () => ['traces', 'validate', at('no-header.jsonl')], says: /comes before \(or without\) its run header/ },
  { category: 'trace', name: 'not JSON Lines at all', args: () => ['traces', 'validate', at('garbage.jsonl')], says: /garbage\.jsonl:1: invalid JSON/ },
  { category: 'trace', name: 'empty file: a warning, exit 0', args: () => ['traces', 'validate', at('empty.jsonl')], says: /warning: '.*empty\.jsonl' holds no trace records \(it is empty\)/, code: 0 },
  { category: 'trace', name: 'empty history for simulate', args: () => sim('--history', at('empty.jsonl')), says: /--history: '.*empty\.jsonl' holds no trace records/ },
  { category: 'trace', name: 'empty history for predict', args: () => ['predict', '--history', at('empty.jsonl')], says: /--history: '.*empty\.jsonl' holds no trace records/ },
  { category: 'trace', name: 'history without run headers', args: () => ['predict', '--history', at('no-header.jsonl')], says: /holds \d+ record\(s\) but no run header/ },
  { category: 'trace', name: "another workload's history", args: () => ['predict', '--workload', 'montage', '--history', at('good.jsonl')], says: /holds no run of workflow 'montage' \(workflows there: gemm\)/ },
  { category: 'trace', name: 'history whose task lines are all refused', args: () => ['predict', '--history', at('all-tasks-huge.jsonl')], says: /1 year in ms[\s\S]*--history '.*all-tasks-huge\.jsonl': its 1 run\(s\) of 'gemm' hold no task records/ },
  { category: 'trace', name: 'history with a run without tasks', args: () => sim('--history', at('no-tasks.jsonl')), says: /hold no task records, so there is nothing to predict from/ },

  // WfFormat instances and imported workflows.
  { category: 'wfformat', name: 'runtime of 1e308 s', args: () => sim('--workflow', at('wf-runtime-huge.json')), says: /field 'workflow\.execution\.tasks\[0\]\.runtimeInSeconds': runtime 1e\+308 s is more than a year/ },
  { category: 'wfformat', name: 'file of 1e300 bytes', args: () => ['import', 'wfcommons', at('wf-size-huge.json'), '--out', at('imp-size')], says: /field 'workflow\.specification\.files\[0\]\.sizeInBytes': .* more than 1 PB/ },
  { category: 'wfformat', name: 'negative runtime', args: () => sim('--workflow', at('wf-runtime-negative.json')), says: /runtime -3 s is negative/ },
  { category: 'wfformat', name: 'runtime a string', args: () => sim('--workflow', at('wf-runtime-string.json')), says: /runtimeInSeconds': expected a number of seconds, got "fast"/ },
  { category: 'wfformat', name: 'a billion cores', args: () => sim('--workflow', at('wf-cores-huge.json')), says: /coreCount': 1000000000 cores is more than the largest host/ },
  { category: 'wfformat', name: 'makespan of 1e300 s', args: () => sim('--workflow', at('wf-makespan-huge.json')), says: /makespanInSeconds': 1e\+300 s is more than a year/ },
  { category: 'wfformat', name: 'a cycle', args: () => sim('--workflow', at('wf-cycle.json')), says: /cycle/ },
  { category: 'wfformat', name: 'unknown parent', args: () => sim('--workflow', at('wf-unknown-parent.json')), says: /ghost/ },
  { category: 'wfformat', name: 'empty task list', args: () => sim('--workflow', at('wf-no-tasks.json')), says: /is empty; a workflow needs at least one task/ },
  { category: 'wfformat', name: 'schema 1.3', args: () => sim('--workflow', at('wf-old-schema.json')), says: /WfFormat 1\.3 is not supported/ },
  { category: 'wfformat', name: 'truncated file', args: () => sim('--workflow', at('wf-truncated.json')), says: /wf-truncated\.json: invalid JSON at line \d+, column \d+/ },
  { category: 'wfformat', name: 'imported workflow with a runtime of 1e300 ms', args: () => sim('--workflow', at('huge-import')), says: /field 'tasks\.0\.recordedRuntimeMs': expected a number <= 31536000000 \(1 year in ms\)/ },

  // Plans.
  { category: 'plan', name: '64 vCPUs on a 2,048 MB worker', args: () => sim('--plan', at('plan-vcpus.json')), says: /plan-vcpus\.json: field 'tasks\..+': vCpus 64 at 2048 MB is more than the platform gives any worker \(at most 6 vCPUs/ },
  { category: 'plan', name: 'memory beyond Lambda', args: () => sim('--plan', at('plan-memory.json')), says: /plan-memory\.json: field 'tasks\..+': memoryMb must be an integer in \[128, 10240\]/ },
  { category: 'plan', name: 'a task missing', args: () => sim('--plan', at('plan-missing-task.json')), says: /has no entry for task/ },
  { category: 'plan', name: 'unknown field', args: () => sim('--plan', at('plan-unknown-field.json')), says: /plan-unknown-field\.json: field 'tasks\..+'/ },
  { category: 'plan', name: 'pre-warm delay of 1e300 ms', args: () => sim('--plan', at('plan-delay-huge.json')), says: /plan-delay-huge\.json: field 'tasks\..+optimizations/ },
  { category: 'plan', name: 'SLA unreadable', args: () => sim('--plan', at('plan-bad-sla.json')), says: /field 'sla': cannot read SLA 'fastest'/ },
  { category: 'plan', name: 'an array', args: () => sim('--plan', at('plan-array.json')), says: /plan-array\.json: field '': / },
  { category: 'plan', name: 'an empty file', args: () => sim('--plan', at('empty.json')), says: /empty\.json: the file is empty; expected a JSON object/ },
  { category: 'plan', name: 'not JSON', args: () => sim('--plan', at('plan-not-json.json')), says: /plan-not-json\.json: invalid JSON/ },

  // Platform overrides.
  { category: 'platform', name: 'bandwidth of 1e-300', args: () => sim('--platform', at('platform-bandwidth-tiny.json')), says: /field 'storage\.bandwidthBytesPerMs': expected a number >= 0\.001 \(1 byte\/s in bytes per ms\)/ },
  { category: 'platform', name: 'latency of 1e308 ms', args: () => sim('--platform', at('platform-latency-huge.json')), says: /field 'storage\.opLatency\.medianMs': expected a number <= 3600000 \(1 hour in ms\)/ },
  { category: 'platform', name: 'log-normal sigma of 1e300', args: () => sim('--platform', at('platform-sigma-huge.json')), says: /field 'invoke\.apiCall\.sigma': expected a number <= 5/ },
  { category: 'platform', name: 'negative keep-alive', args: () => sim('--platform', at('platform-keepalive-negative.json')), says: /field 'startup\.keepAliveMs': expected a number >= 0/ },
  { category: 'platform', name: 'misspelt key', args: () => sim('--platform', at('platform-unknown-key.json')), says: /bandwith/ },
  { category: 'platform', name: 'fractional account limit', args: () => sim('--platform', at('platform-limit-fraction.json')), says: /field 'concurrency\.accountLimit': expected a positive integer/ },
  { category: 'platform', name: 'billing granularity of 1e-300 ms', args: () => sim('--platform', at('platform-granularity-tiny.json')), says: /field 'pricing\.billingGranularityMs': expected a number >= 0\.001/ },
  { category: 'platform', name: 'scaling refill of 1e-300/s', args: () => sim('--platform', at('platform-refill-tiny.json')), says: /field 'concurrency\.scalingRefillPerS': expected a number >= .* \(one per year\)/ },
  { category: 'platform', name: 'a million retries', args: () => sim('--platform', at('platform-retries-huge.json')), says: /field 'failures\.maxRetries': expected a number <= 100/ },
  { category: 'platform', name: 'probability above 1', args: () => sim('--platform', at('platform-probability.json')), says: /field 'failures\.workerFailureProbability': expected a probability in \[0, 1\]/ },
  { category: 'platform', name: 'price of 1e300 USD', args: () => sim('--platform', at('platform-price-huge.json')), says: /field 'pricing\.gbSecondUsd': expected a number <= 1/ },
  { category: 'platform', name: 'an empty file', args: () => sim('--platform', at('empty.json')), says: /empty\.json: the file is empty; expected a JSON object/ },
  { category: 'platform', name: 'not JSON', args: () => sim('--platform', at('platform-not-json.json')), says: /platform-not-json\.json: invalid JSON/ },
  { category: 'platform', name: 'under bench load too', args: () => ['load', '--workloads', 'gemm', '--requests', '2', '--platform', at('platform-bandwidth-tiny.json')], says: /field 'storage\.bandwidthBytesPerMs'/ },

  // Task overrides.
  { category: 'task-overrides', name: 'unknown task', args: () => simPlanner('--task-overrides', at('overrides-unknown-task.json')), says: /task 'no-such-task': no such task in workflow 'gemm'/ },
  { category: 'task-overrides', name: 'unknown optimization', args: () => simPlanner('--task-overrides', at('overrides-unknown-pass.json')), says: /unknown optimization 'pre-cook'/ },
  { category: 'task-overrides', name: 'a number for a flag', args: () => simPlanner('--task-overrides', at('overrides-number.json')), says: /field 'pre-load' must be true or false, got number 1e\+308/ },
  { category: 'task-overrides', name: 'an array', args: () => simPlanner('--task-overrides', at('overrides-array.json')), says: /expected an object mapping task ids to overrides, got an array/ },
  { category: 'task-overrides', name: 'an empty file', args: () => simPlanner('--task-overrides', at('empty.json')), says: /empty\.json: the file is empty; expected a JSON object/ },
  { category: 'task-overrides', name: 'not JSON', args: () => simPlanner('--task-overrides', at('overrides-not-json.json')), says: /overrides-not-json\.json: invalid JSON/ },
  { category: 'task-overrides', name: 'without a planner', args: () => sim('--task-overrides', at('overrides-array.json')), says: /--optimizations and --task-overrides apply to the plan of --planner/ },

  // Arrival traces (bench load --arrivals).
  { category: 'arrivals', name: 'an arrival at 1e300 ms (hung before)', args: () => ['load', '--workloads', 'gemm', '--arrivals', at('arrivals-huge.csv')], says: /--arrivals: arrival 1: timeMs 1e\+300 is more than a year/ },
  { category: 'arrivals', name: 'a negative time', args: () => ['load', '--workloads', 'gemm', '--arrivals', at('arrivals-negative.csv')], says: /arrivals-negative\.csv:2: timeMs must be a number of ms >= 0, got '-5'/ },
  { category: 'arrivals', name: 'no header', args: () => ['load', '--workloads', 'gemm', '--arrivals', at('arrivals-header.csv')], says: /the header must name the columns timeMs and workflow/ },
  { category: 'arrivals', name: 'a workflow outside the mix', args: () => ['load', '--workloads', 'gemm', '--arrivals', at('arrivals-unknown.csv')], says: /unknown workflow 'nope' \(the mix has: gemm\)/ },

  // Flags.
  { category: 'flag', name: "--workloads ''", args: () => ['compare', '--workloads', ''], says: /--workloads: empty value/ },
  { category: 'flag', name: "--seed ''", args: () => ['compare', '--workloads', 'gemm', '--seed', ''], says: /--seed: empty value/ },
  { category: 'flag', name: '--sla=', args: () => ['simulate', '--sla='], says: /--sla: empty value/ },
  { category: 'flag', name: '--resources 2048:64 (more vCPUs than Lambda gives)', args: () => sim('--resources', '2048:64'), says: /--resources: vCpus 64 at 2048 MB is more than the platform gives any worker/ },
  { category: 'flag', name: '--resources 99999', args: () => ['predict', '--resources', '99999'], says: /--resources: memoryMb must be an integer in \[128, 10240\]/ },
  { category: 'flag', name: '--resources 2048:abc', args: () => ['predict', '--resources', '2048:abc'], says: /--resources: cannot read resources '2048:abc': expected memory MB with optional vCPUs, e\.g\. 2048, 2048:2/ },
  { category: 'flag', name: '--runs 1e9', args: () => ['compare', '--workloads', 'gemm', '--runs', '1e9'], says: /--runs: 1000000000 is more than 1000000/ },
  { category: 'flag', name: '--runs -1', args: () => ['traces', 'generate', '--workload', 'gemm', '--runs', '-1', '--out', at('gen-neg')], says: /--runs must be a positive integer, got -1/ },
  { category: 'flag', name: '--runs abc', args: () => ['simulate', '--runs', 'abc'], says: /--runs must be a positive integer, got NaN/ },
  { category: 'flag', name: '--sla p200', args: () => sim('--sla', 'p200'), says: /SLA percentile must be in \(0, 100\], got 200/ },
  { category: 'flag', name: '--prediction-error -1', args: () => ['compare', '--workloads', 'gemm', '--prediction-error', '-1'], says: /--prediction-error: -1 is not a coefficient of variation/ },
  { category: 'flag', name: '--belief-scale f=1e308', args: () => ['compare', '--workloads', 'gemm', '--belief-scale', 'multiply_chunks=1e308'], says: /--belief-scale: factor 1e\+308 of 'multiply_chunks' is outside \[0\.001, 1000\]/ },
  { category: 'flag', name: '--duration-ms 1e300', args: () => ['load', '--workloads', 'gemm', '--duration-ms', '1e300'], says: /--duration-ms: 1e\+300 is more than 31536000000 \(1 year in ms\)/ },
  { category: 'flag', name: '--requests 1e12', args: () => ['load', '--workloads', 'gemm', '--requests', '1e12'], says: /--requests: 1000000000000 is more than 1000000/ },
  { category: 'flag', name: '--noise 1e308', args: () => ['import', 'wfcommons', at('wf-cycle.json'), '--out', at('imp-noise'), '--noise', '1e308'], says: /--noise: 1e\+308 is more than 10/ },
  { category: 'flag', name: '--values 1e12', args: () => ['scale', '--dimension', 'tasks', '--values', '1e12'], says: /--values: 1000000000000 is more than 1000000/ },
  { category: 'flag', name: '--redis notaurl', args: () => ['run', '--runtime', 'local', '--workload', 'gemm', '--planner', 'uniform', '--redis', 'notaurl'], says: /--redis: 'notaurl' is not a URL; give e\.g\. redis:\/\/127\.0\.0\.1:6379/ },
  { category: 'flag', name: '--redis at an address nothing listens on', args: () => ['run', '--runtime', 'local', '--workload', 'gemm', '--planner', 'uniform', '--redis', 'redis://127.0.0.1:1'], says: /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1[\s\S]*is redis-server running and listening at that address/ },
  { category: 'flag', name: '--redis http://…', args: () => ['traces', 'collect', '--runtime', 'local', '--runs', '1', '--out', at('collect'), '--redis', 'http://127.0.0.1:6379'], says: /--redis: 'http:\/\/127\.0\.0\.1:6379' is not a Redis URL/ },
  { category: 'flag', name: '--truth nonsense', args: () => sim('--truth', 'nonsense'), says: /--truth: unknown truth 'nonsense'/ },
  { category: 'flag', name: '--json FILE', args: () => sim('--json', at('x.json')), says: /--json takes no value: .* give --json-out/ },
  { category: 'flag', name: 'unknown option', args: () => sim('--colour', 'blue'), says: /Unknown argument/, code: 2 },
  { category: 'flag', name: 'unknown command', args: () => ['simulte'], says: /Unknown argument: simulte|Did you mean simulate/, code: 2 },

  // Paths.
  { category: 'path', name: 'missing history', args: () => sim('--history', at('nope.jsonl')), says: /--history: '.*nope\.jsonl' does not exist/ },
  { category: 'path', name: 'a folder as a plan', args: () => sim('--plan', at('empty-dir')), says: /--plan: '.*empty-dir' is a directory; give a file/ },
  { category: 'path', name: 'a folder without .jsonl files', args: () => ['traces', 'validate', at('empty-dir')], says: /trace directory '.*empty-dir' has no \.jsonl files/ },
  { category: 'path', name: 'a folder without workflow.json', args: () => sim('--workflow', at('empty-dir')), says: /is a directory without workflow\.json/ },
  { category: 'path', name: 'a file where a folder is written', args: () => ['report', at('good.jsonl'), '--out', at('a-file')], says: /--out: '.*a-file' is a file; give a folder to write into/ },
  { category: 'path', name: 'an output under a file', args: () => sim('--json-out', join(at('a-file'), 'x.json')), says: /--json-out: cannot write '.*': '.*a-file' is a file, not a folder/ },
  { category: 'path', name: 'traces generate --out /proc/x (hung before)', args: () => ['traces', 'generate', '--workload', 'gemm', '--runs', '1', '--out', '/proc/octoplan-x'], says: /--out: cannot write '\/proc\/octoplan-x': it is under \/proc, a kernel file system/ },
  { category: 'path', name: '--trace-out under /sys', args: () => sim('--trace-out', '/sys/octoplan/run.jsonl'), says: /--trace-out: cannot write '\/sys\/octoplan\/run\.jsonl': it is under \/sys/ },
  { category: 'path', name: 'a folder under /proc as a history', args: () => sim('--history', '/proc/self'), says: /--history: trace directory '\/proc\/self' has no \.jsonl files/ },
  { category: 'path', name: 'report of a missing file', args: () => ['report', at('nope.json'), '--out', at('r')], says: /'.*nope\.json' does not exist/ },
  { category: 'path', name: 'report --run of an unknown run', args: () => ['report', at('good.jsonl'), '--run', 'nosuchrun', '--out', at('r')], says: /--run: run 'nosuchrun' is not in .*good\.jsonl \(runs there: gemm-s21-r0, gemm-s21-r1\)/ },
  { category: 'path', name: 'import of a folder', args: () => ['import', 'wfcommons', at('empty-dir'), '--out', at('imp')], says: /'.*empty-dir' is a directory; give a file/ },
];

/** The contract every case holds: its exit code, its message, no stack frame anywhere. */
function expectContract(result: BenchResult, c: Case): void {
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output, 'a stack frame in the output').not.toMatch(STACK_FRAME);
  expect(result.stderr).toMatch(c.says);
  expect(result.code).toBe(c.code ?? 1);
}

describe('bad input corpus: every malformed input is a clear message and an exit code, never a stack trace (issue 21)', () => {
  it('covers at least 60 inputs across every kind of input the CLI takes', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const categories = new Set(CASES.map((c) => c.category));
    expect([...categories].sort()).toEqual(['arrivals', 'flag', 'path', 'plan', 'platform', 'task-overrides', 'trace', 'wfformat']);
    expect(new Set(CASES.map((c) => `${c.category}: ${c.name}`)).size).toBe(CASES.length);
  });

  it('--debug and OCTOPLAN_DEBUG=1 add the stack trace after the same message', async () => {
    const args = sim('--plan', at('empty.json'));
    for (const result of [await bench([...args, '--debug']), await bench(args, { env: { OCTOPLAN_DEBUG: '1' } })]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^bench: .*empty\.json: the file is empty/);
      expect(result.stderr).toMatch(STACK_FRAME);
    }
  });

  describe.concurrent('each case, run as a process', () => {
    for (const c of CASES) {
      it(`${c.category}: ${c.name}`, async () => {
        expectContract(await limited(() => bench(c.args())), c);
      });
    }
  });
});

/** Processes at once: each case is a Node process (tsx when the build is stale); a few keep two cores busy. */
const PARALLEL = 3;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` once fewer than PARALLEL others are running. */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}
