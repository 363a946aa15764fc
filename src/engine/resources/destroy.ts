/**
 * Destroy for any step that owns resource tasks: what to delete (state plus a sweep by
 * tag / deterministic name) and the deletion itself, in reverse dependency order.
 */
import { runGraph } from './graph.js';
import type { ResourceTask, TaskContext } from './task.js';

export interface DestroyTarget {
  key: string;
  type: string;
  id: string;
  /** Found by tag but not in state: left behind by an old crash. */
  orphan: boolean;
}

/**
 * What destroy would delete: every resource of `tasks` this project created — from state,
 * and from each task's findAll() sweep so orphans of an old crash or of an earlier config
 * go too. Adopted resources (configured ids) are never included.
 */
export async function destroyTargets(t: TaskContext, tasks: readonly ResourceTask[]): Promise<DestroyTarget[]> {
  const targets: DestroyTarget[] = [];
  for (const task of tasks) {
    const ids = new Map<string, boolean>();
    const recorded = t.step.resource(task.key);
    if (recorded && !recorded.adopted) ids.set(recorded.id, false);
    for (const found of (await task.findAll?.(t)) ?? []) {
      if (!found.adopted && !ids.has(found.id)) ids.set(found.id, true);
    }
    for (const [id, orphan] of ids) targets.push({ key: task.key, type: task.type, id, orphan });
  }
  return targets;
}

/**
 * Deletes the targets in reverse dependency order (a subnet only after everything in it),
 * independent branches in parallel, each deletion waited for; state forgets each resource
 * as soon as it is gone, so an interrupted destroy resumes where it stopped.
 */
export async function destroyResources(t: TaskContext, tasks: readonly ResourceTask[], targets: readonly DestroyTarget[]): Promise<void> {
  const ctx = t.step;
  const dependents = new Map<string, string[]>(tasks.map((task) => [task.key, []]));
  for (const task of tasks) for (const dep of task.dependsOn) dependents.get(dep)?.push(task.key);
  const reversed = tasks.map((task) => ({ key: task.key, dependsOn: dependents.get(task.key) ?? [], task }));
  await runGraph(reversed, async ({ task }: { task: ResourceTask }) => {
    for (const target of targets.filter((x) => x.key === task.key)) {
      if (!task.destroy) throw new Error(`internal error: ${task.key} cannot be destroyed`);
      ctx.io.progress('destroy.resource', `${task.key}: deleting ${target.id}`, { key: task.key, id: target.id, status: 'deleting' });
      await task.destroy(t, target.id);
      if (ctx.resource(task.key)?.id === target.id) await ctx.forgetResource(task.key);
      ctx.io.progress('destroy.resource', `${task.key}: deleted ${target.id}`, { key: task.key, id: target.id, status: 'deleted' });
    }
  });
}
