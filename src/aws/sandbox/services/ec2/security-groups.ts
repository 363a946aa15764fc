/** EC2: security groups and their rules. */
import type {
  CreateSecurityGroupRequest,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupsRequest,
  IpPermission,
  SecurityGroup,
  SecurityGroupRule,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import {
  ec2Error,
  ec2State,
  instanceLive,
  invalidParameter,
  KINDS,
  need,
  notFoundError,
  selectByIds,
  setTags,
  tagsFromSpecs,
  tagsOf,
  type Ec2Slice,
  type RuleRec,
  type SgRec,
} from './store.js';
import { deleteWithTags } from './vpc.js';

const RULES_PER_DIRECTION = 60;
const PROTOCOLS: Record<string, string> = {
  '-1': '-1', all: '-1', tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', icmpv6: 'icmpv6', '58': 'icmpv6',
};

function protocolOf(p: string | undefined): string {
  const key = (p ?? '').toLowerCase();
  const known = PROTOCOLS[key];
  if (known) return known;
  if (/^\d+$/.test(key) && Number(key) <= 255) return key;
  throw invalidParameter(`Invalid value '${p ?? ''}' for IP protocol. Unknown protocol.`);
}

interface PermissionInput {
  IpPermissions?: IpPermission[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
}

/** One RuleRec (without id) per peer of every permission in the request. */
function expand(input: PermissionInput, egress: boolean): Omit<RuleRec, 'id'>[] {
  const permissions: IpPermission[] = input.IpPermissions?.length
    ? input.IpPermissions
    : input.CidrIp !== undefined
      ? [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: [{ CidrIp: input.CidrIp }] }]
      : [];
  if (permissions.length === 0) throw ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions');
  const rules: Omit<RuleRec, 'id'>[] = [];
  for (const p of permissions) {
    const protocol = protocolOf(p.IpProtocol);
    const ports = protocol === '-1' ? {} : { from: p.FromPort ?? -1, to: p.ToPort ?? -1 };
    if ((protocol === 'tcp' || protocol === 'udp') && (p.FromPort === undefined || p.ToPort === undefined)) {
      throw invalidParameter(`Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
    }
    const base = { egress, protocol, ...ports };
    const before = rules.length;
    for (const r of p.IpRanges ?? []) rules.push({ ...base, cidrIpv4: r.CidrIp, ...desc(r.Description) });
    for (const r of p.Ipv6Ranges ?? []) rules.push({ ...base, cidrIpv6: r.CidrIpv6, ...desc(r.Description) });
    for (const r of p.UserIdGroupPairs ?? []) rules.push({ ...base, groupId: r.GroupId, ...desc(r.Description) });
    for (const r of p.PrefixListIds ?? []) rules.push({ ...base, prefixListId: r.PrefixListId, ...desc(r.Description) });
    if (rules.length === before) {
      throw invalidParameter('Each permission needs IpRanges, Ipv6Ranges, UserIdGroupPairs or PrefixListIds.');
    }
  }
  return rules;
}

const desc = (d: string | undefined): { description?: string } => (d !== undefined ? { description: d } : {});
const peerOf = (r: Omit<RuleRec, 'id'>): string => r.cidrIpv4 ?? r.cidrIpv6 ?? r.groupId ?? r.prefixListId ?? '';
const keyOf = (r: Omit<RuleRec, 'id'>): string => [r.egress, r.protocol, r.from, r.to, peerOf(r)].join('|');

function describeRule(r: Omit<RuleRec, 'id'>): string {
  const proto = r.protocol === '-1' ? 'ALL' : r.protocol.toUpperCase();
  const ports = r.protocol === '-1' ? '' : `, from port: ${r.from}, to port: ${r.to}`;
  return `peer: ${peerOf(r)}, ${proto}${ports}, ALLOW`;
}

/** Rules grouped back into the IpPermissions shape, as DescribeSecurityGroups returns them. */
function permissionsOf(ctx: SimContext, rules: RuleRec[]): IpPermission[] {
  const groups = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.from}|${r.to}`;
    let p = groups.get(key);
    if (!p) {
      p = {
        IpProtocol: r.protocol,
        ...(r.protocol === '-1' ? {} : { FromPort: r.from, ToPort: r.to }),
        IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
      };
      groups.set(key, p);
    }
    const d = r.description !== undefined ? { Description: r.description } : {};
    if (r.cidrIpv4) p.IpRanges!.push({ CidrIp: r.cidrIpv4, ...d });
    if (r.cidrIpv6) p.Ipv6Ranges!.push({ CidrIpv6: r.cidrIpv6, ...d });
    if (r.groupId) p.UserIdGroupPairs!.push({ GroupId: r.groupId, UserId: ctx.accountId, ...d });
    if (r.prefixListId) p.PrefixListIds!.push({ PrefixListId: r.prefixListId, ...d });
  }
  return [...groups.values()];
}

function groupOut(ctx: SimContext, s: Ec2Slice, g: SgRec): SecurityGroup {
  return {
    GroupId: g.id,
    GroupName: g.name,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: ctx.accountId,
    SecurityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${g.id}`,
    IpPermissions: permissionsOf(ctx, g.rules.filter((r) => !r.egress)),
    IpPermissionsEgress: permissionsOf(ctx, g.rules.filter((r) => r.egress)),
    Tags: tagsOf(s, g.id),
  };
}

function ruleOut(ctx: SimContext, s: Ec2Slice, g: SgRec, r: RuleRec): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.id,
    SecurityGroupRuleArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group-rule/${r.id}`,
    GroupId: g.id,
    GroupOwnerId: ctx.accountId,
    IsEgress: r.egress,
    IpProtocol: r.protocol,
    FromPort: r.from ?? -1,
    ToPort: r.to ?? -1,
    ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    ...(r.cidrIpv6 ? { CidrIpv6: r.cidrIpv6 } : {}),
    ...(r.prefixListId ? { PrefixListId: r.prefixListId } : {}),
    ...(r.groupId ? { ReferencedGroupInfo: { GroupId: r.groupId, UserId: ctx.accountId } } : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    Tags: tagsOf(s, r.id),
  };
}

function findGroup(ctx: SimContext, s: Ec2Slice, input: { GroupId?: string; GroupName?: string }): SgRec {
  if (input.GroupId !== undefined) return need(s.groups, KINDS.sg!, input.GroupId);
  const byName = Object.values(s.groups).find((g) => g.vpcId === s.defaultVpcId && g.name === input.GroupName);
  if (!byName) {
    throw ec2Error('InvalidGroup.NotFound', `The security group '${input.GroupName ?? ''}' does not exist in default VPC '${s.defaultVpcId ?? 'none'}'`);
  }
  return byName;
}

function authorize(egress: boolean) {
  return (input: PermissionInput & { GroupId?: string; GroupName?: string; TagSpecifications?: TagSpecification[] }, ctx: SimContext) => {
    const s = ec2State(ctx);
    const group = findGroup(ctx, s, input);
    const wanted = expand(input, egress);
    for (const r of wanted) {
      if (r.groupId !== undefined && !s.groups[r.groupId]) throw notFoundError(KINDS.sg!, [r.groupId]);
      if (group.rules.some((x) => keyOf(x) === keyOf(r))) {
        throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
      }
    }
    if (group.rules.filter((x) => x.egress === egress).length + wanted.length > RULES_PER_DIRECTION) {
      throw ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'security-group-rule');
    const added = wanted.map((r) => ({ id: ctx.newId('sgr-'), ...r }));
    group.rules.push(...added);
    for (const r of added) setTags(s, r.id, tags);
    return { Return: true, SecurityGroupRules: added.map((r) => ruleOut(ctx, s, group, r)) };
  };
}

function revoke(egress: boolean) {
  return (input: PermissionInput & { GroupId?: string; GroupName?: string; SecurityGroupRuleIds?: string[] }, ctx: SimContext) => {
    const s = ec2State(ctx);
    const group = findGroup(ctx, s, input);
    let removed: RuleRec[];
    const unknown: IpPermission[] = [];
    if (input.SecurityGroupRuleIds?.length) {
      const missing = input.SecurityGroupRuleIds.filter((id) => !group.rules.some((r) => r.id === id && r.egress === egress));
      if (missing.length) throw notFoundError(KINDS.sgr!, missing);
      removed = group.rules.filter((r) => input.SecurityGroupRuleIds!.includes(r.id));
    } else {
      removed = [];
      for (const r of expand(input, egress)) {
        const match = group.rules.find((x) => keyOf(x) === keyOf(r));
        if (match) removed.push(match);
        else unknown.push(...permissionsOf(ctx, [{ id: '', ...r }]));
      }
    }
    group.rules = group.rules.filter((r) => !removed.includes(r));
    for (const r of removed) delete s.tags[r.id];
    return {
      Return: unknown.length === 0,
      ...(unknown.length ? { UnknownIpPermissions: unknown } : {}),
      RevokedSecurityGroupRules: removed.map((r) => ({
        SecurityGroupRuleId: r.id, GroupId: group.id, IsEgress: r.egress, IpProtocol: r.protocol,
        FromPort: r.from ?? -1, ToPort: r.to ?? -1,
        ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
        ...(r.groupId ? { ReferencedGroupId: r.groupId } : {}),
      })),
    };
  };
}

export const securityGroupOperations: ServiceSimulator = {
  CreateSecurityGroup: (input: CreateSecurityGroupRequest, ctx) => {
    const s = ec2State(ctx);
    if (!input.GroupName) throw ec2Error('MissingParameter', 'The request must contain the parameter groupName');
    if (!input.Description) throw ec2Error('MissingParameter', 'The request must contain the parameter groupDescription');
    if (input.GroupName.toLowerCase().startsWith('sg-')) throw invalidParameter('Group names may not be in the format sg-*.');
    const vpcId = input.VpcId ?? s.defaultVpcId;
    if (vpcId === undefined) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
    need(s.vpcs, KINDS.vpc!, vpcId);
    if (Object.values(s.groups).some((g) => g.vpcId === vpcId && g.name === input.GroupName)) {
      throw ec2Error('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpcId}'`);
    }
    const tags = tagsFromSpecs(input.TagSpecifications, 'security-group');
    const group: SgRec = { id: ctx.newId('sg-'), name: input.GroupName, description: input.Description, vpcId, rules: [] };
    group.rules.push({ id: ctx.newId('sgr-'), egress: true, protocol: '-1', cidrIpv4: '0.0.0.0/0' });
    s.groups[group.id] = group;
    setTags(s, group.id, tags);
    return { GroupId: group.id, Tags: tagsOf(s, group.id), SecurityGroupArn: groupOut(ctx, s, group).SecurityGroupArn };
  },

  AuthorizeSecurityGroupIngress: authorize(false),
  AuthorizeSecurityGroupEgress: authorize(true),
  RevokeSecurityGroupIngress: revoke(false),
  RevokeSecurityGroupEgress: revoke(true),

  DescribeSecurityGroups: (input: DescribeSecurityGroupsRequest, ctx) => {
    const s = ec2State(ctx);
    let groups = selectByIds(s.groups, KINDS.sg!, input.GroupIds);
    if (input.GroupNames?.length) groups = input.GroupNames.map((name) => findGroup(ctx, s, { GroupName: name }));
    const rules = (g: SgRec, egress: boolean): RuleRec[] => g.rules.filter((r) => r.egress === egress);
    const fields: FilterFields<SgRec> = {
      'group-id': (g) => g.id,
      'group-name': (g) => g.name,
      'vpc-id': (g) => g.vpcId,
      description: (g) => g.description,
      'owner-id': () => ctx.accountId,
      'ip-permission.cidr': (g) => rules(g, false).map((r) => r.cidrIpv4),
      'ip-permission.from-port': (g) => rules(g, false).map((r) => r.from),
      'ip-permission.to-port': (g) => rules(g, false).map((r) => r.to),
      'ip-permission.protocol': (g) => rules(g, false).map((r) => r.protocol),
      'ip-permission.group-id': (g) => rules(g, false).map((r) => r.groupId),
      'egress.ip-permission.cidr': (g) => rules(g, true).map((r) => r.cidrIpv4),
      'egress.ip-permission.protocol': (g) => rules(g, true).map((r) => r.protocol),
      'egress.ip-permission.group-id': (g) => rules(g, true).map((r) => r.groupId),
    };
    const list = applyFilters(s, groups, input.Filters, fields, (g) => g.id);
    const { items, NextToken } = page(list, input);
    return { SecurityGroups: items.map((g) => groupOut(ctx, s, g)), ...(NextToken ? { NextToken } : {}) };
  },

  DescribeSecurityGroupRules: (input: DescribeSecurityGroupRulesRequest, ctx) => {
    const s = ec2State(ctx);
    const all = Object.values(s.groups).flatMap((g) => g.rules.map((rule) => ({ g, rule })));
    const ids = input.SecurityGroupRuleIds;
    const missing = (ids ?? []).filter((id) => !all.some((x) => x.rule.id === id));
    if (missing.length) throw notFoundError(KINDS.sgr!, missing);
    const base = ids?.length ? all.filter((x) => ids.includes(x.rule.id)) : all;
    const fields: FilterFields<(typeof all)[number]> = {
      'group-id': (x) => x.g.id,
      'security-group-rule-id': (x) => x.rule.id,
    };
    const list = applyFilters(s, base, input.Filters, fields, (x) => x.rule.id);
    const { items, NextToken } = page(list, input);
    return { SecurityGroupRules: items.map((x) => ruleOut(ctx, s, x.g, x.rule)), ...(NextToken ? { NextToken } : {}) };
  },

  DeleteSecurityGroup: (input: { GroupId?: string; GroupName?: string }, ctx) => {
    const s = ec2State(ctx);
    const group = findGroup(ctx, s, input);
    if (group.name === 'default') {
      throw ec2Error('CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`);
    }
    const inUse =
      Object.values(s.instances).some((i) => i.groupIds.includes(group.id) && instanceLive(ctx, i)) ||
      Object.values(s.enis).some((e) => e.groupIds.includes(group.id)) ||
      Object.values(s.groups).some((g) => g.id !== group.id && g.rules.some((r) => r.groupId === group.id));
    if (inUse) throw ec2Error('DependencyViolation', `resource ${group.id} has a dependent object`);
    for (const r of group.rules) delete s.tags[r.id];
    deleteWithTags(s, s.groups, group.id);
    return { Return: true, GroupId: group.id };
  },
};
