/**
 * The account-wide IAM roles DMS needs (aws/dms/service-roles.ts): `dms-vpc-role` before the
 * replication subnet group, `dms-cloudwatch-logs-role` for the task logs. Provision creates
 * whichever is missing, first of all (before anything billable: see index.ts), with this
 * project's tags — IAM has no idempotency token, the exact name is what a resumed run finds.
 * A role that exists without this project's tag (the DMS console, another tool, another
 * promigrate project) is adopted as external: used, never modified, never deleted.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { DescribeReplicationSubnetGroupsCommand } from '@aws-sdk/client-database-migration-service';
import { unlessNotFound } from '../../aws/errors.js';
import { getRole, isIamAccessDenied } from '../../aws/iam-roles.js';
import {
  DMS_ROLE_PATH,
  DMS_SERVICE_PRINCIPAL,
  DMS_SERVICE_ROLES,
  dmsTrustPolicy,
  managedPolicyArn,
  partitionOf,
  trustedServices,
  type DmsServiceRole,
} from '../../aws/dms/service-roles.js';
import { waitFor, type WaitPreset } from '../../aws/wait.js';
import { UsageError, describeFailure } from '../../errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];
/** IAM is eventually consistent: a new role can take seconds to be visible everywhere. */
const ROLE_VISIBLE: WaitPreset = { timeoutMs: 2 * 60_000, pollMs: 2_000, readyLabel: 'visible', hint: 'Check the role in the IAM console, then re-run: promigrate resumes.' };

export const iamRoleTasks = (): ResourceTask[] => DMS_SERVICE_ROLES.map(roleTask);

const policyArn = (t: TaskContext, role: DmsServiceRole): string => managedPolicyArn(partitionOf(t.step.aws.region), role.policy);

function accessDenied(role: DmsServiceRole, action: string, err: unknown): UsageError {
  return new UsageError(`AWS refused ${action} on the IAM role ${role.name} (${describeFailure(err)}).`, {
    hint: 'Give the identity promigrate runs as the IAM actions `promigrate iam-policy` lists (iam:GetRole, iam:CreateRole, iam:TagRole, iam:AttachRolePolicy on this role), or have an administrator create the role as the DMS user guide describes ("Creating the IAM roles to use with AWS DMS"); then re-run.',
    cause: err,
  });
}

async function iamCall<T>(role: DmsServiceRole, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw isIamAccessDenied(err) ? accessDenied(role, action, err) : err;
  }
}

const read = async (t: TaskContext, role: DmsServiceRole): Promise<Role | undefined> => {
  const iam = await t.step.aws.iam;
  return iamCall(role, 'iam:GetRole', () => getRole(iam, role.name));
};

function foundOf(t: TaskContext, r: Role): FoundResource {
  const owner = foreignOwner(r.Tags, t.project);
  return { id: r.RoleName!, arn: r.Arn!, ...(owner ? { adopted: true } : {}), outputs: { arn: r.Arn, ...(owner ? { external: owner } : {}) } };
}

/** What keeps DMS from using a role it did not get from us; empty when it looks right. */
function problemsOf(t: TaskContext, role: DmsServiceRole, r: Role, attached: string[]): string[] {
  const problems: string[] = [];
  if (r.Path !== DMS_ROLE_PATH) problems.push(`its path is ${r.Path}, and DMS looks for …:role/${role.name}`);
  if (!trustedServices(r.AssumeRolePolicyDocument).has(DMS_SERVICE_PRINCIPAL)) problems.push(`its trust policy does not let ${DMS_SERVICE_PRINCIPAL} assume it`);
  if (!attached.includes(policyArn(t, role))) problems.push(`it does not have the managed policy ${role.policy.split('/').pop()}`);
  return problems;
}

async function attachedPolicies(iam: IAMClient, name: string): Promise<string[]> {
  const out: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker }));
    out.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return out;
}

function createParams(t: TaskContext, role: DmsServiceRole) {
  return {
    RoleName: role.name,
    Path: DMS_ROLE_PATH,
    AssumeRolePolicyDocument: dmsTrustPolicy(),
    Description: `AWS DMS service role (account-wide), created by promigrate project ${t.project}`,
    Tags: t.tags(role.key, role.name),
  };
}

/**
 * Other DMS replication subnet groups in this region than this project's: while one exists,
 * some DMS in the account still needs the account-wide roles.
 */
async function otherSubnetGroups(t: TaskContext): Promise<string[]> {
  const dms = await t.step.aws.dms;
  const own = `${t.project}-dms`;
  const names: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await unlessNotFound(() => dms.send(new DescribeReplicationSubnetGroupsCommand({ Marker })), 'ResourceNotFoundFault');
    names.push(...(page?.ReplicationSubnetGroups ?? []).map((g) => g.ReplicationSubnetGroupIdentifier!).filter((n) => n !== own));
    Marker = page?.Marker;
  } while (Marker);
  return names;
}

function roleTask(role: DmsServiceRole): ResourceTask {
  const find = async (t: TaskContext): Promise<FoundResource | undefined> => {
    const r = await read(t, role);
    return r && foundOf(t, r);
  };
  return {
    key: role.key,
    type: 'iam:role',
    title: `IAM role ${role.name} (account-wide, for DMS)`,
    dependsOn: [],
    find,
    planCreate: (t) => [
      { operation: 'iam:CreateRole', params: createParams(t, role) },
      { operation: 'iam:AttachRolePolicy', params: { RoleName: role.name, PolicyArn: policyArn(t, role) } },
    ],
    async create(t) {
      const iam = await t.step.aws.iam;
      return createOrAdopt<FoundResource>({
        create: async () => foundOf(t, (await iamCall(role, 'iam:CreateRole', () => iam.send(new CreateRoleCommand(createParams(t, role))))).Role!),
        alreadyExists: ['EntityAlreadyExists', 'EntityAlreadyExistsException'],
        adopt: () => find(t),
      });
    },
    /**
     * Ours: attach the managed policy (also after a crash between CreateRole and
     * AttachRolePolicy), then until IAM shows the role. External: only a warning when DMS
     * could not use it as it is (promigrate never changes a role it did not make).
     */
    async waitReady(t, found) {
      const iam = await t.step.aws.iam;
      if (found.adopted) {
        const r = await read(t, role);
        const attached = await iamCall(role, 'iam:ListAttachedRolePolicies', () => attachedPolicies(iam, role.name));
        const problems = r ? problemsOf(t, role, r, attached) : ['it no longer exists'];
        if (problems.length) {
          t.step.io.notify({
            level: 'warn',
            code: 'provision.iam-role',
            message: `${role.key}: the IAM role ${role.name} was not made by promigrate and is left as it is, but ${problems.join('; ')}: ${role.purpose}. Fix the role (DMS user guide, "Creating the IAM roles to use with AWS DMS"), or delete it and re-run so that promigrate creates it.`,
            data: { key: role.key, problems },
          });
        }
        return found.outputs;
      }
      const arn = policyArn(t, role);
      const attached = await iamCall(role, 'iam:ListAttachedRolePolicies', () => attachedPolicies(iam, role.name));
      if (!attached.includes(arn)) await iamCall(role, 'iam:AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: arn })));
      await waitFor<Role | undefined>({
        what: `IAM role ${role.name}`,
        describe: () => read(t, role),
        done: (r) => r !== undefined,
        status: (r) => (r ? 'visible' : 'not visible yet'),
        clock: t.step.clock,
        signal: t.step.signal,
        preset: ROLE_VISIBLE,
      });
      return found.outputs;
    },
    /**
     * The roles are shared by the whole account, so destroy deletes one only when its tags say
     * this project made it AND no other DMS replication subnet group is left in this region
     * (another project's DMS would lose its network or its logs). IAM is global, but DMS in
     * other regions is not looked at: an account that runs DMS in several regions should keep
     * the roles (they cost nothing), which a role another project adopted is anyway.
     */
    async destroy(t, id) {
      const r = await read(t, role);
      if (!r) return;
      const owner = foreignOwner(r.Tags, t.project);
      if (owner) return leaveForeign(t, role.key, id, owner);
      const others = await otherSubnetGroups(t);
      if (others.length) {
        t.step.io.notify({
          level: 'warn',
          code: 'provision.destroy.shared',
          message: `${role.key}: the IAM role ${id} was made by this project but is left in place: DMS replication subnet group(s) ${others.join(', ')} in ${t.step.aws.region} may still need it (delete it yourself once no DMS in the account uses it).`,
          data: { key: role.key, id, subnetGroups: others },
        });
        return;
      }
      const iam = await t.step.aws.iam;
      const gone = <T>(call: () => Promise<T>) => unlessNotFound(call, ...NO_SUCH_ENTITY);
      for (const PolicyArn of (await gone(() => attachedPolicies(iam, id))) ?? []) {
        await gone(() => iam.send(new DetachRolePolicyCommand({ RoleName: id, PolicyArn })));
      }
      for (const PolicyName of (await gone(() => iam.send(new ListRolePoliciesCommand({ RoleName: id }))))?.PolicyNames ?? []) {
        await gone(() => iam.send(new DeleteRolePolicyCommand({ RoleName: id, PolicyName })));
      }
      await gone(() => iam.send(new DeleteRoleCommand({ RoleName: id })));
    },
    async findAll(t) {
      const found = await find(t);
      return found && !found.adopted ? [found] : [];
    },
  };
}
