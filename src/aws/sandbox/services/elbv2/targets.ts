/**
 * ELBv2 targets: RegisterTargets, DeregisterTargets, DescribeTargetHealth (API reference),
 * and the registration calls Auto Scaling makes for its instances.
 *
 * RegisterTargets: "If the target is an EC2 instance, it must be in the running state when you
 * register it", in the target group's VPC. DeregisterTargets: "If the specified target does not
 * exist, the action returns successfully"; a target of a group in use drains for the group's
 * deregistration delay (default 300 s), one of an unused group is gone at once.
 */
import type {
  DeregisterTargetsInput,
  DescribeTargetHealthInput,
  RegisterTargetsInput,
  TargetDescription,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { ec2State, instanceState, instanceVisible } from '../ec2/store.js';
import { currentTargets, targetHealth } from './health.js';
import { elbState, listenersForwardingTo, needTargetGroup, validation, type ElbSlice, type TargetGroupRec } from './state.js';
import { deregistrationDelayMs } from './target-groups.js';

/** "Targets per target group": 1000 (ALB Guide, Quotas). */
const MAX_TARGETS = 1000;

const invalidTarget = (message: string): SimError => new SimError('InvalidTarget', message);

function targetsOf(input: { Targets?: TargetDescription[] }): TargetDescription[] {
  if (!input.Targets?.length) throw validation('At least one target must be specified');
  for (const t of input.Targets) {
    if (!t.Id || !/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(t.Id)) throw invalidTarget(`The target ID '${t.Id ?? ''}' is not a valid instance ID`);
    if (t.Port !== undefined && (t.Port < 1 || t.Port > 65535)) throw validation(`Port '${t.Port}' must be between 1 and 65535`);
  }
  return input.Targets;
}

/** Finished drains are forgotten (called by the mutating operations). */
function prune(ctx: SimContext, tg: TargetGroupRec): void {
  tg.targets = tg.targets.filter((t) => t.drainUntil === undefined || ctx.now() < t.drainUntil);
}

/** Deregisters one target: draining when the group is in use, else removed at once. Returns when it is gone. */
function deregister(ctx: SimContext, s: ElbSlice, tg: TargetGroupRec, id: string, port: number): number {
  const now = ctx.now();
  const inUse = listenersForwardingTo(s, tg.arn).length > 0;
  const until = inUse ? now + deregistrationDelayMs(tg) : now;
  let gone = now;
  tg.targets = tg.targets.flatMap((t) => {
    if (t.id !== id || t.port !== port) return [t];
    if (t.deregisteredAt !== undefined) {
      gone = Math.max(gone, t.drainUntil ?? now);
      return [t];
    }
    // A registration still to come (Auto Scaling registers running instances) or an unused group: gone at once.
    if (t.registeredAt > now || until === now) return [];
    gone = Math.max(gone, until);
    return [{ ...t, deregisteredAt: now, drainUntil: until }];
  });
  return gone;
}

export const targetOperations: ServiceSimulator = {
  RegisterTargets: (input: RegisterTargetsInput, ctx) => {
    const s = elbState(ctx);
    const tg = needTargetGroup(s, input.TargetGroupArn);
    const ec2 = ec2State(ctx);
    const targets = targetsOf(input);
    const missing = targets.filter((t) => !ec2.instances[t.Id!] || !instanceVisible(ctx, ec2.instances[t.Id!]!));
    if (missing.length) throw invalidTarget(`The following targets are not valid instances: '${missing.map((t) => t.Id).join(', ')}'`);
    const otherVpc = targets.filter((t) => ec2.instances[t.Id!]!.vpcId !== tg.vpcId);
    if (otherVpc.length) throw invalidTarget(`The following targets are not in the target group VPC '${tg.vpcId}': '${otherVpc.map((t) => t.Id).join(', ')}'`);
    const notRunning = targets.filter((t) => instanceState(ctx, ec2.instances[t.Id!]!) !== 'running');
    if (notRunning.length) {
      throw invalidTarget(`The following targets are not in a running state and can not be registered: '${notRunning.map((t) => t.Id).join(', ')}'`);
    }
    prune(ctx, tg);
    for (const t of targets) {
      const port = t.Port ?? tg.port;
      const current = tg.targets.find((x) => x.id === t.Id && x.port === port);
      if (current && current.deregisteredAt === undefined) continue;
      tg.targets = tg.targets.filter((x) => x !== current);
      tg.targets.push({ id: t.Id!, port, registeredAt: ctx.now() });
    }
    if (tg.targets.length > MAX_TARGETS) throw new SimError('TooManyTargets', `You've reached the limit of ${MAX_TARGETS} targets for target group '${tg.arn}'`);
    return {};
  },

  DeregisterTargets: (input: DeregisterTargetsInput, ctx) => {
    const s = elbState(ctx);
    const tg = needTargetGroup(s, input.TargetGroupArn);
    prune(ctx, tg);
    for (const t of targetsOf(input)) deregister(ctx, s, tg, t.Id!, t.Port ?? tg.port);
    return {};
  },

  DescribeTargetHealth: (input: DescribeTargetHealthInput, ctx) => {
    const s = elbState(ctx);
    const tg = needTargetGroup(s, input.TargetGroupArn);
    const current = currentTargets(ctx, tg);
    const port = (p: number): string => (tg.healthCheck.port === 'traffic-port' ? String(p) : tg.healthCheck.port);
    const describe = (id: string, p: number): TargetHealthDescription => {
      const t = current.find((x) => x.id === id && x.port === p);
      return {
        Target: { Id: id, Port: p },
        HealthCheckPort: port(p),
        TargetHealth: t ? targetHealth(ctx, s, tg, t) : { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
        AdministrativeOverride: { State: 'no_override', Reason: 'AdministrativeOverride.NoOverride', Description: 'No override is currently active on target' },
      };
    };
    if (input.Targets?.length) {
      const ec2 = ec2State(ctx);
      for (const t of targetsOf(input)) if (!ec2.instances[t.Id!]) throw invalidTarget(`The following targets are not valid instances: '${t.Id}'`);
      return { TargetHealthDescriptions: input.Targets.map((t) => describe(t.Id!, t.Port ?? tg.port)) };
    }
    return { TargetHealthDescriptions: current.map((t) => describe(t.id, t.port)) };
  },
};

// ---- for Auto Scaling -----------------------------------------------------------------------

/** A target group's VPC (Auto Scaling checks its groups' target groups against its subnets). */
export function targetGroupVpc(ctx: SimContext, arn: string): string | undefined {
  return elbState(ctx).targetGroups[arn]?.vpcId;
}

/**
 * Auto Scaling registers an instance it launched once it is running (RegisterTargets' rule),
 * so `at` may lie in the future: the target appears then.
 */
export function registerInstance(ctx: SimContext, tgArn: string, instanceId: string, at: number): void {
  const tg = elbState(ctx).targetGroups[tgArn];
  if (!tg) return;
  prune(ctx, tg);
  tg.targets = tg.targets.filter((t) => !(t.id === instanceId && t.port === tg.port));
  tg.targets.push({ id: instanceId, port: tg.port, registeredAt: at });
}

/** Auto Scaling deregisters an instance it is terminating; returns when its draining ends. */
export function deregisterInstance(ctx: SimContext, tgArn: string, instanceId: string): number {
  const s = elbState(ctx);
  const tg = s.targetGroups[tgArn];
  if (!tg) return ctx.now();
  prune(ctx, tg);
  if (!tg.targets.some((t) => t.id === instanceId && t.port === tg.port)) return ctx.now();
  return deregister(ctx, s, tg, instanceId, tg.port);
}

/** The instance's health in a target group (for HealthCheckType ELB), undefined when not registered. */
export function instanceHealthIn(ctx: SimContext, tgArn: string, instanceId: string): string | undefined {
  const s = elbState(ctx);
  const tg = s.targetGroups[tgArn];
  const t = tg && currentTargets(ctx, tg).find((x) => x.id === instanceId);
  return t && targetHealth(ctx, s, tg, t).State;
}
