/**
 * RDS read side: the DBInstance/DBSnapshot output shapes, DescribeDBInstances,
 * DescribeDBSnapshots and the tag operations (by ARN).
 */
import type { ServiceSimulator, SimContext } from '../../types.js';
import { date, mergeTags, paginate, removeTags, type Tag } from '../sim-util.js';
import { LICENSE_MODEL, endpointHostedZone, majorOf } from './catalog.js';
import { checkMaxRecords, subnetGroupOut } from './groups.js';
import {
  arn, idFrom, instanceStatus, rdsErrors, rdsState, type InstanceRec, type SnapshotRec,
} from './state.js';

const DAY = 86_400_000;
const CA = 'rds-ca-rsa2048-g1';

export function instanceOut(ctx: SimContext, r: InstanceRec) {
  const s = rdsState(ctx);
  const status = instanceStatus(ctx, r);
  const created = status !== 'creating';
  const major = majorOf(r.engine, r.engineVersion)?.major ?? r.engineVersion;
  const subnetGroup = r.subnetGroup ? s.subnetGroups[r.subnetGroup] : undefined;
  const pending: Record<string, unknown> = { ...r.pending };
  if (status === 'creating') pending.MasterUserPassword = '****';
  return {
    DBInstanceIdentifier: r.id,
    DBInstanceClass: r.instanceClass,
    Engine: r.engine,
    DBInstanceStatus: status,
    MasterUsername: r.masterUsername,
    DBName: r.dbName,
    // RDS reports no endpoint until the instance has been created.
    Endpoint: created ? { Address: r.address, Port: r.port, HostedZoneId: endpointHostedZone(ctx.region) } : undefined,
    AllocatedStorage: r.allocatedStorage,
    InstanceCreateTime: created ? date(r.createdAt) : undefined,
    PreferredBackupWindow: '03:00-03:30',
    BackupRetentionPeriod: r.backupRetention,
    DBSecurityGroups: [],
    VpcSecurityGroups: r.vpcSecurityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
    DBParameterGroups: [{ DBParameterGroupName: r.parameterGroup, ParameterApplyStatus: 'in-sync' }],
    AvailabilityZone: r.availabilityZone,
    DBSubnetGroup: subnetGroup ? subnetGroupOut(ctx, subnetGroup) : undefined,
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    PendingModifiedValues: pending,
    LatestRestorableTime:
      status === 'available' && r.backupRetention > 0 ? date(ctx.now() - 5 * 60_000) : undefined,
    MultiAZ: r.multiAz,
    EngineVersion: r.engineVersion,
    AutoMinorVersionUpgrade: true,
    ReadReplicaSourceDBInstanceIdentifier: r.replicaSourceId,
    ReadReplicaDBInstanceIdentifiers: Object.values(s.instances)
      .filter((x) => x.replicaSourceId === r.id)
      .map((x) => x.id),
    LicenseModel: LICENSE_MODEL[r.engine],
    OptionGroupMemberships: [{ OptionGroupName: `default:${r.engine}-${major.replace('.', '-')}`, Status: 'in-sync' }],
    SecondaryAvailabilityZone: r.multiAz && created ? r.secondaryAvailabilityZone : undefined,
    PubliclyAccessible: r.publiclyAccessible,
    StorageType: r.storageType,
    DbInstancePort: 0,
    StorageEncrypted: r.encrypted,
    KmsKeyId: r.kmsKeyId,
    DbiResourceId: r.resourceId,
    CACertificateIdentifier: CA,
    CopyTagsToSnapshot: r.copyTagsToSnapshot,
    MonitoringInterval: 0,
    DBInstanceArn: arn(ctx, 'db', r.id),
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: r.deletionProtection,
    TagList: r.tags,
    MasterUserSecret: r.secretArn
      ? {
          SecretArn: r.secretArn,
          SecretStatus: status === 'creating' ? 'creating' : 'active',
          KmsKeyId: `arn:aws:kms:${ctx.region}:${ctx.accountId}:alias/aws/secretsmanager`,
        }
      : undefined,
    CertificateDetails: { CAIdentifier: CA, ValidTill: date(r.createdAt + 365 * DAY) },
    NetworkType: 'IPV4',
    BackupTarget: 'region',
    DedicatedLogVolume: false,
  };
}

export function snapshotOut(ctx: SimContext, snap: SnapshotRec) {
  const ready = ctx.now() >= snap.readyAt;
  return {
    DBSnapshotIdentifier: snap.id,
    DBInstanceIdentifier: snap.instanceId,
    SnapshotCreateTime: date(snap.createdAt),
    Engine: snap.engine,
    AllocatedStorage: snap.allocatedStorage,
    Status: ready ? 'available' : 'creating',
    Port: snap.port,
    AvailabilityZone: snap.availabilityZone,
    VpcId: snap.vpcId,
    InstanceCreateTime: date(snap.instanceCreatedAt),
    MasterUsername: snap.masterUsername,
    EngineVersion: snap.engineVersion,
    LicenseModel: LICENSE_MODEL[snap.engine],
    SnapshotType: snap.snapshotType,
    PercentProgress: ready ? 100 : 0,
    StorageType: 'gp3',
    Encrypted: snap.encrypted,
    DBSnapshotArn: arn(ctx, 'snapshot', snap.id),
    IAMDatabaseAuthenticationEnabled: false,
    TagList: snap.tags,
  };
}

type Filter = { Name?: string; Values?: string[] };

function instanceMatches(ctx: SimContext, r: InstanceRec, filters: Filter[]): boolean {
  return filters.every((f) => {
    const values = f.Values ?? [];
    switch (f.Name) {
      case 'db-instance-id':
        return values.some((v) => idFrom(v) === r.id);
      case 'engine':
        return values.includes(r.engine);
      case 'dbi-resource-id':
        return values.includes(r.resourceId);
      case 'db-cluster-id':
      case 'domain':
        return false;
      default:
        throw rdsErrors.value(`Unrecognized filter name: ${f.Name}`);
    }
  });
}

/** The resource an RDS ARN names, for the tag operations. */
function taggable(ctx: SimContext, resourceName: string): { tags: Tag[] } {
  const s = rdsState(ctx);
  const m = /^arn:[^:]+:rds:[^:]*:[^:]*:(db|subgrp|pg|snapshot):(.+)$/.exec(String(resourceName ?? ''));
  if (!m) throw rdsErrors.value(`Invalid resource name: ${resourceName}`);
  const name = m[2]!.toLowerCase();
  switch (m[1]) {
    case 'db': {
      const r = s.instances[name];
      if (!r) throw rdsErrors.instanceNotFound(m[2]!);
      return r;
    }
    case 'subgrp': {
      const g = s.subnetGroups[name];
      if (!g) throw rdsErrors.subnetGroupNotFound(m[2]!);
      return g;
    }
    case 'pg': {
      const g = s.parameterGroups[name];
      if (!g) throw rdsErrors.parameterGroupNotFound(m[2]!);
      return g;
    }
    default: {
      const snap = s.snapshots[name];
      if (!snap) throw rdsErrors.snapshotNotFound(m[2]!);
      return snap;
    }
  }
}

export const describeHandlers: ServiceSimulator = {
  DescribeDBInstances(input, ctx) {
    checkMaxRecords(input.MaxRecords);
    const s = rdsState(ctx);
    let list: InstanceRec[];
    if (input.DBInstanceIdentifier) {
      const r = s.instances[idFrom(input.DBInstanceIdentifier)];
      if (!r) throw rdsErrors.instanceNotFound(input.DBInstanceIdentifier);
      list = [r];
    } else {
      list = Object.values(s.instances).sort((a, b) => a.id.localeCompare(b.id));
    }
    list = list.filter((r) => instanceMatches(ctx, r, input.Filters ?? []));
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { DBInstances: page.items.map((r) => instanceOut(ctx, r)), Marker: page.marker };
  },

  DescribeDBSnapshots(input, ctx) {
    checkMaxRecords(input.MaxRecords);
    const s = rdsState(ctx);
    let list = Object.values(s.snapshots).sort((a, b) => a.createdAt - b.createdAt);
    if (input.DBSnapshotIdentifier) {
      const snap = s.snapshots[idFrom(input.DBSnapshotIdentifier)];
      if (!snap) throw rdsErrors.snapshotNotFound(input.DBSnapshotIdentifier);
      list = [snap];
    }
    if (input.DBInstanceIdentifier) {
      const id = idFrom(input.DBInstanceIdentifier);
      list = list.filter((x) => x.instanceId === id);
    }
    if (input.SnapshotType) list = list.filter((x) => x.snapshotType === input.SnapshotType);
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { DBSnapshots: page.items.map((x) => snapshotOut(ctx, x)), Marker: page.marker };
  },

  AddTagsToResource(input, ctx) {
    const res = taggable(ctx, input.ResourceName);
    res.tags = mergeTags(res.tags, input.Tags);
    return {};
  },

  ListTagsForResource(input, ctx) {
    return { TagList: taggable(ctx, input.ResourceName).tags };
  },

  RemoveTagsFromResource(input, ctx) {
    const res = taggable(ctx, input.ResourceName);
    res.tags = removeTags(res.tags, input.TagKeys);
    return {};
  },
};
