/**
 * An interpreter broke the protocol between the core and itself: an event the worker did not ask for, for a task it
 * does not know, after it shut down, or a consumed state stepped again. Always a bug in the caller, never a
 * workflow problem, so the message names the worker and the event.
 */
export class SchedulerProtocolError extends Error {
  override readonly name = 'SchedulerProtocolError';
}
