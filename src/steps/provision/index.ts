import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { applyGraph, planGraph } from './graph.js';
import { taskContext } from './context.js';
import type { FoundResource, ResourceTask } from './task.js';
import { provisionTasks } from './tasks.js';

function tasksFor(ctx: StepContext): ResourceTask[] {
  return provisionTasks(ctx.config).filter((task) => task.enabled?.(ctx.config) ?? true);
}

/** The landing zone: network, security groups, optional bastion, RDS, DMS infrastructure. */
export const provisionStep: Step = {
  id: 'provision',
  title: 'build the AWS landing zone: private two-AZ network, RDS, DMS replication instance',
  dependsOn: ['assess'],

  async plan(ctx): Promise<PlannedChange[]> {
    const tasks = tasksFor(ctx);
    const known = new Set(Object.keys(ctx.state().resources));
    return planGraph(tasks, taskContext(ctx, new Map()), known);
  },

  async apply(ctx) {
    const tasks = tasksFor(ctx);
    const found = new Map<string, FoundResource>();
    const t = taskContext(ctx, found);
    const done = await applyGraph(tasks, t, {
      now: () => ctx.clock.now(),
      record: async (task, resource) => {
        found.set(task.key, resource);
        if (!ctx.resource(task.key) || ctx.resource(task.key)?.id !== resource.id) {
          await ctx.recordResource(task.key, {
            type: task.type,
            id: resource.id,
            ...(resource.arn ? { arn: resource.arn } : {}),
            region: ctx.aws.region,
            ...(resource.adopted ? { adopted: true } : {}),
          });
        }
        const resources = { ...((ctx.self().outputs.resources ?? {}) as Record<string, unknown>) };
        resources[task.key] = { id: resource.id, ...(resource.arn ? { arn: resource.arn } : {}), ...resource.outputs };
        await ctx.setOutputs({ resources });
      },
      progress: (task, status, elapsedMs) =>
        ctx.io.progress('provision.resource', `${task.key}: ${status} (${Math.round(elapsedMs / 1000)} s)`, {
          key: task.key,
          type: task.type,
          status,
          elapsedMs,
        }),
    });
    const db = done.get('db.instance')?.outputs ?? {};
    const dms = done.get('dms.instance');
    return {
      rdsEndpoint: db.address,
      rdsPort: db.port,
      dmsInstanceArn: dms?.arn,
      vpcId: done.get('network.vpc')?.id,
    };
  },

  async check() {
    // Resuming means re-applying: apply finds every resource already made (by tag or
    // name), creates only what is missing and confirms readiness, all idempotently.
    return { ok: false, reason: 'provision resumes by re-applying idempotently' };
  },
};
