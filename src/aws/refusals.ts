/**
 * What a real account refuses when promigrate creates a resource — a permission, a quota,
 * capacity, an instance class or engine version not offered — as one sentence naming the
 * resource and the fix. One table; the codes are those of the API references:
 * - EC2: "Error codes for the Amazon EC2 API" (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
 *   UnauthorizedOperation (its message carries an encoded authorization message, which STS
 *   DecodeAuthorizationMessage decodes), VpcLimitExceeded, AddressLimitExceeded,
 *   NatGatewayLimitExceeded, InternetGatewayLimitExceeded, SecurityGroupLimitExceeded,
 *   RouteTableLimitExceeded, InstanceLimitExceeded, VcpuLimitExceeded, and the server error
 *   InsufficientInstanceCapacity.
 * - RDS: CreateDBInstance "Errors" (docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html):
 *   InstanceQuotaExceeded, StorageQuotaExceeded, InsufficientDBInstanceCapacity (the class is
 *   not available in that AZ — the RDS user guide's troubleshooting advice is another class
 *   or AZ), and the common errors InvalidParameterCombination / InvalidParameterValue, which
 *   RDS also uses for a version it cannot find or a class it does not offer with the engine.
 * - DMS: CreateReplicationInstance "Errors" (docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationInstance.html):
 *   AccessDeniedFault, ResourceQuotaExceededFault, StorageQuotaExceededFault,
 *   InsufficientResourceCapacityFault.
 * A class or version the config chose that AWS does not offer is the config's fault (exit 2);
 * the rest exit 1, and the same command resumes once the cause is fixed.
 */
import { ConfigError, PromigrateError, ExitCode, isPromigrateError } from '../errors.js';
import { errorName, isAwsError } from './errors.js';

/** A value of the config that went into the create call. */
export interface ConfigChoice {
  path: string;
  value: string;
}

/** What the refusal is about: the resource, and the config choices behind its create call. */
export interface RefusedResource {
  /** e.g. `the RDS instance shop-db (db.instance)`. */
  what: string;
  /** `ec2`, `rds`, `dms` … (the resource type's prefix). */
  service: string;
  region: string;
  operation?: string;
  engine?: string;
  instanceClass?: ConfigChoice;
  engineVersion?: ConfigChoice;
}

type Kind = 'access' | 'quota' | 'capacity' | 'offer';

interface Row {
  kind: Kind;
  /** Omitted: any service. */
  service?: string;
  codes: string[];
  /** The Service Quotas name of the quota, and the service it is filed under there. */
  quota?: [name: string, service: string];
}

const REFUSALS: readonly Row[] = [
  { kind: 'access', codes: ['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AccessDeniedFault', 'AuthorizationError'] },
  { kind: 'quota', service: 'ec2', codes: ['VpcLimitExceeded'], quota: ['VPCs per Region', 'Amazon Virtual Private Cloud (Amazon VPC)'] },
  { kind: 'quota', service: 'ec2', codes: ['AddressLimitExceeded'], quota: ['EC2-VPC Elastic IPs', 'Amazon Elastic Compute Cloud (Amazon EC2)'] },
  { kind: 'quota', service: 'ec2', codes: ['NatGatewayLimitExceeded'], quota: ['NAT gateways per Availability Zone', 'Amazon Virtual Private Cloud (Amazon VPC)'] },
  { kind: 'quota', service: 'ec2', codes: ['InternetGatewayLimitExceeded'], quota: ['Internet gateways per Region', 'Amazon Virtual Private Cloud (Amazon VPC)'] },
  { kind: 'quota', service: 'ec2', codes: ['SecurityGroupLimitExceeded'], quota: ['VPC security groups per Region', 'Amazon Virtual Private Cloud (Amazon VPC)'] },
  { kind: 'quota', service: 'ec2', codes: ['RouteTableLimitExceeded'], quota: ['Route tables per VPC', 'Amazon Virtual Private Cloud (Amazon VPC)'] },
  { kind: 'quota', service: 'ec2', codes: ['InstanceLimitExceeded', 'VcpuLimitExceeded'], quota: ['Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 'Amazon Elastic Compute Cloud (Amazon EC2)'] },
  { kind: 'quota', service: 'rds', codes: ['InstanceQuotaExceededFault'], quota: ['DB instances', 'Amazon Relational Database Service (Amazon RDS)'] },
  { kind: 'quota', service: 'rds', codes: ['StorageQuotaExceededFault'], quota: ['Total storage for all DB instances', 'Amazon Relational Database Service (Amazon RDS)'] },
  { kind: 'quota', service: 'rds', codes: ['DBSubnetGroupQuotaExceededFault'], quota: ['DB subnet groups', 'Amazon Relational Database Service (Amazon RDS)'] },
  { kind: 'quota', service: 'rds', codes: ['DBParameterGroupQuotaExceededFault'], quota: ['Parameter groups', 'Amazon Relational Database Service (Amazon RDS)'] },
  { kind: 'quota', service: 'dms', codes: ['ResourceQuotaExceededFault'], quota: ['the quota named above', 'AWS Database Migration Service (AWS DMS)'] },
  { kind: 'quota', service: 'dms', codes: ['StorageQuotaExceededFault'], quota: ['Allocated storage', 'AWS Database Migration Service (AWS DMS)'] },
  { kind: 'capacity', service: 'ec2', codes: ['InsufficientInstanceCapacity'] },
  { kind: 'capacity', service: 'rds', codes: ['InsufficientDBInstanceCapacityFault'] },
  { kind: 'capacity', service: 'dms', codes: ['InsufficientResourceCapacityFault'] },
  { kind: 'offer', service: 'rds', codes: ['InvalidParameterCombination', 'InvalidParameterValue'] },
];

/**
 * The refusal of `resource`'s create (or its settling calls) as promigrate's error, or
 * undefined when `err` is not one of the table's (it then stands as it is).
 */
export function explainRefusal(err: unknown, resource: RefusedResource): PromigrateError | undefined {
  if (isPromigrateError(err)) return undefined;
  const row = REFUSALS.find((r) => (r.service === undefined || r.service === resource.service) && isAwsError(err, ...r.codes));
  if (!row) return undefined;
  const code = errorName(err);
  const said = firstSentences((err as Error).message ?? '');
  const because = `${code}${said ? `: ${said}` : ''}`;
  const what = capitalised(resource.what);
  switch (row.kind) {
    case 'access':
      return new PromigrateError(`${what} could not be created: your AWS identity may not call ${resource.service}:${resource.operation ?? 'the create call'} (${code}).`, ExitCode.stepFailed, {
        cause: err,
        hint: `\`promigrate iam-policy\` prints the policy promigrate needs; attach it to the identity you run as, then re-run.${decodeHint((err as Error).message)}`,
      });
    case 'quota':
      return new PromigrateError(`${what} could not be created: a quota of the account in ${resource.region} is used up (${because}).`, ExitCode.stepFailed, {
        cause: err,
        hint: `Request a quota increase for "${row.quota![0]}" (${row.quota![1]}) in Service Quotas, or delete ones you no longer use, then re-run.`,
      });
    case 'capacity': {
      const cls = resource.instanceClass;
      return new PromigrateError(`${what} could not be created: AWS has no capacity for ${cls ? `${cls.value} ` : 'it '}in ${resource.region} right now (${because}).`, ExitCode.stepFailed, {
        cause: err,
        hint: `Re-run later, or pick another ${cls?.path ?? 'instance class'}${listClasses(resource)}, then re-run.`,
      });
    }
    case 'offer':
      return notOffered(err, resource, because);
  }
}

/** RDS names what it does not offer in the message: a version it cannot find, or a class with the engine version. */
function notOffered(err: unknown, resource: RefusedResource, because: string): PromigrateError | undefined {
  const message = (err as Error).message ?? '';
  const { engine = 'the engine', instanceClass: cls, engineVersion: version } = resource;
  if (cls && message.includes(`DBInstanceClass=${cls.value}`)) {
    return new ConfigError(`${cls.path} ${cls.value} is not offered for ${engine}${version ? ` ${version.value}` : ''} in ${resource.region}, so ${resource.what} could not be created (${because}).`, {
      path: cls.path,
      cause: err,
      hint: `Pick another ${cls.path}${listClasses(resource)}.`,
    });
  }
  if (version && new RegExp(`version ${version.value.replace(/\./g, '\\.')}\\b|EngineVersion=?\\s*${version.value.replace(/\./g, '\\.')}\\b`, 'i').test(message)) {
    return new ConfigError(`${version.path} ${version.value} is not offered for ${engine} in ${resource.region}, so ${resource.what} could not be created (${because}).`, {
      path: version.path,
      cause: err,
      hint: `Pick another ${version.path}; \`aws rds describe-db-engine-versions --engine ${engine} --region ${resource.region} --query "DBEngineVersions[].EngineVersion"\` lists the ones offered.`,
    });
  }
  return undefined;
}

function listClasses(resource: RefusedResource): string {
  if (resource.service === 'rds' && resource.engine) {
    // By version and class: a configured major version ("8.0") is not a value --engine-version takes.
    return `; \`aws rds describe-orderable-db-instance-options --engine ${resource.engine} --region ${resource.region} --query "OrderableDBInstanceOptions[].[EngineVersion,DBInstanceClass]"\` lists the ones offered`;
  }
  if (resource.service === 'dms') {
    return `; \`aws dms describe-orderable-replication-instances --region ${resource.region} --query "OrderableReplicationInstances[].ReplicationInstanceClass"\` lists the ones offered`;
  }
  return '';
}

/** EC2 puts "Encoded authorization failure message: <blob>" in UnauthorizedOperation's message. */
function decodeHint(message: string | undefined): string {
  const encoded = /Encoded authorization failure message:\s*(\S+)/.exec(message ?? '')?.[1];
  return encoded ? ` To see which policy denied it: aws sts decode-authorization-message --encoded-message ${encoded}` : '';
}

/** AWS messages are a sentence or two; an encoded authorization blob is cut off (the hint has it). */
function firstSentences(message: string): string {
  const text = message.split('\n')[0]!.replace(/\s*Encoded authorization failure message:.*$/, '').trim();
  return text.replace(/\.$/, '');
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
