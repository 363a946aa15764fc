/**
 * Security group rule sets that converge: compare the rules a group has with the rules
 * promigrate asks for, add what is missing, revoke what is not asked for — but only within
 * the scope a task manages (a direction, and CIDR or group peers), so two tasks can share a
 * group without undoing each other.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { tagSpecifications, TAG_PROJECT } from '../../aws/tags.js';
import { isAwsError, isNotFound } from '../../aws/errors.js';
import { ec2Of } from './ec2-common.js';
import type { PlannedCall, TaskContext } from '../../engine/resources/task.js';

export interface RuleSpec {
  /** The group that holds the rule. */
  groupId: string;
  egress: boolean;
  /** `tcp`, or `-1` for all traffic. */
  protocol: 'tcp' | '-1';
  port?: number;
  cidr?: string;
  cidrIpv6?: string;
  /** A peer security group (by reference, never by address). */
  peerGroupId?: string;
  description: string;
}

/** The rules of one group, one direction, with these kinds of peers, that a task owns. */
export interface RuleScope {
  groupId: string;
  egress: boolean;
  peers: 'any' | 'cidr' | 'group';
}

export const allTraffic = (groupId: string, egress: boolean, description: string): RuleSpec => ({
  groupId,
  egress,
  protocol: '-1',
  cidr: '0.0.0.0/0',
  description,
});

const peerOf = (r: { cidr?: string; cidrIpv6?: string; peerGroupId?: string }): string => r.cidr ?? r.cidrIpv6 ?? r.peerGroupId ?? '';

function specKey(r: RuleSpec): string {
  const ports = r.protocol === '-1' ? '-1|-1' : `${r.port}|${r.port}`;
  return [r.egress, r.protocol, ports, peerOf(r)].join('|');
}

function existingKey(r: SecurityGroupRule): string {
  const protocol = r.IpProtocol === 'all' || r.IpProtocol === '-1' ? '-1' : r.IpProtocol;
  const ports = protocol === '-1' ? '-1|-1' : `${r.FromPort}|${r.ToPort}`;
  const peer = r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId ?? r.PrefixListId ?? '';
  return [r.IsEgress === true, protocol, ports, peer].join('|');
}

function inScope(r: SecurityGroupRule, scope: RuleScope): boolean {
  if (r.GroupId !== scope.groupId || (r.IsEgress === true) !== scope.egress) return false;
  const groupPeer = r.ReferencedGroupInfo?.GroupId !== undefined;
  return scope.peers === 'any' || (scope.peers === 'group') === groupPeer;
}

export function permissionOf(r: RuleSpec): IpPermission {
  const Description = r.description;
  return {
    IpProtocol: r.protocol,
    ...(r.protocol === '-1' ? {} : { FromPort: r.port, ToPort: r.port }),
    ...(r.cidr ? { IpRanges: [{ CidrIp: r.cidr, Description }] } : {}),
    ...(r.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: r.cidrIpv6, Description }] } : {}),
    ...(r.peerGroupId ? { UserIdGroupPairs: [{ GroupId: r.peerGroupId, Description }] } : {}),
  };
}

function authorizeInput(t: TaskContext, key: string, r: RuleSpec) {
  return {
    GroupId: r.groupId,
    IpPermissions: [permissionOf(r)],
    TagSpecifications: tagSpecifications('security-group-rule', t.tags(key)),
  };
}

/** The calls a new group's rules take, for the plan. */
export function plannedRuleCalls(t: TaskContext, key: string, desired: RuleSpec[], revokeDefaultEgressOf: string[]): PlannedCall[] {
  return [
    ...desired.map((r) => ({
      operation: r.egress ? 'ec2:AuthorizeSecurityGroupEgress' : 'ec2:AuthorizeSecurityGroupIngress',
      params: authorizeInput(t, key, r) as unknown as Record<string, unknown>,
    })),
    ...revokeDefaultEgressOf.map((groupId) => ({
      operation: 'ec2:RevokeSecurityGroupEgress',
      params: { GroupId: groupId, SecurityGroupRuleIds: ['<the default allow-all egress rule>'] },
    })),
  ];
}

async function rulesOf(t: TaskContext, groupIds: string[]): Promise<SecurityGroupRule[]> {
  const ec2 = await ec2Of(t);
  const rules: SecurityGroupRule[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groupIds }], NextToken }));
    rules.push(...(out.SecurityGroupRules ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return rules;
}

/** Adds the missing rules of `desired`, then revokes every rule in `scopes` not in it. */
export async function reconcileRules(t: TaskContext, key: string, scopes: RuleScope[], desired: RuleSpec[]): Promise<void> {
  const ec2 = await ec2Of(t);
  const groupIds = [...new Set([...scopes.map((s) => s.groupId), ...desired.map((r) => r.groupId)])];
  if (groupIds.length === 0) return;
  const existing = await rulesOf(t, groupIds);
  const have = new Set(existing.map((r) => `${r.GroupId}|${existingKey(r)}`));
  for (const rule of desired) {
    if (have.has(`${rule.groupId}|${specKey(rule)}`)) continue;
    const input = authorizeInput(t, key, rule);
    try {
      if (rule.egress) await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
      else await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
    } catch (err) {
      if (!isAwsError(err, 'InvalidPermission.Duplicate')) throw err;
    }
  }
  const wanted = new Set(desired.map((r) => `${r.groupId}|${specKey(r)}`));
  const extra = existing.filter((r) => scopes.some((s) => inScope(r, s)) && !wanted.has(`${r.GroupId}|${existingKey(r)}`));
  await revokeRules(t, extra);
}

/** Revokes rules by id, one call per group and direction; rules already gone are fine. */
export async function revokeRules(t: TaskContext, rules: SecurityGroupRule[]): Promise<void> {
  const ec2 = await ec2Of(t);
  const batches = new Map<string, { groupId: string; egress: boolean; ids: string[] }>();
  for (const r of rules) {
    const k = `${r.GroupId}|${r.IsEgress === true}`;
    const batch = batches.get(k) ?? { groupId: r.GroupId!, egress: r.IsEgress === true, ids: [] };
    batch.ids.push(r.SecurityGroupRuleId!);
    batches.set(k, batch);
  }
  for (const { groupId, egress, ids } of batches.values()) {
    const input = { GroupId: groupId, SecurityGroupRuleIds: ids };
    try {
      if (egress) await ec2.send(new RevokeSecurityGroupEgressCommand(input));
      else await ec2.send(new RevokeSecurityGroupIngressCommand(input));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Rules in other groups of this project that reference `groupId` (they block deleting it). */
export async function rulesReferencing(t: TaskContext, groupId: string): Promise<SecurityGroupRule[]> {
  const ec2 = await ec2Of(t);
  const groups =
    (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${TAG_PROJECT}`, Values: [t.project] }] })))
      .SecurityGroups ?? [];
  const others = groups.map((g) => g.GroupId!).filter((id) => id !== groupId);
  if (others.length === 0) return [];
  return (await rulesOf(t, others)).filter((r) => r.ReferencedGroupInfo?.GroupId === groupId);
}
