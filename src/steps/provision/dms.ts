/**
 * DMS replication infrastructure: the replication subnet group over the private subnets
 * (`<project>-dms`) and the replication instance (`<project>-dms`), private, in the
 * `sg.dms` security group. DMS has no idempotency tokens: the deterministic identifier is
 * what a resumed run finds; an existing one is accepted only when it carries this
 * project's tag and matches. The instance needs only its subnet group and security group,
 * so it is created and waited for alongside the RDS instance.
 */
import {
  CreateReplicationInstanceCommand,
  CreateReplicationSubnetGroupCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationSubnetGroupCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationSubnetGroupsCommand,
  ListTagsForResourceCommand,
  type DatabaseMigrationServiceClient,
  type ReplicationInstance,
} from '@aws-sdk/client-database-migration-service';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DMS_CLOUDWATCH_LOGS_ROLE, DMS_VPC_ROLE } from '../../aws/dms/service-roles.js';
import { waitFor } from '../../aws/wait.js';
import type { MigrationConfig } from '../../config/schema.js';
import type { StepContext } from '../../engine/step.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import { dmsVpcRoleError, privateSubnetKeys } from './database-shared.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

const SUBNET_GROUP = 'dms.subnet-group';
const INSTANCE = 'dms.instance';
const NOT_FOUND = 'ResourceNotFoundFault';
export const DEFAULT_DMS_INSTANCE_CLASS = 'dms.t3.medium';
export const dmsName = (project: string): string => `${project}-dms`;

const STUCK = new Set(['failed', 'incompatible-network', 'incompatible-credentials', 'storage-full', 'deleting', 'deleted']);

export function dmsTasks(config: MigrationConfig): ResourceTask[] {
  return [subnetGroupTask(config), instanceTask()];
}

/** Configured, else what assess suggested from the data size, else dms.t3.medium. */
export function dmsInstanceClass(t: TaskContext): string {
  const suggested = t.step.outputsOf('assess').suggestedDmsInstanceClass;
  return t.config.dms.instanceClass ?? (typeof suggested === 'string' && /^dms\./.test(suggested) ? suggested : DEFAULT_DMS_INSTANCE_CLASS);
}

async function tagsOf(dms: DatabaseMigrationServiceClient, arn: string) {
  return (await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).TagList;
}

const accounts = new WeakMap<StepContext, Promise<string>>();

/** A replication subnet group's ARN (DMS does not return it): `…:subgrp:<name>`. */
async function subnetGroupArn(t: TaskContext, name: string): Promise<string> {
  let account = accounts.get(t.step);
  if (!account) {
    account = t.step.aws.sts.then(async (sts) => (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '');
    accounts.set(t.step, account);
  }
  const region = t.step.aws.region;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:dms:${region}:${await account}:subgrp:${name}`;
}

async function withRoleHint<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw dmsVpcRoleError(err) ?? err;
  }
}

/**
 * A role just created (or just given its policy) can take a while to reach DMS: IAM is
 * eventually consistent, and DMS answers "dms-vpc-role is not configured properly" until
 * then. Retried on the injectable clock for up to two minutes; after that the hint stands.
 */
const ROLE_PROPAGATION_MS = 2 * 60_000;
const ROLE_RETRY_MS = 10_000;

async function onceRoleReachesDms<T>(t: TaskContext, call: () => Promise<T>): Promise<T> {
  const started = t.step.clock.now();
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!dmsVpcRoleError(err) || t.step.clock.now() - started >= ROLE_PROPAGATION_MS) throw dmsVpcRoleError(err) ?? err;
      await t.step.clock.sleep(ROLE_RETRY_MS, t.step.signal);
    }
  }
}

function subnetGroupParams(t: TaskContext, subnetKeys: string[]) {
  return {
    ReplicationSubnetGroupIdentifier: dmsName(t.project),
    ReplicationSubnetGroupDescription: `promigrate ${t.project}: private subnets of the replication instance`,
    SubnetIds: subnetKeys.map((k) => t.id(k)),
    Tags: t.tags(SUBNET_GROUP, dmsName(t.project)),
  };
}

function subnetGroupTask(config: MigrationConfig): ResourceTask {
  const subnetKeys = privateSubnetKeys(config);
  const lookup = async (t: TaskContext, strict: boolean, onForeign?: (why: string) => void): Promise<FoundResource | undefined> => {
    const dms = await t.step.aws.dms;
    const name = dmsName(t.project);
    const filter = { Filters: [{ Name: 'replication-subnet-group-id', Values: [name] }] };
    const out = await unlessNotFound(() => dms.send(new DescribeReplicationSubnetGroupsCommand(filter)), NOT_FOUND);
    const group = out?.ReplicationSubnetGroups?.find((g) => g.ReplicationSubnetGroupIdentifier === name);
    if (!group) return undefined;
    const arn = await subnetGroupArn(t, name);
    const owner = foreignOwner(await tagsOf(dms, arn), t.project);
    if (owner) {
      if (strict) throw conflictError(`DMS replication subnet group ${name}`, [owner]);
      onForeign?.(owner);
      return undefined;
    }
    return { id: name, arn, outputs: { vpcId: group.VpcId } };
  };
  return {
    key: SUBNET_GROUP,
    type: 'dms:replication-subnet-group',
    title: 'DMS replication subnet group over the private subnets',
    dependsOn: [DMS_VPC_ROLE.key, ...subnetKeys],
    find: (t) => lookup(t, true),
    planCreate: (t) => [{ operation: 'dms:CreateReplicationSubnetGroup', params: subnetGroupParams(t, subnetKeys) }],
    async create(t) {
      const dms = await t.step.aws.dms;
      // CreateReplicationSubnetGroup returns no ARN: the group is read back either way.
      return createOrAdopt<FoundResource>({
        create: async () => {
          await onceRoleReachesDms(t, () => dms.send(new CreateReplicationSubnetGroupCommand(subnetGroupParams(t, subnetKeys))));
          const found = await lookup(t, true);
          if (!found) throw new Error(`internal error: DMS replication subnet group ${dmsName(t.project)} not found after creating it`);
          return found;
        },
        alreadyExists: ['ResourceAlreadyExistsFault'],
        adopt: () => lookup(t, true),
      });
    },
    async destroy(t, id) {
      if (!(await lookup(t, false, (why) => leaveForeign(t, SUBNET_GROUP, id, why)))) return;
      const dms = await t.step.aws.dms;
      await unlessNotFound(() => dms.send(new DeleteReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: id })), NOT_FOUND);
    },
    findAll: async (t) => {
      const found = await lookup(t, false);
      return found ? [found] : [];
    },
  };
}

async function describeInstance(dms: DatabaseMigrationServiceClient, id: string): Promise<ReplicationInstance | undefined> {
  const filter = { Filters: [{ Name: 'replication-instance-id', Values: [id] }] };
  const out = await unlessNotFound(() => dms.send(new DescribeReplicationInstancesCommand(filter)), NOT_FOUND);
  return out?.ReplicationInstances?.find((r) => r.ReplicationInstanceIdentifier === id);
}

function found(r: ReplicationInstance): FoundResource {
  const arn = r.ReplicationInstanceArn!;
  const privateIps = r.ReplicationInstancePrivateIpAddresses ?? [];
  return { id: r.ReplicationInstanceIdentifier!, arn, outputs: { arn, privateIps, instanceClass: r.ReplicationInstanceClass } };
}

/**
 * Ours and what we asked for. The class is compared only when configured: otherwise it
 * came from assess's suggestion, which may change with the data and is no conflict.
 */
async function checkExisting(t: TaskContext, dms: DatabaseMigrationServiceClient, r: ReplicationInstance): Promise<void> {
  const problems: string[] = [];
  const owner = foreignOwner(await tagsOf(dms, r.ReplicationInstanceArn!), t.project);
  if (owner) problems.push(owner);
  const cls = t.config.dms.instanceClass;
  if (cls && r.ReplicationInstanceClass !== cls) problems.push(`its class is ${r.ReplicationInstanceClass}, not ${cls}`);
  if (r.PubliclyAccessible !== false) problems.push('it is publicly accessible');
  if (r.ReplicationSubnetGroup?.ReplicationSubnetGroupIdentifier !== dmsName(t.project)) {
    problems.push(`it is not in the replication subnet group ${dmsName(t.project)}`);
  }
  if (r.ReplicationInstanceStatus === 'deleting') problems.push('it is being deleted (wait until it is gone)');
  if (problems.length) throw conflictError(`DMS replication instance ${r.ReplicationInstanceIdentifier}`, problems);
}

function instanceParams(t: TaskContext) {
  const id = dmsName(t.project);
  return {
    ReplicationInstanceIdentifier: id,
    ReplicationInstanceClass: dmsInstanceClass(t),
    AllocatedStorage: t.config.dms.allocatedStorageGb,
    ReplicationSubnetGroupIdentifier: t.id(SUBNET_GROUP),
    VpcSecurityGroupIds: [t.id('sg.dms')],
    MultiAZ: false,
    PubliclyAccessible: false,
    AutoMinorVersionUpgrade: true,
    Tags: t.tags(INSTANCE, id),
  };
}

function instanceTask(): ResourceTask {
  return {
    key: INSTANCE,
    type: 'dms:replication-instance',
    title: 'DMS replication instance',
    // The logs role: its task's logs need it, and destroy keeps it until the instance is gone.
    dependsOn: [SUBNET_GROUP, 'sg.dms', DMS_CLOUDWATCH_LOGS_ROLE.key],
    async find(t) {
      const dms = await t.step.aws.dms;
      const r = await describeInstance(dms, dmsName(t.project));
      if (!r) return undefined;
      await checkExisting(t, dms, r);
      return found(r);
    },
    planCreate: (t) => [{ operation: 'dms:CreateReplicationInstance', params: instanceParams(t) }],
    async create(t) {
      const dms = await t.step.aws.dms;
      return createOrAdopt<FoundResource>({
        create: async () => found((await withRoleHint(dms.send(new CreateReplicationInstanceCommand(instanceParams(t))))).ReplicationInstance!),
        alreadyExists: ['ResourceAlreadyExistsFault'],
        adopt: async () => {
          const r = await describeInstance(dms, dmsName(t.project));
          if (!r) return undefined;
          await checkExisting(t, dms, r);
          return found(r);
        },
      });
    },
    waitReady: async (t, res) => found(await waitAvailable(t, res.id)).outputs,
    identify: (t) => ({ noun: 'DMS replication instance', name: dmsName(t.project), instanceClass: { path: 'dms.instanceClass', value: dmsInstanceClass(t) } }),
    async destroy(t, id) {
      const dms = await t.step.aws.dms;
      let r = await describeInstance(dms, id);
      if (!r) return;
      if (r.ReplicationInstanceStatus !== 'deleting') {
        const owner = foreignOwner(await tagsOf(dms, r.ReplicationInstanceArn!), t.project);
        if (owner) return leaveForeign(t, INSTANCE, id, owner);
        if (r.ReplicationInstanceStatus !== 'available' && !STUCK.has(r.ReplicationInstanceStatus ?? '')) r = await waitAvailable(t, id);
        const arn = r.ReplicationInstanceArn!;
        await unlessNotFound(() => dms.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn })), NOT_FOUND);
      }
      await waitDeleted({
        what: `DMS replication instance ${id}`,
        describe: () => describeInstance(dms, id),
        status: (x) => x.ReplicationInstanceStatus,
        clock: t.step.clock,
        signal: t.step.signal,
        preset: 'dmsInstance',
      });
    },
    async findAll(t) {
      const dms = await t.step.aws.dms;
      const r = await describeInstance(dms, dmsName(t.project));
      if (!r || foreignOwner(await tagsOf(dms, r.ReplicationInstanceArn!), t.project)) return [];
      return [found(r)];
    },
  };
}

/** Until `available` (DMS preset: 30 s polls, 30 min), reporting each status seen. */
async function waitAvailable(t: TaskContext, id: string): Promise<ReplicationInstance> {
  const dms = await t.step.aws.dms;
  const { value } = await waitFor<ReplicationInstance | undefined>({
    what: `DMS replication instance ${id}`,
    describe: () => describeInstance(dms, id),
    done: (r) => r?.ReplicationInstanceStatus === 'available',
    failed: (r) => (!r ? 'it no longer exists' : STUCK.has(r.ReplicationInstanceStatus ?? '') ? `its status is ${r.ReplicationInstanceStatus}` : undefined),
    status: (r) => r?.ReplicationInstanceStatus,
    onPoll: (r, { elapsedMs }) =>
      t.step.io.progress('provision.resource', `${INSTANCE}: ${r?.ReplicationInstanceStatus} (${Math.round(elapsedMs / 1000)} s)`, {
        key: INSTANCE,
        status: r?.ReplicationInstanceStatus,
        elapsedMs,
      }),
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'dmsInstance',
  });
  return value!;
}
