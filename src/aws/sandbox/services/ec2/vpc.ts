/** EC2: availability zones, account attributes, VPCs and subnets. */
import type {
  AvailabilityZone,
  CreateSubnetRequest,
  CreateVpcRequest,
  DescribeAccountAttributesRequest,
  DescribeAvailabilityZonesRequest,
  DescribeSubnetsRequest,
  DescribeVpcsRequest,
  ModifySubnetAttributeRequest,
  ModifyVpcAttributeRequest,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import { containsCidr, overlapCidr, parseCidr } from 'cidr-tools';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import {
  createVpcScaffolding,
  ec2Error,
  ec2State,
  instanceLive,
  invalidParameter,
  KINDS,
  natHoldsResources,
  need,
  selectByIds,
  setTags,
  tagsFromSpecs,
  tagsOf,
  zoneId,
  zoneNames,
  type Ec2Slice,
  type SubnetRec,
  type VpcRec,
} from './store.js';

export const ACCOUNT_LIMITS = { vpcs: 5, elasticIps: 5, instances: 20 };

function parseIpv4Cidr(cidr: unknown, param: string): { prefix: number; start: bigint; normalized: string } {
  const text = typeof cidr === 'string' ? cidr : '';
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw invalidParameter(`Value (${text}) for parameter ${param} is invalid. This is not a valid CIDR block.`);
  }
  const given = m.slice(1, 5).reduce((acc, o) => (acc << 8n) + BigInt(o), 0n);
  const { start } = parseCidr(text);
  if (start !== given) {
    throw invalidParameter(`Value (${text}) for parameter ${param} is invalid. This is not a valid CIDR block.`);
  }
  return { prefix: Number(m[5]), start, normalized: text };
}

const dhcpOptionsId = (s: Ec2Slice): string => `dopt-${(s.defaultVpcId ?? 'vpc-00000000000000000').slice(4)}`;

export function vpcOut(ctx: SimContext, s: Ec2Slice, v: VpcRec, state: 'pending' | 'available' = 'available'): Vpc {
  return {
    VpcId: v.id,
    OwnerId: ctx.accountId,
    CidrBlock: v.cidr,
    DhcpOptionsId: dhcpOptionsId(s),
    State: state,
    InstanceTenancy: v.tenancy as Vpc['InstanceTenancy'],
    IsDefault: v.isDefault,
    CidrBlockAssociationSet: [{ AssociationId: v.cidrAssocId, CidrBlock: v.cidr, CidrBlockState: { State: 'associated' } }],
    Tags: tagsOf(s, v.id),
  };
}

export function subnetOut(ctx: SimContext, s: Ec2Slice, x: SubnetRec): Subnet {
  const size = Number(2n ** BigInt(32 - Number(x.cidr.split('/')[1])));
  return {
    SubnetId: x.id,
    SubnetArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:subnet/${x.id}`,
    VpcId: x.vpcId,
    OwnerId: ctx.accountId,
    CidrBlock: x.cidr,
    AvailabilityZone: x.az,
    AvailabilityZoneId: x.azId,
    AvailableIpAddressCount: size - 5 - x.used,
    DefaultForAz: x.defaultForAz,
    MapPublicIpOnLaunch: x.mapPublicIp,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    State: 'available',
    Tags: tagsOf(s, x.id),
  };
}

const vpcFields = (ctx: SimContext, s: Ec2Slice): FilterFields<VpcRec> => ({
  'vpc-id': (v) => v.id,
  cidr: (v) => v.cidr,
  'cidr-block-association.cidr-block': (v) => v.cidr,
  'cidr-block-association.association-id': (v) => v.cidrAssocId,
  'cidr-block-association.state': () => 'associated',
  'dhcp-options-id': () => dhcpOptionsId(s),
  'is-default': (v) => v.isDefault,
  'owner-id': () => ctx.accountId,
  state: () => 'available',
});

const subnetFields = (ctx: SimContext, s: Ec2Slice): FilterFields<SubnetRec> => ({
  'subnet-id': (x) => x.id,
  'subnet-arn': (x) => subnetOut(ctx, s, x).SubnetArn,
  'vpc-id': (x) => x.vpcId,
  'cidr-block': (x) => x.cidr,
  cidr: (x) => x.cidr,
  cidrBlock: (x) => x.cidr,
  'availability-zone': (x) => x.az,
  'availability-zone-id': (x) => x.azId,
  'available-ip-address-count': (x) => subnetOut(ctx, s, x).AvailableIpAddressCount,
  'default-for-az': (x) => x.defaultForAz,
  defaultForAz: (x) => x.defaultForAz,
  'map-public-ip-on-launch': (x) => x.mapPublicIp,
  'owner-id': () => ctx.accountId,
  state: () => 'available',
});

export const vpcOperations: ServiceSimulator = {
  DescribeAvailabilityZones: (input: DescribeAvailabilityZonesRequest, ctx) => {
    let zones: AvailabilityZone[] = zoneNames(ctx.region).map((z) => ({
      ZoneName: z,
      ZoneId: zoneId(ctx.region, z),
      State: 'available',
      RegionName: ctx.region,
      ZoneType: 'availability-zone',
      OptInStatus: 'opt-in-not-required',
      GroupName: ctx.region,
      NetworkBorderGroup: ctx.region,
      Messages: [],
    }));
    if (input.ZoneNames?.length) zones = zones.filter((z) => input.ZoneNames!.includes(z.ZoneName!));
    if (input.ZoneIds?.length) zones = zones.filter((z) => input.ZoneIds!.includes(z.ZoneId!));
    const byName = Object.fromEntries(zones.map((z) => [z.ZoneName!, z]));
    const fields: FilterFields<AvailabilityZone> = {
      'zone-name': (z) => z.ZoneName, 'zone-id': (z) => z.ZoneId, state: (z) => z.State, 'region-name': (z) => z.RegionName,
      'zone-type': (z) => z.ZoneType, 'group-name': (z) => z.GroupName, 'opt-in-status': (z) => z.OptInStatus,
    };
    const s = ec2State(ctx);
    return { AvailabilityZones: applyFilters(s, Object.values(byName), input.Filters, fields, (z) => z.ZoneName!) };
  },

  DescribeAccountAttributes: (input: DescribeAccountAttributesRequest, ctx) => {
    const s = ec2State(ctx);
    const all: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [s.defaultVpcId ?? 'none'],
      'max-instances': [String(ACCOUNT_LIMITS.instances)],
      'vpc-max-security-groups-per-interface': ['5'],
      'max-elastic-ips': ['5'],
      'vpc-max-elastic-ips': [String(ACCOUNT_LIMITS.elasticIps)],
    };
    const names = input.AttributeNames?.length ? input.AttributeNames : Object.keys(all);
    return {
      AccountAttributes: names.map((n) => {
        if (!all[n]) throw invalidParameter(`Value (${n}) for parameter attributeName is invalid.`);
        return { AttributeName: n, AttributeValues: all[n]!.map((v) => ({ AttributeValue: v })) };
      }),
    };
  },

  CreateVpc: (input: CreateVpcRequest, ctx) => {
    const s = ec2State(ctx);
    const { prefix, normalized } = parseIpv4Cidr(input.CidrBlock, 'cidrBlock');
    if (prefix < 16 || prefix > 28) throw ec2Error('InvalidVpc.Range', `The CIDR '${normalized}' is invalid.`);
    if (Object.keys(s.vpcs).length >= ACCOUNT_LIMITS.vpcs) {
      throw ec2Error('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'vpc');
    const vpc: VpcRec = {
      id: ctx.newId('vpc-'), cidr: normalized, cidrAssocId: ctx.newId('vpc-cidr-assoc-'), isDefault: false,
      tenancy: input.InstanceTenancy ?? 'default', dnsSupport: true, dnsHostnames: false, created: ctx.now(),
    };
    s.vpcs[vpc.id] = vpc;
    createVpcScaffolding(ctx, s, vpc);
    setTags(s, vpc.id, tags);
    return { Vpc: vpcOut(ctx, s, vpc, 'pending') };
  },

  DescribeVpcs: (input: DescribeVpcsRequest, ctx) => {
    const s = ec2State(ctx);
    const vpcs = applyFilters(s, selectByIds(s.vpcs, KINDS.vpc!, input.VpcIds), input.Filters, vpcFields(ctx, s), (v) => v.id);
    const { items, NextToken } = page(vpcs, input);
    return { Vpcs: items.map((v) => vpcOut(ctx, s, v)), ...(NextToken ? { NextToken } : {}) };
  },

  ModifyVpcAttribute: (input: ModifyVpcAttributeRequest, ctx) => {
    const s = ec2State(ctx);
    const vpc = need(s.vpcs, KINDS.vpc!, input.VpcId);
    const given = (['EnableDnsSupport', 'EnableDnsHostnames', 'EnableNetworkAddressUsageMetrics'] as const).filter(
      (k) => input[k] !== undefined,
    );
    if (given.length !== 1) {
      throw ec2Error('InvalidParameterCombination', 'Exactly one attribute must be specified per ModifyVpcAttribute call.');
    }
    if (input.EnableDnsSupport) vpc.dnsSupport = input.EnableDnsSupport.Value ?? vpc.dnsSupport;
    if (input.EnableDnsHostnames) {
      const value = input.EnableDnsHostnames.Value ?? vpc.dnsHostnames;
      if (value && !vpc.dnsSupport) {
        throw ec2Error('InvalidParameterValue', 'Cannot enable DNS hostnames on a VPC without DNS support.');
      }
      vpc.dnsHostnames = value;
    }
    return {};
  },

  DescribeVpcAttribute: (input: { VpcId?: string; Attribute?: string }, ctx) => {
    const vpc = need(ec2State(ctx).vpcs, KINDS.vpc!, input.VpcId);
    if (input.Attribute === 'enableDnsSupport') return { VpcId: vpc.id, EnableDnsSupport: { Value: vpc.dnsSupport } };
    if (input.Attribute === 'enableDnsHostnames') return { VpcId: vpc.id, EnableDnsHostnames: { Value: vpc.dnsHostnames } };
    throw invalidParameter(`Value (${input.Attribute}) for parameter attribute is invalid.`);
  },

  DeleteVpc: (input: { VpcId?: string }, ctx) => {
    const s = ec2State(ctx);
    const vpc = need(s.vpcs, KINDS.vpc!, input.VpcId);
    const inVpc = <T extends { vpcId?: string }>(table: Record<string, T>): T[] =>
      Object.values(table).filter((r) => r.vpcId === vpc.id);
    const blocked =
      inVpc(s.subnets).length > 0 ||
      inVpc(s.igws).length > 0 ||
      inVpc(s.groups).some((g) => g.name !== 'default') ||
      inVpc(s.routeTables).some((t) => !t.associations.some((a) => a.main)) ||
      inVpc(s.nats).some((n) => natHoldsResources(ctx, n)) ||
      inVpc(s.instances).some((i) => instanceLive(ctx, i)) ||
      inVpc(s.enis).length > 0;
    if (blocked) throw ec2Error('DependencyViolation', `The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
    for (const t of inVpc(s.routeTables)) deleteWithTags(s, s.routeTables, t.id);
    for (const g of inVpc(s.groups)) deleteWithTags(s, s.groups, g.id);
    deleteWithTags(s, s.vpcs, vpc.id);
    if (s.defaultVpcId === vpc.id) delete s.defaultVpcId;
    return {};
  },

  CreateSubnet: (input: CreateSubnetRequest, ctx) => {
    const s = ec2State(ctx);
    const vpc = need(s.vpcs, KINDS.vpc!, input.VpcId);
    const { prefix, normalized } = parseIpv4Cidr(input.CidrBlock, 'cidrBlock');
    if (prefix < 16 || prefix > 28 || !containsCidr(vpc.cidr, normalized)) {
      throw ec2Error('InvalidSubnet.Range', `The CIDR '${normalized}' is invalid.`);
    }
    const siblings = Object.values(s.subnets).filter((x) => x.vpcId === vpc.id);
    if (siblings.some((x) => overlapCidr(x.cidr, normalized))) {
      throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${normalized}' conflicts with another subnet`);
    }
    const zones = zoneNames(ctx.region);
    let az = input.AvailabilityZone;
    if (az === undefined && input.AvailabilityZoneId !== undefined) {
      az = zones.find((z) => zoneId(ctx.region, z) === input.AvailabilityZoneId);
      if (!az) throw invalidParameter(`Value (${input.AvailabilityZoneId}) for parameter availabilityZoneId is invalid.`);
    }
    if (az === undefined) {
      const count = (z: string): number => siblings.filter((x) => x.az === z).length;
      az = [...zones].sort((a, b) => count(a) - count(b))[0]!;
    }
    if (!zones.includes(az)) {
      throw invalidParameter(
        `Value (${az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`,
      );
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'subnet');
    const subnet: SubnetRec = {
      id: ctx.newId('subnet-'), vpcId: vpc.id, cidr: normalized, az, azId: zoneId(ctx.region, az),
      defaultForAz: false, mapPublicIp: false, used: 0, created: ctx.now(),
    };
    s.subnets[subnet.id] = subnet;
    setTags(s, subnet.id, tags);
    return { Subnet: subnetOut(ctx, s, subnet) };
  },

  DescribeSubnets: (input: DescribeSubnetsRequest, ctx) => {
    const s = ec2State(ctx);
    const subnets = applyFilters(
      s, selectByIds(s.subnets, KINDS.subnet!, input.SubnetIds), input.Filters, subnetFields(ctx, s), (x) => x.id,
    );
    const { items, NextToken } = page(subnets, input);
    return { Subnets: items.map((x) => subnetOut(ctx, s, x)), ...(NextToken ? { NextToken } : {}) };
  },

  ModifySubnetAttribute: (input: ModifySubnetAttributeRequest, ctx) => {
    const subnet = need(ec2State(ctx).subnets, KINDS.subnet!, input.SubnetId);
    if (input.MapPublicIpOnLaunch?.Value !== undefined) subnet.mapPublicIp = input.MapPublicIpOnLaunch.Value;
    return {};
  },

  DeleteSubnet: (input: { SubnetId?: string }, ctx) => {
    const s = ec2State(ctx);
    const subnet = need(s.subnets, KINDS.subnet!, input.SubnetId);
    const inSubnet = <T extends { subnetId?: string }>(table: Record<string, T>): T[] =>
      Object.values(table).filter((r) => r.subnetId === subnet.id);
    if (
      inSubnet(s.instances).some((i) => instanceLive(ctx, i)) ||
      inSubnet(s.nats).some((n) => natHoldsResources(ctx, n)) ||
      inSubnet(s.enis).length > 0
    ) {
      throw ec2Error('DependencyViolation', `The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
    }
    for (const t of Object.values(s.routeTables)) t.associations = t.associations.filter((a) => a.subnetId !== subnet.id);
    deleteWithTags(s, s.subnets, subnet.id);
    return {};
  },
};

export function deleteWithTags<T>(s: Ec2Slice, table: Record<string, T>, id: string): void {
  delete table[id];
  delete s.tags[id];
}
