/**
 * ELBv2 target groups (HTTP/HTTPS, target type instance): CreateTargetGroup,
 * DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup, DescribeTargetGroupAttributes,
 * ModifyTargetGroupAttributes — defaults and ranges as the CreateTargetGroup API reference
 * states them, attributes as the ALB Guide's "Target group attributes" lists them.
 */
import type {
  CreateTargetGroupInput,
  DeleteTargetGroupInput,
  DescribeTargetGroupAttributesInput,
  DescribeTargetGroupsInput,
  ModifyTargetGroupAttributesInput,
  ModifyTargetGroupInput,
  TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { ec2State } from '../ec2/store.js';
import {
  checkArn,
  checkName,
  checkTags,
  elbErrors,
  elbState,
  fingerprintOf,
  invalidConfig,
  listenersForwardingTo,
  loadBalancersOf,
  needLoadBalancer,
  needTargetGroup,
  pageByMarker,
  forwardTargets,
  targetGroupArn,
  validation,
  type ElbSlice,
  type HealthCheckRec,
  type TargetGroupRec,
  withAttributes,
} from './state.js';

// ---- health check settings -------------------------------------------------------------

type HealthCheckInput = Pick<CreateTargetGroupInput,
  'HealthCheckProtocol' | 'HealthCheckPort' | 'HealthCheckEnabled' | 'HealthCheckPath' | 'HealthCheckIntervalSeconds'
  | 'HealthCheckTimeoutSeconds' | 'HealthyThresholdCount' | 'UnhealthyThresholdCount' | 'Matcher'>;

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validation(`1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return value;
}

/** "200", "200,202" or "200-299", every code within 200–499 (HTTP/HTTPS target groups). */
function checkHttpCodes(codes: string): string {
  const ok = codes.split(',').every((part) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    return lo >= 200 && hi <= 499 && lo <= hi;
  });
  if (!ok) throw validation(`Health check matcher HTTP code '${codes}' must be within '200-499' inclusive`);
  return codes;
}

/** The settings after `input` is applied to `base` (the defaults for a new group). */
export function healthCheck(protocol: string, base: HealthCheckRec | undefined, input: HealthCheckInput): HealthCheckRec {
  const hc: HealthCheckRec = base ? { ...base } : {
    protocol: 'HTTP', port: 'traffic-port', enabled: true, path: '/', intervalSeconds: 30,
    timeoutSeconds: protocol === 'HTTP' ? 6 : 10, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200',
  };
  if (input.HealthCheckProtocol !== undefined) {
    if (!['HTTP', 'HTTPS'].includes(input.HealthCheckProtocol)) {
      throw invalidConfig(`Health check protocol '${input.HealthCheckProtocol}' is not supported for target groups with the ${protocol} protocol`);
    }
    hc.protocol = input.HealthCheckProtocol;
  }
  if (input.HealthCheckPort !== undefined) {
    const p = input.HealthCheckPort;
    if (p !== 'traffic-port' && !(/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535)) {
      throw validation(`Health check port '${p}' must be 'traffic-port' or a port between 1 and 65535`);
    }
    hc.port = p;
  }
  if (input.HealthCheckEnabled === false) {
    throw invalidConfig("Health checks cannot be disabled for target groups with target type 'instance'");
  }
  if (input.HealthCheckPath !== undefined) {
    if (!input.HealthCheckPath.startsWith('/') || input.HealthCheckPath.length > 1024) {
      throw validation(`Health check path '${input.HealthCheckPath}' must begin with a '/' character and be at most 1024 characters`);
    }
    hc.path = input.HealthCheckPath;
  }
  if (input.HealthCheckIntervalSeconds !== undefined) hc.intervalSeconds = inRange('healthCheckIntervalSeconds', input.HealthCheckIntervalSeconds, 5, 300);
  if (input.HealthCheckTimeoutSeconds !== undefined) hc.timeoutSeconds = inRange('healthCheckTimeoutSeconds', input.HealthCheckTimeoutSeconds, 2, 120);
  if (input.HealthyThresholdCount !== undefined) hc.healthyThreshold = inRange('healthyThresholdCount', input.HealthyThresholdCount, 2, 10);
  if (input.UnhealthyThresholdCount !== undefined) hc.unhealthyThreshold = inRange('unhealthyThresholdCount', input.UnhealthyThresholdCount, 2, 10);
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    throw invalidConfig(`Health check timeout '${hc.timeoutSeconds}' must be smaller than the interval '${hc.intervalSeconds}'`);
  }
  if (input.Matcher !== undefined) {
    if (input.Matcher.GrpcCode !== undefined) throw invalidConfig('A gRPC matcher is valid only for target groups with the GRPC protocol version');
    if (input.Matcher.HttpCode === undefined) throw validation('A matcher must specify HttpCode');
    hc.matcher = checkHttpCodes(input.Matcher.HttpCode);
  }
  return hc;
}

// ---- attributes ---------------------------------------------------------------------------

type Check = (v: string) => boolean;
const bool: Check = (v) => v === 'true' || v === 'false';
const range = (min: number, max: number): Check => (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const oneOf = (...values: string[]): Check => (v) => values.includes(v);
const countOrOff: Check = (v) => v === 'off' || (/^\d+$/.test(v) && Number(v) >= 1);
const percentOrOff: Check = (v) => v === 'off' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100);

/** Target group attributes of an instance target group behind an ALB, with their defaults. */
const ATTRIBUTES: Record<string, { default: string; valid: Check }> = {
  'deregistration_delay.timeout_seconds': { default: '300', valid: range(0, 3600) },
  'load_balancing.algorithm.type': { default: 'round_robin', valid: oneOf('round_robin', 'least_outstanding_requests', 'weighted_random') },
  'load_balancing.algorithm.anomaly_mitigation': { default: 'off', valid: oneOf('on', 'off') },
  'load_balancing.cross_zone.enabled': { default: 'use_load_balancer_configuration', valid: oneOf('true', 'false', 'use_load_balancer_configuration') },
  'slow_start.duration_seconds': { default: '0', valid: (v) => v === '0' || range(30, 900)(v) },
  'stickiness.enabled': { default: 'false', valid: bool },
  'stickiness.type': { default: 'lb_cookie', valid: oneOf('lb_cookie', 'app_cookie') },
  'stickiness.lb_cookie.duration_seconds': { default: '86400', valid: range(1, 604800) },
  'stickiness.app_cookie.cookie_name': { default: '', valid: (v) => v.length <= 256 },
  'stickiness.app_cookie.duration_seconds': { default: '86400', valid: range(1, 604800) },
  'target_group_health.dns_failover.minimum_healthy_targets.count': { default: '1', valid: countOrOff },
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': { default: 'off', valid: percentOrOff },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': { default: '1', valid: (v) => /^\d+$/.test(v) && Number(v) >= 1 },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': { default: 'off', valid: percentOrOff },
};

const attributesOut = (tg: TargetGroupRec): Array<{ Key: string; Value: string }> =>
  Object.keys(ATTRIBUTES).map((Key) => ({ Key, Value: tg.attributes[Key] ?? ATTRIBUTES[Key]!.default }));

/** `deregistration_delay.timeout_seconds`, in milliseconds. */
export const deregistrationDelayMs = (tg: TargetGroupRec): number =>
  Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? ATTRIBUTES['deregistration_delay.timeout_seconds']!.default) * 1000;

// ---- output -------------------------------------------------------------------------------

export function targetGroupOut(s: ElbSlice, tg: TargetGroupRec): TargetGroup {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol as TargetGroup['Protocol'],
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol as TargetGroup['HealthCheckProtocol'],
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: loadBalancersOf(s, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: tg.ipAddressType as TargetGroup['IpAddressType'],
  };
}

// ---- operations ---------------------------------------------------------------------------

function checkVpc(ctx: SimContext, vpcId: string | undefined): string {
  if (!vpcId) throw validation('A VPC ID must be specified');
  if (!ec2State(ctx).vpcs[vpcId]) throw validation(`The VPC ID '${vpcId}' is not found`);
  return vpcId;
}

export const targetGroupOperations: ServiceSimulator = {
  CreateTargetGroup: (input: CreateTargetGroupInput, ctx) => {
    const s = elbState(ctx);
    const name = checkName('target group', input.Name);
    const targetType = input.TargetType ?? 'instance';
    if (targetType !== 'instance') {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox simulates target groups of target type 'instance' only, not '${targetType}'.`);
    }
    if (!input.Protocol) throw validation('A protocol must be specified');
    if (input.Protocol !== 'HTTP' && input.Protocol !== 'HTTPS') {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox simulates HTTP and HTTPS target groups (Application Load Balancers) only, not '${input.Protocol}'.`);
    }
    if (input.Port === undefined) throw validation('A port must be specified');
    const port = inRange('port', input.Port, 1, 65535);
    const vpcId = checkVpc(ctx, input.VpcId);
    const protocolVersion = input.ProtocolVersion ?? 'HTTP1';
    if (!['HTTP1', 'HTTP2', 'GRPC'].includes(protocolVersion)) throw validation(`Protocol version '${protocolVersion}' is not valid; use HTTP1, HTTP2 or GRPC`);
    if (protocolVersion === 'GRPC') throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate gRPC target groups.');
    const ipAddressType = input.IpAddressType ?? 'ipv4';
    if (ipAddressType !== 'ipv4') throw invalidConfig(`IP address type '${ipAddressType}' is only supported for target type 'ip'`);
    const hc = healthCheck(input.Protocol, undefined, input);
    const tags = checkTags(input.Tags);
    if (tags.length > 50) throw new SimError('TooManyTags', "You've reached the limit on the number of tags for this resource (50)");
    const fingerprint = fingerprintOf({ protocol: input.Protocol, port, vpcId, protocolVersion, targetType, ipAddressType, hc, tags });
    // Same name and settings: the existing group ("This operation is idempotent").
    const existing = Object.values(s.targetGroups).find((tg) => tg.name === name);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new SimError('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
      }
      return { TargetGroups: [targetGroupOut(s, existing)] };
    }
    if (Object.keys(s.targetGroups).length >= 3000) {
      throw new SimError('TooManyTargetGroups', 'The maximum number of target groups (3000) has been reached');
    }
    const id = ctx.newId('', 16);
    const tg: TargetGroupRec = {
      arn: targetGroupArn(ctx, name, id), name, id, protocol: input.Protocol, protocolVersion, port, vpcId, targetType,
      ipAddressType, healthCheck: hc, attributes: {}, tags, targets: [], createdAt: ctx.now(), fingerprint,
    };
    s.targetGroups[tg.arn] = tg;
    return { TargetGroups: [targetGroupOut(s, tg)] };
  },

  DescribeTargetGroups: (input: DescribeTargetGroupsInput, ctx) => {
    const s = elbState(ctx);
    const given = [input.LoadBalancerArn, input.TargetGroupArns?.length, input.Names?.length].filter(Boolean).length;
    if (given > 1) throw validation('Only one of load balancer ARN, target group ARNs or names can be specified');
    let list = Object.values(s.targetGroups);
    if (input.LoadBalancerArn) {
      const lb = needLoadBalancer(s, input.LoadBalancerArn);
      const used = new Set(Object.values(s.listeners).filter((l) => l.loadBalancerArn === lb.arn).flatMap((l) => forwardTargets(l.defaultActions)));
      list = list.filter((tg) => used.has(tg.arn));
    }
    if (input.TargetGroupArns?.length) {
      const missing = input.TargetGroupArns.filter((arn) => !s.targetGroups[checkArn('target group', arn)]);
      if (missing.length) throw elbErrors.targetGroupNotFound(missing);
      list = list.filter((tg) => input.TargetGroupArns!.includes(tg.arn));
    }
    if (input.Names?.length) {
      const missing = input.Names.filter((n) => !list.some((tg) => tg.name === n));
      if (missing.length) throw elbErrors.targetGroupNotFound(missing);
      list = list.filter((tg) => input.Names!.includes(tg.name));
    }
    const { items, NextMarker } = pageByMarker(list, input);
    return { TargetGroups: items.map((tg) => targetGroupOut(s, tg)), ...(NextMarker ? { NextMarker } : {}) };
  },

  ModifyTargetGroup: (input: ModifyTargetGroupInput, ctx) => {
    const s = elbState(ctx);
    const tg = needTargetGroup(s, input.TargetGroupArn);
    tg.healthCheck = healthCheck(tg.protocol, tg.healthCheck, input);
    return { TargetGroups: [targetGroupOut(s, tg)] };
  },

  /**
   * "You can delete a target group if it is not referenced by any actions." A group that does
   * not exist is not an error (the reference lists only ResourceInUse).
   */
  DeleteTargetGroup: (input: DeleteTargetGroupInput, ctx) => {
    const s = elbState(ctx);
    const tg = s.targetGroups[checkArn('target group', input.TargetGroupArn)];
    if (!tg) return {};
    if (listenersForwardingTo(s, tg.arn).length > 0) {
      throw new SimError('ResourceInUse', `Target group '${tg.arn}' is currently in use by a listener or a rule`);
    }
    delete s.targetGroups[tg.arn];
    return {};
  },

  DescribeTargetGroupAttributes: (input: DescribeTargetGroupAttributesInput, ctx) => {
    const tg = needTargetGroup(elbState(ctx), input.TargetGroupArn);
    return { Attributes: attributesOut(tg) };
  },

  ModifyTargetGroupAttributes: (input: ModifyTargetGroupAttributesInput, ctx) => {
    const tg = needTargetGroup(elbState(ctx), input.TargetGroupArn);
    const next = withAttributes('Target group', ATTRIBUTES, tg.attributes, input.Attributes);
    if (next['stickiness.enabled'] === 'true' && next['stickiness.type'] === 'app_cookie' && !next['stickiness.app_cookie.cookie_name']) {
      throw invalidConfig("The attribute 'stickiness.app_cookie.cookie_name' must be specified for stickiness type 'app_cookie'");
    }
    tg.attributes = next;
    return { Attributes: attributesOut(tg) };
  },
};
