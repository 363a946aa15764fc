/**
 * DMS replication subnet groups, replication instances (creating → available after
 * `durations.dmsInstanceCreate`), the orderable-instance catalogue and resource tags.
 */
import { DMS_SERVICE_PRINCIPAL, DMS_VPC_ROLE, managedPolicyArn, trustedServices } from '../../../dms/service-roles.js';
import { SimError } from '../../errors.js';
import { findRole } from '../iam.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import {
  date, isValidIdentifier, mergeTags, paginate, placeSubnets, removeTags, seeded, upperId, uuid, type Tag,
} from '../sim-util.js';
import {
  applyFilters, dmsArn, dmsErrors, dmsState, identifierMessage, instanceStatus, requireInstance,
  type ReplicationInstanceRec, type SubnetGroupRec,
} from './state.js';

export const ENGINE_VERSIONS = ['3.5.3', '3.5.4', '3.6.1'];
const DEFAULT_ENGINE_VERSION = '3.5.4';
const CLASSES = [
  'dms.t3.micro', 'dms.t3.small', 'dms.t3.medium', 'dms.t3.large',
  'dms.c5.large', 'dms.c5.xlarge', 'dms.c5.2xlarge', 'dms.c6i.large', 'dms.c6i.xlarge',
  'dms.r5.large', 'dms.r5.xlarge', 'dms.r6i.large', 'dms.r6i.xlarge',
];
const STORAGE_MIN = 5;
const STORAGE_MAX = 6144;
const includedStorage = (cls: string) => (cls.startsWith('dms.t3') ? 50 : 100);

/**
 * DMS creates the network interfaces of a subnet group's instances as `dms-vpc-role`
 * (`arn:aws:iam::<account>:role/dms-vpc-role`: path `/`), so CreateReplicationSubnetGroup
 * fails while that role is missing, does not trust dms.amazonaws.com or lacks
 * AmazonDMSVPCManagementRole — with the AccessDeniedFault DMS returns ("The IAM Role … is not
 * configured properly.", as reported e.g. in hashicorp/terraform-provider-aws#32824). Only
 * the managed policy counts here, where AWS would also accept an equivalent custom policy.
 */
function requireDmsVpcRole(ctx: SimContext): void {
  const role = findRole(ctx, DMS_VPC_ROLE.name);
  const ok =
    role !== undefined &&
    role.path === '/' &&
    trustedServices(role.trust).has(DMS_SERVICE_PRINCIPAL) &&
    role.attached.includes(managedPolicyArn('aws', DMS_VPC_ROLE.policy));
  if (!ok) {
    throw new SimError('AccessDeniedFault', `The IAM Role arn:aws:iam::${ctx.accountId}:role/${DMS_VPC_ROLE.name} is not configured properly.`);
  }
}

function subnetGroupOut(g: SubnetGroupRec) {
  return {
    ReplicationSubnetGroupIdentifier: g.id,
    ReplicationSubnetGroupDescription: g.description,
    VpcId: g.vpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: g.subnets.map((s) => ({
      SubnetIdentifier: s.subnetId,
      SubnetAvailabilityZone: { Name: s.availabilityZone },
      SubnetStatus: 'Active',
    })),
    SupportedNetworkTypes: ['IPV4'],
  };
}

function defaultSubnetGroup(ctx: SimContext): SubnetGroupRec {
  return {
    id: 'default',
    description: 'default',
    vpcId: 'vpc-default',
    subnets: [
      { subnetId: 'subnet-default-a', availabilityZone: `${ctx.region}a` },
      { subnetId: 'subnet-default-b', availabilityZone: `${ctx.region}b` },
    ],
    tags: [],
  };
}

export function instanceOut(ctx: SimContext, r: ReplicationInstanceRec) {
  const status = instanceStatus(ctx, r);
  const group = dmsState(ctx).subnetGroups[r.subnetGroupId] ?? defaultSubnetGroup(ctx);
  const up = status === 'available';
  return {
    ReplicationInstanceIdentifier: r.id,
    ReplicationInstanceClass: r.instanceClass,
    ReplicationInstanceStatus: status,
    AllocatedStorage: r.allocatedStorage,
    InstanceCreateTime: date(r.createdAt),
    VpcSecurityGroups: r.vpcSecurityGroupIds.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
    AvailabilityZone: r.availabilityZone,
    ReplicationSubnetGroup: subnetGroupOut(group),
    PreferredMaintenanceWindow: 'sun:06:00-sun:06:30',
    PendingModifiedValues: {},
    MultiAZ: r.multiAz,
    EngineVersion: r.engineVersion,
    AutoMinorVersionUpgrade: true,
    KmsKeyId: r.kmsKeyId,
    ReplicationInstanceArn: r.arn,
    ReplicationInstancePublicIpAddress: up ? r.publicIp : undefined,
    ReplicationInstancePrivateIpAddress: up ? r.privateIp : undefined,
    ReplicationInstancePublicIpAddresses: up && r.publicIp ? [r.publicIp] : [],
    ReplicationInstancePrivateIpAddresses: up ? [r.privateIp] : [],
    ReplicationInstanceIpv6Addresses: [],
    PubliclyAccessible: r.publiclyAccessible,
    SecondaryAvailabilityZone: r.multiAz ? r.secondaryAvailabilityZone : undefined,
    NetworkType: 'IPV4',
  };
}

/** Any DMS resource by ARN, for the tag operations. */
function taggable(ctx: SimContext, resourceArn: string): { tags: Tag[] } {
  const s = dmsState(ctx);
  const found =
    s.instances[resourceArn] ??
    s.endpoints[resourceArn] ??
    s.tasks[resourceArn] ??
    Object.values(s.subnetGroups).find((g) => dmsArn(ctx, 'subgrp', g.id) === resourceArn);
  if (!found) throw dmsErrors.notFound(`Resource ${resourceArn} not found`);
  return found;
}

export const instanceHandlers: ServiceSimulator = {
  CreateReplicationSubnetGroup(input, ctx) {
    const s = dmsState(ctx);
    const id = String(input.ReplicationSubnetGroupIdentifier ?? '').toLowerCase();
    if (!/^[a-z0-9._ -]{1,255}$/.test(id) || id === 'default') {
      throw dmsErrors.value(`Invalid replication subnet group identifier: ${input.ReplicationSubnetGroupIdentifier}`);
    }
    if (!input.ReplicationSubnetGroupDescription) {
      throw dmsErrors.value('ReplicationSubnetGroupDescription must be provided.');
    }
    const ids: string[] = input.SubnetIds ?? [];
    if (s.subnetGroups[id]) {
      throw dmsErrors.exists('Replication Subnet Group already exists', dmsArn(ctx, 'subgrp', id));
    }
    requireDmsVpcRole(ctx);
    const placed = placeSubnets(ctx, ids, dmsErrors.invalidSubnet);
    const azs = [...new Set(placed.map((p) => p.availabilityZone))];
    if (azs.length < 2) {
      throw new SimError(
        'ReplicationSubnetGroupDoesNotCoverEnoughAZs',
        `The Replication Subnet Group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${azs.join(', ') || 'none'}. Add subnets to cover at least 2 AZs.`,
      );
    }
    const g: SubnetGroupRec = {
      id,
      description: input.ReplicationSubnetGroupDescription,
      vpcId: placed[0]!.vpcId,
      subnets: placed.map((p) => ({ subnetId: p.subnetId, availabilityZone: p.availabilityZone })),
      tags: mergeTags([], input.Tags),
    };
    s.subnetGroups[id] = g;
    return { ReplicationSubnetGroup: subnetGroupOut(g) };
  },

  DescribeReplicationSubnetGroups(input, ctx) {
    const all = Object.values(dmsState(ctx).subnetGroups).sort((a, b) => a.id.localeCompare(b.id));
    const list = applyFilters(all, input.Filters, { 'replication-subnet-group-id': (g) => g.id });
    if (input.Filters?.length && list.length === 0) {
      throw dmsErrors.notFound('No Replication Subnet Groups found matching provided filters');
    }
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { ReplicationSubnetGroups: page.items.map(subnetGroupOut), Marker: page.marker };
  },

  DeleteReplicationSubnetGroup(input, ctx) {
    const s = dmsState(ctx);
    const id = String(input.ReplicationSubnetGroupIdentifier ?? '').toLowerCase();
    if (!s.subnetGroups[id]) throw dmsErrors.notFound('Replication Subnet Group not found');
    if (Object.values(s.instances).some((i) => i.subnetGroupId === id)) {
      throw dmsErrors.state(`Replication subnet group ${id} is in use by a replication instance`);
    }
    delete s.subnetGroups[id];
    return {};
  },

  DescribeOrderableReplicationInstances(input, ctx) {
    const azs = ['a', 'b', 'c'].map((l) => `${ctx.region}${l}`);
    const rows = ENGINE_VERSIONS.flatMap((v) =>
      CLASSES.map((cls) => ({
        EngineVersion: v,
        ReplicationInstanceClass: cls,
        StorageType: 'gp2',
        MinAllocatedStorage: STORAGE_MIN,
        MaxAllocatedStorage: STORAGE_MAX,
        DefaultAllocatedStorage: includedStorage(cls),
        IncludedAllocatedStorage: includedStorage(cls),
        AvailabilityZones: azs,
      })),
    );
    const page = paginate(rows, input.MaxRecords, input.Marker);
    return { OrderableReplicationInstances: page.items, Marker: page.marker };
  },

  CreateReplicationInstance(input, ctx) {
    const s = dmsState(ctx);
    if (!isValidIdentifier(input.ReplicationInstanceIdentifier)) {
      throw dmsErrors.value(identifierMessage('ReplicationInstanceIdentifier'));
    }
    const id = input.ReplicationInstanceIdentifier.toLowerCase();
    const existing = Object.values(s.instances).find((i) => i.id === id);
    if (existing) throw dmsErrors.exists(`Replication instance ${id} already exists`, existing.arn);
    const cls = input.ReplicationInstanceClass;
    if (!CLASSES.includes(cls)) {
      throw dmsErrors.value(`The specified ReplicationInstanceClass ${cls} is not supported.`);
    }
    const storage = input.AllocatedStorage ?? includedStorage(cls);
    if (!Number.isInteger(storage) || storage < STORAGE_MIN || storage > STORAGE_MAX) {
      throw dmsErrors.value(`Invalid AllocatedStorage ${storage}: must be between ${STORAGE_MIN} and ${STORAGE_MAX} GB.`);
    }
    const version = input.EngineVersion ?? DEFAULT_ENGINE_VERSION;
    if (!ENGINE_VERSIONS.includes(version)) {
      throw dmsErrors.value(`No replication engine found with version: ${version}`);
    }
    if (input.MultiAZ && input.AvailabilityZone) {
      throw dmsErrors.combination('Availability Zone cannot be specified for Multi-AZ replication instances.');
    }
    const groupId = input.ReplicationSubnetGroupIdentifier
      ? String(input.ReplicationSubnetGroupIdentifier).toLowerCase()
      : 'default';
    const group = groupId === 'default' ? defaultSubnetGroup(ctx) : s.subnetGroups[groupId];
    if (!group) throw dmsErrors.notFound(`Replication Subnet Group ${groupId} not found`);
    const azs = [...new Set(group.subnets.map((x) => x.availabilityZone))];
    const az = input.AvailabilityZone ?? azs[0] ?? `${ctx.region}a`;
    const publiclyAccessible = input.PubliclyAccessible ?? true;
    const rec: ReplicationInstanceRec = {
      id,
      arn: dmsArn(ctx, 'rep', upperId(ctx, 26)),
      instanceClass: cls,
      allocatedStorage: storage,
      engineVersion: version,
      multiAz: Boolean(input.MultiAZ),
      availabilityZone: az,
      secondaryAvailabilityZone: input.MultiAZ ? (azs.find((x) => x !== az) ?? `${ctx.region}b`) : undefined,
      subnetGroupId: groupId,
      vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? [],
      publiclyAccessible,
      kmsKeyId: input.KmsKeyId ?? `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${uuid(ctx)}`,
      privateIp: `10.0.${seeded(`${id}/b`, 0, 255)}.${seeded(`${id}/c`, 4, 250)}`,
      publicIp: publiclyAccessible ? `3.${seeded(`${id}/p1`, 80, 250)}.${seeded(`${id}/p2`, 0, 255)}.${seeded(`${id}/p3`, 1, 254)}` : undefined,
      tags: mergeTags([], input.Tags),
      createdAt: ctx.now(),
    };
    s.instances[rec.arn] = rec;
    return { ReplicationInstance: instanceOut(ctx, rec) };
  },

  DescribeReplicationInstances(input, ctx) {
    const all = Object.values(dmsState(ctx).instances).sort((a, b) => a.id.localeCompare(b.id));
    const list = applyFilters(all, input.Filters, {
      'replication-instance-arn': (r) => r.arn,
      'replication-instance-id': (r) => r.id,
      'replication-instance-class': (r) => r.instanceClass,
      'engine-version': (r) => r.engineVersion,
    });
    if (input.Filters?.length && list.length === 0) {
      throw dmsErrors.notFound('No Replication Instances found matching provided filters');
    }
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { ReplicationInstances: page.items.map((r) => instanceOut(ctx, r)), Marker: page.marker };
  },

  DeleteReplicationInstance(input, ctx) {
    const s = dmsState(ctx);
    const r = requireInstance(ctx, input.ReplicationInstanceArn);
    if (instanceStatus(ctx, r) === 'deleting') throw dmsErrors.state(`Replication instance ${r.id} is already being deleted`);
    if (Object.values(s.tasks).some((t) => t.instanceArn === r.arn)) {
      throw dmsErrors.state(`Replication instance ${r.id} has replication tasks; delete them first`);
    }
    r.deletingAt = ctx.now();
    return { ReplicationInstance: instanceOut(ctx, r) };
  },

  AddTagsToResource(input, ctx) {
    const res = taggable(ctx, input.ResourceArn);
    res.tags = mergeTags(res.tags, input.Tags);
    return {};
  },

  ListTagsForResource(input, ctx) {
    const arns: string[] = input.ResourceArn ? [input.ResourceArn] : (input.ResourceArnList ?? []);
    return {
      TagList: arns.flatMap((a) => taggable(ctx, a).tags.map((t) => ({ ...t, ResourceArn: a }))),
    };
  },

  RemoveTagsFromResource(input, ctx) {
    const res = taggable(ctx, input.ResourceArn);
    res.tags = removeTags(res.tags, input.TagKeys);
    return {};
  },
};
