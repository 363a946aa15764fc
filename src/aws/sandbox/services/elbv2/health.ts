/**
 * Target health, derived from the clock, as the TargetHealth reference (State and Reason
 * codes) and the ALB Guide's "Health checks for your target groups" describe it:
 *
 * - `unused` / Target.NotInUse while no listener of a load balancer forwards to the group, or
 *   the target's Availability Zone is not enabled for that load balancer;
 * - `unused` / Target.InvalidState for an instance that is stopped or terminated;
 * - `initial` / Elb.RegistrationInProgress until health checks can start (the target is
 *   registered and running, the group is in use, the load balancer is active);
 * - `initial` / Elb.InitialHealthChecking for one HealthCheckIntervalSeconds: "After your target
 *   is registered, it must pass one health check to be considered healthy";
 * - `healthy` after that (the sandbox has no failing application behind a target);
 * - `draining` / Target.DeregistrationInProgress for the deregistration delay after
 *   DeregisterTargets, then the target is gone.
 */
import type { TargetHealth } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SimContext } from '../../types.js';
import { ec2State, instanceState } from '../ec2/store.js';
import { activeSince, listenersForwardingTo, type ElbSlice, type TargetGroupRec, type TargetRec } from './state.js';

/** Registered (or draining) targets as of now: registrations scheduled for later and finished drains are left out. */
export function currentTargets(ctx: SimContext, tg: TargetGroupRec): TargetRec[] {
  const now = ctx.now();
  return tg.targets.filter((t) => t.registeredAt <= now && (t.drainUntil === undefined || now < t.drainUntil));
}

export function targetHealth(ctx: SimContext, s: ElbSlice, tg: TargetGroupRec, t: TargetRec): TargetHealth {
  const now = ctx.now();
  if (t.deregisteredAt !== undefined) {
    return { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' };
  }
  const inst = ec2State(ctx).instances[t.id];
  const state = inst ? instanceState(ctx, inst) : 'terminated';
  if (state === 'shutting-down' || state === 'terminated') {
    return { State: 'unused', Reason: 'Target.InvalidState', Description: `Target is in the ${state === 'shutting-down' ? 'terminated' : state} state` };
  }
  const listeners = listenersForwardingTo(s, tg.arn);
  if (listeners.length === 0) {
    return { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' };
  }
  const serving = listeners.filter((l) => s.loadBalancers[l.loadBalancerArn]!.zones.some((z) => z.availabilityZone === inst!.az));
  if (serving.length === 0) {
    return { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target is in an Availability Zone that is not enabled for the load balancer' };
  }
  const inUseSince = Math.min(...serving.map((l) => Math.max(l.forwardSince[tg.arn] ?? l.createdAt, activeSince(ctx, s.loadBalancers[l.loadBalancerArn]!))));
  const checksStart = Math.max(t.registeredAt, inst!.launched + ctx.durations.ec2InstanceStart, inUseSince);
  if (now < checksStart) {
    return { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' };
  }
  if (now < checksStart + tg.healthCheck.intervalSeconds * 1000) {
    return { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' };
  }
  return { State: 'healthy' };
}
