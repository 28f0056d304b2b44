import { DirectedGraph } from 'graphology';
import { topologicalGenerations, topologicalSort } from 'graphology-dag';
import { MAX_SIZE_BYTES } from './bounds.js';
import { WorkflowValidationError } from './errors.js';
import type { Optimization } from './optimizations.js';

/**
 * One task of a workflow as the user (or an importer) declares it. Metrics are keyed by workflow name + function
 * name, so tasks that share a function share prediction history.
 */
export interface TaskSpec {
  readonly id: string;
  readonly functionName: string;
  /** Ids of the tasks whose outputs this task takes as inputs, in argument order. */
  readonly upstream: readonly string[];
  /** Bytes of input that come with the workflow rather than from an upstream task (the reference's hardcoded args). */
  readonly staticInputBytes?: number;
  /** Optimizations the user forces on this task (thesis §3.4.3, task-level overrides). */
  readonly optimizations?: readonly Optimization[];
}

/** A validated task: its spec plus the downstream tasks that consume its output. */
export interface Task extends TaskSpec {
  readonly downstream: readonly string[];
  readonly staticInputBytes: number;
  readonly optimizations: readonly Optimization[];
}

/** Node attributes stored on the graphology graph. */
export interface TaskNodeAttributes {
  readonly functionName: string;
}

/**
 * A validated workflow DAG. Immutable by convention: the graph is shared with planners and the simulator, which
 * read it and never change it.
 */
export interface Workflow {
  readonly name: string;
  readonly graph: DirectedGraph<TaskNodeAttributes>;
  readonly tasks: ReadonlyMap<string, Task>;
  /** A topological order, deterministic for a given declaration order. */
  readonly topologicalOrder: readonly string[];
  /** Tasks grouped by depth: every task's upstreams are in earlier generations. */
  readonly generations: readonly (readonly string[])[];
  /** Tasks without upstream tasks. */
  readonly roots: readonly string[];
  /** Tasks whose output no task consumes: the workflow's results. */
  readonly sinks: readonly string[];
}

/**
 * Validates task specs and builds the workflow. Errors name the problem and the tasks at fault: empty workflow,
 * duplicate id, unknown dependency, cycle (with the tasks along it), and malformed fields.
 *
 * Unlike the reference implementation, which requires exactly one sink, several sinks are allowed: real workflows
 * (WfCommons instances) often have more than one, and the run ends when all of them are done.
 */
export function createWorkflow(name: string, specs: readonly TaskSpec[]): Workflow {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new WorkflowValidationError(String(name), 'invalid-field', 'workflow name must be a non-empty string');
  }
  if (specs.length === 0) {
    throw new WorkflowValidationError(name, 'empty', 'has no tasks; a workflow needs at least one task');
  }
  const byId = new Map<string, TaskSpec>();
  for (const spec of specs) {
    checkSpecFields(name, spec);
    if (byId.has(spec.id)) {
      throw new WorkflowValidationError(name, 'duplicate-id', `task id '${spec.id}' is declared twice`, [spec.id]);
    }
    byId.set(spec.id, spec);
  }
  const downstream = new Map<string, string[]>(specs.map((s) => [s.id, []]));
  for (const spec of specs) {
    const seen = new Set<string>();
    for (const up of spec.upstream) {
      if (!byId.has(up)) {
        throw new WorkflowValidationError(
          name,
          'unknown-dependency',
          `task '${spec.id}' depends on unknown task '${up}'`,
          [spec.id, up],
        );
      }
      // A task that takes the same upstream twice (f(a, a)) still has one dependency edge.
      if (!seen.has(up)) downstream.get(up)!.push(spec.id);
      seen.add(up);
    }
  }
  const cycle = findCycle(specs, byId);
  if (cycle) {
    throw new WorkflowValidationError(name, 'cycle', `has a cycle: ${[...cycle, cycle[0]].join(' -> ')}`, cycle);
  }

  const graph = new DirectedGraph<TaskNodeAttributes>();
  for (const spec of specs) graph.addNode(spec.id, { functionName: spec.functionName });
  for (const spec of specs) {
    for (const up of new Set(spec.upstream)) graph.addDirectedEdge(up, spec.id);
  }
  const tasks = new Map<string, Task>();
  for (const spec of specs) {
    tasks.set(spec.id, {
      id: spec.id,
      functionName: spec.functionName,
      upstream: [...new Set(spec.upstream)],
      downstream: downstream.get(spec.id)!,
      staticInputBytes: spec.staticInputBytes ?? 0,
      optimizations: spec.optimizations ?? [],
    });
  }
  return {
    name,
    graph,
    tasks,
    topologicalOrder: topologicalSort(graph),
    generations: topologicalGenerations(graph),
    roots: specs.filter((s) => s.upstream.length === 0).map((s) => s.id),
    sinks: specs.filter((s) => downstream.get(s.id)!.length === 0).map((s) => s.id),
  };
}

/** The task with `id`, or an error naming the workflow and the task. */
export function getTask(workflow: Workflow, id: string): Task {
  const task = workflow.tasks.get(id);
  if (!task) throw new WorkflowValidationError(workflow.name, 'unknown-dependency', `has no task '${id}'`, [id]);
  return task;
}

/** The distinct function names of a workflow, in first-declaration order. */
export function functionNames(workflow: Workflow): string[] {
  return [...new Set([...workflow.tasks.values()].map((t) => t.functionName))];
}

function checkSpecFields(workflow: string, spec: TaskSpec): void {
  const where = typeof spec?.id === 'string' ? `task '${spec.id}'` : 'a task';
  if (typeof spec?.id !== 'string' || spec.id === '') {
    throw new WorkflowValidationError(workflow, 'invalid-field', `${where}: field 'id' must be a non-empty string`);
  }
  if (typeof spec.functionName !== 'string' || spec.functionName === '') {
    throw new WorkflowValidationError(workflow, 'invalid-field', `${where}: field 'functionName' must be a non-empty string`, [spec.id]);
  }
  if (!Array.isArray(spec.upstream) || spec.upstream.some((u) => typeof u !== 'string')) {
    throw new WorkflowValidationError(workflow, 'invalid-field', `${where}: field 'upstream' must be an array of task ids`, [spec.id]);
  }
  const bytes = spec.staticInputBytes;
  if (bytes !== undefined && !(Number.isFinite(bytes) && bytes >= 0)) {
    throw new WorkflowValidationError(workflow, 'invalid-field', `${where}: field 'staticInputBytes' must be a non-negative number`, [spec.id]);
  }
  // Bounded, not only signed (core/bounds.ts): a finite 1e300 bytes overflows the transfer times it leads to.
  if (bytes !== undefined && bytes > MAX_SIZE_BYTES) {
    throw new WorkflowValidationError(workflow, 'invalid-field', `${where}: field 'staticInputBytes' is ${bytes}, more than 1 PB (${MAX_SIZE_BYTES} bytes)`, [spec.id]);
  }
}

/**
 * Finds one cycle by iterative depth-first search over upstream edges (iterative, so a long chain cannot overflow the
 * stack) and returns its tasks in producer -> consumer order.
 */
function findCycle(specs: readonly TaskSpec[], byId: ReadonlyMap<string, TaskSpec>): string[] | undefined {
  const state = new Map<string, 'active' | 'done'>();
  for (const start of specs) {
    if (state.has(start.id)) continue;
    // Each frame: task id and the index of the next upstream to visit.
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    state.set(start.id, 'active');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const upstream = byId.get(frame.id)!.upstream;
      if (frame.next >= upstream.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const up = upstream[frame.next++]!;
      const upState = state.get(up);
      if (upState === 'active') {
        const from = stack.findIndex((f) => f.id === up);
        // The stack walks consumer -> producer; reverse it to read producer -> consumer.
        return stack.slice(from).map((f) => f.id).reverse();
      }
      if (upState === undefined) {
        state.set(up, 'active');
        stack.push({ id: up, next: 0 });
      }
    }
  }
  return undefined;
}
