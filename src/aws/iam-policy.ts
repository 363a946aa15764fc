/**
 * `promigrate iam-policy`: the least-privilege IAM policy for one config, from a single
 * table of what each step calls. test/unit/iam/policy.test.ts scans the source for every
 * `new XxxCommand(` and fails when one is missing here, so the table cannot drift from the
 * code unnoticed.
 *
 * Scoping: resources are named where IAM supports it — RDS by promigrate's exact
 * deterministic names, Route 53 by the hosted zone and the one record, secrets by ARN.
 * DMS ARNs carry random ids, so DMS is scoped to the account and region, creates must
 * carry this project's tag and deletes may only touch resources that do. `*` is used only
 * for actions without resource-level permissions (noted per row), and regional `*`
 * statements are pinned to the configured region with `aws:RequestedRegion`.
 *
 * IAM: promigrate creates the account-wide DMS service roles `dms-vpc-role` and
 * `dms-cloudwatch-logs-role` when they are missing (aws/dms/service-roles.ts), so it may
 * read, create and tag exactly those two roles at path `/`, attach only their DMS managed
 * policies (`iam:PolicyARN`), and — in destroy — detach, delete the inline policies of and
 * delete them only while they carry this project's tag. RDS may create its service-linked
 * role (an account's first DB instance needs it; RDS user guide, "Using service-linked roles
 * for Amazon RDS"). `iam:PassRole` is granted only for `dms.secretsAccessRoleArn`, when
 * configured, and only to DMS: CreateEndpoint passes it so DMS can read the source secret
 * itself (promigrate does not create that role: see README).
 */
import { TAG_PROJECT } from './tags.js';
import { elbName } from '../steps/provision/app-names.js';
import { BASTION_OS_USER, targetRoute } from '../tunnel/target-route.js';
import { DMS_SERVICE_ROLES, managedPolicyArn } from './dms/service-roles.js';
import type { MigrationConfig } from '../config/schema.js';

export type PolicyStep = 'assess' | 'provision' | 'sync' | 'cutover' | 'verify' | 'destroy';

export interface PolicyScope {
  partition: string;
  region: string;
  /** `*` unless given (promigrate iam-policy runs without AWS credentials). */
  account: string;
  project: string;
  /** The hosted zone id, or `*` when the config names the zone by domain. */
  zone: string;
}

type Condition = Record<string, Record<string, string | string[]>>;

export interface PolicyRow {
  /** The statement's Sid. */
  sid: string;
  step: PolicyStep;
  actions: string[];
  resources: (s: PolicyScope, c: MigrationConfig) => string[];
  condition?: (s: PolicyScope, c: MigrationConfig) => Condition;
  /** Only for configs that use it (no bastion → no RunInstances). */
  when?: (c: MigrationConfig) => boolean;
  /** Why this scope; for `*`, which IAM limitation forces it. */
  why: string;
}

const ANY = (): string[] => ['*'];
const NO_RESOURCE_LEVEL = 'these actions have no resource-level permissions';
const rds = (s: PolicyScope, type: string, name: string) => `arn:${s.partition}:rds:${s.region}:${s.account}:${type}:${name}`;
const dms = (s: PolicyScope, type: string, name = '*') => `arn:${s.partition}:dms:${s.region}:${s.account}:${type}:${name}`;
/**
 * promigrate's exact RDS names (steps/provision/database*.ts): a `<project>-*` pattern would
 * also match a project named `<project>-x`. The replica is always listed: destroy's sweep
 * looks for one even when readReplica is off.
 */
const dbInstances = (s: PolicyScope) => [rds(s, 'db', `${s.project}-db`), rds(s, 'db', `${s.project}-db-replica`)];
const dbGroups = (s: PolicyScope) => [rds(s, 'subgrp', `${s.project}-db`), rds(s, 'pg', `${s.project}-db`)];
/** `<project>-db-final-<yyyymmddhhmm>`. */
const finalSnapshots = (s: PolicyScope) => rds(s, 'snapshot', `${s.project}-db-final-????????????`);
const managedSecret = (s: PolicyScope) => `arn:${s.partition}:secretsmanager:${s.region}:${s.account}:secret:rds!db-*`;
const zone = (s: PolicyScope) => `arn:${s.partition}:route53:::hostedzone/${s.zone}`;
const ownProject = (s: PolicyScope): Condition => ({ StringEquals: { [`aws:ResourceTag/${TAG_PROJECT}`]: s.project } });
const managed = (c: MigrationConfig) => c.target.manageMasterUserPassword;
const dns = (c: MigrationConfig) => c.dns !== undefined;
const newVpc = (c: MigrationConfig) => !c.network.vpcId;
const hasApp = (c: MigrationConfig) => c.app !== undefined;
const elb = (s: PolicyScope, resource: string) => `arn:${s.partition}:elasticloadbalancing:${s.region}:${s.account}:${resource}`;
/** The DMS service roles, by exact name at path `/` (a `dms-*` pattern would match roles that are not DMS's). */
const dmsServiceRoles = (s: PolicyScope) => DMS_SERVICE_ROLES.map((r) => `arn:${s.partition}:iam::${s.account}:role/${r.name}`);
const dmsReadsSecret = (c: MigrationConfig) => Boolean(c.dms.secretsAccessRoleArn && c.source.secretArn);

/** A configured secret ARN, and the same with Secrets Manager's random 6-character suffix in case it was left off. */
const secretArns = (c: MigrationConfig): string[] =>
  [c.source.secretArn, c.target.secretArn].filter((a): a is string => !!a).flatMap((a) => [a, `${a}-??????`]);

/** The table: every AWS action promigrate's steps call, by step. */
export const POLICY_TABLE: readonly PolicyRow[] = [
  // ---- assess (read-only) ----
  { sid: 'AssessIdentity', step: 'assess', actions: ['sts:GetCallerIdentity'], resources: ANY, why: 'GetCallerIdentity needs no permission and has no resource; listed so the policy names every call (provision reads the account id for DMS ARNs)' },
  {
    sid: 'Ec2Read', step: 'assess', resources: ANY, why: `EC2 Describe* ${NO_RESOURCE_LEVEL}; used by assess and provision`,
    actions: ['ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ec2:DescribeInternetGateways', 'ec2:DescribeNatGateways', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcAttribute', 'ec2:DescribeVpcs'],
  },
  { sid: 'RdsCatalogRead', step: 'assess', actions: ['rds:DescribeDBEngineVersions', 'rds:DescribeOrderableDBInstanceOptions'], resources: ANY, why: `${NO_RESOURCE_LEVEL}; provision reads the parameter group family too` },
  { sid: 'AssessHostedZoneLookup', step: 'assess', actions: ['route53:ListHostedZonesByName'], resources: ANY, when: dns, why: NO_RESOURCE_LEVEL },
  { sid: 'HostedZoneRead', step: 'assess', actions: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'], resources: (s) => [zone(s)], when: dns, why: 'the configured hosted zone (`*` when named by domain and no --hosted-zone-id is known); cutover and verify read the record too' },
  {
    sid: 'AssessIamRoles', step: 'assess', actions: ['iam:GetRole', 'iam:ListAttachedRolePolicies'], resources: dmsServiceRoles,
    why: 'whether the DMS service roles exist and are usable; provision reads them the same way before creating one',
  },
  {
    sid: 'AssessSecretsAccessRole', step: 'assess', actions: ['iam:GetRole'], resources: (_s, c) => [c.dms.secretsAccessRoleArn!], when: dmsReadsSecret,
    why: 'whether dms.secretsAccessRoleArn exists and trusts DMS',
  },
  { sid: 'ReadConfiguredSecrets', step: 'assess', actions: ['secretsmanager:GetSecretValue'], resources: (_s, c) => secretArns(c), when: (c) => secretArns(c).length > 0, why: 'only source.secretArn / target.secretArn' },

  // ---- provision ----
  {
    sid: 'ProvisionNetwork', step: 'provision', resources: ANY,
    why: 'EC2 creates are authorized against several resource types at once, some not promigrate’s (an adopted VPC, the subnets a route table is associated with), so they cannot be narrowed by tag; pinned to the region. CreateTags is what tagging on create needs',
    actions: ['ec2:AssociateRouteTable', 'ec2:AttachInternetGateway', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateInternetGateway', 'ec2:CreateRoute', 'ec2:CreateRouteTable', 'ec2:CreateSecurityGroup', 'ec2:CreateSubnet', 'ec2:CreateTags', 'ec2:ModifySubnetAttribute', 'ec2:ModifyVpcAttribute', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'],
  },
  { sid: 'ProvisionVpc', step: 'provision', actions: ['ec2:CreateVpc'], resources: ANY, when: newVpc, why: 'a new VPC has no ARN to name before it exists' },
  { sid: 'ProvisionNat', step: 'provision', actions: ['ec2:AllocateAddress', 'ec2:CreateNatGateway'], resources: ANY, when: (c) => c.network.natGateways !== 'none', why: 'as ProvisionNetwork' },
  { sid: 'ProvisionBastion', step: 'provision', actions: ['ec2:DescribeImages', 'ec2:RunInstances'], resources: ANY, when: (c) => c.network.bastion, why: 'RunInstances touches the AMI, subnet, security group, network interface and volume; Describe* has no resource-level permissions' },
  {
    sid: 'ProvisionRds', step: 'provision',
    actions: ['rds:AddTagsToResource', 'rds:CreateDBInstance', 'rds:CreateDBParameterGroup', 'rds:CreateDBSubnetGroup', 'rds:DescribeDBInstances', 'rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters', 'rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource', 'rds:ModifyDBParameterGroup'],
    resources: (s) => [...dbInstances(s), ...dbGroups(s), rds(s, 'og', 'default:*'), finalSnapshots(s)],
    why: 'promigrate’s own names; CreateDBInstance also uses the engine’s default option group; tagging on create (and CopyTagsToSnapshot) needs AddTagsToResource',
  },
  { sid: 'ProvisionRdsReplica', step: 'provision', actions: ['rds:CreateDBInstanceReadReplica'], resources: (s) => [...dbInstances(s), ...dbGroups(s), rds(s, 'og', 'default:*')], when: (c) => c.target.readReplica, why: 'the replica `<project>-db-replica` of `<project>-db`' },
  {
    sid: 'ProvisionManagedPassword', step: 'provision', actions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], resources: (s) => [managedSecret(s)], when: managed,
    why: 'CreateDBInstance with ManageMasterUserPassword creates the `rds!db-…` secret as the caller',
  },
  {
    sid: 'ProvisionManagedPasswordKey', step: 'provision', actions: ['kms:DescribeKey'], resources: (s) => [`arn:${s.partition}:kms:${s.region}:${s.account}:key/*`], when: managed,
    why: 'RDS describes the aws/secretsmanager key as the caller; its key id is not known in advance',
  },
  {
    sid: 'ProvisionDmsRoles', step: 'provision', actions: ['iam:CreateRole', 'iam:TagRole'], resources: dmsServiceRoles,
    condition: (s) => ({ StringEquals: { [`aws:RequestTag/${TAG_PROJECT}`]: s.project } }),
    why: 'the missing DMS service roles, created with this project’s tags (CreateRole with Tags also needs TagRole)',
  },
  {
    sid: 'ProvisionDmsRolePolicies', step: 'provision', actions: ['iam:AttachRolePolicy'], resources: dmsServiceRoles,
    condition: (s) => ({ ArnEquals: { 'iam:PolicyARN': DMS_SERVICE_ROLES.map((r) => managedPolicyArn(s.partition, r.policy)) } }),
    why: 'only the DMS managed policies AmazonDMSVPCManagementRole and AmazonDMSCloudWatchLogsRole, only to those roles',
  },
  {
    sid: 'ProvisionRdsServiceLinkedRole', step: 'provision', actions: ['iam:CreateServiceLinkedRole'],
    resources: (s) => [`arn:${s.partition}:iam::${s.account}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`],
    condition: () => ({ StringEquals: { 'iam:AWSServiceName': 'rds.amazonaws.com' } }),
    why: 'CreateDBInstance creates the RDS service-linked role as the caller when the account has none yet',
  },
  { sid: 'ProvisionDmsRead', step: 'provision', actions: ['dms:DescribeReplicationInstances', 'dms:DescribeReplicationSubnetGroups'], resources: ANY, why: `DMS Describe* ${NO_RESOURCE_LEVEL}` },
  {
    sid: 'ProvisionDms', step: 'provision', actions: ['dms:CreateReplicationInstance', 'dms:CreateReplicationSubnetGroup'],
    resources: (s) => [dms(s, 'rep'), dms(s, 'subgrp', `${s.project}-dms`)],
    condition: (s) => ({ StringEquals: { [`aws:RequestTag/${TAG_PROJECT}`]: s.project } }),
    why: 'DMS instance ARNs carry random ids: account and region, and the create must carry this project’s tag',
  },
  { sid: 'DmsTagsRead', step: 'provision', actions: ['dms:ListTagsForResource'], resources: (s) => [dms(s, '*')], why: 'the ownership check before accepting or deleting an existing DMS resource' },

  // ---- sync ----
  {
    sid: 'SyncDms', step: 'sync', actions: ['dms:CreateEndpoint', 'dms:CreateReplicationTask', 'dms:StartReplicationTask', 'dms:TestConnection'],
    resources: (s) => [dms(s, 'endpoint'), dms(s, 'task'), dms(s, 'rep')],
    why: 'DMS ARNs carry random ids: account and region only',
  },
  {
    sid: 'SyncOwnTask', step: 'sync', actions: ['dms:ModifyReplicationTask', 'dms:StopReplicationTask'], resources: (s) => [dms(s, 'task')], condition: ownProject,
    why: 'bringing this project’s task in line with the config while it is stopped; `sync --reload` stops it first',
  },
  {
    sid: 'SyncPassSecretsRole', step: 'sync', actions: ['iam:PassRole'], resources: (_s, c) => [c.dms.secretsAccessRoleArn!], when: dmsReadsSecret,
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'dms.amazonaws.com' } }),
    why: 'CreateEndpoint hands dms.secretsAccessRoleArn to DMS (SecretsManagerAccessRoleArn), to DMS only',
  },
  { sid: 'SyncDmsRead', step: 'sync', actions: ['dms:DescribeConnections', 'dms:DescribeEndpoints', 'dms:DescribeReplicationTasks'], resources: ANY, why: `DMS Describe* ${NO_RESOURCE_LEVEL}; cutover and verify poll tasks too` },
  { sid: 'SyncTableStatistics', step: 'sync', actions: ['dms:DescribeTableStatistics'], resources: (s) => [dms(s, 'task')], why: 'per-table progress; DMS task ARNs carry random ids' },
  { sid: 'SyncMetrics', step: 'sync', actions: ['cloudwatch:GetMetricData'], resources: ANY, why: `${NO_RESOURCE_LEVEL} (CDC latency)` },
  { sid: 'ReadManagedPassword', step: 'sync', actions: ['secretsmanager:GetSecretValue'], resources: (s) => [managedSecret(s)], when: managed, why: 'the RDS-generated master password, for the DMS target endpoint and verify' },

  // ---- cutover / rollback ----
  {
    sid: 'CutoverRecord', step: 'cutover', actions: ['route53:ChangeResourceRecordSets'], resources: (s) => [zone(s)], when: dns,
    condition: (_s, c) => ({ 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [c.dns!.record.replace(/\.$/, '').toLowerCase()] } }),
    why: 'only the one configured record in the configured zone',
  },
  { sid: 'CutoverChangeStatus', step: 'cutover', actions: ['route53:GetChange'], resources: (s) => [`arn:${s.partition}:route53:::change/*`], when: dns, why: 'change ids are not known in advance' },
  { sid: 'CutoverStopCdc', step: 'cutover', actions: ['dms:StopReplicationTask'], resources: (s) => [dms(s, 'task')], condition: ownProject, why: 'only this project’s tasks' },

  // ---- verify ----
  {
    // Service Authorization Reference, Amazon EC2 Instance Connect: SendSSHPublicKey takes the
    // `instance` resource and the aws:ResourceTag/${TagKey} and ec2:osuser condition keys; the
    // tag-condition statement follows "Grant IAM permissions for EC2 Instance Connect".
    sid: 'TunnelSendSshPublicKey', step: 'sync', actions: ['ec2-instance-connect:SendSSHPublicKey'],
    resources: (s) => [`arn:${s.partition}:ec2:${s.region}:${s.account}:instance/*`],
    condition: (s) => ({ StringEquals: { [`aws:ResourceTag/${TAG_PROJECT}`]: s.project, 'ec2:osuser': BASTION_OS_USER } }),
    when: (c) => targetRoute(c).kind === 'bastion',
    why: 'the SSH tunnel to the private RDS instance (schema phases, cutover positions, verify): only this project’s bastion (by tag), only as ec2-user; DescribeInstances (its state and address) is in Ec2Read',
  },
  { sid: 'VerifyTableStatistics', step: 'verify', actions: ['dms:DescribeTableStatistics'], resources: (s) => [dms(s, 'task')], why: 'DMS task ARNs carry random ids' },

  // ---- provision: the web tier (app:) ----
  {
    sid: 'AppRead', step: 'provision', resources: ANY, when: hasApp,
    actions: ['acm:ListCertificates', 'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribePolicies', 'cloudwatch:DescribeAlarms', 'ec2:DescribeLaunchTemplates', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
    why: NO_RESOURCE_LEVEL,
  },
  {
    sid: 'AppLoadBalancer', step: 'provision', when: hasApp,
    actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:CreateListener', 'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
    resources: (s) => [elb(s, `loadbalancer/app/${elbName(s.project, 'alb')}/*`), elb(s, `targetgroup/${elbName(s.project, 'app')}/*`), elb(s, `listener/app/${elbName(s.project, 'alb')}/*/*`)],
    why: 'promigrate’s own load balancer and target group names; tagging on create needs AddTags',
  },
  {
    sid: 'AppCertificate', step: 'provision', when: hasApp,
    actions: ['acm:AddTagsToCertificate', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'acm:RequestCertificate'],
    resources: (s) => [`arn:${s.partition}:acm:${s.region}:${s.account}:certificate/*`],
    why: 'certificate ids are random; the ownership check reads the tags',
  },
  {
    sid: 'AppCertificateValidation', step: 'provision', actions: ['route53:ChangeResourceRecordSets', 'route53:GetChange', 'route53:ListHostedZonesByName', 'route53:GetHostedZone'],
    resources: (s) => [zone(s), `arn:${s.partition}:route53:::change/*`, '*'], when: (c) => Boolean(c.app?.https),
    why: 'the ACM validation CNAMEs in the configured zone (ListHostedZonesByName has no resource-level permissions)',
  },
  {
    sid: 'AppInstances', step: 'provision', when: hasApp,
    actions: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags', 'autoscaling:PutScalingPolicy', 'autoscaling:UpdateAutoScalingGroup', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:RunInstances'],
    resources: ANY, condition: (s) => ({ StringEquals: { 'aws:RequestedRegion': s.region } }),
    why: 'a group launches its instances with the caller’s permission to use the launch template (RunInstances); Auto Scaling and launch templates are found by promigrate’s names and tags',
  },
  {
    sid: 'AppAutoScalingServiceLinkedRole', step: 'provision', actions: ['iam:CreateServiceLinkedRole'], when: hasApp,
    resources: (s) => [`arn:${s.partition}:iam::${s.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`],
    condition: () => ({ StringLike: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } }),
    why: 'an account’s first Auto Scaling group creates it (Amazon EC2 Auto Scaling user guide, "Service-linked roles")',
  },
  {
    sid: 'AppAmiParameter', step: 'provision', actions: ['ssm:GetParameter'], when: (c) => Boolean(c.app && !c.app.amiId),
    resources: (s) => [`arn:${s.partition}:ssm:${s.region}::parameter/aws/service/ami-amazon-linux-latest/*`],
    why: 'the public parameter of the latest Amazon Linux 2023 image',
  },
  {
    sid: 'AppAlarms', step: 'provision', when: hasApp,
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource', 'sns:CreateTopic', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource', 'sns:Subscribe', 'sns:TagResource'],
    resources: (s) => [`arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:promigrate-${s.project}-*`, `arn:${s.partition}:sns:${s.region}:${s.account}:promigrate-${s.project}-alarms`],
    why: 'promigrate’s own alarm and topic names',
  },
  // ---- destroy ----

  {
    sid: 'DestroyRds', step: 'destroy', actions: ['rds:CreateDBSnapshot', 'rds:DeleteDBInstance', 'rds:DeleteDBParameterGroup', 'rds:DeleteDBSubnetGroup', 'rds:ModifyDBInstance'],
    resources: (s) => [...dbInstances(s), ...dbGroups(s), finalSnapshots(s)],
    why: 'ModifyDBInstance only turns deletion protection off; the final snapshot is `<project>-db-final-<time>`',
  },
  {
    sid: 'DestroyDms', step: 'destroy', actions: ['dms:DeleteEndpoint', 'dms:DeleteReplicationInstance', 'dms:DeleteReplicationSubnetGroup', 'dms:DeleteReplicationTask'],
    resources: (s) => [dms(s, 'endpoint'), dms(s, 'rep'), dms(s, 'subgrp', `${s.project}-dms`), dms(s, 'task')], condition: ownProject,
    why: 'only resources tagged with this project',
  },
  {
    sid: 'DestroyDmsRoles', step: 'destroy', actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:ListRolePolicies'], resources: dmsServiceRoles, condition: ownProject,
    why: 'only the DMS service roles this project created (its tag), and only once no other DMS subnet group in the region needs them',
  },
  // Destroy rows are not gated on the config: its sweep also removes what an earlier config made (an old bastion, NAT gateway or VPC).
  {
    sid: 'DestroyOwnEc2', step: 'destroy', condition: ownProject, resources: ANY,
    actions: ['ec2:DeleteInternetGateway', 'ec2:DeleteNatGateway', 'ec2:DeleteRouteTable', 'ec2:DeleteSecurityGroup', 'ec2:DeleteSubnet', 'ec2:DeleteVpc', 'ec2:TerminateInstances'],
    why: 'only resources tagged with this project (each call names one such resource)',
  },
  {
    sid: 'DestroyNetworkLinks', step: 'destroy', resources: ANY,
    actions: ['ec2:DeleteRoute', 'ec2:DetachInternetGateway', 'ec2:DisassociateRouteTable', 'ec2:ReleaseAddress'],
    why: 'these also touch resources promigrate may not have tagged (an adopted VPC, an association id, an Elastic IP); pinned to the region',
  },  {
    sid: 'DestroyApp', step: 'destroy',
    actions: ['acm:DeleteCertificate', 'autoscaling:DeleteAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup', 'cloudwatch:DeleteAlarms', 'ec2:DeleteLaunchTemplate', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DeleteTargetGroup', 'sns:DeleteTopic'],
    resources: ANY, condition: (s) => ({ StringEquals: { 'aws:RequestedRegion': s.region } }),
    why: 'each call names one resource of this project, found by its name and checked by its promigrate:project tag first',
  },
];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Condition;
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface IamPolicyOptions {
  /** Names resources in this account instead of `*`. */
  accountId?: string;
  /** When the config names the zone by domain: its id, to scope Route 53. */
  hostedZoneId?: string;
}

const GLOBAL_SERVICES = new Set(['route53', 'sts', 'iam']);

export function policyScope(config: MigrationConfig, opts: IamPolicyOptions = {}): PolicyScope {
  const region = config.aws.region;
  const zoneId = config.dns && /^Z[A-Z0-9]+$/.test(config.dns.hostedZone) ? config.dns.hostedZone : opts.hostedZoneId;
  return {
    partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
    region,
    account: opts.accountId ?? '*',
    project: config.project.name,
    zone: zoneId ?? '*',
  };
}

/** The rows that apply to this config. */
export function applicableRows(config: MigrationConfig): PolicyRow[] {
  return POLICY_TABLE.filter((row) => row.when?.(config) ?? true);
}

export function iamPolicyFor(config: MigrationConfig, opts: IamPolicyOptions = {}): IamPolicy {
  const scope = policyScope(config, opts);
  const Statement = applicableRows(config).map((row): PolicyStatement => {
    const resources = row.resources(scope, config);
    const condition: Condition = { ...row.condition?.(scope, config) };
    const regional = row.actions.every((a) => !GLOBAL_SERVICES.has(a.split(':')[0]!));
    if (resources.includes('*') && regional) {
      condition.StringEquals = { ...condition.StringEquals, 'aws:RequestedRegion': scope.region };
    }
    return {
      Sid: row.sid,
      Effect: 'Allow',
      Action: [...row.actions].sort(),
      Resource: resources.length === 1 ? resources[0]! : resources,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
  });
  return { Version: '2012-10-17', Statement };
}
