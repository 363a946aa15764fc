/**
 * The IAM roles AWS DMS assumes in the operator's account, as the DMS user guide names them
 * ("Creating the IAM roles to use with AWS DMS", and its AWS CLI/API section): the
 * account-wide `dms-vpc-role` (managed policy AmazonDMSVPCManagementRole; DMS refuses
 * CreateReplicationSubnetGroup without it) and `dms-cloudwatch-logs-role`
 * (AmazonDMSCloudWatchLogsRole; without it a task's logs never reach CloudWatch). DMS looks
 * both up by exact name at path `/`, trusting `dms.amazonaws.com`. And the role DMS assumes to
 * read a Secrets Manager secret ("Using secrets to access AWS DMS endpoints"), whose trust
 * must name the regional principal `dms.<region>.amazonaws.com`.
 *
 * assess (what is missing), provision (create) and destroy share these; the sandbox checks
 * DMS's prerequisite with the same trust reading (so this module imports no SDK client).
 */
export interface DmsServiceRole {
  /** The state key of provision's task. */
  key: string;
  name: string;
  /** The AWS managed policy, after `arn:<partition>:iam::aws:policy/`. */
  policy: string;
  /** What DMS does with it, for messages. */
  purpose: string;
}

export const DMS_VPC_ROLE: DmsServiceRole = {
  key: 'iam.role.dms-vpc',
  name: 'dms-vpc-role',
  policy: 'service-role/AmazonDMSVPCManagementRole',
  purpose: 'DMS manages the replication instance’s network interfaces with it; CreateReplicationSubnetGroup fails without it',
};

export const DMS_CLOUDWATCH_LOGS_ROLE: DmsServiceRole = {
  key: 'iam.role.dms-cloudwatch-logs',
  name: 'dms-cloudwatch-logs-role',
  policy: 'service-role/AmazonDMSCloudWatchLogsRole',
  purpose: 'DMS writes the replication task’s logs (on in promigrate’s task settings) to CloudWatch Logs with it',
};

/** The account-wide roles, in the order provision creates them. */
export const DMS_SERVICE_ROLES: readonly DmsServiceRole[] = [DMS_VPC_ROLE, DMS_CLOUDWATCH_LOGS_ROLE];

/** DMS's account-wide roles live at path `/`: DMS looks them up as `…:role/<name>`. */
export const DMS_ROLE_PATH = '/';
export const DMS_SERVICE_PRINCIPAL = 'dms.amazonaws.com';
export const dmsRegionalPrincipal = (region: string): string => `dms.${region}.amazonaws.com`;

export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export const managedPolicyArn = (partition: string, policy: string): string => `arn:${partition}:iam::aws:policy/${policy}`;

/** The trust policy the DMS user guide gives for its service roles (`dmsAssumeRolePolicyDocument.json`). */
export function dmsTrustPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: DMS_SERVICE_PRINCIPAL }, Action: 'sts:AssumeRole' }],
  });
}

/**
 * The service principals a trust policy lets assume the role (`sts:AssumeRole`, Allow, no
 * condition considered). IAM returns the document URL-encoded (RFC 3986, GetRole in the IAM
 * API reference); a plain JSON text is read as is.
 */
export function trustedServices(document: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!document) return out;
  let doc: unknown;
  try {
    doc = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
  } catch {
    return out;
  }
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const s of list((doc as { Statement?: unknown }).Statement as Array<Record<string, unknown>> | undefined)) {
    if (s?.Effect !== 'Allow') continue;
    if (!list(s.Action as string | string[] | undefined).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) continue;
    for (const service of list((s.Principal as { Service?: string | string[] } | undefined)?.Service)) out.add(service);
  }
  return out;
}

/** `arn:aws:iam::123456789012:role/path/name` → `name` (GetRole takes the name alone). */
export function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
