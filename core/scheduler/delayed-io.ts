import type { SchedulerContext } from './context.js';
import { emit, type Outbox } from './outbox.js';
import { commitAll, onDependencyCounter } from './outputs.js';
import type { WorkerData } from './worker-state.js';

/**
 * Delayed I/O, when the worker has nothing else to do: re-read the counter of every delayed child. Children that
 * became ready run here (their large inputs are here); if a round runs nothing, the worker gives up waiting and
 * uploads and reports everything still delayed. The reference's re-check never ran: its condition was inverted,
 * it compared with the full upstream count although this worker's own completion was not yet counted, and it
 * stopped after the first child.
 */
export function startRecheck(w: WorkerData, out: Outbox): void {
  const pending = new Set(w.uncommitted.keys());
  w.recheck = { pending, ranAny: false };
  for (const child of pending) emit(w, out, { kind: 'read-counter', counter: { kind: 'dependencies', taskId: child } });
}

/** A dependency counter read answered (a clustering check, or part of a re-check round). */
export function onDependencyRead(ctx: SchedulerContext, w: WorkerData, out: Outbox, child: string, value: number): void {
  const outcome = onDependencyCounter(ctx, w, out, child, value, undefined);
  const round = w.recheck;
  if (round && round.pending.delete(child)) {
    if (outcome === 'ran-here') round.ranAny = true;
    if (round.pending.size > 0) return;
    w.recheck = null;
    if (!round.ranAny) for (const delayed of [...w.uncommitted.keys()]) commitAll(w, out, delayed);
    return;
  }
  // A clustering check that found the child unready: without delayed I/O, report this output's completion now.
  if (outcome === 'not-ready' && !ctx.params.delayedIo) commitAll(w, out, child);
}
