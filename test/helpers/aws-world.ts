/**
 * A project's resources as an AWS account describes them, read only through the SDK's
 * Describe/List/Get calls and reduced to what must not depend on who answered: every
 * resource under its `promigrate:key`, with its tags and the attributes that matter
 * (encryption, public access, Multi-AZ, CIDRs, routes, security-group rules), every id
 * replaced by the key of the resource it names. The same reader runs against the sandbox
 * and against moto, so `expect(sandboxWorld).toEqual(motoWorld)` compares two independent
 * answers to the same provision.
 */
import {
  DescribeReplicationInstancesCommand,
  DescribeReplicationSubnetGroupsCommand,
  ListTagsForResourceCommand as DmsTags,
} from '@aws-sdk/client-database-migration-service';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand as RdsTags,
} from '@aws-sdk/client-rds';
import { ListAttachedRolePoliciesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { DescribeCertificateCommand, ListCertificatesCommand, ListTagsForCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, ListTagsForResourceCommand as AlarmTags } from '@aws-sdk/client-cloudwatch';
import { DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTagsCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSubscriptionsByTopicCommand, ListTagsForResourceCommand as TopicTags, ListTopicsCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../../src/aws/clients.js';
import { DMS_SERVICE_ROLES, trustedServices } from '../../src/aws/dms/service-roles.js';
import { getRole } from '../../src/aws/iam-roles.js';
import { TAG_KEY, TAG_PROJECT, tagsToRecord } from '../../src/aws/tags.js';

type Tags = Record<string, string>;
type TagList = ReadonlyArray<{ Key?: string; Value?: string }> | undefined;

/** One resource: its kind, its tags and its attributes, ids replaced by keys. */
export interface WorldResource {
  kind: string;
  tags: Tags;
  attributes: Record<string, unknown>;
}

/** `promigrate:key` → resource; a key seen twice is reported under `duplicates`. */
export interface ProjectWorld {
  resources: Record<string, WorldResource>;
  duplicates: string[];
}

/** Reads what `project` has in the account `aws` talks to (read-only calls only). */
export async function describeProjectWorld(aws: AwsClients, project: string): Promise<ProjectWorld> {
  const world: ProjectWorld = { resources: {}, duplicates: [] };
  const ids = new Map<string, string>(); // AWS id or ARN or name → promigrate:key
  const pending: Array<() => void> = []; // attribute fills that need every id known
  const add = (kind: string, id: string, tags: TagList, fill: (ref: (id: string | undefined) => string) => Record<string, unknown>): void => {
    const record = tagsToRecord(tags);
    if (record[TAG_PROJECT] !== project) return;
    const key = record[TAG_KEY] ?? `untagged:${kind}:${id}`;
    ids.set(id, key);
    if (world.resources[key]) world.duplicates.push(key);
    const resource: WorldResource = { kind, tags: record, attributes: {} };
    world.resources[key] = resource;
    pending.push(() => {
      resource.attributes = fill((other) => (other === undefined ? '(none)' : (ids.get(other) ?? `foreign:${kindOfId(other)}`)));
    });
  };

  await readEc2(aws, project, add);
  await readRds(aws, add);
  await readDms(aws, add);
  await readIamRoles(aws, add);
  await readAppTier(aws, project, add);
  for (const fill of pending) fill();
  world.duplicates.sort();
  return world;
}

type Add = (kind: string, id: string, tags: TagList, fill: (ref: (id: string | undefined) => string) => Record<string, unknown>) => void;

/** RDS and DMS name their resources by identifier, which may repeat across kinds: qualify it. */
const named = (kind: string, name: string | undefined): string | undefined => (name === undefined ? undefined : `${kind}:${name}`);

/** An id this project does not own, reduced to its kind (the operator's default VPC, say). */
const kindOfId = (id: string): string => id.replace(/-[0-9a-f]+$/, '').replace(/^arn:[^:]+:([^:]+):.*$/, '$1').replace(/^([a-z-]+):.*$/, '$1');

async function readEc2(aws: AwsClients, project: string, add: Add): Promise<void> {
  const ec2 = await aws.ec2;
  const Filters = [{ Name: `tag:${TAG_PROJECT}`, Values: [project] }];
  for (const vpc of (await ec2.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []) {
    const attr = async (Attribute: 'enableDnsHostnames' | 'enableDnsSupport'): Promise<boolean | undefined> => {
      const out = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId!, Attribute }));
      return Attribute === 'enableDnsHostnames' ? out.EnableDnsHostnames?.Value : out.EnableDnsSupport?.Value;
    };
    const [hostnames, support] = [await attr('enableDnsHostnames'), await attr('enableDnsSupport')];
    add('ec2:vpc', vpc.VpcId!, vpc.Tags, () => ({ cidr: vpc.CidrBlock, dnsHostnames: hostnames, dnsSupport: support }));
  }
  for (const s of (await ec2.send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? []) {
    add('ec2:subnet', s.SubnetId!, s.Tags, (ref) => ({ vpc: ref(s.VpcId), cidr: s.CidrBlock, az: s.AvailabilityZone, mapPublicIpOnLaunch: s.MapPublicIpOnLaunch === true }));
  }
  for (const g of (await ec2.send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways ?? []) {
    add('ec2:internet-gateway', g.InternetGatewayId!, g.Tags, (ref) => ({ attachedTo: (g.Attachments ?? []).map((a) => ref(a.VpcId)).sort() }));
  }
  for (const a of (await ec2.send(new DescribeAddressesCommand({ Filters }))).Addresses ?? []) {
    add('ec2:elastic-ip', a.AllocationId!, a.Tags, () => ({ domain: a.Domain }));
  }
  for (const n of (await ec2.send(new DescribeNatGatewaysCommand({ Filter: Filters }))).NatGateways ?? []) {
    if (!['pending', 'available'].includes(n.State ?? '')) continue;
    add('ec2:nat-gateway', n.NatGatewayId!, n.Tags, (ref) => ({
      subnet: ref(n.SubnetId),
      connectivity: n.ConnectivityType ?? 'public',
      addresses: (n.NatGatewayAddresses ?? []).map((x) => ref(x.AllocationId)).sort(),
    }));
  }
  for (const t of (await ec2.send(new DescribeRouteTablesCommand({ Filters }))).RouteTables ?? []) {
    add('ec2:route-table', t.RouteTableId!, t.Tags, (ref) => ({
      vpc: ref(t.VpcId),
      routes: (t.Routes ?? [])
        .map((r) => `${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId} → ${r.GatewayId === 'local' ? 'local' : ref(r.GatewayId ?? r.NatGatewayId ?? r.InstanceId)}`)
        .sort(),
      subnets: (t.Associations ?? []).filter((a) => a.SubnetId).map((a) => ref(a.SubnetId)).sort(),
      main: (t.Associations ?? []).some((a) => a.Main === true),
    }));
  }
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []) {
    add('ec2:security-group', g.GroupId!, g.Tags, (ref) => ({
      vpc: ref(g.VpcId),
      name: g.GroupName,
      description: g.Description,
      ingress: flatRules(g.IpPermissions, ref),
      egress: flatRules(g.IpPermissionsEgress, ref),
    }));
  }
  const reservations = (await ec2.send(new DescribeInstancesCommand({ Filters }))).Reservations ?? [];
  for (const i of reservations.flatMap((r) => r.Instances ?? [])) {
    if (['terminated', 'shutting-down'].includes(i.State?.Name ?? '')) continue;
    // An Auto Scaling group's instances are counted on the group (readAppTier).
    if ((i.Tags ?? []).some((t) => t.Key === 'aws:autoscaling:groupName')) continue;
    add('ec2:instance', i.InstanceId!, i.Tags, (ref) => ({
      type: i.InstanceType,
      subnet: ref(i.SubnetId),
      securityGroups: (i.SecurityGroups ?? []).map((g) => ref(g.GroupId)).sort(),
      publicIp: i.PublicIpAddress !== undefined,
      imdsTokens: i.MetadataOptions?.HttpTokens,
    }));
  }
}

/** IpPermissions as one sorted line per peer: `tcp 3306-3306 ← sg.app` or `-1 all ← 0.0.0.0/0`. */
function flatRules(perms: IpPermission[] | undefined, ref: (id: string | undefined) => string): string[] {
  const lines: string[] = [];
  for (const p of perms ?? []) {
    const ports = p.IpProtocol === '-1' ? 'all' : `${p.FromPort}-${p.ToPort}`;
    const head = `${p.IpProtocol} ${ports}`;
    for (const r of p.IpRanges ?? []) lines.push(`${head} ${r.CidrIp}`);
    for (const r of p.Ipv6Ranges ?? []) lines.push(`${head} ${r.CidrIpv6}`);
    for (const r of p.UserIdGroupPairs ?? []) lines.push(`${head} ${ref(r.GroupId)}`);
    for (const r of p.PrefixListIds ?? []) lines.push(`${head} ${r.PrefixListId}`);
  }
  return lines.sort();
}

async function readRds(aws: AwsClients, add: Add): Promise<void> {
  const rds = await aws.rds;
  const tagsOf = async (arn: string): Promise<TagList> => (await rds.send(new RdsTags({ ResourceName: arn }))).TagList;
  for (const g of (await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []) {
    add('rds:subnet-group', `rds-subnet-group:${g.DBSubnetGroupName}`, await tagsOf(g.DBSubnetGroupArn!), (ref) => ({
      subnets: (g.Subnets ?? []).map((s) => ref(s.SubnetIdentifier)).sort(),
    }));
  }
  for (const g of (await rds.send(new DescribeDBParameterGroupsCommand({}))).DBParameterGroups ?? []) {
    const tags = await tagsOf(g.DBParameterGroupArn!);
    const set = tagsToRecord(tags)[TAG_PROJECT] ? await userParameters(aws, g.DBParameterGroupName!) : {};
    add('rds:parameter-group', `rds-parameter-group:${g.DBParameterGroupName}`, tags, () => ({ family: g.DBParameterGroupFamily, parameters: set }));
  }
  for (const d of (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
    if (['deleting', 'deleted'].includes(d.DBInstanceStatus ?? '')) continue;
    add('rds:db-instance', `rds-db:${d.DBInstanceIdentifier}`, d.TagList, (ref) => ({
      engine: d.Engine,
      engineVersion: d.EngineVersion,
      class: d.DBInstanceClass,
      storage: `${d.StorageType} ${d.AllocatedStorage} GiB`,
      encrypted: d.StorageEncrypted === true,
      publiclyAccessible: d.PubliclyAccessible === true,
      multiAz: d.MultiAZ === true,
      deletionProtection: d.DeletionProtection === true,
      backupRetentionDays: d.BackupRetentionPeriod,
      subnetGroup: ref(named('rds-subnet-group', d.DBSubnetGroup?.DBSubnetGroupName)),
      securityGroups: (d.VpcSecurityGroups ?? []).map((g) => ref(g.VpcSecurityGroupId)).sort(),
      parameterGroups: (d.DBParameterGroups ?? []).map((g) => ref(named('rds-parameter-group', g.DBParameterGroupName))).sort(),
      replicaOf: ref(named('rds-db', d.ReadReplicaSourceDBInstanceIdentifier)),
      masterUser: d.MasterUsername,
    }));
  }
}

/** The parameters a group sets itself (Source user), name → value. */
async function userParameters(aws: AwsClients, group: string): Promise<Record<string, string>> {
  const rds = await aws.rds;
  const out: Record<string, string> = {};
  let Marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: group, Source: 'user', ...(Marker ? { Marker } : {}) }));
    for (const p of page.Parameters ?? []) if (p.ParameterName) out[p.ParameterName] = p.ParameterValue ?? '';
    Marker = page.Marker;
  } while (Marker);
  return out;
}

async function readDms(aws: AwsClients, add: Add): Promise<void> {
  const dms = await aws.dms;
  const tagsOf = async (arn: string): Promise<TagList> => (await dms.send(new DmsTags({ ResourceArn: arn }))).TagList;
  for (const g of (await dms.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups ?? []) {
    // DescribeReplicationSubnetGroups gives no ARN; ListTagsForResource takes the group's
    // ARN (arn:…:dms:<region>:<account>:subgrp:<identifier>), whose account the instance's ARN names.
    add('dms:subnet-group', `dms-subnet-group:${g.ReplicationSubnetGroupIdentifier}`, await tagsOf(await subnetGroupArn(aws, g.ReplicationSubnetGroupIdentifier!)), (ref) => ({
      vpc: ref(g.VpcId),
      subnets: (g.Subnets ?? []).map((s) => ref(s.SubnetIdentifier)).sort(),
    }));
  }
  for (const r of (await dms.send(new DescribeReplicationInstancesCommand({}))).ReplicationInstances ?? []) {
    add('dms:replication-instance', r.ReplicationInstanceArn!, await tagsOf(r.ReplicationInstanceArn!), (ref) => ({
      class: r.ReplicationInstanceClass,
      storageGiB: r.AllocatedStorage,
      publiclyAccessible: r.PubliclyAccessible === true,
      multiAz: r.MultiAZ === true,
      subnetGroup: ref(named('dms-subnet-group', r.ReplicationSubnetGroup?.ReplicationSubnetGroupIdentifier)),
      securityGroups: (r.VpcSecurityGroups ?? []).map((g) => ref(g.VpcSecurityGroupId)).sort(),
    }));
  }
}

/** The account-wide DMS service roles (their names are fixed by DMS), when this project made them. */
async function readIamRoles(aws: AwsClients, add: Add): Promise<void> {
  const iam = await aws.iam;
  for (const { name } of DMS_SERVICE_ROLES) {
    const role = await getRole(iam, name);
    if (!role) continue;
    const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags;
    const policies = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
    add('iam:role', `iam-role:${name}`, tags, () => ({
      path: role.Path,
      trustedServices: [...trustedServices(role.AssumeRolePolicyDocument)].sort(),
      managedPolicies: policies.map((p) => p.PolicyArn?.replace(/^arn:[^:]+:iam::aws:policy\//, '')).sort(),
    }));
  }
}

async function subnetGroupArn(aws: AwsClients, identifier: string): Promise<string> {
  const sts = await aws.sts;
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
  return `arn:aws:dms:${aws.region}:${account}:subgrp:${identifier}`;
}

/** The web tier (app:): load balancer, target group, listeners, certificate, launch template, group, alarms, topic. */
async function readAppTier(aws: AwsClients, project: string, add: Add): Promise<void> {
  const elb = await aws.elbv2;
  const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  const tgs = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const tagsOf = async (arn: string) => (await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))).TagDescriptions?.[0]?.Tags;
  for (const lb of lbs) {
    add('elbv2:load-balancer', lb.LoadBalancerArn!, await tagsOf(lb.LoadBalancerArn!), (ref) => ({
      type: lb.Type, scheme: lb.Scheme, ipAddressType: lb.IpAddressType,
      subnets: (lb.AvailabilityZones ?? []).map((z) => ref(z.SubnetId)).sort(),
      securityGroups: (lb.SecurityGroups ?? []).map((g) => ref(g)).sort(),
    }));
    for (const l of (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? []) {
      add('elbv2:listener', l.ListenerArn!, await tagsOf(l.ListenerArn!), (ref) => ({
        loadBalancer: ref(l.LoadBalancerArn), port: l.Port, protocol: l.Protocol, sslPolicy: l.SslPolicy ?? '(none)',
        certificates: (l.Certificates ?? []).map((c) => ref(c.CertificateArn)),
        actions: (l.DefaultActions ?? []).map((a) => (a.Type === 'forward' ? `forward → ${ref(a.TargetGroupArn)}` : a.Type === 'redirect' ? `redirect → ${a.RedirectConfig?.Protocol}:${a.RedirectConfig?.Port} ${a.RedirectConfig?.StatusCode}` : a.Type)),
      }));
    }
  }
  for (const tg of tgs) {
    const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? [];
    add('elbv2:target-group', tg.TargetGroupArn!, await tagsOf(tg.TargetGroupArn!), (ref) => ({
      protocol: tg.Protocol, port: tg.Port, vpc: ref(tg.VpcId), targetType: tg.TargetType, healthCheckPath: tg.HealthCheckPath, matcher: tg.Matcher?.HttpCode,
      healthyTargets: health.filter((h) => h.TargetHealth?.State === 'healthy').length,
    }));
  }
  const acm = await aws.acm;
  for (const c of (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []) {
    const detail = (await acm.send(new DescribeCertificateCommand({ CertificateArn: c.CertificateArn }))).Certificate;
    add('acm:certificate', c.CertificateArn!, (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: c.CertificateArn }))).Tags, () => ({
      domain: detail?.DomainName, names: [...(detail?.SubjectAlternativeNames ?? [])].sort(), status: detail?.Status, validation: detail?.DomainValidationOptions?.[0]?.ValidationMethod,
    }));
  }
  const ec2 = await aws.ec2;
  for (const lt of (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: `tag:${TAG_PROJECT}`, Values: [project] }] }))).LaunchTemplates ?? []) {
    const data = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['$Latest'] }))).LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    add('ec2:launch-template', lt.LaunchTemplateId!, lt.Tags, (ref) => ({
      instanceType: data?.InstanceType, imdsTokens: data?.MetadataOptions?.HttpTokens, securityGroups: (data?.SecurityGroupIds ?? []).map((g) => ref(g)).sort(),
      rootEncrypted: data?.BlockDeviceMappings?.[0]?.Ebs?.Encrypted, userData: data?.UserData !== undefined,
    }));
  }
  const asg = await aws.autoscaling;
  for (const g of (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? []) {
    const policies = (await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: g.AutoScalingGroupName }))).ScalingPolicies ?? [];
    add('autoscaling:group', g.AutoScalingGroupName!, g.Tags?.map((t) => ({ Key: t.Key, Value: t.Value })), (ref) => ({
      min: g.MinSize, max: g.MaxSize, desired: g.DesiredCapacity, healthCheckType: g.HealthCheckType,
      inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
      subnets: (g.VPCZoneIdentifier ?? '').split(',').filter(Boolean).map((x) => ref(x)).sort(),
      targetGroups: (g.TargetGroupARNs ?? []).map((x) => ref(x)).sort(),
      launchTemplate: ref(g.LaunchTemplate?.LaunchTemplateId),
      policies: policies.map((p) => `${p.PolicyType} ${p.TargetTrackingConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType} ${p.TargetTrackingConfiguration?.TargetValue}`).sort(),
    }));
  }
  const cw = await aws.cloudwatch;
  for (const a of (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `promigrate-${project}-` }))).MetricAlarms ?? []) {
    add('cloudwatch:alarm', a.AlarmName!, (await cw.send(new AlarmTags({ ResourceARN: a.AlarmArn }))).Tags, (ref) => ({
      metric: a.MetricName ?? (a.Metrics ?? []).map((m) => m.MetricStat?.Metric?.MetricName ?? m.Expression).join(' '),
      comparison: a.ComparisonOperator, threshold: a.Threshold, evaluationPeriods: a.EvaluationPeriods,
      actions: (a.AlarmActions ?? []).map((x) => ref(x)),
    }));
  }
  const sns = await aws.sns;
  for (const t of (await sns.send(new ListTopicsCommand({}))).Topics ?? []) {
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t.TopicArn }))).Subscriptions ?? [];
    add('sns:topic', t.TopicArn!, (await sns.send(new TopicTags({ ResourceArn: t.TopicArn }))).Tags, () => ({
      subscriptions: subs.map((x) => `${x.Protocol} ${x.Endpoint}`).sort(),
    }));
  }
}
