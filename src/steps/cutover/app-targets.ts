/**
 * With `app:`: the load balancer must have healthy targets before DNS points at it — as
 * many as the group's minimum (at least one), by the target group's own health checks
 * (ELBv2 DescribeTargetHealth). The gate shows the count; the switch first waits for it on
 * the injectable clock (instances replaced since provision may still be registering).
 */
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { waitFor } from '../../aws/wait.js';
import type { StepContext } from '../../engine/step.js';

const MINUTE = 60_000;

export interface TargetCount {
  healthy: number;
  total: number;
  needed: number;
}

export function appTargetGroup(ctx: StepContext): string | undefined {
  return ctx.config.app ? ctx.resource('app.target-group')?.id : undefined;
}

export async function countHealthyTargets(ctx: StepContext, targetGroupArn: string): Promise<TargetCount> {
  const elb = await ctx.aws.elbv2;
  const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))).TargetHealthDescriptions ?? [];
  return { healthy: health.filter((h) => h.TargetHealth?.State === 'healthy').length, total: health.length, needed: Math.max(1, ctx.config.app?.minSize ?? 1) };
}

export const describeTargets = (c: TargetCount): string => `${c.healthy} of ${c.total} target(s) healthy (${c.needed} needed)`;

export async function waitForHealthyTargets(ctx: StepContext): Promise<void> {
  const arn = appTargetGroup(ctx);
  if (!arn) return;
  await waitFor({
    what: 'the load balancer\'s targets',
    describe: () => countHealthyTargets(ctx, arn),
    done: (c) => c.healthy >= c.needed,
    status: describeTargets,
    clock: ctx.clock,
    signal: ctx.signal,
    timeoutMs: 10 * MINUTE,
    pollMs: 15_000,
    readyLabel: 'healthy',
    hint: `Check the target group's health checks (app.healthCheckPath ${ctx.config.app?.healthCheckPath ?? '/'}) and the instances, then run cutover again: nothing in DNS was changed.`,
  });
}
