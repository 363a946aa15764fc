/**
 * AWS pre-flight, IAM part (iam:GetRole only): the account-wide roles DMS needs
 * (aws/dms/service-roles.ts) — missing ones provision will create, existing ones it uses as
 * they are — and the Secrets Manager access role named in dms.secretsAccessRoleArn, which
 * must exist and trust DMS's regional principal (DMS user guide, "Using secrets to access AWS
 * DMS endpoints").
 */
import { ListAttachedRolePoliciesCommand, type IAMClient, type Role } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../aws/clients.js';
import {
  DMS_ROLE_PATH,
  DMS_SERVICE_PRINCIPAL,
  DMS_SERVICE_ROLES,
  DMS_VPC_ROLE,
  dmsRegionalPrincipal,
  managedPolicyArn,
  partitionOf,
  roleNameOf,
  trustedServices,
  type DmsServiceRole,
} from '../../aws/dms/service-roles.js';
import { getRole, isIamAccessDenied } from '../../aws/iam-roles.js';
import { TAG_PROJECT, tagsToRecord } from '../../aws/tags.js';
import type { MigrationConfig } from '../../config/schema.js';
import { describeFailure } from '../../errors.js';
import type { Finding } from './finding.js';

const GUIDE = 'the DMS user guide, "Creating the IAM roles to use with AWS DMS"';

/** A role, undefined when missing, or the finding for credentials that may not read it. */
async function lookUp(iam: IAMClient, name: string, id: string): Promise<Role | undefined | Finding> {
  try {
    return await getRole(iam, name);
  } catch (err) {
    if (!isIamAccessDenied(err)) throw err;
    return {
      id, severity: 'warning', object: `IAM role ${name}`, title: 'Cannot read the IAM role',
      evidence: `iam:GetRole on ${name} was refused (${describeFailure(err)})`,
      fix: 'Allow iam:GetRole on the role for the identity promigrate runs as (`promigrate iam-policy` lists every permission it needs), or check the role in the IAM console yourself.',
    };
  }
}

const isFinding = (x: Role | Finding | undefined): x is Finding => x !== undefined && 'severity' in x;

export async function checkIamRoles(aws: AwsClients, config: MigrationConfig, account: string | undefined, add: (f: Finding) => void): Promise<void> {
  const iam = await aws.iam;
  for (const role of DMS_SERVICE_ROLES) await checkServiceRole(iam, aws.region, config, role, add);
  if (config.dms.secretsAccessRoleArn && config.source.secretArn) await checkSecretsRole(iam, aws.region, config.dms.secretsAccessRoleArn, account, add);
}

async function checkServiceRole(iam: IAMClient, region: string, config: MigrationConfig, role: DmsServiceRole, add: (f: Finding) => void): Promise<void> {
  const id = `aws.iam-role:${role.name}`;
  const object = `IAM role ${role.name}`;
  const found = await lookUp(iam, role.name, id);
  if (isFinding(found)) return add(found);
  if (!found) {
    return add({
      id, severity: 'info', object, title: 'DMS service role missing: provision will create it',
      evidence: `no role ${role.name} in this account (${role.purpose})`,
      fix: `Nothing to do: provision creates it first (trusting ${DMS_SERVICE_PRINCIPAL}, with the AWS managed policy ${role.policy.split('/').pop()}), tagged ${TAG_PROJECT}=${config.project.name}; destroy deletes it again while no other DMS replication subnet group needs it.`,
    });
  }
  const owner = tagsToRecord(found.Tags)[TAG_PROJECT];
  let attached: Array<string | undefined> | undefined;
  try {
    attached = ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name }))).AttachedPolicies ?? []).map((p) => p.PolicyArn);
  } catch (err) {
    if (!isIamAccessDenied(err)) throw err;
  }
  const problems: string[] = [];
  if (found.Path !== DMS_ROLE_PATH) problems.push(`its path is ${found.Path} (DMS looks for …:role/${role.name})`);
  if (!trustedServices(found.AssumeRolePolicyDocument).has(DMS_SERVICE_PRINCIPAL)) problems.push(`its trust policy does not let ${DMS_SERVICE_PRINCIPAL} assume it`);
  if (attached && !attached.includes(managedPolicyArn(partitionOf(region), role.policy))) problems.push(`it does not have the managed policy ${role.policy.split('/').pop()}`);
  const made = owner ? `made by promigrate project ${owner}` : 'not made by promigrate';
  if (problems.length === 0) {
    const unread = attached ? '' : ' (its attached policies could not be read: iam:ListAttachedRolePolicies was refused)';
    return add({ id, severity: 'info', object, title: 'DMS service role', evidence: `${found.Arn} exists (${made}); provision uses it as it is${unread}`, fix: 'Nothing to do.' });
  }
  add({
    // Without dms-vpc-role DMS refuses the replication subnet group; without the logs role only the logs are lost.
    id, severity: role === DMS_VPC_ROLE ? 'blocker' : 'warning', object, title: 'DMS service role not usable by DMS',
    evidence: `${found.Arn} (${made}): ${problems.join('; ')}`,
    fix: `promigrate never changes a role it did not create: fix the role as ${GUIDE} describes, or delete it and let provision create it.`,
  });
}

async function checkSecretsRole(iam: IAMClient, region: string, arn: string, account: string | undefined, add: (f: Finding) => void): Promise<void> {
  const id = 'aws.iam-role:secrets-access';
  const object = 'dms.secretsAccessRoleArn';
  const roleAccount = arn.split(':')[4];
  if (account && roleAccount !== account) {
    return add({ id, severity: 'info', object, title: 'Secrets Manager access role in another account', evidence: `${arn} is in account ${roleAccount}, not ${account}: not checked`, fix: 'Make sure it trusts dms.<region>.amazonaws.com of this account and may read source.secretArn.' });
  }
  const found = await lookUp(iam, roleNameOf(arn), id);
  if (isFinding(found)) return add({ ...found, object });
  const regional = dmsRegionalPrincipal(region);
  const fix = `Give the role a trust policy letting ${regional} assume it, and secretsmanager:GetSecretValue (and kms:Decrypt for a customer-managed key) on source.secretArn — see the DMS user guide, "Using secrets to access AWS DMS endpoints" — or remove dms.secretsAccessRoleArn to let promigrate read the secret and pass the password to DMS.`;
  if (!found || found.Arn !== arn) {
    return add({ id, severity: 'blocker', object, title: 'Secrets Manager access role not found', evidence: `no role ${arn} in this account${found ? ` (a role of that name exists as ${found.Arn})` : ''}`, fix });
  }
  const trusted = trustedServices(found.AssumeRolePolicyDocument);
  if (!trusted.has(regional) && !trusted.has(DMS_SERVICE_PRINCIPAL)) {
    return add({ id, severity: 'blocker', object, title: 'Secrets Manager access role does not trust DMS', evidence: `${arn} trusts ${[...trusted].join(', ') || 'no AWS service'}`, fix });
  }
  if (!trusted.has(regional)) {
    return add({ id, severity: 'warning', object, title: 'Secrets Manager access role trusts only the global DMS principal', evidence: `${arn} trusts ${DMS_SERVICE_PRINCIPAL}, and the DMS user guide asks for the regional principal ${regional}`, fix });
  }
  add({ id, severity: 'info', object, title: 'Secrets Manager access role', evidence: `${arn} trusts ${regional}`, fix: 'Nothing to do (its permissions on the secret are tested by the endpoint connection test in sync).' });
}
