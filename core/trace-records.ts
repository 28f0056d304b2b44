import { z } from 'zod';
import { atMost, BOUND_NAMES, MAX_DURATION_MS, MAX_HOST_MEMORY_MB, MAX_SIZE_BYTES, MAX_VCPUS } from './bounds.js';
import type { Plan } from './plan.js';
import { formatSla } from './sla.js';

/**
 * The recorded metrics of workflow runs, one JSON object per line (JSON Lines). The simulator, the real runtime and
 * the synthetic generators all emit this format, and the prediction engine reads it. A file holds one or more runs;
 * each run starts with a `run` header and every other record names its run by `runId`.
 *
 * All times are milliseconds relative to the run's start (the client's submission), sizes are bytes, memory is MB.
 * The schema is strict: an unknown field is an error, so a typo cannot silently drop a metric.
 */
export const TRACE_SCHEMA_VERSION = 1;

// Times and sizes are bounded, not only signed (core/bounds.ts): a duration of 1e300 ms is finite and would print as
// a makespan of 3.47e300 in `bench compare`.
const nonNegative = z.number().finite().nonnegative().max(MAX_DURATION_MS, atMost(MAX_DURATION_MS, BOUND_NAMES.duration));
// The bound before the integer check, whose own range (2^53) would be the message for 1e300 bytes.
const byteCount = z.number().nonnegative().max(MAX_SIZE_BYTES, atMost(MAX_SIZE_BYTES, BOUND_NAMES.size)).int();
const id = z.string().min(1);

/** Resources as recorded: the worker's actual memory and vCPU share. */
export const resourceRecordSchema = z.strictObject({
  memoryMb: z.number().int().positive().max(MAX_HOST_MEMORY_MB, atMost(MAX_HOST_MEMORY_MB, BOUND_NAMES.memory)),
  vCpus: z.number().finite().positive().max(MAX_VCPUS, atMost(MAX_VCPUS, BOUND_NAMES.vCpus)),
});

/** One data movement between a worker and intermediate storage. */
export const transferRecordSchema = z.strictObject({
  /** Storage key moved: the producing task's id for outputs, or a named static input. */
  key: id,
  sizeBytes: byteCount,
  startMs: nonNegative,
  /** From sending the request to the worker handling the reply. */
  durationMs: nonNegative,
  /**
   * Time within the span that the worker's thread spent running task code, so the reply, if it had arrived, waited
   * for it (a single-threaded worker handles a reply only between tasks). `durationMs` holds it; absent when 0.
   */
  threadBusyMs: nonNegative.optional(),
});

/**
 * One metadata round trip a worker made (a dependency-counter increment or read, a TASK_READY or TASK_COMPLETED
 * publish): when it was sent and how long until its reply came back. Kept apart from transfers because the simulator
 * models these with their own latencies (`metadata.counter`, `metadata.notify`), which a profile fit needs samples of.
 */
export const roundTripRecordSchema = z.strictObject({
  startMs: nonNegative,
  /** From sending the request to the worker handling the reply. */
  durationMs: nonNegative,
  /**
   * Time within the span that the worker's thread spent running task code, so the reply, if it had arrived, waited
   * for it (a single-threaded worker handles a reply only between tasks). `durationMs` holds it; absent when 0.
   */
  threadBusyMs: nonNegative.optional(),
});

/** Header of one run. */
export const runHeaderSchema = z.strictObject({
  type: z.literal('run'),
  schemaVersion: z.literal(TRACE_SCHEMA_VERSION),
  runId: id,
  workflow: id,
  planner: id,
  /** `median` or `pNN` (see `formatSla`). */
  sla: z.string().regex(/^(median|p\d+(\.\d+)?)$/, "expected 'median' or a percentile such as 'p90'"),
  /** Where the run happened: `synthetic:<generator>`, `simulator:<profile>`, `lambda:<endpoint>`, ... */
  platform: id,
  /** Seed of every random choice in the run; null for real runs. */
  seed: z.union([z.number().int(), z.string(), z.null()]),
  /** Free-form parameters that shaped the run (generator options, planner options), for reproduction. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

/** One task's execution on one worker. */
export const taskRecordSchema = z.strictObject({
  type: z.literal('task'),
  runId: id,
  taskId: id,
  functionName: id,
  workerId: id,
  resources: resourceRecordSchema,
  /** All input bytes the function received (downloaded, local and static). */
  inputBytes: byteCount,
  outputBytes: byteCount,
  /** When the worker started handling the task (before gathering inputs). */
  startMs: nonNegative,
  /** When the task was done, output uploaded if it had to be. */
  endMs: nonNegative,
  /** Time the function itself ran. */
  execMs: nonNegative,
  /** When the function started running, where the source recorded it (it ran until `execStartMs + execMs`). */
  execStartMs: nonNegative.optional(),
  /**
   * CPU time the worker's process used while the function ran (user and system, every thread), where the source
   * measured it: close to the time the function would take alone on a free core, when other processes on the same
   * host made it wait (`execMs` holds the wait). Absent for simulated and synthetic runs.
   */
  cpuMs: nonNegative.optional(),
  downloads: z.array(transferRecordSchema),
  uploads: z.array(transferRecordSchema),
  /** 1 for the first attempt; higher after a retry. */
  attempt: z.number().int().positive().optional(),
  /**
   * Counter round trips (increments and reads) the worker made in reporting this task: those the task made itself
   * (its children's dependency counters, the sink counters), and those naming no task run on this worker (a fixed
   * worker's start claim, a read of a child's counter), charged to the task the worker executed last. Absent when
   * there were none or the source does not record them.
   */
  counterOps: z.array(roundTripRecordSchema).optional(),
  /**
   * Publishes (TASK_COMPLETED of this task; TASK_READY of a task of another worker, charged as `counterOps` are) from
   * sending to the server's reply. The server forwards the message to its subscribers as it replies, so this round
   * trip stands for the notification latency. Absent when there were none or the source does not record them.
   */
  publishOps: z.array(roundTripRecordSchema).optional(),
});

/** One worker (function instance) of a run. */
export const workerRecordSchema = z.strictObject({
  type: z.literal('worker'),
  runId: id,
  workerId: id,
  resources: resourceRecordSchema,
  /** When the invoker asked for the worker. */
  invokedAtMs: nonNegative,
  /** When the worker could start its first task. */
  readyAtMs: nonNegative,
  /** When the worker stopped. */
  endedAtMs: nonNegative,
  start: z.enum(['cold', 'warm']),
  /** Start-up time observed for this worker (normally readyAtMs - invokedAtMs). */
  startupMs: nonNegative,
  /** `pre-warm` for an empty warm-up invocation that ran no task. */
  purpose: z.enum(['tasks', 'pre-warm']).optional(),
  /**
   * CPU time the worker's process used from ready to stopped (user and system, every thread), where the source
   * measured it: its tasks' `cpuMs` and the rest of its work (stepping the scheduler core, sending commands,
   * handling replies, V8's compiler and collector threads). Absent for simulated and synthetic runs.
   */
  cpuMs: nonNegative.optional(),
});

/** The end of a run. A run without one was cut off; its records still count as samples. */
export const runEndSchema = z.strictObject({
  type: z.literal('run-end'),
  runId: id,
  status: z.enum(['completed', 'failed']),
  makespanMs: nonNegative,
});

export const traceRecordSchema = z.discriminatedUnion('type', [
  runHeaderSchema,
  taskRecordSchema,
  workerRecordSchema,
  runEndSchema,
]);

export type ResourceRecord = z.infer<typeof resourceRecordSchema>;
export type TransferRecord = z.infer<typeof transferRecordSchema>;
/** One metadata round trip (`roundTripRecordSchema`). */
export type RoundTripRecord = z.infer<typeof roundTripRecordSchema>;
export type RunHeader = z.infer<typeof runHeaderSchema>;

/**
 * How much of [startMs, endMs] a worker's thread spent running task code, given the spans it ran task code in (in
 * order, so the scan from the last stops early): a transfer's or round trip's `threadBusyMs`, computed the same way
 * by the runtime and the simulator.
 */
export function threadBusyWithinMs(spans: readonly { readonly startMs: number; readonly endMs: number }[], startMs: number, endMs: number): number {
  let ms = 0;
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!;
    if (span.endMs <= startMs) break;
    ms += Math.max(0, Math.min(endMs, span.endMs) - Math.max(startMs, span.startMs));
  }
  return ms;
}

/**
 * The header of a run of `plan` on `workflow` (the simulator's and the runtime's alike): planner and SLA from the plan,
 * where it ran, its seed and parameters as the source knows them.
 */
export function planRunHeader(runId: string, workflow: { readonly name: string }, plan: Plan, where: Pick<RunHeader, 'platform' | 'seed' | 'params'>): RunHeader {
  return {
    type: 'run',
    schemaVersion: TRACE_SCHEMA_VERSION,
    runId,
    workflow: workflow.name,
    planner: plan.planner,
    sla: formatSla(plan.sla),
    platform: where.platform,
    seed: where.seed,
    ...(where.params !== undefined ? { params: where.params } : {}),
  };
}
export type TaskRecord = z.infer<typeof taskRecordSchema>;
export type WorkerRecord = z.infer<typeof workerRecordSchema>;
export type RunEnd = z.infer<typeof runEndSchema>;
export type TraceRecord = z.infer<typeof traceRecordSchema>;

/** The records of one run, grouped. */
export interface TraceRun {
  readonly header: RunHeader;
  readonly tasks: readonly TaskRecord[];
  readonly workers: readonly WorkerRecord[];
  readonly end?: RunEnd;
}

/** A problem found in a record: which record, which field, what is wrong. */
export interface RecordProblem {
  /** Dotted path of the field at fault, e.g. `downloads.0.sizeBytes`; empty for the whole record. */
  readonly field: string;
  readonly message: string;
}

/**
 * Validates one parsed JSON value as a trace record. Returns the record (with keys in schema order, so that writing it
 * back is canonical) or the problems found.
 */
export function checkTraceRecord(value: unknown): { ok: true; record: TraceRecord } | { ok: false; problems: RecordProblem[] } {
  const result = traceRecordSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        message: describeIssue(issue),
      })),
    };
  }
  const semantic = semanticProblems(result.data);
  return semantic.length > 0 ? { ok: false, problems: semantic } : { ok: true, record: result.data };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'type') {
    return "must be one of 'run', 'task', 'worker', 'run-end'";
  }
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return issue.message;
}

/** Checks that span fields: a record can be well-typed and still impossible. */
function semanticProblems(record: TraceRecord): RecordProblem[] {
  const problems: RecordProblem[] = [];
  if (record.type === 'task') {
    if (record.endMs < record.startMs) problems.push({ field: 'endMs', message: `endMs ${record.endMs} is before startMs ${record.startMs}` });
    if (record.execMs > record.endMs - record.startMs + 1e-6) {
      problems.push({ field: 'execMs', message: `execMs ${record.execMs} exceeds the task's span ${record.endMs - record.startMs}` });
    }
  } else if (record.type === 'worker') {
    if (record.readyAtMs < record.invokedAtMs) {
      problems.push({ field: 'readyAtMs', message: `readyAtMs ${record.readyAtMs} is before invokedAtMs ${record.invokedAtMs}` });
    }
    if (record.endedAtMs < record.readyAtMs) {
      problems.push({ field: 'endedAtMs', message: `endedAtMs ${record.endedAtMs} is before readyAtMs ${record.readyAtMs}` });
    }
  }
  return problems;
}

/** The JSON Schema of one trace line (draft 2020-12), generated from the schema above. */
export function traceRecordJsonSchema(): object {
  return z.toJSONSchema(traceRecordSchema, { target: 'draft-2020-12' });
}
