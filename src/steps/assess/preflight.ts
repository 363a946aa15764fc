/**
 * AWS pre-flight: read-only calls that find, before anything is created, what would make
 * provision or cutover fail — wrong credentials, a region without enough AZs, a full VPC
 * or Elastic IP quota, a missing hosted zone or record, an engine version or instance
 * class the region does not offer, the IAM roles DMS needs (iam-checks.ts), a bastion image
 * without EC2 Instance Connect (bastion-checks.ts).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeAccountAttributesCommand, DescribeAddressesCommand, DescribeAvailabilityZonesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError, describeFailure, isAwsServiceError } from '../../errors.js';
import { findHostedZone, recordSetsOf } from '../../aws/route53-zone.js';
import type { Finding } from './finding.js';
import { checkBastionImage } from './bastion-checks.js';
import { checkIamRoles } from './iam-checks.js';

/** AWS's default VPCs-per-region quota; the Service Quotas API would give the account's own. */
export const DEFAULT_VPC_QUOTA = 5;

export interface PreflightResult {
  findings: Finding[];
  account?: string;
  arn?: string;
  availabilityZones: string[];
  record?: { name: string; type: string; ttl?: number; values: string[]; zoneId: string };
}

const CREDENTIAL_ERRORS = /InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClientException|AuthFailure|CredentialsProviderError|AccessDenied/;

export async function awsPreflight(aws: AwsClients, config: MigrationConfig): Promise<PreflightResult> {
  const result: PreflightResult = { findings: [], availabilityZones: [] };
  const add = (f: Finding): void => void result.findings.push(f);

  try {
    const who = await (await aws.sts).send(new GetCallerIdentityCommand({}));
    if (who.Account) result.account = who.Account;
    if (who.Arn) result.arn = who.Arn;
    add({ id: 'aws.identity', severity: 'info', object: 'aws', title: 'AWS identity', evidence: `${who.Arn} (account ${who.Account}) in ${aws.region}`, fix: 'Nothing to do.' });
  } catch (err) {
    if (CREDENTIAL_ERRORS.test(`${(err as Error).name} ${(err as Error).message}`)) {
      throw new UsageError(`AWS rejected the credentials (${describeFailure(err)}).`, {
        hint: 'Check `aws sts get-caller-identity` with the same --profile/--region, refresh expired SSO or session credentials, or use --sandbox to rehearse.',
      });
    }
    throw err;
  }

  const ec2 = await aws.ec2;
  const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }))).AvailabilityZones ?? [];
  result.availabilityZones = zones.map((z) => z.ZoneName!).filter(Boolean).sort();
  const needAz = Math.max(2, config.network.azCount);
  if (result.availabilityZones.length < needAz) {
    add({
      id: 'aws.availability-zones', severity: 'blocker', object: `region ${aws.region}`,
      title: 'Not enough availability zones',
      evidence: `${result.availabilityZones.length} available (${result.availabilityZones.join(', ')}); the network plan needs ${needAz} (RDS needs subnets in at least 2)`,
      fix: `Set network.azCount to at most ${result.availabilityZones.length}, or choose another region.`,
    });
  }

  if (config.network.vpcId) {
    const found = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [config.network.vpcId] }] }));
    if (!found.Vpcs?.length) {
      add({ id: 'aws.vpc-not-found', severity: 'blocker', object: config.network.vpcId, title: 'The configured VPC does not exist', evidence: `no VPC ${config.network.vpcId} in ${aws.region}`, fix: 'Fix network.vpcId (check the region), or remove it to let promigrate create a VPC.' });
    }
  } else {
    const vpcs = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    const severity = vpcs.length >= DEFAULT_VPC_QUOTA ? 'blocker' : 'info';
    add({
      id: 'aws.vpc-quota', severity, object: `region ${aws.region}`, title: 'VPC quota',
      evidence: `${vpcs.length} VPCs exist; the default quota is ${DEFAULT_VPC_QUOTA} per region and provision creates 1`,
      fix: severity === 'blocker' ? 'Delete an unused VPC, request a higher VPC quota (Service Quotas → Amazon VPC), or set network.vpcId to reuse one.' : 'Nothing to do.',
    });
  }

  const natNeeded = config.network.vpcId ? 0 : config.network.natGateways === 'per-az' ? config.network.azCount : config.network.natGateways === 'single' ? 1 : 0;
  const attrs = (await ec2.send(new DescribeAccountAttributesCommand({}))).AccountAttributes ?? [];
  const maxEips = Number(attrs.find((a) => a.AttributeName === 'vpc-max-elastic-ips')?.AttributeValues?.[0]?.AttributeValue ?? 5);
  const usedEips = ((await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? []).length;
  if (natNeeded > 0) {
    const enough = usedEips + natNeeded <= maxEips;
    add({
      id: 'aws.eip-quota', severity: enough ? 'info' : 'blocker', object: `region ${aws.region}`, title: 'Elastic IP quota for NAT gateways',
      evidence: `${usedEips} of ${maxEips} Elastic IPs in use; ${natNeeded} NAT gateway(s) need ${natNeeded} more`,
      fix: enough ? 'Nothing to do.' : 'Release unused Elastic IPs, request a higher quota, or set network.natGateways to single.',
    });
  }

  await checkEngineOffered(aws, config, add);
  if (config.dns) await checkDns(aws, config, result, add);
  await checkIamRoles(aws, config, result.account, add);
  await checkBastionImage(aws, config, add);
  return result;
}

async function checkEngineOffered(aws: AwsClients, config: MigrationConfig, add: (f: Finding) => void): Promise<void> {
  const rds = await aws.rds;
  const { engine, engineVersion, instanceClass } = config.target;
  const versions = (await rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, EngineVersion: engineVersion }))).DBEngineVersions ?? [];
  if (versions.length === 0) {
    add({ id: 'aws.engine-version', severity: 'blocker', object: `RDS ${engine}`, title: 'Engine version not offered', evidence: `RDS in ${aws.region} offers no ${engine} ${engineVersion}`, fix: `Set target.engineVersion to a version \`aws rds describe-db-engine-versions --engine ${engine}\` lists.` });
    return;
  }
  const offered = versions.map((v) => v.EngineVersion!).filter(Boolean);
  const options = (await rds.send(new DescribeOrderableDBInstanceOptionsCommand({ Engine: engine, EngineVersion: offered[offered.length - 1], DBInstanceClass: instanceClass }))).OrderableDBInstanceOptions ?? [];
  add(
    options.length === 0
      ? { id: 'aws.instance-class', severity: 'blocker', object: `RDS ${engine} ${engineVersion}`, title: 'Instance class not offered', evidence: `${instanceClass} is not orderable for ${engine} ${engineVersion} in ${aws.region}`, fix: 'Choose another target.instanceClass (e.g. db.t3.medium or db.m6g.large).' }
      : { id: 'aws.engine-version', severity: 'info', object: `RDS ${engine}`, title: 'Target engine offered', evidence: `${engine} ${engineVersion} (${offered.join(', ')}) on ${instanceClass}`, fix: 'Nothing to do.' },
  );
}

async function checkDns(aws: AwsClients, config: MigrationConfig, result: PreflightResult, add: (f: Finding) => void): Promise<void> {
  const dns = config.dns!;
  const r53 = await aws.route53;
  const zone = await findHostedZone(r53, dns.hostedZone);
  if (!zone) {
    add({ id: 'aws.hosted-zone', severity: 'blocker', object: dns.hostedZone, title: 'Hosted zone not found', evidence: `no public hosted zone ${dns.hostedZone} in this account`, fix: 'Fix dns.hostedZone (a domain name or a zone id such as Z0123456789ABC), or create the zone and delegate the domain to it.' });
    return;
  }
  const zoneId = zone.id;
  const name = `${dns.record.replace(/\.$/, '')}.`;
  const sets = await recordSetsOf(r53, zoneId, name);
  const mine = sets.filter((s) => s.Name === name && ['A', 'AAAA', 'CNAME'].includes(s.Type ?? ''));
  if (mine.length === 0) {
    add({ id: 'aws.record', severity: 'warning', object: dns.record, title: 'Record to cut over not found', evidence: `${dns.record} has no A, AAAA or CNAME record in ${dns.hostedZone}`, fix: 'Check dns.record; if the name is new, cutover will create it and rollback will delete it.' });
    return;
  }
  const first = mine[0]!;
  const values = first.AliasTarget ? [`alias:${first.AliasTarget.DNSName}`] : (first.ResourceRecords ?? []).map((r) => r.Value!);
  result.record = { name, type: first.Type!, ...(first.TTL !== undefined ? { ttl: first.TTL } : {}), values, zoneId };
  const lowered = first.TTL !== undefined && first.TTL > dns.ttl;
  add({
    id: 'aws.record', severity: 'info', object: dns.record, title: 'Record to cut over',
    evidence: `${first.Type} ${values.join(', ')}${first.TTL !== undefined ? `, TTL ${first.TTL} s` : ' (alias)'}${mine.length > 1 ? ` (${mine.length} record sets, e.g. weighted)` : ''}`,
    fix: lowered
      ? `Cutover lowers the TTL to ${dns.ttl} s first and switches only after ${first.TTL} s have passed; run \`promigrate cutover --prepare-only\` ahead of the window.`
      : 'Nothing to do.',
  });
}
