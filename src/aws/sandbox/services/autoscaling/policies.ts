/**
 * Auto Scaling scaling policies: PutScalingPolicy (creates or updates), DescribePolicies,
 * DeletePolicy — target tracking with a predefined metric only (API reference,
 * TargetTrackingConfiguration and PredefinedMetricSpecification).
 *
 * A target tracking policy comes with the two CloudWatch alarms Auto Scaling creates for it
 * (AlarmHigh, and AlarmLow unless DisableScaleIn), named as AWS names them; the sandbox reports
 * them but does not create them in its CloudWatch, and no metric ever moves the group.
 */
import type { DeletePolicyType, DescribePoliciesType, PutScalingPolicyType, ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { partition, uuid } from '../sim-util.js';
import { liveGroup } from './groups.js';
import { asgState, pageRecords, policyArn, validation, type GroupRec, type PolicyRec } from './state.js';

const METRICS = ['ASGAverageCPUUtilization', 'ASGAverageNetworkIn', 'ASGAverageNetworkOut', 'ALBRequestCountPerTarget'];

/** ALBRequestCountPerTarget: ResourceLabel `app/<lb>/<lb-id>/targetgroup/<tg>/<tg-id>` of a target group of the group. */
function checkResourceLabel(g: GroupRec, metric: string, label: string | undefined): void {
  if (metric !== 'ALBRequestCountPerTarget') {
    if (label !== undefined) throw validation(`ResourceLabel is only valid for the predefined metric type ALBRequestCountPerTarget`);
    return;
  }
  const m = label && /^app\/[^/]+\/[0-9a-f]+\/targetgroup\/([^/]+)\/([0-9a-f]+)$/.exec(label);
  if (!m) throw validation(`ResourceLabel '${label ?? ''}' is not valid: expected app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>`);
  if (!g.targetGroupArns.some((arn) => arn.endsWith(`:targetgroup/${m[1]}/${m[2]}`))) {
    throw validation(`The target group in ResourceLabel '${label}' is not attached to the Auto Scaling group ${g.name}`);
  }
}

function alarmsFor(ctx: SimContext, g: GroupRec, disableScaleIn: boolean): PolicyRec['alarms'] {
  const id = uuid(ctx);
  const names = [`TargetTracking-${g.name}-AlarmHigh-${id}`, ...(disableScaleIn ? [] : [`TargetTracking-${g.name}-AlarmLow-${uuid(ctx)}`])];
  return names.map((AlarmName) => ({ AlarmName, AlarmARN: `arn:${partition(ctx.region)}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${AlarmName}` }));
}

function policyOut(p: PolicyRec): ScalingPolicy {
  return {
    AutoScalingGroupName: p.group,
    PolicyName: p.name,
    PolicyARN: p.arn,
    PolicyType: p.type,
    StepAdjustments: [],
    ...(p.estimatedInstanceWarmup !== undefined ? { EstimatedInstanceWarmup: p.estimatedInstanceWarmup } : {}),
    Alarms: p.alarms.map((a) => ({ ...a })),
    TargetTrackingConfiguration: structuredClone(p.targetTracking) as ScalingPolicy['TargetTrackingConfiguration'],
    Enabled: p.enabled,
  };
}

export const policyOperations: ServiceSimulator = {
  PutScalingPolicy: (input: PutScalingPolicyType, ctx) => {
    const s = asgState(ctx);
    const g = liveGroup(ctx, s, input.AutoScalingGroupName);
    const name = input.PolicyName;
    if (!name || name.length > 255) throw validation('PolicyName must be between 1 and 255 characters long');
    const type = input.PolicyType ?? 'SimpleScaling';
    if (type !== 'TargetTrackingScaling') {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox simulates target tracking scaling policies only, not ${type}.`);
    }
    for (const key of ['AdjustmentType', 'ScalingAdjustment', 'Cooldown', 'StepAdjustments', 'MetricAggregationType', 'MinAdjustmentStep', 'MinAdjustmentMagnitude'] as const) {
      if (input[key] !== undefined) throw validation(`${key} is not supported for policy type TargetTrackingScaling`);
    }
    const tt = input.TargetTrackingConfiguration;
    if (!tt) throw validation('TargetTrackingConfiguration is required for policy type TargetTrackingScaling');
    if (tt.PredefinedMetricSpecification && tt.CustomizedMetricSpecification) {
      throw validation('Only one of PredefinedMetricSpecification and CustomizedMetricSpecification may be specified');
    }
    if (tt.CustomizedMetricSpecification) throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate customized target tracking metrics.');
    const spec = tt.PredefinedMetricSpecification;
    if (!spec?.PredefinedMetricType) throw validation('Either PredefinedMetricSpecification or CustomizedMetricSpecification must be specified');
    if (!METRICS.includes(spec.PredefinedMetricType)) throw validation(`Predefined metric type '${spec.PredefinedMetricType}' is not valid`);
    checkResourceLabel(g, spec.PredefinedMetricType, spec.ResourceLabel);
    if (tt.TargetValue === undefined || !Number.isFinite(tt.TargetValue) || tt.TargetValue <= 0) {
      throw validation('TargetValue must be specified and greater than 0');
    }
    if (input.EstimatedInstanceWarmup !== undefined && input.EstimatedInstanceWarmup < 0) throw validation('EstimatedInstanceWarmup must be non-negative');
    const disableScaleIn = tt.DisableScaleIn ?? false;
    const existing = Object.values(s.policies).find((p) => p.group === g.name && p.name === name);
    const p: PolicyRec = {
      name,
      group: g.name,
      arn: existing?.arn ?? policyArn(ctx, uuid(ctx), g.name, name),
      type,
      targetTracking: {
        PredefinedMetricSpecification: { PredefinedMetricType: spec.PredefinedMetricType, ...(spec.ResourceLabel ? { ResourceLabel: spec.ResourceLabel } : {}) },
        TargetValue: tt.TargetValue,
        DisableScaleIn: disableScaleIn,
      },
      ...(input.EstimatedInstanceWarmup !== undefined ? { estimatedInstanceWarmup: input.EstimatedInstanceWarmup } : {}),
      enabled: input.Enabled ?? true,
      alarms: existing && existing.alarms.length === (disableScaleIn ? 1 : 2) ? existing.alarms : alarmsFor(ctx, g, disableScaleIn),
    };
    s.policies[p.arn] = p;
    return { PolicyARN: p.arn, Alarms: p.alarms.map((a) => ({ ...a })) };
  },

  DescribePolicies: (input: DescribePoliciesType, ctx) => {
    const s = asgState(ctx);
    let list = Object.values(s.policies);
    if (input.AutoScalingGroupName) list = list.filter((p) => p.group === input.AutoScalingGroupName);
    if (input.PolicyNames?.length) list = list.filter((p) => input.PolicyNames!.includes(p.name) || input.PolicyNames!.includes(p.arn));
    if (input.PolicyTypes?.length) list = list.filter((p) => input.PolicyTypes!.includes(p.type));
    const { items, NextToken } = pageRecords(list, input);
    return { ScalingPolicies: items.map(policyOut), ...(NextToken ? { NextToken } : {}) };
  },

  DeletePolicy: (input: DeletePolicyType, ctx) => {
    const s = asgState(ctx);
    const byArn = input.PolicyName?.startsWith('arn:') ? s.policies[input.PolicyName] : undefined;
    const p = byArn ?? Object.values(s.policies).find((x) => x.name === input.PolicyName && x.group === input.AutoScalingGroupName);
    if (!p) throw validation(`Policy ${input.PolicyName ?? ''} not found for AutoScalingGroup ${input.AutoScalingGroupName ?? ''}`);
    delete s.policies[p.arn];
    return {};
  },
};
