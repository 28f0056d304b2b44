import { describe, expect, it } from 'vitest';
import { WorkflowValidationError } from '../../core/errors.js';
import { createWorkflow, functionNames, type TaskSpec } from '../../core/workflow.js';
import { workflowBuilder } from '../../core/workflow-builder.js';

function expectValidationError(fn: () => unknown, problem: WorkflowValidationError['problem'], pattern: RegExp): WorkflowValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowValidationError);
    const error = e as WorkflowValidationError;
    expect(error.problem).toBe(problem);
    expect(error.message).toMatch(pattern);
    return error;
  }
  throw new Error('expected a WorkflowValidationError');
}

describe('builder (thesis Listing 3.1)', () => {
  it('builds the simple DAG by composing task calls', () => {
    const wf = workflowBuilder('simpledag');
    const taskA = wf.fn('task_a');
    const taskB = wf.fn('task_b');
    const a1 = taskA();
    const a2 = taskA(a1);
    const a3 = taskA(a1);
    const b1 = taskB(a2, a3);
    taskA(b1);
    const workflow = wf.build();
    expect(workflow.tasks.size).toBe(5);
    expect(workflow.roots).toEqual(['task_a-0']);
    expect(workflow.sinks).toEqual(['task_a-3']);
    expect(workflow.tasks.get('task_b-0')!.upstream).toEqual(['task_a-1', 'task_a-2']);
    expect(workflow.tasks.get('task_a-0')!.downstream).toEqual(['task_a-1', 'task_a-2']);
    expect(workflow.graph.order).toBe(5);
    expect(workflow.graph.size).toBe(5);
    expect(workflow.generations).toEqual([['task_a-0'], ['task_a-1', 'task_a-2'], ['task_b-0'], ['task_a-3']]);
    expect(functionNames(workflow)).toEqual(['task_a', 'task_b']);
  });

  it('takes arrays of handles as a fan-in and carries per-task options', () => {
    const wf = workflowBuilder('fanin');
    const leaf = wf.fn('leaf');
    const leaves = [0, 1, 2].map((i) => leaf.with({ id: `leaf${i}`, staticInputBytes: 100 * (i + 1) })());
    const sink = wf.fn('sum').with({ optimizations: [{ kind: 'pre-load' }] })(leaves);
    const workflow = wf.build();
    expect(workflow.tasks.get(sink.taskId)!.upstream).toEqual(['leaf0', 'leaf1', 'leaf2']);
    expect(workflow.tasks.get('leaf2')!.staticInputBytes).toBe(300);
    expect(workflow.tasks.get(sink.taskId)!.optimizations).toEqual([{ kind: 'pre-load' }]);
  });

  it('refuses a handle from another workflow', () => {
    const other = workflowBuilder('other').fn('x')();
    const wf = workflowBuilder('mine');
    expectValidationError(() => wf.fn('y')(other), 'invalid-field', /not a task handle of this workflow/);
  });

  it('topological order puts every upstream first', () => {
    const wf = workflowBuilder('diamond');
    const f = wf.fn('f');
    const a = f();
    f(f(a), f(a), a);
    const workflow = wf.build();
    const position = new Map(workflow.topologicalOrder.map((id, i) => [id, i]));
    for (const task of workflow.tasks.values()) {
      for (const up of task.upstream) expect(position.get(up)!).toBeLessThan(position.get(task.id)!);
    }
  });
});

describe('validation errors', () => {
  const t = (id: string, upstream: string[] = [], functionName = 'f'): TaskSpec => ({ id, functionName, upstream });

  it('rejects an empty workflow', () => {
    expectValidationError(() => createWorkflow('w', []), 'empty', /workflow 'w': has no tasks/);
  });

  it('rejects a duplicate id and names it', () => {
    const e = expectValidationError(() => createWorkflow('w', [t('a'), t('b', ['a']), t('a')]), 'duplicate-id', /task id 'a' is declared twice/);
    expect(e.taskIds).toEqual(['a']);
  });

  it('rejects an unknown dependency naming both tasks', () => {
    expectValidationError(() => createWorkflow('w', [t('a'), t('b', ['zz'])]), 'unknown-dependency', /task 'b' depends on unknown task 'zz'/);
  });

  it('rejects a cycle naming the tasks on it, in order', () => {
    const e = expectValidationError(
      () => createWorkflow('w', [t('root'), t('a', ['root', 'c']), t('b', ['a']), t('c', ['b']), t('out', ['c'])]),
      'cycle',
      /has a cycle: /,
    );
    expect(new Set(e.taskIds)).toEqual(new Set(['a', 'b', 'c']));
    expect(e.taskIds).toHaveLength(3);
    // Each task on the reported cycle consumes the previous one's output.
    const specs = new Map([['a', ['root', 'c']], ['b', ['a']], ['c', ['b']]]);
    e.taskIds.forEach((id, i) => {
      const next = e.taskIds[(i + 1) % e.taskIds.length]!;
      expect(specs.get(next)).toContain(id);
    });
    expect(e.message).not.toContain('root');
  });

  it('rejects a self-dependency as a cycle of one', () => {
    expectValidationError(() => createWorkflow('w', [t('a', ['a'])]), 'cycle', /a -> a/);
  });

  it('finds a cycle in a long chain without overflowing the stack', () => {
    const specs = Array.from({ length: 50_000 }, (_, i) => t(`n${i}`, i === 0 ? ['n49999'] : [`n${i - 1}`]));
    const e = expectValidationError(() => createWorkflow('long', specs), 'cycle', /has a cycle/);
    expect(e.taskIds).toHaveLength(50_000);
  });

  it('rejects malformed fields naming the task and field', () => {
    expectValidationError(() => createWorkflow('w', [{ id: 'a', functionName: '', upstream: [] }]), 'invalid-field', /task 'a': field 'functionName'/);
    expectValidationError(() => createWorkflow('w', [{ id: 'a', functionName: 'f', upstream: [], staticInputBytes: -1 }]), 'invalid-field', /field 'staticInputBytes'/);
    expectValidationError(() => createWorkflow('w', [{ id: '', functionName: 'f', upstream: [] }]), 'invalid-field', /field 'id'/);
  });

  it('allows several sinks (real workflows have them)', () => {
    const workflow = createWorkflow('w', [t('a'), t('b', ['a']), t('c', ['a'])]);
    expect(workflow.sinks).toEqual(['b', 'c']);
  });

  it('collapses a repeated argument into one dependency', () => {
    const workflow = createWorkflow('w', [t('a'), t('b', ['a', 'a'])]);
    expect(workflow.tasks.get('b')!.upstream).toEqual(['a']);
    expect(workflow.graph.size).toBe(1);
  });
});
