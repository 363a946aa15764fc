/**
 * Auto Scaling groups: CreateAutoScalingGroup, DescribeAutoScalingGroups, UpdateAutoScalingGroup,
 * SetDesiredCapacity, DeleteAutoScalingGroup — as the Amazon EC2 Auto Scaling API reference
 * describes them, for groups that launch from an EC2 launch template into VPC subnets.
 *
 * - Create: a unique name (AlreadyExists), MinSize ≤ DesiredCapacity (default MinSize) ≤ MaxSize,
 *   subnets of one VPC (or AvailabilityZones: the default subnets there), target groups of that
 *   VPC, a launch template a launch could use; then the group launches its desired capacity.
 * - Update: only what is given changes; a MinSize above the desired capacity raises it, a
 *   MaxSize below lowers it (API reference); instances are launched or terminated to match.
 * - Delete: refused while scaling activities are in progress (ScalingActivityInProgress) or the
 *   group has instances (ResourceInUse), unless ForceDelete, which terminates the instances and
 *   shows the group as "Delete in progress" until they are gone; DeletionProtection as set.
 */
import type {
  AutoScalingGroup,
  CreateAutoScalingGroupType,
  DeleteAutoScalingGroupType,
  Filter,
  SetDesiredCapacityType,
  UpdateAutoScalingGroupType,
} from '@aws-sdk/client-auto-scaling';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { findSubnet } from '../ec2.js';
import { ec2State } from '../ec2/store.js';
import { targetGroupVpc } from '../elbv2.js';
import { uuid } from '../sim-util.js';
import { activitiesInProgress, healthStatus, lifecycle, listedInstances, reconcile, terminate } from './capacity.js';
import { checkLaunchable, checkTemplateSpec } from './launch.js';
import {
  asgState,
  checkTag,
  groupArn,
  isoSeconds,
  MAX_TAGS,
  needGroup,
  pageRecords,
  serviceLinkedRoleArn,
  validation,
  type AsgSlice,
  type AsgTag,
  type GroupRec,
} from './state.js';

/** "Auto Scaling groups per Region": 500 (Auto Scaling User Guide, Quotas). */
const MAX_GROUPS = 500;

const TERMINATION_POLICIES = ['Default', 'AllocationStrategy', 'OldestLaunchTemplate', 'OldestLaunchConfiguration', 'ClosestToNextInstanceHour', 'NewestInstance', 'OldestInstance'];

/** Parameters whose behaviour the sandbox does not simulate: refused rather than ignored. */
const UNSIMULATED = [
  'LaunchConfigurationName', 'MixedInstancesPolicy', 'InstanceId', 'LoadBalancerNames', 'TrafficSources', 'LifecycleHookSpecificationList',
  'PlacementGroup', 'MaxInstanceLifetime', 'InstanceMaintenancePolicy', 'AvailabilityZoneIds', 'CapacityReservationSpecification',
  'InstanceLifecyclePolicy', 'AvailabilityZoneImpairmentPolicy',
] as const;

function refuseUnsimulated(input: Record<string, unknown>): void {
  for (const key of UNSIMULATED) {
    const v = input[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    if (key === 'LaunchConfigurationName') {
      // No launch configuration exists in the sandbox (new accounts cannot create them either).
      throw validation(`Launch configuration name not found - Launch configuration ${String(v)} not found`);
    }
    throw new SimError('UnsupportedOperation', `The promigrate sandbox does not simulate Auto Scaling ${key}. Use a real AWS account for this group.`);
  }
}

// ---- output ---------------------------------------------------------------------------------

function tagOut(g: GroupRec, t: AsgTag) {
  return { ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.Key, Value: t.Value, PropagateAtLaunch: t.PropagateAtLaunch };
}

export function groupOut(ctx: SimContext, g: GroupRec): AutoScalingGroup {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version },
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: [...g.availabilityZones],
    LoadBalancerNames: [],
    TargetGroupARNs: [...g.targetGroupArns],
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: listedInstances(ctx, g).map((i) => ({
      InstanceId: i.id,
      InstanceType: i.instanceType,
      AvailabilityZone: i.az,
      LifecycleState: lifecycle(ctx, i),
      HealthStatus: healthStatus(ctx, i),
      LaunchTemplate: { LaunchTemplateId: i.launchTemplate.id, LaunchTemplateName: i.launchTemplate.name, Version: i.launchTemplate.version },
      ImageId: i.imageId,
      ProtectedFromScaleIn: i.protectedFromScaleIn,
    })),
    CreatedTime: new Date(g.createdAt),
    SuspendedProcesses: [],
    VPCZoneIdentifier: g.subnets.join(','),
    EnabledMetrics: [],
    ...(g.deletingAt !== undefined ? { Status: 'Delete in progress' } : {}),
    Tags: g.tags.map((t) => tagOut(g, t)),
    TerminationPolicies: [...g.terminationPolicies],
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: serviceLinkedRoleArn(ctx),
    CapacityRebalance: g.capacityRebalance,
    ...(g.defaultInstanceWarmup !== undefined ? { DefaultInstanceWarmup: g.defaultInstanceWarmup } : {}),
    DeletionProtection: g.deletionProtection as AutoScalingGroup['DeletionProtection'],
  };
}

// ---- lookups and pruning ------------------------------------------------------------------------

/** A force-deleted group is gone once its instances are. */
export function groupVisible(ctx: SimContext, g: GroupRec): boolean {
  return g.deletingAt === undefined || listedInstances(ctx, g).length > 0;
}

/** Forgets groups whose deletion finished, with their policies (called by mutating calls). */
export function pruneGroups(ctx: SimContext, s: AsgSlice): void {
  for (const g of Object.values(s.groups)) {
    if (groupVisible(ctx, g)) continue;
    delete s.groups[g.name];
    for (const [arn, p] of Object.entries(s.policies)) if (p.group === g.name) delete s.policies[arn];
  }
}

/** A group the caller may change: it exists and is not being deleted. */
export function liveGroup(ctx: SimContext, s: AsgSlice, name: string | undefined): GroupRec {
  pruneGroups(ctx, s);
  const g = needGroup(s, name);
  if (g.deletingAt !== undefined) {
    throw new SimError('ScalingActivityInProgress', `AutoScalingGroup ${g.name} is pending delete.`);
  }
  return g;
}

// ---- validation -------------------------------------------------------------------------------

function checkSizes(min: number | undefined, max: number | undefined, desired: number | undefined): void {
  for (const [name, v] of [['minSize', min], ['maxSize', max]] as const) {
    if (v === undefined) throw validation(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  for (const v of [min!, max!, desired ?? 0]) {
    if (!Number.isInteger(v) || v < 0) throw validation(`The sizes of an AutoScalingGroup must be non-negative integers, got ${v}`);
  }
  if (max! < min!) throw validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired !== undefined && (desired < min! || desired > max!)) {
    throw validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
  }
}

/** VPCZoneIdentifier (comma-separated subnets of one VPC) or AvailabilityZones (their default subnets). */
function placement(ctx: SimContext, vpcZoneIdentifier: string | undefined, zones: string[] | undefined): { subnets: string[]; vpcId: string; availabilityZones: string[] } {
  let subnets: string[];
  if (vpcZoneIdentifier !== undefined && vpcZoneIdentifier.trim() !== '') {
    subnets = [...new Set(vpcZoneIdentifier.split(',').map((x) => x.trim()).filter(Boolean))];
  } else if (zones?.length) {
    const s = ec2State(ctx);
    subnets = zones.map((az) => {
      const subnet = Object.values(s.subnets).find((x) => x.vpcId === s.defaultVpcId && x.defaultForAz && x.az === az);
      if (!subnet) throw validation(`No default subnet for availability zone: '${az}'.`);
      return subnet.id;
    });
  } else {
    throw validation('At least one Availability Zone or VPC Subnet is required.');
  }
  let vpcId: string | undefined;
  const azs = new Set<string>();
  for (const id of subnets) {
    const subnet = findSubnet(ctx, id);
    if (!subnet) throw validation(`The subnet ID '${id}' does not exist`);
    if (vpcId !== undefined && subnet.vpcId !== vpcId) throw validation(`The subnets ${subnets.join(', ')} must all be in the same VPC`);
    vpcId = subnet.vpcId;
    azs.add(subnet.availabilityZone);
  }
  if (zones?.length && vpcZoneIdentifier && zones.some((az) => !azs.has(az))) {
    throw validation('The availability zones of the specified subnets and the Auto Scaling group do not match');
  }
  return { subnets, vpcId: vpcId!, availabilityZones: [...azs].sort() };
}

function checkTargetGroups(ctx: SimContext, arns: string[] | undefined, vpcId: string): string[] {
  const list = [...new Set(arns ?? [])];
  for (const arn of list) {
    const tgVpc = targetGroupVpc(ctx, arn);
    if (tgVpc === undefined) throw validation('Provided Target Groups may not be valid. Please ensure they exist and try again.');
    if (tgVpc !== vpcId) throw validation(`Target group ${arn} is in VPC ${tgVpc}, not in the group's VPC ${vpcId}.`);
  }
  return list;
}

function checkHealthCheck(type: string | undefined, grace: number | undefined): void {
  if (type !== undefined && !['EC2', 'ELB'].includes(type)) {
    if (['VPC_LATTICE', 'EBS'].includes(type)) throw new SimError('UnsupportedOperation', `The promigrate sandbox does not simulate ${type} health checks.`);
    throw validation(`Health check type '${type}' is not valid. Valid values are EC2, ELB, VPC_LATTICE and EBS.`);
  }
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) throw validation('HealthCheckGracePeriod must be a non-negative integer');
}

function checkTerminationPolicies(policies: string[] | undefined): string[] {
  for (const p of policies ?? []) {
    if (p.startsWith('arn:')) throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate custom (Lambda) termination policies.');
    if (!TERMINATION_POLICIES.includes(p)) throw validation(`Termination policy '${p}' is not valid`);
  }
  return policies?.length ? [...policies] : ['Default'];
}

function checkDeletionProtection(value: string | undefined): string | undefined {
  if (value !== undefined && !['none', 'prevent-force-deletion', 'prevent-all-deletion'].includes(value)) {
    throw validation(`DeletionProtection '${value}' is not valid. Valid values are none, prevent-force-deletion and prevent-all-deletion.`);
  }
  return value;
}

function groupTags(name: string, tags: CreateAutoScalingGroupType['Tags']): AsgTag[] {
  const out: AsgTag[] = [];
  for (const t of tags ?? []) {
    checkTag(t);
    if (t.ResourceId !== undefined && t.ResourceId !== name) throw validation(`Tag ResourceId '${t.ResourceId}' does not match the AutoScalingGroup name '${name}'`);
    if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group') throw validation(`Invalid ResourceType '${t.ResourceType}': the only supported value is auto-scaling-group`);
    const tag = { Key: t.Key!, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false };
    const i = out.findIndex((x) => x.Key === tag.Key);
    if (i >= 0) out[i] = tag;
    else out.push(tag);
  }
  if (out.length > MAX_TAGS) throw new SimError('LimitExceeded', `The number of tags exceeds the limit of ${MAX_TAGS} tags per AutoScalingGroup`);
  return out;
}

function tagMatches(g: GroupRec, f: Filter): boolean {
  const values = f.Values ?? [];
  const name = f.Name ?? '';
  if (name === 'tag-key') return g.tags.some((t) => values.includes(t.Key));
  if (name === 'tag-value') return g.tags.some((t) => values.includes(t.Value));
  if (name.startsWith('tag:')) return g.tags.some((t) => t.Key === name.slice(4) && values.includes(t.Value));
  throw validation(`Filter name '${name}' is not valid. Valid filter names are tag-key, tag-value and tag:<key>.`);
}

// ---- operations -------------------------------------------------------------------------------

export const groupOperations: ServiceSimulator = {
  CreateAutoScalingGroup: (input: CreateAutoScalingGroupType, ctx) => {
    const s = asgState(ctx);
    pruneGroups(ctx, s);
    const name = input.AutoScalingGroupName;
    if (!name || name.length > 255) throw validation('AutoScalingGroupName must be between 1 and 255 characters long');
    if (s.groups[name]) throw new SimError('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
    refuseUnsimulated(input as unknown as Record<string, unknown>);
    if (!input.LaunchTemplate) throw validation('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
    checkSizes(input.MinSize, input.MaxSize, input.DesiredCapacity);
    if (input.DesiredCapacityType !== undefined && input.DesiredCapacityType !== 'units') {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox does not simulate DesiredCapacityType '${input.DesiredCapacityType}'.`);
    }
    checkHealthCheck(input.HealthCheckType, input.HealthCheckGracePeriod);
    const place = placement(ctx, input.VPCZoneIdentifier, input.AvailabilityZones);
    const targetGroupArns = checkTargetGroups(ctx, input.TargetGroupARNs, place.vpcId);
    const launchTemplate = checkTemplateSpec(ctx, input.LaunchTemplate);
    checkLaunchable(ctx, { launchTemplate, vpcId: place.vpcId });
    const tags = groupTags(name, input.Tags);
    if (input.ServiceLinkedRoleARN !== undefined && input.ServiceLinkedRoleARN !== serviceLinkedRoleArn(ctx)) {
      throw validation(`ARN specified is not a valid service-linked role ARN: ${input.ServiceLinkedRoleARN}`);
    }
    if (Object.keys(s.groups).length >= MAX_GROUPS) {
      throw new SimError('LimitExceeded', `You have reached the limit of ${MAX_GROUPS} Auto Scaling groups in this region.`);
    }
    const g: GroupRec = {
      name,
      arn: groupArn(ctx, uuid(ctx), name),
      createdAt: ctx.now(),
      launchTemplate,
      min: input.MinSize!,
      max: input.MaxSize!,
      desired: input.DesiredCapacity ?? input.MinSize!,
      defaultCooldown: input.DefaultCooldown ?? 300,
      ...place,
      targetGroupArns,
      healthCheckType: input.HealthCheckType ?? 'EC2',
      healthCheckGracePeriod: input.HealthCheckGracePeriod ?? 0,
      terminationPolicies: checkTerminationPolicies(input.TerminationPolicies),
      newInstancesProtectedFromScaleIn: input.NewInstancesProtectedFromScaleIn ?? false,
      capacityRebalance: input.CapacityRebalance ?? false,
      ...(input.DefaultInstanceWarmup !== undefined ? { defaultInstanceWarmup: input.DefaultInstanceWarmup } : {}),
      deletionProtection: checkDeletionProtection(input.DeletionProtection) ?? 'none',
      tags,
      instances: [],
    };
    s.groups[name] = g;
    reconcile(ctx, g, `At ${isoSeconds(ctx.now())} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${g.desired}.`);
    return {};
  },

  DescribeAutoScalingGroups: (input: { AutoScalingGroupNames?: string[]; Filters?: Filter[]; MaxRecords?: number; NextToken?: string }, ctx) => {
    const s = asgState(ctx);
    let list = Object.values(s.groups).filter((g) => groupVisible(ctx, g));
    if (input.AutoScalingGroupNames?.length) list = list.filter((g) => input.AutoScalingGroupNames!.includes(g.name));
    for (const f of input.Filters ?? []) list = list.filter((g) => tagMatches(g, f));
    const { items, NextToken } = pageRecords(list, input);
    return { AutoScalingGroups: items.map((g) => groupOut(ctx, g)), ...(NextToken ? { NextToken } : {}) };
  },

  UpdateAutoScalingGroup: (input: UpdateAutoScalingGroupType, ctx) => {
    const s = asgState(ctx);
    const g = liveGroup(ctx, s, input.AutoScalingGroupName);
    refuseUnsimulated(input as unknown as Record<string, unknown>);
    const min = input.MinSize ?? g.min;
    const max = input.MaxSize ?? g.max;
    let desired = input.DesiredCapacity ?? g.desired;
    // "If you specify a new value for MinSize without specifying a value for DesiredCapacity, and the new
    // MinSize is larger than the current size of the group, this sets the group's DesiredCapacity to the new MinSize."
    if (input.DesiredCapacity === undefined && input.MinSize !== undefined && min > desired) desired = min;
    if (input.DesiredCapacity === undefined && input.MaxSize !== undefined && max < desired) desired = max;
    checkSizes(min, max, desired);
    checkHealthCheck(input.HealthCheckType, input.HealthCheckGracePeriod);
    const place = input.VPCZoneIdentifier !== undefined || input.AvailabilityZones !== undefined
      ? placement(ctx, input.VPCZoneIdentifier, input.AvailabilityZones)
      : undefined;
    if (place && place.vpcId !== g.vpcId && g.targetGroupArns.length) checkTargetGroups(ctx, g.targetGroupArns, place.vpcId);
    const launchTemplate = input.LaunchTemplate ? checkTemplateSpec(ctx, input.LaunchTemplate) : g.launchTemplate;
    if (input.LaunchTemplate || place) checkLaunchable(ctx, { launchTemplate, vpcId: place?.vpcId ?? g.vpcId });
    const terminationPolicies = input.TerminationPolicies !== undefined ? checkTerminationPolicies(input.TerminationPolicies) : g.terminationPolicies;
    const deletionProtection = checkDeletionProtection(input.DeletionProtection) ?? g.deletionProtection;
    const previous = g.desired;
    Object.assign(g, {
      min, max, desired, launchTemplate, terminationPolicies, deletionProtection,
      ...(place ?? {}),
      ...(input.HealthCheckType !== undefined ? { healthCheckType: input.HealthCheckType } : {}),
      ...(input.HealthCheckGracePeriod !== undefined ? { healthCheckGracePeriod: input.HealthCheckGracePeriod } : {}),
      ...(input.DefaultCooldown !== undefined ? { defaultCooldown: input.DefaultCooldown } : {}),
      ...(input.NewInstancesProtectedFromScaleIn !== undefined ? { newInstancesProtectedFromScaleIn: input.NewInstancesProtectedFromScaleIn } : {}),
      ...(input.CapacityRebalance !== undefined ? { capacityRebalance: input.CapacityRebalance } : {}),
      ...(input.DefaultInstanceWarmup !== undefined ? { defaultInstanceWarmup: input.DefaultInstanceWarmup } : {}),
    });
    reconcile(ctx, g, `At ${isoSeconds(ctx.now())} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${previous} to ${desired}.`);
    return {};
  },

  SetDesiredCapacity: (input: SetDesiredCapacityType, ctx) => {
    const s = asgState(ctx);
    const g = liveGroup(ctx, s, input.AutoScalingGroupName);
    const d = input.DesiredCapacity;
    if (d === undefined) throw validation("1 validation error detected: Value null at 'desiredCapacity' failed to satisfy constraint: Member must not be null");
    if (d > g.max) throw validation(`New SetDesiredCapacity value ${d} is above max value ${g.max} for the AutoScalingGroup.`);
    if (d < g.min) throw validation(`New SetDesiredCapacity value ${d} is below min value ${g.min} for the AutoScalingGroup.`);
    if (input.HonorCooldown) {
      const last = asgState(ctx).activities.filter((a) => a.group === g.name && a.groupArn === g.arn).at(-1);
      if (last && ctx.now() < last.startTime + g.defaultCooldown * 1000) {
        throw new SimError('ScalingActivityInProgress', 'The group is in its cooldown period; scaling activities are not allowed until it ends.');
      }
    }
    const previous = g.desired;
    g.desired = d;
    reconcile(ctx, g, `At ${isoSeconds(ctx.now())} a user request explicitly set group desired capacity changing the desired capacity from ${previous} to ${d}.`);
    return {};
  },

  DeleteAutoScalingGroup: (input: DeleteAutoScalingGroupType, ctx) => {
    const s = asgState(ctx);
    pruneGroups(ctx, s);
    const g = needGroup(s, input.AutoScalingGroupName);
    if (g.deletingAt !== undefined) return {};
    if (g.deletionProtection === 'prevent-all-deletion' || (input.ForceDelete && g.deletionProtection === 'prevent-force-deletion')) {
      throw validation(`AutoScalingGroup ${g.name} has deletion protection (${g.deletionProtection}); change DeletionProtection before deleting it.`);
    }
    if (!input.ForceDelete) {
      if (activitiesInProgress(ctx, g).length) {
        throw new SimError('ScalingActivityInProgress', 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
      }
      if (listedInstances(ctx, g).length) {
        throw new SimError('ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
      }
      delete s.groups[g.name];
      for (const [arn, p] of Object.entries(s.policies)) if (p.group === g.name) delete s.policies[arn];
      return {};
    }
    const at = isoSeconds(ctx.now());
    for (const i of listedInstances(ctx, g)) {
      if (i.terminatingAt !== undefined) continue;
      terminate(ctx, g, i, `At ${at} a user request deleted the AutoScalingGroup.  At ${at} instance ${i.id} was selected for termination.`);
    }
    g.deletingAt = ctx.now();
    g.desired = 0;
    g.min = 0;
    pruneGroups(ctx, s);
    return {};
  },
};
