import { z } from 'zod';
import { atMost, BOUND_NAMES, MAX_DURATION_MS, MAX_HOST_MEMORY_MB, MAX_SIZE_BYTES, MAX_VCPUS } from '../../core/bounds.js';
import { ConfigError } from '../../core/errors.js';
import { createWorkflow } from '../../core/workflow.js';
import type { ImportedTask, ImportedWorkflow } from './to-workflow.js';

/**
 * The imported workflow as a JSON file (`workflow.json` of an import directory): the DAG plus every per-task figure
 * the mapping produced, so that loading it needs neither the WfFormat file nor a second import. One task per line
 * keeps a 10,000-task file diffable.
 */
export const IMPORTED_WORKFLOW_FORMAT = 'octoplan-imported-workflow';

// Sizes and times bounded as everywhere input is read (core/bounds.ts); counts of files and edges are sizes' kin.
const count = z.number().int().nonnegative().max(MAX_SIZE_BYTES, atMost(MAX_SIZE_BYTES, BOUND_NAMES.size));
const time = z.number().finite().nonnegative().max(MAX_DURATION_MS, atMost(MAX_DURATION_MS, BOUND_NAMES.duration));
const vCpus = z.number().finite().positive().max(MAX_VCPUS, atMost(MAX_VCPUS, BOUND_NAMES.vCpus));
const taskSchema = z.strictObject({
  id: z.string().min(1),
  functionName: z.string().min(1),
  upstream: z.array(z.string().min(1)),
  staticInputBytes: count,
  outputBytes: count,
  inputFileBytes: count,
  recordedRuntimeMs: time,
  parallelism: vCpus,
  // CPU time summed over a task's cores: a year on each of the most cores modelled.
  cpuMsAt1Vcpu: z.number().finite().nonnegative().max(MAX_DURATION_MS * MAX_VCPUS, atMost(MAX_DURATION_MS * MAX_VCPUS, 'a year on each of the most cores modelled')),
  execMs: time,
});
const fileSchema = z.strictObject({
  format: z.literal(IMPORTED_WORKFLOW_FORMAT),
  formatVersion: z.literal(1),
  name: z.string().min(1),
  source: z.strictObject({ file: z.string(), schemaVersion: z.string() }),
  referenceResources: z.strictObject({ memoryMb: z.number().int().positive().max(MAX_HOST_MEMORY_MB, atMost(MAX_HOST_MEMORY_MB, BOUND_NAMES.memory)), vCpus }),
  recordedMakespanMs: time.nullable(),
  fileCount: count,
  totalFileBytes: count,
  edgeCount: count,
  /** The import's warning lines, so a later load can repeat them. */
  warnings: z.array(z.string()),
  tasks: z.array(taskSchema).min(1),
});

/** Serializes an import as the text of `workflow.json`. */
export function importedWorkflowToText(imported: ImportedWorkflow, sourceFile: string, warningLines: readonly string[]): string {
  const header = {
    format: IMPORTED_WORKFLOW_FORMAT,
    formatVersion: 1,
    name: imported.name,
    source: { file: sourceFile, schemaVersion: imported.declaredVersion },
    referenceResources: { memoryMb: imported.referenceResources.memoryMb, vCpus: imported.referenceResources.vCpus },
    recordedMakespanMs: imported.recordedMakespanMs ?? null,
    fileCount: imported.fileCount,
    totalFileBytes: imported.totalFileBytes,
    edgeCount: imported.edgeCount,
    warnings: warningLines,
  };
  const head = JSON.stringify(header, null, 2);
  const tasks = [...imported.tasks.values()].map((t) => '    ' + JSON.stringify(taskJson(t)));
  return `${head.slice(0, -2)},\n  "tasks": [\n${tasks.join(',\n')}\n  ]\n}\n`;
}

function taskJson(t: ImportedTask): z.infer<typeof taskSchema> {
  return {
    id: t.id,
    functionName: t.functionName,
    upstream: [...t.upstream],
    staticInputBytes: t.staticInputBytes,
    outputBytes: t.outputBytes,
    inputFileBytes: t.inputFileBytes,
    recordedRuntimeMs: t.recordedRuntimeMs,
    parallelism: t.parallelism,
    cpuMsAt1Vcpu: t.cpuMsAt1Vcpu,
    execMs: t.execMs,
  };
}

/** True when parsed JSON looks like an imported-workflow file rather than a WfFormat instance. */
export function isImportedWorkflowJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === IMPORTED_WORKFLOW_FORMAT;
}

/**
 * Rebuilds an import from parsed `workflow.json`.
 * @throws ConfigError naming the file and the field at fault, or the workflow problem (cycle, unknown upstream)
 */
export function importedWorkflowFromJson(value: unknown, file: string): { imported: ImportedWorkflow; warningLines: string[] } {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: field '${issue.path.map(String).join('.')}': ${issue.message}`);
  }
  const data = parsed.data;
  const workflow = createWorkflow(
    data.name,
    data.tasks.map((t) => ({ id: t.id, functionName: t.functionName, upstream: t.upstream, staticInputBytes: t.staticInputBytes })),
  );
  const tasks = new Map<string, ImportedTask>(data.tasks.map((t) => [t.id, { ...t, upstream: workflow.tasks.get(t.id)!.upstream }]));
  return {
    imported: {
      name: data.name,
      declaredVersion: data.source.schemaVersion,
      workflow,
      tasks,
      referenceResources: data.referenceResources,
      edgeCount: data.edgeCount,
      fileCount: data.fileCount,
      totalFileBytes: data.totalFileBytes,
      recordedMakespanMs: data.recordedMakespanMs ?? undefined,
    },
    warningLines: data.warnings,
  };
}

