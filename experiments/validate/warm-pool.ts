import type { ResourceConfig } from '../../core/resources.js';
import type { TraceRecord } from '../../core/trace-records.js';
import type { DurationSource } from '../../simulator/duration-sources.js';

/** A duration source over a warm pool, and how many of its cold starts per memory size it served warm. */
export interface WarmPoolDurations extends DurationSource {
  readonly servedWarm: ReadonlyMap<number, number>;
}

/**
 * A duration source for simulating a run that starts with idle instances already warm, as a real run does when
 * earlier runs left instances within the keep-alive: the simulator starts with no idle environment, so its first
 * cold starts per memory size are the ones the real platform serves from that pool. The first `idleByMemoryMb[m]`
 * cold starts of memory `m` are therefore warm starts; later ones stay cold (the simulator's own pool, filled by
 * this run's finished workers, is unchanged). The pool size is the experiment's starting state, read before the
 * run (`gateway.instanceCount`), not a fitted or tuned figure.
 */
export function withWarmPool(durations: DurationSource, idleByMemoryMb: ReadonlyMap<number, number>): WarmPoolDurations {
  const left = new Map(idleByMemoryMb);
  const servedWarm = new Map<number, number>();
  return {
    servedWarm,
    ...durations,
    name: `${durations.name}+warm-pool`,
    startupMs(resources: ResourceConfig, start: 'cold' | 'warm'): number {
      const idle = left.get(resources.memoryMb) ?? 0;
      if (start === 'cold' && idle > 0) {
        left.set(resources.memoryMb, idle - 1);
        servedWarm.set(resources.memoryMb, (servedWarm.get(resources.memoryMb) ?? 0) + 1);
        return durations.startupMs(resources, 'warm');
      }
      return durations.startupMs(resources, start);
    },
  };
}

/**
 * The simulated records with the workers the pool served marked warm: the simulator still calls them cold (it decided
 * before asking for the start-up), which would bill them INIT. The simulator asks for start-ups in invocation order,
 * so they are the first `servedWarm[m]` cold workers of memory `m` by invocation time.
 */
export function markPoolStartsWarm(records: readonly TraceRecord[], servedWarm: ReadonlyMap<number, number>): TraceRecord[] {
  const left = new Map(servedWarm);
  const order = records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.type === 'worker' && record.start === 'cold')
    .sort((a, b) => (a.record.type === 'worker' && b.record.type === 'worker' ? a.record.invokedAtMs - b.record.invokedAtMs : 0) || a.index - b.index);
  const warmIndexes = new Set<number>();
  for (const { record, index } of order) {
    if (record.type !== 'worker') continue;
    const n = left.get(record.resources.memoryMb) ?? 0;
    if (n > 0) {
      left.set(record.resources.memoryMb, n - 1);
      warmIndexes.add(index);
    }
  }
  return records.map((record, index) => (warmIndexes.has(index) && record.type === 'worker' ? { ...record, start: 'warm' as const } : record));
}
