import type { PlannedChange } from '../step.js';
import { explainingRefusals } from './refused.js';
import type { FoundResource, ResourceTask, TaskContext } from './task.js';

export interface GraphHooks {
  /** Saves the resource to state at once (before any wait). */
  record(task: ResourceTask, found: FoundResource): Promise<void>;
  /** Progress: `found`, `creating`, `waiting`, `ready`, with elapsed simulated/real time. */
  progress(task: ResourceTask, status: string, elapsedMs: number): void;
  now(): number;
}

export interface GraphNode {
  key: string;
  dependsOn: readonly string[];
}

/**
 * Runs each node as soon as the nodes it depends on are done, many at once (RDS and the
 * DMS instance are waited for concurrently). Dependencies on keys outside the graph are
 * ignored. After a failure no new node starts; the ones in flight finish, then the first
 * error is thrown.
 */
export async function runGraph<N extends GraphNode, R>(nodes: readonly N[], run: (node: N) => Promise<R>): Promise<Map<string, R>> {
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const done = new Map<string, R>();
  const pending = new Set(nodes.map((node) => node.key));
  const running = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;

  while (pending.size > 0 || running.size > 0) {
    if (!failure) {
      for (const key of [...pending]) {
        const node = byKey.get(key)!;
        if (!node.dependsOn.every((dep) => done.has(dep) || !byKey.has(dep))) continue;
        pending.delete(key);
        running.set(
          key,
          run(node)
            .then((result) => void done.set(key, result), (error: unknown) => void (failure ??= { error }))
            .finally(() => running.delete(key)),
        );
      }
    }
    if (running.size === 0) {
      if (failure) throw failure.error;
      if (pending.size > 0) throw new Error(`internal error: graph nodes wait on each other: ${[...pending].join(', ')}`);
      break;
    }
    await Promise.race(running.values());
  }
  if (failure) throw failure.error;
  return done;
}

export interface SettledGraph<R> {
  done: Map<string, R>;
  failed: Map<string, unknown>;
  /** Never started: a node it depends on failed (or was blocked); the value names those nodes. */
  blocked: Map<string, string[]>;
}

/**
 * Like runGraph, but a failure stops only the nodes that depend on the failed one; every
 * other branch still runs to the end (destroy deletes what it can). `failFirst` marks nodes
 * as failed before anything runs.
 */
export async function runGraphSettled<N extends GraphNode, R>(
  nodes: readonly N[],
  run: (node: N) => Promise<R>,
  failFirst: ReadonlyMap<string, unknown> = new Map(),
): Promise<SettledGraph<R>> {
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const settled: SettledGraph<R> = { done: new Map(), failed: new Map(failFirst), blocked: new Map() };
  const pending = new Set(nodes.map((node) => node.key).filter((key) => !failFirst.has(key)));
  const running = new Map<string, Promise<void>>();
  const stopped = (key: string): boolean => settled.failed.has(key) || settled.blocked.has(key);

  for (;;) {
    for (const key of [...pending]) {
      const deps = byKey.get(key)!.dependsOn.filter((dep) => byKey.has(dep));
      const waitsOn = deps.filter(stopped);
      if (waitsOn.length > 0) {
        pending.delete(key);
        settled.blocked.set(key, waitsOn);
        continue;
      }
      if (!deps.every((dep) => settled.done.has(dep))) continue;
      pending.delete(key);
      running.set(
        key,
        run(byKey.get(key)!)
          .then((result) => void settled.done.set(key, result), (error: unknown) => void settled.failed.set(key, error))
          .finally(() => running.delete(key)),
      );
    }
    if (running.size === 0) {
      // A block found late can unblock nothing, but it can block more: look again until stable.
      if ([...pending].some((key) => byKey.get(key)!.dependsOn.some(stopped))) continue;
      if (pending.size > 0) throw new Error(`internal error: graph nodes wait on each other: ${[...pending].join(', ')}`);
      return settled;
    }
    await Promise.race(running.values());
  }
}

/** Finds or creates every resource, records it at once, then waits until it is usable. */
export async function applyGraph(tasks: readonly ResourceTask[], t: TaskContext, hooks: GraphHooks): Promise<Map<string, FoundResource>> {
  return runGraph(tasks, async (task) => {
    const started = hooks.now();
    let found = await task.find(t);
    if (found) {
      hooks.progress(task, found.adopted ? 'adopted' : 'exists', hooks.now() - started);
    } else {
      hooks.progress(task, 'creating', 0);
      found = await explainingRefusals(task, t, () => task.create(t));
    }
    await hooks.record(task, found);
    if (task.waitReady) {
      hooks.progress(task, 'waiting', hooks.now() - started);
      const ready = found;
      const fresh = await explainingRefusals(task, t, () => task.waitReady!(t, ready));
      if (fresh) {
        found = { ...found, outputs: { ...found.outputs, ...fresh } };
        await hooks.record(task, found);
      }
    }
    hooks.progress(task, 'ready', hooks.now() - started);
    return found;
  });
}

/**
 * The plan: for each task in dependency order, what exists already (found, adopted) and
 * the exact calls that would create the rest, read from the real current state. Tasks
 * below a resource that does not exist yet are planned as creates with `<key>` ids.
 */
export async function planGraph(tasks: readonly ResourceTask[], t: TaskContext, known: Set<string>): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  for (const task of topological(tasks)) {
    const parentsExist = task.dependsOn.every((dep) => known.has(dep) || !tasks.some((x) => x.key === dep));
    const found = parentsExist ? await task.find(t) : undefined;
    if (found) {
      known.add(task.key);
      changes.push({
        action: found.adopted ? 'adopt' : 'noop',
        target: task.key,
        description: `${task.title}: ${found.adopted ? 'adopt' : 'exists'} ${found.id}`,
        details: { id: found.id, dependsOn: task.dependsOn },
      });
      continue;
    }
    const calls = task.planCreate(t);
    changes.push({
      action: 'create',
      target: task.key,
      description: `${task.title}: ${calls.map((c) => c.operation).join(' + ')}${task.dependsOn.length ? ` (after ${task.dependsOn.join(', ')})` : ''}`,
      details: { calls, dependsOn: task.dependsOn },
    });
  }
  return changes;
}

export function topological(tasks: readonly ResourceTask[]): ResourceTask[] {
  const byKey = new Map(tasks.map((task) => [task.key, task]));
  const out: ResourceTask[] = [];
  const seen = new Set<string>();
  const visit = (task: ResourceTask): void => {
    if (seen.has(task.key)) return;
    seen.add(task.key);
    for (const dep of task.dependsOn) {
      const parent = byKey.get(dep);
      if (parent) visit(parent);
    }
    out.push(task);
  };
  tasks.forEach(visit);
  return out;
}
