import { ConfigError } from '../../core/errors.js';

/**
 * FaaSFlow's graph partitioner (Li et al., ASPLOS'22; the rules of `src/grouping/grouping.py` at lzjzx1122/FaaSFlow
 * a3d1f52 as `shared/research/baselines.md` §1.2 sets them out): every function starts as a group of its own; the
 * longest path through the DAG is found (an edge inside a group costs 1/15 of one across groups), and its edges are
 * tried heaviest first for a merge of their two groups, subject to the group limit, a node with enough free container
 * slots (best fit) and FaaStore's memory budget; the first merge that passes is made and the path found again, until
 * one group remains or no edge of the path can be merged. A pure function of its input: the same graph gives the same
 * partition.
 *
 * Where the published code is not deterministic, this is: the initial placement is round-robin over the nodes in the
 * breadth-first order of the functions (the code uses `hash(group) % n`, Python's salted string hash, different in
 * every process), and ties between equally good nodes go to the lowest-numbered one.
 */

/** One function of the workflow as the partitioner sees it. */
export interface PartitionFunction {
  readonly name: string;
  /** Its run time (the YAML's `runtime`, in ms here). */
  readonly runtimeMs: number;
  /** Σ of its output sizes; every out-edge carries this weight (`nextDis`). */
  readonly outputBytes: number;
  /** Successors, in the order the workflow declares them. */
  readonly next: readonly string[];
  /** Container slots its group reserves on a node (`scale`; every FaaSFlow benchmark uses 3). */
  readonly scale?: number;
  /** Share of a container's memory the function itself uses (`mem_usage`; 0.25 in every benchmark). */
  readonly memUsage?: number;
  /** Foreach fan-out (`split_ratio`, default 1): counts in the memory budget only. */
  readonly splitRatio?: number;
}

/** The partitioner's constants (`config/config.py`), and the cluster it places groups on. */
export interface PartitionConfig {
  /** Worker nodes (FaaSFlow's evaluation: 7). */
  readonly nodes: number;
  /** Container slots per node the partitioner may use (0.8 × 120 = 96). */
  readonly slotsPerNode: number;
  /** Bytes per ms that turn an edge's bytes into its weight (25 MB/s ÷ 4 = 6,553,600 B/s). */
  readonly networkBytesPerMs: number;
  /** An edge inside a group costs its weight ÷ this (worker memory against the network: 15). */
  readonly netMemBandwidthRatio: number;
  /** Memory of one container (256 MiB). */
  readonly containerMemBytes: number;
  /** Share of a container kept in reserve (0.2). */
  readonly reservedMemFraction: number;
  /** Most functions in one group (100). */
  readonly groupLimit: number;
}

/** FaaSFlow's constants (`config/config.py` and `node_info.yaml` at a3d1f52) on its evaluation's 7 worker nodes. */
export const FAASFLOW_PARTITION_CONFIG: PartitionConfig = {
  nodes: 7,
  slotsPerNode: 96,
  networkBytesPerMs: 6_553_600 / 1000,
  netMemBandwidthRatio: 15,
  containerMemBytes: 256 * 1024 * 1024,
  reservedMemFraction: 0.2,
  groupLimit: 100,
};

/** Defaults of the per-function fields every FaaSFlow benchmark sets the same way. */
export const FAASFLOW_FUNCTION_DEFAULTS = { scale: 3, memUsage: 0.25, splitRatio: 1 } as const;

/** Where a function writes its output: worker memory (FaaStore), remote storage, or both. */
export type DataPath = 'MEM' | 'DB' | 'DB+MEM';

/** Why a merge was refused, or that it was made. */
export type MergeOutcome = 'merged' | 'same-group' | 'group-limit' | 'scale' | 'memory';

/** The partition of a workflow. */
export interface Partition {
  /** Groups in the order they were formed (each group's functions in breadth-first order). */
  readonly groups: readonly (readonly string[])[];
  readonly groupOf: ReadonlyMap<string, number>;
  /** Node of each group (index into `groups`). */
  readonly nodeOfGroup: readonly number[];
  readonly dataPath: ReadonlyMap<string, DataPath>;
  /** Slots each node has reserved at the end. */
  readonly slotsUsed: readonly number[];
  /** Output bytes charged against FaaStore's budget, and the budget. */
  readonly memoryChargedBytes: number;
  readonly memoryBudgetBytes: number;
  /** The longest path of the last round, start to end. */
  readonly criticalPath: readonly string[];
  /** Every merge tried, in order, with its outcome. */
  readonly merges: readonly { readonly from: string; readonly to: string; readonly weightMs: number; readonly outcome: MergeOutcome }[];
}

interface Group {
  readonly id: number;
  members: string[];
  node: number;
  slots: number;
  alive: boolean;
}

/** Partitions `functions` (see the module's doc). Functions without a predecessor are the start functions. */
export function partitionWorkflow(functions: readonly PartitionFunction[], config: PartitionConfig = FAASFLOW_PARTITION_CONFIG): Partition {
  const byName = checkGraph(functions, config);
  const order = breadthFirst(functions, byName);
  const scaleOf = (name: string) => byName.get(name)!.scale ?? FAASFLOW_FUNCTION_DEFAULTS.scale;
  const budget = functions.reduce(
    (sum, f) => sum + (1 - config.reservedMemFraction - (f.memUsage ?? FAASFLOW_FUNCTION_DEFAULTS.memUsage)) * config.containerMemBytes * (f.splitRatio ?? FAASFLOW_FUNCTION_DEFAULTS.splitRatio),
    0,
  );

  // Init: one group per function, round-robin over the nodes in breadth-first order, each reserving its scale.
  const slotsUsed = new Array<number>(config.nodes).fill(0);
  const groups: Group[] = order.map((name, i) => ({ id: i, members: [name], node: i % config.nodes, slots: scaleOf(name), alive: true }));
  const groupOf = new Map<string, Group>(groups.map((g) => [g.members[0]!, g]));
  for (const g of groups) slotsUsed[g.node]! += g.slots;
  const charged = new Set<string>();
  let chargedBytes = 0;
  const merges: { from: string; to: string; weightMs: number; outcome: MergeOutcome }[] = [];
  const weightOf = (from: string, to: string) => {
    const w = byName.get(from)!.outputBytes / config.networkBytesPerMs;
    return groupOf.get(from) === groupOf.get(to) ? w / config.netMemBandwidthRatio : w;
  };

  const tryMerge = (from: string, to: string): MergeOutcome => {
    const a = groupOf.get(from)!;
    const b = groupOf.get(to)!;
    if (a === b) return 'same-group';
    if (a.members.length + b.members.length > config.groupLimit) return 'group-limit';
    const extraBytes = charged.has(from) ? 0 : byName.get(from)!.outputBytes;
    // Best fit: with both groups' slots given back, the node with the fewest free slots that still holds both.
    slotsUsed[a.node]! -= a.slots;
    slotsUsed[b.node]! -= b.slots;
    const need = a.slots + b.slots;
    let best = -1;
    for (let node = 0; node < config.nodes; node++) {
      const free = config.slotsPerNode - slotsUsed[node]!;
      if (free >= need && (best < 0 || free < config.slotsPerNode - slotsUsed[best]!)) best = node;
    }
    const outcome: MergeOutcome = best < 0 ? 'scale' : chargedBytes + extraBytes > budget ? 'memory' : 'merged';
    if (outcome !== 'merged') {
      slotsUsed[a.node]! += a.slots;
      slotsUsed[b.node]! += b.slots;
      return outcome;
    }
    if (!charged.has(from)) {
      charged.add(from);
      chargedBytes += extraBytes;
    }
    a.members = [...a.members, ...b.members];
    a.slots = need;
    a.node = best;
    slotsUsed[best]! += need;
    b.alive = false;
    for (const name of b.members) groupOf.set(name, a);
    return 'merged';
  };

  let criticalPath: string[] = [];
  for (;;) {
    const { path, edges } = longestPath(functions, order, byName, weightOf);
    criticalPath = path;
    if (groups.filter((g) => g.alive).length === 1) break;
    // Heaviest first; equal weights keep the path's order from its end back to its start.
    edges.sort((x, y) => y.weightMs - x.weightMs);
    let merged = false;
    for (const edge of edges) {
      const outcome = tryMerge(edge.from, edge.to);
      merges.push({ ...edge, outcome });
      if (outcome === 'merged') {
        merged = true;
        break;
      }
    }
    if (!merged) break;
  }

  const alive = groups.filter((g) => g.alive);
  const index = new Map(alive.map((g, i) => [g, i]));
  const position = new Map(order.map((name, i) => [name, i]));
  const dataPath = new Map<string, DataPath>();
  for (const f of functions) {
    const mine = groupOf.get(f.name);
    const same = f.next.filter((n) => groupOf.get(n) === mine).length;
    dataPath.set(f.name, same === 0 ? 'DB' : same === f.next.length ? 'MEM' : 'DB+MEM');
  }
  return {
    groups: alive.map((g) => [...g.members].sort((x, y) => position.get(x)! - position.get(y)!)),
    groupOf: new Map(functions.map((f) => [f.name, index.get(groupOf.get(f.name)!)!])),
    nodeOfGroup: alive.map((g) => g.node),
    dataPath,
    slotsUsed,
    memoryChargedBytes: chargedBytes,
    memoryBudgetBytes: budget,
    criticalPath,
    merges,
  };
}

/**
 * The longest path by Kahn's order from the start functions: dist(start) = its run time, dist(v) = max over
 * predecessors of dist(u) + w(u, v) + run time(v); among equal distances the path whose largest edge is larger wins.
 * The end is the first function (in declaration order) of greatest distance. Returns the path and its edges from the
 * end back to the start.
 */
function longestPath(
  functions: readonly PartitionFunction[],
  order: readonly string[],
  byName: ReadonlyMap<string, PartitionFunction>,
  weightOf: (from: string, to: string) => number,
): { path: string[]; edges: { from: string; to: string; weightMs: number }[] } {
  const inDegree = new Map<string, number>(functions.map((f) => [f.name, 0]));
  for (const f of functions) for (const n of f.next) inDegree.set(n, inDegree.get(n)! + 1);
  const dist = new Map<string, { ms: number; maxEdgeMs: number }>();
  const prev = new Map<string, { from: string; weightMs: number }>();
  const queue = order.filter((name) => inDegree.get(name) === 0);
  for (const name of queue) dist.set(name, { ms: byName.get(name)!.runtimeMs, maxEdgeMs: 0 });
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head]!;
    const here = dist.get(from)!;
    for (const to of byName.get(from)!.next) {
      const w = weightOf(from, to);
      const candidate = here.ms + w + byName.get(to)!.runtimeMs;
      const maxEdgeMs = Math.max(here.maxEdgeMs, w);
      const seen = dist.get(to);
      if (!seen || seen.ms < candidate || (seen.ms === candidate && maxEdgeMs > seen.maxEdgeMs)) {
        dist.set(to, { ms: candidate, maxEdgeMs });
        prev.set(to, { from, weightMs: w });
      }
      const left = inDegree.get(to)! - 1;
      inDegree.set(to, left);
      if (left === 0) queue.push(to);
    }
  }
  let end = functions[0]!.name;
  for (const f of functions) if (dist.get(f.name)!.ms > dist.get(end)!.ms) end = f.name;
  const edges: { from: string; to: string; weightMs: number }[] = [];
  const path = [end];
  for (let at = end; prev.has(at); at = prev.get(at)!.from) {
    const p = prev.get(at)!;
    edges.push({ from: p.from, to: at, weightMs: p.weightMs });
    path.unshift(p.from);
  }
  return { path, edges };
}

/** Functions in breadth-first order from the start functions (declaration order among equals). */
function breadthFirst(functions: readonly PartitionFunction[], byName: ReadonlyMap<string, PartitionFunction>): string[] {
  const hasParent = new Set(functions.flatMap((f) => f.next));
  const order = functions.filter((f) => !hasParent.has(f.name)).map((f) => f.name);
  const seen = new Set(order);
  for (let head = 0; head < order.length; head++) {
    for (const n of byName.get(order[head]!)!.next) {
      if (!seen.has(n)) {
        seen.add(n);
        order.push(n);
      }
    }
  }
  return order;
}

function checkGraph(functions: readonly PartitionFunction[], config: PartitionConfig): Map<string, PartitionFunction> {
  if (functions.length === 0) throw new ConfigError('faasflow partition: the workflow has no functions');
  if (!(Number.isInteger(config.nodes) && config.nodes >= 1)) throw new ConfigError(`faasflow partition: nodes must be a whole number >= 1, got ${config.nodes}`);
  const byName = new Map<string, PartitionFunction>();
  for (const f of functions) {
    if (byName.has(f.name)) throw new ConfigError(`faasflow partition: function '${f.name}' is given twice`);
    byName.set(f.name, f);
  }
  for (const f of functions) {
    for (const n of f.next) if (!byName.has(n)) throw new ConfigError(`faasflow partition: function '${f.name}' names an unknown successor '${n}'`);
    if (!(f.runtimeMs >= 0 && Number.isFinite(f.runtimeMs))) throw new ConfigError(`faasflow partition: function '${f.name}': runtimeMs must be a finite number >= 0`);
    if (!(f.outputBytes >= 0 && Number.isFinite(f.outputBytes))) throw new ConfigError(`faasflow partition: function '${f.name}': outputBytes must be a finite number >= 0`);
    const scale = f.scale ?? FAASFLOW_FUNCTION_DEFAULTS.scale;
    if (!(Number.isInteger(scale) && scale >= 0 && scale <= config.slotsPerNode)) {
      throw new ConfigError(`faasflow partition: function '${f.name}': scale must be a whole number from 0 to the ${config.slotsPerNode} slots of a node`);
    }
  }
  // Every function must be reachable from a start function, and the graph acyclic (Kahn's order covers it all).
  const inDegree = new Map<string, number>(functions.map((f) => [f.name, 0]));
  for (const f of functions) for (const n of f.next) inDegree.set(n, inDegree.get(n)! + 1);
  const ready = functions.filter((f) => inDegree.get(f.name) === 0).map((f) => f.name);
  let visited = 0;
  while (ready.length > 0) {
    const name = ready.pop()!;
    visited++;
    for (const n of byName.get(name)!.next) {
      inDegree.set(n, inDegree.get(n)! - 1);
      if (inDegree.get(n) === 0) ready.push(n);
    }
  }
  if (visited !== functions.length) throw new ConfigError('faasflow partition: the workflow has a cycle');
  return byName;
}

/** A workflow's tasks as the partitioner's functions: each task one function, its successors its downstream tasks. */
export function partitionFunctions(
  workflow: { readonly tasks: ReadonlyMap<string, { readonly id: string; readonly downstream: readonly string[] }> },
  runtimeMs: (taskId: string) => number,
  outputBytes: (taskId: string) => number,
): PartitionFunction[] {
  return [...workflow.tasks.values()].map((task) => ({ name: task.id, runtimeMs: runtimeMs(task.id), outputBytes: outputBytes(task.id), next: task.downstream }));
}
