/** What a project has in the (sandbox) EC2 world, read through the SDK by promigrate's tags. */
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Instance,
  type NatGateway,
  type RouteTable,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { tagsToRecord } from '../../../src/aws/tags.js';

export interface Ec2Inventory {
  vpcs: string[];
  subnets: Subnet[];
  igws: string[];
  eips: string[];
  /** Pending or available only. */
  nats: NatGateway[];
  routeTables: RouteTable[];
  groups: SecurityGroup[];
  rules: SecurityGroupRule[];
  /** Not terminated. */
  instances: Instance[];
  /** promigrate:key of every tagged resource, with duplicates: a key seen twice is a bug. */
  keys: string[];
}

export async function ec2Inventory(ec2: EC2Client, project: string): Promise<Ec2Inventory> {
  const Filters = [{ Name: 'tag:promigrate:project', Values: [project] }];
  const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? [];
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? [];
  const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways ?? [];
  const eips = (await ec2.send(new DescribeAddressesCommand({ Filters }))).Addresses ?? [];
  const nats = ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: Filters }))).NatGateways ?? []).filter((n) =>
    ['pending', 'available'].includes(n.State ?? ''),
  );
  const routeTables = (await ec2.send(new DescribeRouteTablesCommand({ Filters }))).RouteTables ?? [];
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? [];
  const rules = groups.length
    ? ((await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groups.map((g) => g.GroupId!) }] })))
        .SecurityGroupRules ?? [])
    : [];
  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters }))).Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== 'terminated')
    // An Auto Scaling group's instances are the group's (app-inventory.ts counts it), not resources of their own.
    .filter((i) => !(i.Tags ?? []).some((t) => t.Key === 'aws:autoscaling:groupName'));
  const keyOf = (tags: Array<{ Key?: string; Value?: string }> | undefined): string => tagsToRecord(tags)['promigrate:key'] ?? '?';
  const keys = [
    ...vpcs.map((x) => keyOf(x.Tags)),
    ...subnets.map((x) => keyOf(x.Tags)),
    ...igws.map((x) => keyOf(x.Tags)),
    ...eips.map((x) => keyOf(x.Tags)),
    ...nats.map((x) => keyOf(x.Tags)),
    ...routeTables.map((x) => keyOf(x.Tags)),
    ...groups.map((x) => keyOf(x.Tags)),
    ...instances.map((x) => keyOf(x.Tags)),
  ].sort();
  return {
    vpcs: vpcs.map((v) => v.VpcId!),
    subnets,
    igws: igws.map((g) => g.InternetGatewayId!),
    eips: eips.map((a) => a.AllocationId!),
    nats,
    routeTables,
    groups,
    rules,
    instances,
    keys,
  };
}

export const byKey = <T extends { Tags?: Array<{ Key?: string; Value?: string }> }>(items: T[], key: string): T | undefined =>
  items.find((x) => tagsToRecord(x.Tags)['promigrate:key'] === key);

/** Every project group's rules as `key: in|out protocol ports peer`, group peers by key. */
export async function ruleTable(ec2: EC2Client, project = 'shop'): Promise<Record<string, string[]>> {
  const inv = await ec2Inventory(ec2, project);
  const keyOf = new Map(inv.groups.map((g) => [g.GroupId!, tagsToRecord(g.Tags)['promigrate:key']!]));
  const table: Record<string, string[]> = {};
  for (const g of inv.groups) table[keyOf.get(g.GroupId!)!] = [];
  for (const r of inv.rules) {
    const peer = r.ReferencedGroupInfo?.GroupId ? keyOf.get(r.ReferencedGroupInfo.GroupId) ?? r.ReferencedGroupInfo.GroupId : r.CidrIpv4 ?? r.CidrIpv6;
    const ports = r.IpProtocol === '-1' ? 'all' : `${r.FromPort}-${r.ToPort}`;
    table[keyOf.get(r.GroupId!)!]!.push(`${r.IsEgress ? 'out' : 'in'} ${r.IpProtocol} ${ports} ${peer}`);
  }
  for (const rules of Object.values(table)) rules.sort();
  return table;
}
