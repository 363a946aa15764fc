/**
 * Destroy for any step that owns resource tasks: what to delete (state plus a sweep by
 * tag / deterministic name) and the deletion itself, in reverse dependency order. One
 * service that cannot be read or one resource that cannot be deleted does not stop the
 * rest: destroy deletes what it can and says what is left, so a re-run finishes the job.
 */
import { awsCallFailureOf, describeFailure } from '../../errors.js';
import { runGraphSettled } from './graph.js';
import { ResourceLeftInPlace } from './ownership.js';
import type { ResourceTask, TaskContext } from './task.js';

export interface DestroyTarget {
  key: string;
  type: string;
  id: string;
  /** Found by tag but not in state: left behind by an old crash. */
  orphan: boolean;
}

/** A task whose sweep (findAll) failed: what it made may still exist unseen. */
export interface InventoryFailure {
  key: string;
  type: string;
  /** The AWS call that failed and its service, when the failure was an AWS call's. */
  operation?: string;
  service?: string;
  error: string;
}

export interface DestroyInventory {
  targets: DestroyTarget[];
  notInventoried: InventoryFailure[];
}

/**
 * What destroy would delete: every resource of `tasks` this project created — from state,
 * and from each task's findAll() sweep so orphans of an old crash or of an earlier config
 * go too. Adopted resources (configured ids) are never included. A sweep that fails is
 * reported, and the resource state recorded for that task is still a target.
 */
export async function destroyTargets(t: TaskContext, tasks: readonly ResourceTask[]): Promise<DestroyInventory> {
  const inventory: DestroyInventory = { targets: [], notInventoried: [] };
  for (const task of tasks) {
    const ids = new Map<string, boolean>();
    const recorded = t.step.resource(task.key);
    if (recorded && !recorded.adopted) ids.set(recorded.id, false);
    try {
      for (const found of (await task.findAll?.(t)) ?? []) {
        if (!found.adopted && !ids.has(found.id)) ids.set(found.id, true);
      }
    } catch (err) {
      t.step.signal.throwIfAborted();
      const call = awsCallFailureOf(err);
      inventory.notInventoried.push({
        key: task.key,
        type: task.type,
        ...(call ? { operation: call.operation, service: call.service } : {}),
        error: describeFailure(err),
      });
    }
    for (const [id, orphan] of ids) inventory.targets.push({ key: task.key, type: task.type, id, orphan });
  }
  return inventory;
}

export interface DestroyOutcome {
  deleted: DestroyTarget[];
  /** The deletion was tried and failed. */
  failed: Array<DestroyTarget & { error: string }>;
  /** In state, but no longer carrying this project's tag: not deleted. */
  leftInPlace: Array<DestroyTarget & { why: string }>;
  /** Not tried: something that must go first (or could not be listed) is still there. */
  blocked: Array<DestroyTarget & { waitsOn: string[] }>;
}

export const destroyComplete = (outcome: DestroyOutcome): boolean =>
  outcome.failed.length === 0 && outcome.leftInPlace.length === 0 && outcome.blocked.length === 0;

/**
 * Deletes the targets in reverse dependency order (a subnet only after everything in it),
 * independent branches in parallel, each deletion waited for; state forgets each resource
 * as soon as it is gone, so an interrupted destroy resumes where it stopped. A deletion
 * that fails, a resource left in place, and a task whose inventory failed (`notInventoried`)
 * hold back only what depends on them (the VPC, say); the NAT gateways in another branch
 * are still deleted.
 */
export async function destroyResources(
  t: TaskContext,
  tasks: readonly ResourceTask[],
  targets: readonly DestroyTarget[],
  notInventoried: readonly InventoryFailure[] = [],
): Promise<DestroyOutcome> {
  const ctx = t.step;
  const dependents = new Map<string, string[]>(tasks.map((task) => [task.key, []]));
  for (const task of tasks) for (const dep of task.dependsOn) dependents.get(dep)?.push(task.key);
  const reversed = tasks.map((task) => ({ key: task.key, dependsOn: dependents.get(task.key) ?? [], task }));
  const outcome: DestroyOutcome = { deleted: [], failed: [], leftInPlace: [], blocked: [] };
  const unlisted = new Set(notInventoried.map((x) => x.key));

  const settled = await runGraphSettled(reversed, async ({ task }: { task: ResourceTask }) => {
    let stop = unlisted.has(task.key);
    for (const target of targets.filter((x) => x.key === task.key)) {
      ctx.signal.throwIfAborted();
      if (!task.destroy) throw new Error(`internal error: ${task.key} cannot be destroyed`);
      ctx.io.progress('destroy.resource', `${task.key}: deleting ${target.id}`, { key: task.key, id: target.id, status: 'deleting' });
      try {
        await task.destroy(t, target.id);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        stop = true;
        if (err instanceof ResourceLeftInPlace) outcome.leftInPlace.push({ ...target, why: err.why });
        else outcome.failed.push({ ...target, error: describeFailure(err) });
        ctx.io.progress('destroy.resource', `${task.key}: not deleted ${target.id}`, { key: task.key, id: target.id, status: 'failed' });
        continue;
      }
      if (ctx.resource(task.key)?.id === target.id) await ctx.forgetResource(task.key);
      outcome.deleted.push(target);
      ctx.io.progress('destroy.resource', `${task.key}: deleted ${target.id}`, { key: task.key, id: target.id, status: 'deleted' });
    }
    // What stands on this resource (its subnet, its VPC) must wait for a re-run.
    if (stop) throw new HeldBack(task.key);
  });

  for (const err of settled.failed.values()) if (!(err instanceof HeldBack)) throw err;
  for (const [key, waitsOn] of settled.blocked) {
    for (const target of targets.filter((x) => x.key === key)) outcome.blocked.push({ ...target, waitsOn });
  }
  return outcome;
}

/** A node whose own resources (or inventory) were not all dealt with: its dependents wait. */
class HeldBack extends Error {
  constructor(key: string) {
    super(`${key} is still there`);
  }
}
