/**
 * An Auto Scaling group's instances over time, and how a mutating call brings the group to its
 * desired capacity (Auto Scaling User Guide: "Amazon EC2 Auto Scaling instance lifecycle",
 * "Control which Auto Scaling instances terminate during scale in", "Use Elastic Load Balancing
 * to distribute incoming application traffic in your Auto Scaling group").
 *
 * Lifecycle, derived from the EC2 instance on every call: `Pending` while EC2 says pending,
 * `InService` once running; on scale-in `Terminating`: the instance is deregistered from the
 * group's target groups, waits out their deregistration delay (it keeps running meanwhile), then
 * EC2 terminates it; once EC2 says terminated it leaves the group. An instance terminated outside
 * Auto Scaling is `Unhealthy`, taken out of service and replaced at the group's next change.
 *
 * Launching and terminating happen inside the mutating calls (create, update, set desired
 * capacity, delete), deterministically: new instances go to the Availability Zone with the
 * fewest instances, scale-in picks the AZ with the most and then applies the termination
 * policies (Default: oldest launch template version, then closest to the next instance hour).
 */
import type { SimContext } from '../../types.js';
import { deregisterInstance, registerInstance } from '../elbv2.js';
import { ec2State, instanceState } from '../ec2/store.js';
import { uuid } from '../sim-util.js';
import { launchInstance } from './launch.js';
import { asgState, isoSeconds, type ActivityRec, type AsgInstanceRec, type GroupRec } from './state.js';

export type Lifecycle = 'Pending' | 'InService' | 'Terminating' | 'Terminated';

export function lifecycle(ctx: SimContext, i: AsgInstanceRec): Lifecycle {
  const inst = ec2State(ctx).instances[i.id];
  if (!inst) return 'Terminated';
  const state = instanceState(ctx, inst);
  if (state === 'terminated') return 'Terminated';
  if (i.terminatingAt !== undefined || state === 'shutting-down') return 'Terminating';
  return state === 'pending' ? 'Pending' : 'InService';
}

/** Terminated (or terminating) in EC2 without Auto Scaling having decided it. */
function terminatedOutside(ctx: SimContext, i: AsgInstanceRec): boolean {
  const inst = ec2State(ctx).instances[i.id];
  return i.terminatingAt === undefined && (!inst || (inst.terminatedAt !== undefined && inst.terminatedAt <= ctx.now()));
}

export function healthStatus(ctx: SimContext, i: AsgInstanceRec): 'Healthy' | 'Unhealthy' {
  return i.unhealthy || terminatedOutside(ctx, i) ? 'Unhealthy' : 'Healthy';
}

/** Instances the group still lists (all but those EC2 has finished terminating). */
export const listedInstances = (ctx: SimContext, g: GroupRec): AsgInstanceRec[] =>
  g.instances.filter((i) => lifecycle(ctx, i) !== 'Terminated');

/** Instances that count towards the desired capacity. */
const inService = (ctx: SimContext, g: GroupRec): AsgInstanceRec[] =>
  listedInstances(ctx, g).filter((i) => i.terminatingAt === undefined && !terminatedOutside(ctx, i));

// ---- activities -----------------------------------------------------------------------------

function record(ctx: SimContext, g: GroupRec, a: Omit<ActivityRec, 'id' | 'group' | 'groupArn' | 'startTime'>): void {
  asgState(ctx).activities.push({ id: uuid(ctx), group: g.name, groupArn: g.arn, startTime: ctx.now(), ...a });
}

export type ActivityStatus = 'InProgress' | 'WaitingForELBConnectionDraining' | 'Successful' | 'Failed';

/** An activity's status now: a launch succeeds when its instance is in service, a termination when EC2 has terminated it. */
export function activityStatus(ctx: SimContext, a: ActivityRec): { code: ActivityStatus; progress: number; endTime?: number } {
  if (a.failure !== undefined) return { code: 'Failed', progress: 100, endTime: a.startTime };
  const inst = a.instanceId ? ec2State(ctx).instances[a.instanceId] : undefined;
  if (!inst) return { code: 'Successful', progress: 100, endTime: a.startTime };
  const start = ctx.durations.ec2InstanceStart;
  if (a.kind === 'launch') {
    const running = inst.launched + start;
    return ctx.now() < running ? { code: 'InProgress', progress: 30 } : { code: 'Successful', progress: 100, endTime: running };
  }
  const terminateAt = inst.terminatedAt ?? a.startTime;
  if (ctx.now() < terminateAt) return { code: 'WaitingForELBConnectionDraining', progress: 50 };
  if (ctx.now() < terminateAt + start) return { code: 'InProgress', progress: 75 };
  return { code: 'Successful', progress: 100, endTime: terminateAt + start };
}

export const activitiesInProgress = (ctx: SimContext, g: GroupRec): ActivityRec[] =>
  asgState(ctx).activities.filter((a) => a.group === g.name && a.groupArn === g.arn && !['Successful', 'Failed'].includes(activityStatus(ctx, a).code));

// ---- scale out --------------------------------------------------------------------------------

/** The subnet of the AZ with the fewest instances in service (ties: VPCZoneIdentifier order). */
function nextSubnet(ctx: SimContext, g: GroupRec, active: AsgInstanceRec[]): { subnetId: string; az: string } {
  const subnets = g.subnets.map((subnetId) => ({ subnetId, az: ec2State(ctx).subnets[subnetId]?.az ?? '' }));
  const count = (az: string): number => active.filter((i) => i.az === az).length;
  return subnets.reduce((best, x) => (count(x.az) < count(best.az) ? x : best), subnets[0]!);
}

function scaleOut(ctx: SimContext, g: GroupRec, cause: string): void {
  const active = inService(ctx, g);
  const from = active.length;
  while (active.length < g.desired) {
    const subnet = nextSubnet(ctx, g, active);
    const at = isoSeconds(ctx.now());
    const why = `${cause}  At ${at} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${g.desired}.`;
    const launched = launchInstance(ctx, g, subnet);
    if (typeof launched === 'string') {
      // Auto Scaling retries later; in the sandbox, at the group's next change.
      const reason = `${launched.replace(/\.$/, '')}. Launching EC2 instance failed.`;
      record(ctx, g, { kind: 'launch', description: `Launching a new EC2 instance.  Status Reason: ${reason}`, cause: why, failure: reason, ...subnet });
      return;
    }
    g.instances.push(launched);
    active.push(launched);
    // RegisterTargets takes running instances only: Auto Scaling registers it once EC2 runs it.
    for (const tg of g.targetGroupArns) registerInstance(ctx, tg, launched.id, launched.launchedAt + ctx.durations.ec2InstanceStart);
    record(ctx, g, { kind: 'launch', description: `Launching a new EC2 instance: ${launched.id}`, cause: why, instanceId: launched.id, ...subnet });
  }
}

// ---- scale in ---------------------------------------------------------------------------------

type Order = (a: AsgInstanceRec, b: AsgInstanceRec) => number;

function policyOrders(ctx: SimContext, g: GroupRec): Order[] {
  const version = (i: AsgInstanceRec): number => (i.launchTemplate.id === g.launchTemplate.id ? Number(i.launchTemplate.version) : -1);
  const hour = 3_600_000;
  const oldestTemplate: Order = (a, b) => version(a) - version(b);
  const closestToHour: Order = (a, b) => ((ctx.now() - b.launchedAt) % hour) - ((ctx.now() - a.launchedAt) % hour);
  const orders: Order[] = [];
  for (const p of g.terminationPolicies) {
    if (p === 'OldestInstance') orders.push((a, b) => a.launchedAt - b.launchedAt);
    else if (p === 'NewestInstance') orders.push((a, b) => b.launchedAt - a.launchedAt);
    else if (p === 'OldestLaunchTemplate') orders.push(oldestTemplate);
    else if (p === 'ClosestToNextInstanceHour') orders.push(closestToHour);
    else orders.push(oldestTemplate, closestToHour); // Default (AllocationStrategy has nothing to align to)
  }
  return [...orders, (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)];
}

/** Balance AZs first ("regardless of the termination policy"), then the policies in order. */
function pickForTermination(ctx: SimContext, g: GroupRec, active: AsgInstanceRec[]): AsgInstanceRec | undefined {
  const candidates = active.filter((i) => !i.protectedFromScaleIn);
  if (candidates.length === 0) return undefined;
  const count = (az: string): number => active.filter((i) => i.az === az).length;
  const busiest = Math.max(...candidates.map((i) => count(i.az)));
  const inAz = candidates.filter((i) => count(i.az) === busiest);
  const orders = policyOrders(ctx, g);
  return [...inAz].sort((a, b) => orders.reduce((r, o) => r || o(a, b), 0))[0];
}

/** Takes an instance out of service: deregistered, terminated by EC2 once its draining ends. */
export function terminate(ctx: SimContext, g: GroupRec, i: AsgInstanceRec, cause: string): void {
  const now = ctx.now();
  i.terminatingAt = now;
  let drainEnd = now;
  for (const tg of g.targetGroupArns) drainEnd = Math.max(drainEnd, deregisterInstance(ctx, tg, i.id));
  i.ec2TerminateAt = drainEnd;
  const inst = ec2State(ctx).instances[i.id];
  if (inst && (inst.terminatedAt === undefined || inst.terminatedAt > drainEnd)) inst.terminatedAt = drainEnd;
  record(ctx, g, { kind: 'terminate', description: `Terminating EC2 instance: ${i.id}`, cause, instanceId: i.id, subnetId: i.subnetId, az: i.az });
}

function scaleIn(ctx: SimContext, g: GroupRec, cause: string): void {
  const active = inService(ctx, g);
  const from = active.length;
  while (active.length > g.desired) {
    const victim = pickForTermination(ctx, g, active);
    if (!victim) return;
    const at = isoSeconds(ctx.now());
    terminate(ctx, g, victim, `${cause}  At ${at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${g.desired}.  At ${at} instance ${victim.id} was selected for termination.`);
    active.splice(active.indexOf(victim), 1);
  }
}

/**
 * Brings the group to its desired capacity. `cause` is the first sentence of the activities'
 * Cause (e.g. "At … a user request created an AutoScalingGroup changing the desired capacity from 0 to 2.").
 */
export function reconcile(ctx: SimContext, g: GroupRec, cause: string): void {
  g.instances = listedInstances(ctx, g);
  for (const i of g.instances) {
    if (!terminatedOutside(ctx, i)) continue;
    const at = ec2State(ctx).instances[i.id]?.terminatedAt ?? ctx.now();
    Object.assign(i, { terminatingAt: at, ec2TerminateAt: at, unhealthy: true });
    for (const tg of g.targetGroupArns) deregisterInstance(ctx, tg, i.id);
    record(ctx, g, {
      kind: 'terminate', description: `Terminating EC2 instance: ${i.id}`, instanceId: i.id, subnetId: i.subnetId, az: i.az,
      cause: `At ${isoSeconds(at)} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
    });
  }
  scaleOut(ctx, g, cause);
  scaleIn(ctx, g, cause);
}
