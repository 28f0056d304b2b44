/**
 * The scheduler core: the choreographed worker logic of the OctoFlows thesis (§3.5) and WUKONG as a pure per-worker
 * state machine, `step(state, event) -> { state, commands }`, with no I/O, clock or randomness. The simulator and the
 * real runtime carry out the commands and feed back the events; the decisions live here once.
 *
 * A run: the client issues `initialInvocations(ctx)`; each invoked worker is `createWorker(...)` and gets `invoked`;
 * every awaited command is answered by one event (see `Command`) until the worker issues `shut-down`.
 * `runToCompletion` plays a whole run in memory and is the executable reference for interpreters.
 *
 * State ownership: `step` consumes the state and returns the next one, reusing its internals (O(work done) per step;
 * a 100,000-task run takes a few seconds). Stepping a consumed state throws; `cloneWorkerState` forks one.
 *
 * Fixed workers (a planned worker id) subscribe, gather missing inputs, execute, upload an output only when a
 * consumer runs elsewhere, increment dependency counters, run their own unlocked tasks, invoke the planned worker
 * (with its planned resources) for unlocked tasks elsewhere or send it TASK_READY when it runs, and publish
 * TASK_COMPLETED. Flexible workers (WUKONG) continue one ready child and invoke a new worker per other child; at a
 * fan-in the increment that completes the counter proceeds, the others upload and stop. Clustering, delayed I/O,
 * pre-load, pre-warm, task-dup and the sink are in the modules named after them.
 *
 * Deviations from the reference implementations, on purpose:
 * - Dependency counters (and our worker-start, sinks-done and cleanup-ready counters and TASK_READY records) are
 *   deleted with the intermediates when the run ends; the reference deletes them through the wrong store, so they
 *   leak.
 * - Delayed I/O works: the reference's re-check had an inverted condition, compared the counter with the full
 *   upstream count although the worker's own completion was not counted yet, and stopped after one child, so it never
 *   found a ready child. Ours re-reads every delayed child's counter whenever the worker is idle, runs those that
 *   became ready, and gives up (upload, then increment) after a round that runs nothing. WUKONG sleeps and polls for
 *   up to ~170 s instead; ours never waits idle, since Lambda bills waiting. A counter answer counts the worker's own
 *   unreported completions too, so an increment by another output can also release a delayed child here.
 * - Write before signal everywhere: WUKONG's delayed-I/O give-up increments before writing the output; ours uploads
 *   first, so a worker that sees a complete counter can always read every input.
 * - A fixed worker is started exactly once. The reference invokes a fixed worker whenever no upstream task of the
 *   unlocked task shares its id, which can start a second instance of a running worker. Ours: a worker owning a root
 *   is started by the client; one with a single entry task (no upstream task on the same worker) by the completion
 *   that unlocks it; one with several by whoever wins an atomic worker-start claim; everyone else sends TASK_READY.
 * - TASK_READY is recorded as well as published, and a fixed worker probes the records of its entry tasks once
 *   subscribed, so a TASK_READY sent before it existed is not lost (the reference checks the inputs' existence, which
 *   can run a task before its producer has finished reporting it).
 * - TASK_COMPLETED is published once the producer has finished reporting (upload, increments, hand-offs), not right
 *   after the upload. A fixed worker then runs an owned task as soon as every upstream task is known settled (its own,
 *   TASK_COMPLETED, a duplicate), without waiting for TASK_READY, and nothing it does can outrun a producer's
 *   reporting. Output probes serve pre-load and task-dup only.
 * - A chain (a flexible child whose only upstream task ran here) continues without uploading; WUKONG's code writes
 *   every small output. A flexible child continues only on a worker of its planned resources.
 * - Tasks on one worker run concurrently (as the reference's coroutines); WUKONG runs clustered children one after
 *   another. The interpreter models CPU sharing.
 * - Task-dup (removed from the reference) is back: the core asks for the predicted saving (`estimate-dup-savings`)
 *   and decides against the threshold; the first copy of the output to reach the worker wins, the other is
 *   discarded; a duplicate whose original finishes while it is still gathering inputs is abandoned. Because the
 *   original may still read and write storage after its dependents ran on the copy, the run is cleaned up only once
 *   every sink and every duplicable task's original has reported (`cleanup-ready`); completion is still published as
 *   soon as the sinks are stored.
 * - Several sinks are allowed; the worker whose `sinks-done` increment reaches their number publishes completion.
 * - Static inputs are downloaded (`download-static`) like any input; the reference inlines small ones.
 * - The large-output threshold compares strictly (`>`), as OctoFlows does; WUKONG uses `>=`.
 * - Invocations do not carry inlined inputs (WUKONG and OctoFlows inline up to ~250 KB); every input is downloaded.
 */
export { AWAITED_COMMAND_KINDS, counterKey } from './commands.js';
export type {
  Command,
  CommandKind,
  CounterRef,
  DeleteCountersCommand,
  DeleteIntermediatesCommand,
  DiscardOutputCommand,
  DownloadCommand,
  DownloadStaticCommand,
  EstimateDupSavingsCommand,
  ExecuteCommand,
  IncrementCounterCommand,
  InvokeWorkerCommand,
  PreWarmCommand,
  ProbeOutputsCommand,
  PublishTaskCompletedCommand,
  PublishTaskReadyCommand,
  PublishWorkflowCompletedCommand,
  ReadCounterCommand,
  ShutDownCommand,
  StoreFinalOutputCommand,
  SubscribeCommand,
  UploadCommand,
} from './commands.js';
export type {
  CounterIncrementedEvent,
  CounterReadEvent,
  DownloadDoneEvent,
  DupSavingsEvent,
  ExecDoneEvent,
  FinalOutputStoredEvent,
  InvokedEvent,
  OutputsProbedEvent,
  PreWarmDoneEvent,
  StaticDownloadDoneEvent,
  SubscribedEvent,
  TaskCompletedEvent,
  TaskReadyEvent,
  UploadDoneEvent,
  WorkerEvent,
  WorkerEventKind,
} from './events.js';
export {
  createSchedulerContext,
  DEFAULT_LARGE_OUTPUT_THRESHOLD_BYTES,
  DEFAULT_SCHEDULER_PARAMS,
  WUKONG_OPT_PARAMS,
  type FixedWorkerInfo,
  type SchedulerContext,
  type SchedulerParams,
  type TaskInfo,
} from './context.js';
export { cloneWorkerState, createWorker, workerStatus, type WorkerPhase, type WorkerState, type WorkerStatus } from './worker-state.js';
export { step, type StepResult } from './step.js';
export { initialInvocations } from './launch.js';
export { SchedulerProtocolError } from './protocol-error.js';
export {
  runToCompletion,
  RunInvariantError,
  type ExecutionRecord,
  type InstanceRecord,
  type RunOptions,
  type RunResult,
} from './run-to-completion.js';
