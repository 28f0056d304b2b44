import type { Redis } from 'ioredis';
import type { RunKeys } from './keys.js';

/** A notification a worker subscribed to. */
export type RunNotification =
  | { readonly kind: 'task-ready'; readonly taskId: string }
  | { readonly kind: 'task-completed'; readonly taskId: string; readonly uploaded: boolean };

/** What the sink publishes when every sink's final output is stored. */
export interface WorkflowCompletedMessage {
  /** When the completion was published, ms since the run's start. */
  readonly atMs: number;
  /** The worker instance that published it. */
  readonly instanceId: string;
}

/**
 * Publishing side of the run's pub/sub: TASK_READY (recorded, then published, on the command connection so the
 * record is in place before any subscriber hears of it), TASK_COMPLETED and the workflow's completion.
 */
export class RunPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
  ) {}

  /** Records and publishes TASK_READY for `taskId`, in one MULTI so a probe never sees one without the other. */
  async taskReady(taskId: string): Promise<void> {
    await this.redis.multi().set(this.keys.readyRecord(taskId), '1').publish(this.keys.readyChannel(taskId), '1').exec();
  }

  /** Publishes TASK_COMPLETED for `taskId`. */
  async taskCompleted(taskId: string, uploaded: boolean): Promise<void> {
    await this.redis.publish(this.keys.completedChannel(taskId), uploaded ? '1' : '0');
  }

  /**
   * Stores and publishes the run's completion (stored too, so a client that subscribed late still finds it). The
   * first stored completion stays: a sink re-run after a crash publishes again, later.
   */
  async workflowCompleted(message: WorkflowCompletedMessage): Promise<void> {
    const text = JSON.stringify(message);
    await this.redis.multi().set(this.keys.completion, text, 'NX').publish(this.keys.workflowCompletedChannel, text).exec();
  }
}

/**
 * Subscribing side: a dedicated connection (a subscribed Redis connection can run no other command) that turns
 * messages on the run's TASK_READY / TASK_COMPLETED channels into notifications.
 */
export class RunSubscriber {
  private readonly channels = new Map<string, (message: string) => RunNotification>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RunKeys,
    onNotification: (notification: RunNotification) => void,
  ) {
    redis.on('message', (channel: string, message: string) => {
      const decode = this.channels.get(channel);
      if (decode) onNotification(decode(message));
    });
  }

  /** Subscribes to TASK_READY of `readyTaskIds` and TASK_COMPLETED of `completedTaskIds`; resolves once in effect. */
  async subscribe(readyTaskIds: readonly string[], completedTaskIds: readonly string[]): Promise<void> {
    for (const taskId of readyTaskIds) this.channels.set(this.keys.readyChannel(taskId), () => ({ kind: 'task-ready', taskId }));
    for (const taskId of completedTaskIds) {
      this.channels.set(this.keys.completedChannel(taskId), (m) => ({ kind: 'task-completed', taskId, uploaded: m === '1' }));
    }
    const channels = [...readyTaskIds.map((t) => this.keys.readyChannel(t)), ...completedTaskIds.map((t) => this.keys.completedChannel(t))];
    if (channels.length > 0) await this.redis.subscribe(...channels);
  }
}
