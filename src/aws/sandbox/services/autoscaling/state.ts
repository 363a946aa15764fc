/**
 * The Auto Scaling slice of the sandbox world: groups, their instances, scaling activities and
 * policies; ARNs, errors, tag rules and NextToken paging.
 *
 * Errors are the awsQuery codes of the Amazon EC2 Auto Scaling API reference (AlreadyExists,
 * ResourceInUse, ScalingActivityInProgress, LimitExceeded, InvalidNextToken); everything else
 * it rejects is `ValidationError`, with Auto Scaling's own wording where it is known.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { page } from '../paging.js';
import { partition } from '../sim-util.js';

export interface AsgTag {
  Key: string;
  Value: string;
  PropagateAtLaunch: boolean;
}

export interface AsgInstanceRec {
  id: string;
  az: string;
  subnetId: string;
  instanceType: string;
  imageId: string;
  launchTemplate: { id: string; name: string; version: string };
  launchedAt: number;
  protectedFromScaleIn: boolean;
  /** When Auto Scaling took the instance out of service (Terminating begins). */
  terminatingAt?: number;
  /** When the EC2 termination begins: after the target groups' deregistration delay. */
  ec2TerminateAt?: number;
  /** Terminated outside Auto Scaling (found unhealthy), not by a scale-in. */
  unhealthy?: boolean;
}

export interface GroupRec {
  name: string;
  arn: string;
  createdAt: number;
  launchTemplate: { id: string; name: string; version: string };
  min: number;
  max: number;
  desired: number;
  defaultCooldown: number;
  subnets: string[];
  vpcId: string;
  availabilityZones: string[];
  targetGroupArns: string[];
  healthCheckType: string;
  healthCheckGracePeriod: number;
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  capacityRebalance: boolean;
  defaultInstanceWarmup?: number;
  deletionProtection: string;
  tags: AsgTag[];
  instances: AsgInstanceRec[];
  /** DeleteAutoScalingGroup with ForceDelete: "Delete in progress" until the instances are gone. */
  deletingAt?: number;
}

export interface ActivityRec {
  id: string;
  group: string;
  groupArn: string;
  kind: 'launch' | 'terminate';
  description: string;
  cause: string;
  startTime: number;
  instanceId?: string;
  subnetId?: string;
  az?: string;
  /** A launch that failed: the EC2 error, as the activity's StatusMessage. */
  failure?: string;
}

export interface PolicyRec {
  name: string;
  group: string;
  arn: string;
  type: 'TargetTrackingScaling';
  targetTracking: {
    PredefinedMetricSpecification: { PredefinedMetricType: string; ResourceLabel?: string };
    TargetValue: number;
    DisableScaleIn: boolean;
  };
  estimatedInstanceWarmup?: number;
  enabled: boolean;
  alarms: Array<{ AlarmName: string; AlarmARN: string }>;
}

export interface AsgSlice {
  groups: Record<string, GroupRec>;
  activities: ActivityRec[];
  policies: Record<string, PolicyRec>;
}

export function asgState(ctx: SimContext): AsgSlice {
  return ctx.slice<AsgSlice>('autoscaling', () => ({ groups: {}, activities: [], policies: {} }));
}

// ---- ARNs ---------------------------------------------------------------------------------

const arnPrefix = (ctx: SimContext): string => `arn:${partition(ctx.region)}:autoscaling:${ctx.region}:${ctx.accountId}`;

export const groupArn = (ctx: SimContext, id: string, name: string): string =>
  `${arnPrefix(ctx)}:autoScalingGroup:${id}:autoScalingGroupName/${name}`;

export const policyArn = (ctx: SimContext, id: string, group: string, name: string): string =>
  `${arnPrefix(ctx)}:scalingPolicy:${id}:autoScalingGroupName/${group}:policyName/${name}`;

export const serviceLinkedRoleArn = (ctx: SimContext): string =>
  `arn:${partition(ctx.region)}:iam::${ctx.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

// ---- errors -------------------------------------------------------------------------------

export const validation = (message: string): SimError => new SimError('ValidationError', message);

export const groupNotFound = (name: string): SimError =>
  validation(`AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);

/** A group that exists and is not being deleted. */
export function needGroup(s: AsgSlice, name: string | undefined): GroupRec {
  if (!name) throw validation("1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
  const g = s.groups[name];
  if (!g) throw groupNotFound(name);
  return g;
}

/** Timestamps as Auto Scaling writes them in activity causes: `2025-01-06T09:00:00Z`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- tags ---------------------------------------------------------------------------------

/** Tag (API reference): key 1–128, value 0–256, `aws:` reserved; 50 per group. */
export function checkTag(t: { Key?: string; Value?: string }): void {
  if (!t.Key || t.Key.length > 128) throw validation('Tag key must be between 1 and 128 characters long');
  if ((t.Value ?? '').length > 256) throw validation('Tag value must be 256 characters or fewer');
  if (t.Key.toLowerCase().startsWith('aws:')) throw validation(`Tag keys starting with 'aws:' are reserved for internal use: ${t.Key}`);
}

export const MAX_TAGS = 50;

// ---- paging -------------------------------------------------------------------------------

/** MaxRecords (1–`max`, default `def`) / NextToken; a token Auto Scaling did not give is InvalidNextToken. */
export function pageRecords<T>(items: T[], input: { MaxRecords?: number; NextToken?: string }, def = 50, max = 100): { items: T[]; NextToken?: string } {
  if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > max)) {
    throw validation(`1 validation error detected: Value '${input.MaxRecords}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
  return page(items, { MaxResults: input.MaxRecords ?? def, ...(input.NextToken ? { NextToken: input.NextToken } : {}) }, { min: 1, max, errorName: 'InvalidNextToken' });
}
