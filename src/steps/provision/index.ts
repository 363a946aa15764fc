import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { applyGraph, planGraph } from '../../engine/resources/graph.js';
import { taskContext } from '../../engine/resources/context.js';
import { graphHooks } from '../../engine/resources/record.js';
import type { FoundResource, ResourceTask } from '../../engine/resources/task.js';
import { APP_KEYS } from './app-names.js';
import { provisionTasks } from './tasks.js';
import { PROVISION } from '../catalog.js';

function tasksFor(ctx: StepContext): ResourceTask[] {
  return provisionTasks(ctx.config).filter((task) => task.enabled?.(ctx.config) ?? true);
}

/** The landing zone: network, security groups, optional bastion, RDS, DMS infrastructure, and the web tier with app:. */
export const provisionStep: Step = {
  ...PROVISION,

  async plan(ctx): Promise<PlannedChange[]> {
    const tasks = tasksFor(ctx);
    const known = new Set(Object.keys(ctx.state().resources));
    return planGraph(tasks, taskContext(ctx, new Map()), known);
  },

  async apply(ctx) {
    const tasks = tasksFor(ctx);
    const found = new Map<string, FoundResource>();
    const t = taskContext(ctx, found);
    const hooks = graphHooks(ctx, 'provision.resource', found);
    // The IAM roles DMS needs come first, on their own: a role promigrate cannot read or create
    // fails the run before a VPC, NAT gateway or RDS instance is being paid for.
    const roles = tasks.filter((task) => task.type === 'iam:role');
    await applyGraph(roles, t, hooks);
    const done = await applyGraph(tasks.filter((task) => !roles.includes(task)), t, hooks);
    const db = done.get('db.instance')?.outputs ?? {};
    const dms = done.get('dms.instance');
    const lb = done.get(APP_KEYS.loadBalancer)?.outputs;
    return {
      rdsEndpoint: db.address,
      rdsPort: db.port,
      dmsInstanceArn: dms?.arn,
      vpcId: done.get('network.vpc')?.id,
      // The web tier's entry point: cutover's alias target (dns.newTarget: alias:<dnsName>).
      ...(lb ? { appLoadBalancer: { dnsName: lb.dnsName, canonicalHostedZoneId: lb.canonicalHostedZoneId } } : {}),
    };
  },

  async check() {
    // Resuming means re-applying: apply finds every resource already made (by tag or
    // name), creates only what is missing and confirms readiness, all idempotently.
    return { ok: false, reason: 'provision resumes by re-applying idempotently' };
  },
};
