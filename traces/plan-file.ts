import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { atMost, BOUND_NAMES, MAX_DURATION_MS, MAX_SIZE_BYTES } from '../core/bounds.js';
import { ConfigError } from '../core/errors.js';
import { parseJsonText } from '../core/json-text.js';
import type { Optimization } from '../core/optimizations.js';
import { validatePlan, type Plan, type TaskPlan } from '../core/plan.js';
import { LAMBDA_VCPU_RULE, resources, type VcpuRule } from '../core/resources.js';
import { formatSla, parseSla } from '../core/sla.js';
import type { Workflow } from '../core/workflow.js';

/**
 * A plan as JSON, for `bench simulate --plan` and for saving what a planner decided:
 * `{ "workflow": "gemm", "planner": "uniform", "sla": "p90", "tasks": { "<taskId>": { "workerId": "w1" | null,
 * "memoryMb": 2048, "vCpus"?: 1.158, "optimizations"?: [...] } }, "schedulerParams"?: { "clustering"?: true, ... } }`.
 * vCPUs default to Lambda's rule for the memory.
 */
const resourcesShape = { memoryMb: z.number().int().positive(), vCpus: z.number().positive().optional() };
// Times and sizes bounded, not only signed (core/bounds.ts).
const durationMs = z.number().nonnegative().max(MAX_DURATION_MS, atMost(MAX_DURATION_MS, BOUND_NAMES.duration));
const sizeBytes = z.number().nonnegative().max(MAX_SIZE_BYTES, atMost(MAX_SIZE_BYTES, BOUND_NAMES.size));
const optimizationSchema = z.union([
  z.strictObject({ kind: z.literal('pre-warm'), targetResources: z.strictObject(resourcesShape), delayMs: durationMs.optional() }),
  z.strictObject({ kind: z.literal('pre-load') }),
  z.strictObject({ kind: z.literal('task-dup'), minSavedMs: durationMs.optional() }),
  z.strictObject({ kind: z.string().regex(/^custom:.+/), params: z.record(z.string(), z.json()).optional() }),
]);
const planFileSchema = z.strictObject({
  workflow: z.string().min(1),
  planner: z.string().min(1),
  sla: z.string(),
  predictedMakespanMs: durationMs.optional(),
  schedulerParams: z
    .strictObject({
      largeOutputThresholdBytes: sizeBytes.optional(),
      clustering: z.boolean().optional(),
      delayedIo: z.boolean().optional(),
      taskDupMinSavedMs: durationMs.optional(),
    })
    .optional(),
  tasks: z.record(
    z.string(),
    z.strictObject({
      workerId: z.string().min(1).nullable(),
      ...resourcesShape,
      optimizations: z.array(optimizationSchema).optional(),
    }),
  ),
});

/** A task's resources, or an error naming the file and the field (memory out of Lambda's range, too many vCPUs). */
function resourcesOf(entry: { memoryMb: number; vCpus?: number | undefined }, file: string, field: string, rule: VcpuRule) {
  try {
    return resources(entry.memoryMb, entry.vCpus, rule);
  } catch (e) {
    throw new ConfigError(`${file}: field '${field}': ${(e as Error).message}`);
  }
}

/** Parses plan JSON (already `JSON.parse`d) for `workflow`; errors name `file` and the field, or the task, at fault. */
export function planFromJson(value: unknown, workflow: Workflow, file: string, rule: VcpuRule = LAMBDA_VCPU_RULE): Plan {
  const parsed = planFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: field '${issue.path.map(String).join('.')}': ${issue.message}`);
  }
  const data = parsed.data;
  let sla;
  try {
    sla = parseSla(data.sla);
  } catch (e) {
    throw new ConfigError(`${file}: field 'sla': ${(e as Error).message}`);
  }
  const tasks = new Map<string, TaskPlan>();
  for (const [taskId, entry] of Object.entries(data.tasks)) {
    const optimizations = (entry.optimizations ?? []).map((o): Optimization => {
      if (o.kind === 'pre-warm' && 'targetResources' in o) {
        const target = o.targetResources as { memoryMb: number; vCpus?: number };
        const targetResources = resourcesOf(target, file, `tasks.${taskId}.optimizations.targetResources`, rule);
        return { kind: 'pre-warm', targetResources, ...(o.delayMs !== undefined ? { delayMs: o.delayMs } : {}) };
      }
      return o as Optimization;
    });
    tasks.set(taskId, { workerId: entry.workerId, resources: resourcesOf(entry, file, `tasks.${taskId}`, rule), optimizations });
  }
  const plan: Plan = {
    workflow: data.workflow,
    planner: data.planner,
    sla,
    tasks,
    ...(data.predictedMakespanMs !== undefined ? { predictedMakespanMs: data.predictedMakespanMs } : {}),
    ...(data.schedulerParams !== undefined ? { schedulerParams: withoutUndefined(data.schedulerParams) } : {}),
  };
  try {
    validatePlan(workflow, plan);
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message}`);
  }
  return plan;
}

/** Reads and validates a plan file for `workflow`. */
export async function readPlanFile(file: string, workflow: Workflow, rule: VcpuRule = LAMBDA_VCPU_RULE): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read plan: ${(e as Error).message}`);
  }
  return planFromJson(parseJsonText(text, file), workflow, file, rule);
}

/** The JSON form of a plan (inverse of `planFromJson`). */
export function planToJson(plan: Plan): object {
  const tasks: Record<string, object> = {};
  for (const [taskId, entry] of plan.tasks) {
    tasks[taskId] = {
      workerId: entry.workerId,
      memoryMb: entry.resources.memoryMb,
      vCpus: entry.resources.vCpus,
      ...(entry.optimizations.length > 0 ? { optimizations: entry.optimizations } : {}),
    };
  }
  return {
    workflow: plan.workflow,
    planner: plan.planner,
    sla: formatSla(plan.sla),
    ...(plan.predictedMakespanMs !== undefined ? { predictedMakespanMs: plan.predictedMakespanMs } : {}),
    ...(plan.schedulerParams !== undefined ? { schedulerParams: plan.schedulerParams } : {}),
    tasks,
  };
}

/** Drops keys whose value is undefined (zod's optional fields), so a plan read back equals the plan written. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
