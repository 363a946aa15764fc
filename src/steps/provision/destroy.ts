import type { MigrationConfig } from '../../config/schema.js';
import type { StepContext } from '../../engine/step.js';
import { taskContext } from './context.js';
import { runGraph } from './graph.js';
import type { FoundResource, ResourceTask, TaskContext } from './task.js';
import { provisionTasks } from './tasks.js';
import { endpointTasks } from '../sync/endpoints.js';
import { replicationTaskTask } from '../sync/task.js';

export interface DestroyTarget {
  key: string;
  type: string;
  id: string;
  /** Found by tag but not in state: left behind by an old crash. */
  orphan: boolean;
}

export interface DestroyOptions {
  skipFinalSnapshot: boolean;
}

/**
 * Every task an earlier config of this project could have produced: the config with every
 * optional piece switched on and the most AZs, so that destroy also sweeps what a config
 * change left behind (a bastion since disabled, NAT gateways of a former per-AZ layout).
 */
function sweepTasks(config: MigrationConfig): ResourceTask[] {
  return [...provisionTasks(maximal(config)), ...endpointTasks(), replicationTaskTask(noDefinition)];
}

/** Destroy never creates: the replication task's definition is never asked for. */
const noDefinition = (): never => {
  throw new Error('internal error: destroy asked for a replication task definition');
};

function maximal(config: MigrationConfig): MigrationConfig {
  return {
    ...config,
    network: {
      ...config.network,
      azCount: MAX_AZ_COUNT,
      natGateways: 'per-az',
      bastion: true,
      adminCidr: config.network.adminCidr ?? '192.0.2.1/32',
    },
    target: { ...config.target, readReplica: true },
  };
}

const MAX_AZ_COUNT = 6;

/**
 * What destroy would delete: every resource this project created — from state, and from a
 * sweep by promigrate tags / deterministic names so orphans of an old crash or of an
 * earlier config go too. Adopted resources (configured ids) are never included.
 */
export async function destroyTargets(ctx: StepContext): Promise<DestroyTarget[]> {
  const t = taskContext(ctx, new Map());
  const targets: DestroyTarget[] = [];
  for (const task of sweepTasks(ctx.config)) {
    const ids = new Map<string, boolean>();
    const recorded = ctx.resource(task.key);
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
export async function destroyProject(ctx: StepContext, targets: readonly DestroyTarget[], options: DestroyOptions): Promise<void> {
  const tasks = sweepTasks(ctx.config);
  const t: TaskContext & { destroyOptions: DestroyOptions } = { ...taskContext(ctx, new Map<string, FoundResource>()), destroyOptions: options };
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
