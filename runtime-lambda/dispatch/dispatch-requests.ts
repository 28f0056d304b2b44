import { plannedCompletedWorkMs, waitingInvocation, type DispatchBelief } from '../../core/dispatch/index.js';
import { resourceKey } from '../../core/resources.js';
import type { WorkerInvocation } from '../worker/invocation.js';
import type { DescribeInvocation } from './dispatcher.js';

/** A request as the real dispatcher sees it: its run, workflow, arrival, SLA, class and the belief of its plan. */
export interface DispatchRequest {
  readonly workflow: string;
  /** When the request arrived (epoch ms, the dispatcher's clock). */
  readonly arrivalEpochMs: number;
  readonly slaMs: number;
  readonly priorityClass: number;
  readonly belief: DispatchBelief;
}

/**
 * The requests a real dispatcher serves, by run id: the load driver registers each before it starts the run, and the
 * dispatcher describes each arriving invocation from it as the simulator's runs describe theirs (`waitingInvocation`).
 */
export class DispatchRequests {
  readonly #byRun = new Map<string, DispatchRequest>();

  register(runId: string, request: DispatchRequest): void {
    this.#byRun.set(runId, request);
  }

  forget(runId: string): void {
    this.#byRun.delete(runId);
  }

  /** The dispatcher's `describe`: undefined for a run nobody registered (it then waits in FIFO order). */
  readonly describe: DescribeInvocation = (invocation: WorkerInvocation, seq: number, nowMs: number) => {
    const request = this.#byRun.get(invocation.runId);
    if (!request) return undefined;
    const { seq: _seq, queuedAtMs: _queuedAtMs, ...described } = waitingInvocation(request.belief, {
      seq,
      requestId: invocation.runId,
      workflow: request.workflow,
      taskIds: invocation.taskIds,
      resources: invocation.resources,
      resourcesKey: resourceKey(invocation.resources),
      requestArrivalMs: request.arrivalEpochMs,
      queuedAtMs: nowMs,
      priorityClass: request.priorityClass,
      slaMs: request.slaMs,
      completedWorkMs: plannedCompletedWorkMs(request.belief, invocation.taskIds),
    });
    return described;
  };
}
