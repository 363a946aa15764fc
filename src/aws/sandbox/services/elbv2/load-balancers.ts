/**
 * ELBv2 load balancers (Application Load Balancers only): CreateLoadBalancer,
 * DescribeLoadBalancers, DeleteLoadBalancer, DescribeLoadBalancerAttributes,
 * ModifyLoadBalancerAttributes — as the Elastic Load Balancing API reference and the
 * Application Load Balancers Guide ("Load balancer attributes", "Availability Zones") describe.
 *
 * A load balancer takes one requester-managed network interface per subnet with its security
 * groups (so the subnets, VPC and groups cannot be deleted while it exists, as in AWS) and is
 * `provisioning` for durations.elbProvision, then `active`.
 */
import type {
  CreateLoadBalancerInput,
  DeleteLoadBalancerInput,
  DescribeLoadBalancerAttributesInput,
  DescribeLoadBalancersInput,
  LoadBalancer,
  ModifyLoadBalancerAttributesInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { knownAliasTarget } from '../../../route53/alias-zones.js';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { attachNetworkInterface, detachNetworkInterfaces, findSecurityGroup, findSubnet } from '../ec2.js';
import { ec2State } from '../ec2/store.js';
import { hash32 } from '../sim-util.js';
import { withCertificateUse } from './listeners.js';
import {
  checkArn,
  checkName,
  checkTags,
  elbErrors,
  elbState,
  fingerprintOf,
  invalidConfig,
  loadBalancerArn,
  loadBalancerState,
  needLoadBalancer,
  pageByMarker,
  validation,
  type ElbSlice,
  type LoadBalancerRec,
  withAttributes,
} from './state.js';

/** "Application Load Balancers per Region": 50 (Application Load Balancers Guide, Quotas). */
const MAX_LOAD_BALANCERS = 50;

// ---- attributes ---------------------------------------------------------------------------

type Check = (value: string) => boolean;
const bool: Check = (v) => v === 'true' || v === 'false';
const range = (min: number, max: number): Check => (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const oneOf = (...values: string[]): Check => (v) => values.includes(v);
const bucket: Check = (v) => v === '' || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v);
const prefix: Check = (v) => !v.startsWith('/') && !v.endsWith('/') && !v.includes('AWSLogs');

/** Application Load Balancer attributes and their defaults (ALB Guide, "Load balancer attributes"). */
const ATTRIBUTES: Record<string, { default: string; valid: Check }> = {
  'access_logs.s3.enabled': { default: 'false', valid: bool },
  'access_logs.s3.bucket': { default: '', valid: bucket },
  'access_logs.s3.prefix': { default: '', valid: prefix },
  'client_keep_alive.seconds': { default: '3600', valid: range(60, 604800) },
  'connection_logs.s3.enabled': { default: 'false', valid: bool },
  'connection_logs.s3.bucket': { default: '', valid: bucket },
  'connection_logs.s3.prefix': { default: '', valid: prefix },
  'deletion_protection.enabled': { default: 'false', valid: bool },
  'health_check_logs.s3.enabled': { default: 'false', valid: bool },
  'health_check_logs.s3.bucket': { default: '', valid: bucket },
  'health_check_logs.s3.prefix': { default: '', valid: prefix },
  'idle_timeout.timeout_seconds': { default: '60', valid: range(1, 4000) },
  'routing.http.desync_mitigation_mode': { default: 'defensive', valid: oneOf('monitor', 'defensive', 'strictest') },
  'routing.http.drop_invalid_header_fields.enabled': { default: 'false', valid: bool },
  'routing.http.preserve_host_header.enabled': { default: 'false', valid: bool },
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': { default: 'false', valid: bool },
  'routing.http.xff_client_port.enabled': { default: 'false', valid: bool },
  'routing.http.xff_header_processing.mode': { default: 'append', valid: oneOf('append', 'preserve', 'remove') },
  'routing.http2.enabled': { default: 'true', valid: bool },
  'waf.fail_open.enabled': { default: 'false', valid: bool },
  'zonal_shift.config.enabled': { default: 'false', valid: bool },
};

const attributeOf = (lb: LoadBalancerRec, key: string): string => lb.attributes[key] ?? ATTRIBUTES[key]!.default;
const attributesOut = (lb: LoadBalancerRec): Array<{ Key: string; Value: string }> =>
  Object.keys(ATTRIBUTES).map((Key) => ({ Key, Value: attributeOf(lb, Key) }));

export const deletionProtected = (lb: LoadBalancerRec): boolean => attributeOf(lb, 'deletion_protection.enabled') === 'true';

// ---- output -------------------------------------------------------------------------------

function dnsName(ctx: SimContext, name: string, arn: string, scheme: string): string {
  const digits = 1_000_000_000 + (hash32(arn) % 1_147_483_647);
  const domain = ctx.region.startsWith('cn-') ? 'elb.amazonaws.com.cn' : 'elb.amazonaws.com';
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${ctx.region}.${domain}`;
}

/** The region's ALB hosted zone (AWS General Reference, shared with cutover: route53/alias-zones.ts). */
function hostedZoneId(ctx: SimContext, dns: string): string {
  const known = knownAliasTarget(dns);
  if (!known) {
    throw new SimError('UnsupportedOperation', `The promigrate sandbox does not know the Application Load Balancer hosted zone of region ${ctx.region}.`);
  }
  return known.hostedZoneId;
}

export function loadBalancerOut(ctx: SimContext, lb: LoadBalancerRec): LoadBalancer {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: hostedZoneId(ctx, lb.dnsName),
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: loadBalancerState(ctx, lb) },
    Type: lb.type,
    AvailabilityZones: lb.zones.map((z) => ({ ZoneName: z.availabilityZone, SubnetId: z.subnetId, LoadBalancerAddresses: [] })),
    SecurityGroups: [...lb.securityGroups],
    IpAddressType: lb.ipAddressType as LoadBalancer['IpAddressType'],
  };
}

// ---- CreateLoadBalancer validation ----------------------------------------------------------

function subnetInfo(ctx: SimContext, subnetId: string): { vpcId: string; availabilityZone: string } | undefined {
  return ctx.hooks.subnetInfo ? ctx.hooks.subnetInfo(subnetId) : findSubnet(ctx, subnetId);
}

/** "You must specify subnets from at least two Availability Zones" (ALB Guide, Availability Zones). */
function placeSubnets(ctx: SimContext, input: CreateLoadBalancerInput): { vpcId: string; zones: LoadBalancerRec['zones'] } {
  if (input.Subnets?.length && input.SubnetMappings?.length) {
    throw validation('You can specify subnets or subnet mappings, but not both');
  }
  const mappings = input.SubnetMappings ?? [];
  for (const m of mappings) {
    if (m.AllocationId || m.PrivateIPv4Address || m.IPv6Address) {
      throw invalidConfig('Application Load Balancers do not support Elastic IP addresses or private IP addresses in subnet mappings');
    }
  }
  const ids = [...new Set(input.Subnets ?? mappings.map((m) => m.SubnetId ?? ''))];
  if (ids.length === 0) throw validation('At least two subnets in two different Availability Zones must be specified');
  const zones: LoadBalancerRec['zones'] = [];
  let vpcId: string | undefined;
  for (const subnetId of ids) {
    const info = /^subnet-[0-9a-f]{8,17}$/.test(subnetId) ? subnetInfo(ctx, subnetId) : undefined;
    if (!info) throw new SimError('SubnetNotFound', `The subnet ID '${subnetId}' is not valid`);
    if (vpcId !== undefined && info.vpcId !== vpcId) throw invalidConfig('The subnets must all belong to the same VPC');
    vpcId = info.vpcId;
    if (zones.some((z) => z.availabilityZone === info.availabilityZone)) {
      throw invalidConfig('A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    }
    zones.push({ subnetId, availabilityZone: info.availabilityZone });
  }
  if (zones.length < 2) throw validation('At least two subnets in two different Availability Zones must be specified');
  return { vpcId: vpcId!, zones };
}

/** The VPC's groups, or its `default` group when none is given (CreateLoadBalancer, SecurityGroups). */
function securityGroups(ctx: SimContext, vpcId: string, asked: string[] | undefined): string[] {
  if (!asked || asked.length === 0) {
    const def = Object.values(ec2State(ctx).groups).find((g) => g.vpcId === vpcId && g.name === 'default');
    return def ? [def.id] : [];
  }
  for (const id of asked) {
    const g = /^sg-[0-9a-f]{8,17}$/.test(id) ? findSecurityGroup(ctx, id) : undefined;
    if (!g) throw new SimError('InvalidSecurityGroup', `Security group '${id}' does not exist`);
    if (g.vpcId !== vpcId) throw new SimError('InvalidSecurityGroup', `Security group '${id}' does not belong to VPC '${vpcId}'`);
  }
  return [...new Set(asked)];
}

/** An internet-facing load balancer needs the VPC to have an internet gateway. */
function checkInternetGateway(ctx: SimContext, vpcId: string): void {
  if (!Object.values(ec2State(ctx).igws).some((g) => g.vpcId === vpcId)) {
    throw new SimError('InvalidSubnet', `VPC ${vpcId} has no internet gateway`);
  }
}

function releaseAndDelete(ctx: SimContext, s: ElbSlice, lb: LoadBalancerRec): void {
  for (const [arn, l] of Object.entries(s.listeners)) if (l.loadBalancerArn === lb.arn) delete s.listeners[arn];
  detachNetworkInterfaces(ctx, `elbv2:${lb.arn}`);
  delete s.loadBalancers[lb.arn];
}

// ---- operations ---------------------------------------------------------------------------

export const loadBalancerOperations: ServiceSimulator = {
  CreateLoadBalancer: (input: CreateLoadBalancerInput, ctx) => {
    const s = elbState(ctx);
    const name = checkName('load balancer', input.Name);
    const type = input.Type ?? 'application';
    if (type !== 'application') {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox simulates Application Load Balancers only, not Type '${type}'.`);
    }
    const scheme = input.Scheme ?? 'internet-facing';
    if (scheme !== 'internet-facing' && scheme !== 'internal') throw new SimError('InvalidScheme', `The scheme '${String(scheme)}' is not valid`);
    const ipAddressType = input.IpAddressType ?? 'ipv4';
    if (!['ipv4', 'dualstack', 'dualstack-without-public-ipv4'].includes(ipAddressType)) {
      throw validation(`The IP address type '${ipAddressType}' is not valid`);
    }
    const { vpcId, zones } = placeSubnets(ctx, input);
    if (ipAddressType !== 'ipv4') {
      // The simulated subnets have no IPv6 CIDR block, which dual-stack requires.
      throw invalidConfig(`Subnet '${zones[0]!.subnetId}' does not have an IPv6 CIDR block, which IP address type '${ipAddressType}' requires`);
    }
    const groups = securityGroups(ctx, vpcId, input.SecurityGroups);
    const tags = checkTags(input.Tags);
    if (tags.length > 50) throw new SimError('TooManyTags', "You've reached the limit on the number of tags for this resource (50)");
    const fingerprint = fingerprintOf({
      type, scheme, ipAddressType, subnets: zones.map((z) => z.subnetId).sort(), groups: [...groups].sort(), tags,
    });
    // "This operation is idempotent ... If you attempt to create multiple load balancers with the same settings, each call succeeds."
    const existing = Object.values(s.loadBalancers).find((lb) => lb.name === name);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new SimError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
      }
      return { LoadBalancers: [loadBalancerOut(ctx, existing)] };
    }
    if (scheme === 'internet-facing') checkInternetGateway(ctx, vpcId);
    if (Object.keys(s.loadBalancers).length >= MAX_LOAD_BALANCERS) {
      throw new SimError('TooManyLoadBalancers', `The maximum number of load balancers (${MAX_LOAD_BALANCERS}) has been reached`);
    }
    const id = ctx.newId('', 16);
    const arn = loadBalancerArn(ctx, name, id);
    const lb: LoadBalancerRec = {
      arn, name, id, type, scheme, ipAddressType, vpcId, zones, securityGroups: groups,
      dnsName: dnsName(ctx, name, arn, scheme), createdAt: ctx.now(), attributes: {}, tags, fingerprint,
    };
    for (const z of zones) {
      if (findSubnet(ctx, z.subnetId)) {
        attachNetworkInterface(ctx, { owner: `elbv2:${arn}`, subnetId: z.subnetId, groupIds: groups, description: `ELB app/${name}/${id}` });
      }
    }
    s.loadBalancers[arn] = lb;
    return { LoadBalancers: [loadBalancerOut(ctx, lb)] };
  },

  DescribeLoadBalancers: (input: DescribeLoadBalancersInput, ctx) => {
    const s = elbState(ctx);
    if (input.LoadBalancerArns?.length && input.Names?.length) {
      throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
    }
    let list = Object.values(s.loadBalancers);
    if (input.LoadBalancerArns?.length) {
      const missing = input.LoadBalancerArns.filter((arn) => !s.loadBalancers[checkArn('load balancer', arn)]);
      if (missing.length) throw elbErrors.loadBalancerNotFound(missing);
      list = list.filter((lb) => input.LoadBalancerArns!.includes(lb.arn));
    }
    if (input.Names?.length) {
      const missing = input.Names.filter((n) => !list.some((lb) => lb.name === n));
      if (missing.length) throw elbErrors.loadBalancerNotFound(missing);
      list = list.filter((lb) => input.Names!.includes(lb.name));
    }
    const { items, NextMarker } = pageByMarker(list, input);
    return { LoadBalancers: items.map((lb) => loadBalancerOut(ctx, lb)), ...(NextMarker ? { NextMarker } : {}) };
  },

  /** "If the load balancer does not exist or has already been deleted, the call succeeds." */
  DeleteLoadBalancer: (input: DeleteLoadBalancerInput, ctx) => {
    const s = elbState(ctx);
    const lb = s.loadBalancers[checkArn('load balancer', input.LoadBalancerArn)];
    if (!lb) return {};
    if (deletionProtected(lb)) {
      throw new SimError('OperationNotPermitted', `Load balancer '${lb.arn}' cannot be deleted because deletion protection is enabled`);
    }
    withCertificateUse(ctx, s, lb.arn, () => releaseAndDelete(ctx, s, lb));
    return {};
  },

  DescribeLoadBalancerAttributes: (input: DescribeLoadBalancerAttributesInput, ctx) => {
    const lb = needLoadBalancer(elbState(ctx), input.LoadBalancerArn);
    return { Attributes: attributesOut(lb) };
  },

  ModifyLoadBalancerAttributes: (input: ModifyLoadBalancerAttributesInput, ctx) => {
    const lb = needLoadBalancer(elbState(ctx), input.LoadBalancerArn);
    const next = withAttributes('Load balancer', ATTRIBUTES, lb.attributes, input.Attributes);
    for (const log of ['access_logs', 'connection_logs', 'health_check_logs']) {
      if ((next[`${log}.s3.enabled`] ?? 'false') === 'true' && !(next[`${log}.s3.bucket`] ?? '')) {
        throw invalidConfig(`The value of '${log}.s3.bucket' cannot be empty when '${log}.s3.enabled' is true`);
      }
    }
    lb.attributes = next;
    return { Attributes: attributesOut(lb) };
  },
};
