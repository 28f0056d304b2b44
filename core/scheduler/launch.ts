import type { InvokeWorkerCommand } from './commands.js';
import type { SchedulerContext } from './context.js';

/**
 * What the client does to start a run (thesis §3.5: planning happens on the user's machine, which starts the first
 * workers): one invocation per fixed worker owning root tasks, with all of them, and one flexible worker per
 * flexible root. In the order the roots were declared.
 */
export function initialInvocations(ctx: SchedulerContext): InvokeWorkerCommand[] {
  const invocations: { workerId: string | null; resources: InvokeWorkerCommand['resources']; taskIds: string[] }[] = [];
  const byWorker = new Map<string, string[]>();
  for (const root of ctx.workflow.roots) {
    const info = ctx.tasks.get(root)!;
    if (info.workerId === null) {
      invocations.push({ workerId: null, resources: info.resources, taskIds: [root] });
      continue;
    }
    const existing = byWorker.get(info.workerId);
    if (existing) {
      existing.push(root);
      continue;
    }
    const taskIds = [root];
    byWorker.set(info.workerId, taskIds);
    invocations.push({ workerId: info.workerId, resources: info.resources, taskIds });
  }
  return invocations.map((i) => ({ kind: 'invoke-worker', ...i }));
}
