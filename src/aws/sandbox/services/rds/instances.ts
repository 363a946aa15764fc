/**
 * RDS instance mutations: CreateDBInstance, CreateDBInstanceReadReplica, ModifyDBInstance,
 * DeleteDBInstance. Statuses are derived from the clock in state.ts; the master password
 * is validated and then dropped — it never reaches the world.
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { isValidIdentifier, lowerId, mergeTags, upperId, uuid } from '../sim-util.js';
import { DEFAULT_PORT, ENGINES, STORAGE_MAX, STORAGE_MIN, familyOf, type RdsEngine } from './catalog.js';
import { instanceOut } from './describe.js';
import { findParameterGroup } from './groups.js';
import { STORAGE_TYPES_ALL, checkClass, checkPassword, resolveVersion } from './validate.js';
import {
  idFrom, identifierMessage, instanceStatus, rdsErrors, rdsState, type InstanceRec,
} from './state.js';

function endpointFor(ctx: SimContext, id: string, port: number): { address: string; port: number } {
  const mapped = ctx.hooks.rdsEndpointFor?.(id);
  if (mapped) return mapped;
  return { address: `${id}.${rdsState(ctx).endpointHash}.${ctx.region}.rds.amazonaws.com`, port };
}

function managedSecret(ctx: SimContext, id: string, username: string): string {
  const secretName = `rds!db-${uuid(ctx)}`;
  const secretArn = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${secretName}-${lowerId(ctx, 6)}`;
  ctx.hooks.rdsManagedSecretCreated?.({ secretArn, secretName, username, dbInstanceIdentifier: id });
  return secretArn;
}

function requireNew(ctx: SimContext, id: unknown): string {
  if (!isValidIdentifier(id)) throw rdsErrors.value(identifierMessage('DBInstanceIdentifier'));
  const key = id.toLowerCase();
  if (rdsState(ctx).instances[key]) throw rdsErrors.instanceExists();
  return key;
}

function requireInstance(ctx: SimContext, id: unknown): InstanceRec {
  const r = rdsState(ctx).instances[idFrom(String(id ?? ''))];
  if (!r) throw rdsErrors.instanceNotFound(String(id));
  return r;
}

const kmsKey = (ctx: SimContext) => `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${uuid(ctx)}`;

export const instanceHandlers: ServiceSimulator = {
  CreateDBInstance(input, ctx) {
    const s = rdsState(ctx);
    const id = requireNew(ctx, input.DBInstanceIdentifier);
    const engine = input.Engine as RdsEngine;
    if (!ENGINES.includes(engine)) throw rdsErrors.value(`Invalid DB engine: ${input.Engine}`);
    const version = resolveVersion(engine, input.EngineVersion);
    checkClass(input.DBInstanceClass, engine, version);
    const storageType = input.StorageType ?? (input.Iops ? 'io1' : 'gp3');
    if (!STORAGE_TYPES_ALL.includes(storageType)) throw rdsErrors.value(`Invalid storage type: ${storageType}`);
    if (input.AllocatedStorage === undefined) {
      throw rdsErrors.value('The parameter AllocatedStorage must be provided and must not be blank.');
    }
    if (input.AllocatedStorage < STORAGE_MIN || input.AllocatedStorage > STORAGE_MAX) {
      throw rdsErrors.combination(
        `Invalid storage size for engine name ${engine} and storage type ${storageType}: ${input.AllocatedStorage}`,
      );
    }
    const username = input.MasterUsername;
    if (!username) throw rdsErrors.value('The parameter MasterUsername must be provided and must not be blank.');
    const maxUser = engine === 'postgres' ? 63 : 16;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(username) || username.length > maxUser) {
      throw rdsErrors.value(`The parameter MasterUsername is not a valid identifier: ${username}`);
    }
    if (['rdsadmin', 'rdsrepladmin'].includes(username.toLowerCase())) {
      throw rdsErrors.value(`MasterUsername ${username} cannot be used as it is a reserved word used by the engine`);
    }
    if (input.MasterUserPassword !== undefined && input.ManageMasterUserPassword) {
      throw rdsErrors.combination("You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.");
    }
    if (!input.ManageMasterUserPassword) {
      if (!input.MasterUserPassword) {
        throw rdsErrors.value('The parameter MasterUserPassword must be provided and must not be blank.');
      }
      checkPassword(engine, String(input.MasterUserPassword));
    }
    const retention = input.BackupRetentionPeriod ?? 1;
    if (!Number.isInteger(retention) || retention < 0 || retention > 35) {
      throw rdsErrors.value(`Invalid backup retention period: ${retention}. Must be between 0 and 35.`);
    }
    const subnetGroupName = input.DBSubnetGroupName ? String(input.DBSubnetGroupName).toLowerCase() : undefined;
    const subnetGroup = subnetGroupName ? s.subnetGroups[subnetGroupName] : undefined;
    if (subnetGroupName && !subnetGroup) throw rdsErrors.subnetGroupNotFound(input.DBSubnetGroupName);
    const family = familyOf(engine, version)!;
    let parameterGroup = `default.${family}`;
    if (input.DBParameterGroupName) {
      const g = findParameterGroup(ctx, input.DBParameterGroupName);
      if (!g) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
      if (g.family !== family) {
        throw rdsErrors.combination(
          `The parameter group ${g.name} with DBParameterGroupFamily ${g.family} can't be used for this instance. Use a parameter group with DBParameterGroupFamily ${family}.`,
        );
      }
      parameterGroup = g.name;
    }
    if (input.MultiAZ && input.AvailabilityZone) {
      throw rdsErrors.combination('Requesting a specific availability zone is not valid for Multi-AZ instances.');
    }
    const azs = subnetGroup ? [...new Set(subnetGroup.subnets.map((x) => x.availabilityZone))] : [];
    if (input.AvailabilityZone && azs.length && !azs.includes(input.AvailabilityZone)) {
      throw rdsErrors.value(`Cannot find an available subnet in the availability zone ${input.AvailabilityZone}.`);
    }
    const az = input.AvailabilityZone ?? azs[0] ?? `${ctx.region}a`;
    const endpoint = endpointFor(ctx, id, input.Port ?? DEFAULT_PORT[engine]);
    const rec: InstanceRec = {
      id,
      resourceId: `db-${upperId(ctx, 26)}`,
      engine,
      engineVersion: version,
      instanceClass: input.DBInstanceClass,
      allocatedStorage: input.AllocatedStorage,
      storageType,
      multiAz: Boolean(input.MultiAZ),
      encrypted: Boolean(input.StorageEncrypted),
      kmsKeyId: input.StorageEncrypted ? (input.KmsKeyId ?? kmsKey(ctx)) : undefined,
      publiclyAccessible: input.PubliclyAccessible ?? !subnetGroup,
      deletionProtection: Boolean(input.DeletionProtection),
      backupRetention: retention,
      subnetGroup: subnetGroupName,
      vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? [],
      masterUsername: username,
      secretArn: input.ManageMasterUserPassword ? managedSecret(ctx, id, username) : undefined,
      parameterGroup,
      dbName: input.DBName,
      port: endpoint.port,
      address: endpoint.address,
      availabilityZone: az,
      secondaryAvailabilityZone: input.MultiAZ ? (azs.find((x) => x !== az) ?? `${ctx.region}b`) : undefined,
      copyTagsToSnapshot: Boolean(input.CopyTagsToSnapshot),
      tags: mergeTags([], input.Tags),
      createdAt: ctx.now(),
      createDuration: input.MultiAZ ? ctx.durations.rdsCreateMultiAz : ctx.durations.rdsCreate,
      pending: {},
    };
    s.instances[id] = rec;
    return { DBInstance: instanceOut(ctx, rec) };
  },

  CreateDBInstanceReadReplica(input, ctx) {
    const s = rdsState(ctx);
    const id = requireNew(ctx, input.DBInstanceIdentifier);
    const source = requireInstance(ctx, input.SourceDBInstanceIdentifier);
    if (instanceStatus(ctx, source) !== 'available') {
      throw rdsErrors.instanceState(`Instance ${source.id} is not in available state.`);
    }
    if (source.backupRetention === 0) {
      throw rdsErrors.instanceState(
        'Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.',
      );
    }
    const cls = input.DBInstanceClass ?? source.instanceClass;
    checkClass(cls, source.engine, source.engineVersion);
    if (input.MultiAZ && input.AvailabilityZone) {
      throw rdsErrors.combination('Requesting a specific availability zone is not valid for Multi-AZ instances.');
    }
    const subnetGroup = source.subnetGroup ? s.subnetGroups[source.subnetGroup] : undefined;
    const azs = subnetGroup ? [...new Set(subnetGroup.subnets.map((x) => x.availabilityZone))] : [];
    const az = input.AvailabilityZone ?? azs.find((x) => x !== source.availabilityZone) ?? source.availabilityZone;
    const endpoint = endpointFor(ctx, id, input.Port ?? source.port);
    const rec: InstanceRec = {
      ...source,
      id,
      resourceId: `db-${upperId(ctx, 26)}`,
      instanceClass: cls,
      multiAz: Boolean(input.MultiAZ),
      publiclyAccessible: input.PubliclyAccessible ?? source.publiclyAccessible,
      deletionProtection: Boolean(input.DeletionProtection),
      backupRetention: 0,
      vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? source.vpcSecurityGroupIds,
      secretArn: undefined,
      port: endpoint.port,
      address: endpoint.address,
      availabilityZone: az,
      secondaryAvailabilityZone: input.MultiAZ ? (azs.find((x) => x !== az) ?? `${ctx.region}b`) : undefined,
      replicaSourceId: source.id,
      storageType: input.StorageType ?? source.storageType,
      tags: mergeTags([], input.Tags),
      createdAt: ctx.now(),
      createDuration: ctx.durations.rdsCreate,
      modifyingUntil: undefined,
      deletingAt: undefined,
      pending: {},
    };
    s.instances[id] = rec;
    return { DBInstance: instanceOut(ctx, rec) };
  },

  ModifyDBInstance(input, ctx) {
    const r = requireInstance(ctx, input.DBInstanceIdentifier);
    const status = instanceStatus(ctx, r);
    if (status !== 'available') throw rdsErrors.instanceState(`Instance ${r.id} is not in available state.`);
    if (input.NewDBInstanceIdentifier) {
      throw new SimError('InvalidParameterValue', 'The sandbox does not support renaming DB instances (NewDBInstanceIdentifier).');
    }
    let disruptive = false;
    const deferred: Record<string, string | number | boolean> = {};
    if (input.DBInstanceClass !== undefined && input.DBInstanceClass !== r.instanceClass) {
      checkClass(input.DBInstanceClass, r.engine, r.engineVersion);
      deferred.DBInstanceClass = input.DBInstanceClass;
    }
    if (input.AllocatedStorage !== undefined && input.AllocatedStorage !== r.allocatedStorage) {
      if (input.AllocatedStorage < r.allocatedStorage || input.AllocatedStorage > STORAGE_MAX) {
        throw rdsErrors.value(
          `Invalid storage size for engine name ${r.engine} and storage type ${r.storageType}: ${input.AllocatedStorage}`,
        );
      }
      deferred.AllocatedStorage = input.AllocatedStorage;
    }
    if (input.MultiAZ !== undefined && Boolean(input.MultiAZ) !== r.multiAz) deferred.MultiAZ = Boolean(input.MultiAZ);
    if (input.ManageMasterUserPassword && input.MasterUserPassword !== undefined) {
      throw rdsErrors.combination("You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.");
    }
    if (input.MasterUserPassword !== undefined) checkPassword(r.engine, String(input.MasterUserPassword));
    if (input.BackupRetentionPeriod !== undefined && (input.BackupRetentionPeriod < 0 || input.BackupRetentionPeriod > 35)) {
      throw rdsErrors.value(`Invalid backup retention period: ${input.BackupRetentionPeriod}. Must be between 0 and 35.`);
    }
    let parameterGroup: string | undefined;
    if (input.DBParameterGroupName) {
      const g = findParameterGroup(ctx, input.DBParameterGroupName);
      if (!g) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
      parameterGroup = g.name;
    }
    // Everything is validated: from here on the instance is changed.
    if (input.MasterUserPassword !== undefined) disruptive = true;
    if (input.ManageMasterUserPassword && !r.secretArn) {
      r.secretArn = managedSecret(ctx, r.id, r.masterUsername);
      disruptive = true;
    } else if (input.ManageMasterUserPassword === false && r.secretArn) {
      r.secretArn = undefined;
    }
    if (input.DeletionProtection !== undefined) r.deletionProtection = Boolean(input.DeletionProtection);
    if (input.CopyTagsToSnapshot !== undefined) r.copyTagsToSnapshot = Boolean(input.CopyTagsToSnapshot);
    if (input.BackupRetentionPeriod !== undefined) {
      disruptive ||= (input.BackupRetentionPeriod === 0) !== (r.backupRetention === 0);
      r.backupRetention = input.BackupRetentionPeriod;
    }
    if (input.PubliclyAccessible !== undefined && input.PubliclyAccessible !== r.publiclyAccessible) {
      r.publiclyAccessible = Boolean(input.PubliclyAccessible);
      disruptive = true;
    }
    if (input.VpcSecurityGroupIds) {
      r.vpcSecurityGroupIds = input.VpcSecurityGroupIds;
      disruptive = true;
    }
    if (parameterGroup) {
      r.parameterGroup = parameterGroup;
      disruptive = true;
    }
    if (Object.keys(deferred).length) {
      if (input.ApplyImmediately) {
        if (deferred.DBInstanceClass !== undefined) r.instanceClass = String(deferred.DBInstanceClass);
        if (deferred.AllocatedStorage !== undefined) r.allocatedStorage = Number(deferred.AllocatedStorage);
        if (deferred.MultiAZ !== undefined) {
          r.multiAz = Boolean(deferred.MultiAZ);
          r.secondaryAvailabilityZone = r.multiAz ? `${ctx.region}b` : undefined;
        }
        disruptive = true;
      } else {
        r.pending = { ...r.pending, ...deferred };
      }
    }
    if (disruptive) r.modifyingUntil = ctx.now() + ctx.durations.rdsModify;
    return { DBInstance: instanceOut(ctx, r) };
  },

  DeleteDBInstance(input, ctx) {
    const s = rdsState(ctx);
    const r = requireInstance(ctx, input.DBInstanceIdentifier);
    const status = instanceStatus(ctx, r);
    if (status === 'deleting') throw rdsErrors.instanceState(`Instance ${r.id} is already being deleted.`);
    if (r.deletionProtection) {
      throw rdsErrors.combination('Cannot delete protected DB Instance, please disable deletion protection and try again.');
    }
    const snapshotId = input.FinalDBSnapshotIdentifier as string | undefined;
    if (input.SkipFinalSnapshot && snapshotId) {
      throw rdsErrors.combination('Cannot specify FinalDBSnapshotIdentifier when SkipFinalSnapshot is true.');
    }
    if (!input.SkipFinalSnapshot) {
      if (!snapshotId) {
        throw rdsErrors.combination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
      }
      if (r.replicaSourceId) {
        throw rdsErrors.combination('FinalDBSnapshotIdentifier can not be specified when deleting a replica instance');
      }
      if (!isValidIdentifier(snapshotId, 255)) throw rdsErrors.value(identifierMessage('FinalDBSnapshotIdentifier'));
      if (status === 'creating' || status === 'backing-up') {
        throw rdsErrors.instanceState(`Instance ${r.id} is currently creating - a final snapshot cannot be taken.`);
      }
      const key = snapshotId.toLowerCase();
      if (s.snapshots[key]) {
        throw new SimError(
          'DBSnapshotAlreadyExistsFault',
          `Cannot create the snapshot because a snapshot with the identifier ${key} already exists.`,
        );
      }
      const now = ctx.now();
      const subnetGroup = r.subnetGroup ? s.subnetGroups[r.subnetGroup] : undefined;
      s.snapshots[key] = {
        id: key,
        instanceId: r.id,
        engine: r.engine,
        engineVersion: r.engineVersion,
        allocatedStorage: r.allocatedStorage,
        encrypted: r.encrypted,
        port: r.port,
        availabilityZone: r.availabilityZone,
        vpcId: subnetGroup?.vpcId,
        masterUsername: r.masterUsername,
        instanceCreatedAt: r.createdAt,
        createdAt: now,
        readyAt: now + Math.floor(ctx.durations.rdsDelete / 2),
        snapshotType: 'manual',
        tags: r.copyTagsToSnapshot ? r.tags.map((t) => ({ ...t })) : [],
      };
    }
    // A deleted source leaves its MySQL/MariaDB/PostgreSQL replicas standalone.
    for (const replica of Object.values(s.instances)) {
      if (replica.replicaSourceId === r.id) replica.replicaSourceId = undefined;
    }
    r.deletingAt = ctx.now();
    return { DBInstance: instanceOut(ctx, r) };
  },
};
