/**
 * RDS instance helpers shared by the primary and the read replica: describe, the
 * "is this existing instance ours and what we asked for" check, waiting, and deletion
 * (deletion protection off, optional final snapshot, wait until gone).
 */
import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { waitFor } from '../../aws/wait.js';
import { unlessNotFound } from '../../aws/errors.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, TaskContext } from '../../engine/resources/task.js';

const NOT_FOUND = 'DBInstanceNotFoundFault';

/** Statuses an instance does not leave by itself: waiting on would only time out. */
const STUCK = new Set([
  'failed',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'restore-error',
  'storage-full',
  'stopped',
]);

export async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  const out = await unlessNotFound(() => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })), NOT_FOUND);
  return out?.DBInstances?.[0];
}

export interface WantedInstance {
  engine: string;
  /** As configured: `8.0` matches any 8.0.x. */
  engineVersion: string;
  instanceClass: string;
  replicaOf?: string;
}

/** Accepts an existing instance only if it is this project's and matches what we ask for. */
export function checkExisting(db: DBInstance, wanted: WantedInstance, project: string): void {
  const problems: string[] = [];
  const owner = foreignOwner(db.TagList, project);
  if (owner) problems.push(owner);
  if (db.Engine !== wanted.engine) problems.push(`its engine is ${db.Engine}, not ${wanted.engine}`);
  const v = db.EngineVersion ?? '';
  if (v !== wanted.engineVersion && !v.startsWith(`${wanted.engineVersion}.`)) {
    problems.push(`its engine version is ${v}, not ${wanted.engineVersion}`);
  }
  if (db.DBInstanceClass !== wanted.instanceClass) problems.push(`its class is ${db.DBInstanceClass}, not ${wanted.instanceClass}`);
  if (db.StorageEncrypted !== true) problems.push('its storage is not encrypted');
  if (db.PubliclyAccessible !== false) problems.push('it is publicly accessible');
  if (wanted.replicaOf && db.ReadReplicaSourceDBInstanceIdentifier !== wanted.replicaOf) {
    problems.push(`it is not a read replica of ${wanted.replicaOf}`);
  }
  if (db.DBInstanceStatus === 'deleting') problems.push('it is being deleted (wait until it is gone)');
  if (problems.length > 0) throw conflictError(`RDS instance ${db.DBInstanceIdentifier}`, problems);
}

/** What later steps need; never a password (the managed secret's ARN only). */
export function instanceOutputs(db: DBInstance): Record<string, unknown> {
  const out: Record<string, unknown> = {
    engine: db.Engine,
    engineVersion: db.EngineVersion,
    availabilityZone: db.AvailabilityZone,
  };
  if (db.Endpoint?.Address) out.address = db.Endpoint.Address;
  if (db.Endpoint?.Port !== undefined) out.port = db.Endpoint.Port;
  if (db.MasterUserSecret?.SecretArn) out.masterUserSecretArn = db.MasterUserSecret.SecretArn;
  return out;
}

export function foundInstance(db: DBInstance): FoundResource {
  return { id: db.DBInstanceIdentifier!, ...(db.DBInstanceArn ? { arn: db.DBInstanceArn } : {}), outputs: instanceOutputs(db) };
}

/** Until `available` (RDS preset: 30 s polls, 90 min), reporting each status seen. */
export async function waitAvailable(t: TaskContext, key: string, id: string): Promise<DBInstance> {
  const rds = await t.step.aws.rds;
  const { value } = await waitFor<DBInstance | undefined>({
    what: `RDS instance ${id}`,
    describe: () => describeInstance(rds, id),
    done: (db) => db?.DBInstanceStatus === 'available',
    failed: (db) => (!db ? 'it no longer exists' : STUCK.has(db.DBInstanceStatus ?? '') ? `its status is ${db.DBInstanceStatus}` : undefined),
    status: (db) => db?.DBInstanceStatus,
    onPoll: (db, { elapsedMs }) =>
      t.step.io.progress('provision.resource', `${key}: ${db?.DBInstanceStatus} (${Math.round(elapsedMs / 1000)} s)`, {
        key,
        status: db?.DBInstanceStatus,
        elapsedMs,
      }),
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'rdsInstance',
  });
  return value!;
}

/**
 * Deletes an instance of this project and waits until it is gone. Deletion protection is
 * turned off first (the operator confirmed destroy before this is called); a final
 * snapshot is taken when `finalSnapshot` names one (never for a replica: RDS refuses).
 */
export async function deleteInstance(t: TaskContext, key: string, id: string, finalSnapshot: string | undefined): Promise<void> {
  const rds = await t.step.aws.rds;
  let db = await describeInstance(rds, id);
  if (!db) return;
  if (db.DBInstanceStatus !== 'deleting') {
    const owner = foreignOwner(db.TagList, t.project);
    if (owner) return leaveForeign(t, key, id, owner);
    // Modify and a final snapshot both need a settled instance (e.g. not `creating`).
    if (db.DBInstanceStatus !== 'available' && !STUCK.has(db.DBInstanceStatus ?? '')) db = await waitAvailable(t, key, id);
    if (db.DeletionProtection) {
      await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, DeletionProtection: false, ApplyImmediately: true }));
    }
    await unlessNotFound(() => rds.send(
        new DeleteDBInstanceCommand(
          finalSnapshot
            ? { DBInstanceIdentifier: id, SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: finalSnapshot }
            : { DBInstanceIdentifier: id, SkipFinalSnapshot: true },
        ),
      ),
      NOT_FOUND,
    );
  }
  await waitDeleted({
    what: `RDS instance ${id}`,
    describe: () => describeInstance(rds, id),
    status: (x) => x.DBInstanceStatus,
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'rdsInstance',
  });
}
