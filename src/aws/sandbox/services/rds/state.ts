/**
 * The RDS slice of the sandbox world, its lazily derived lifecycles, ARNs and errors.
 * Identifiers are stored lower-case, as RDS does.
 */
import { SimError, invalidState, notFound } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { lowerId, partition, type Tag } from '../sim-util.js';
import type { RdsEngine } from './catalog.js';

export interface SubnetGroupRec {
  name: string;
  description: string;
  vpcId: string;
  subnets: Array<{ subnetId: string; availabilityZone: string }>;
  tags: Tag[];
}

export interface ParameterGroupRec {
  name: string;
  family: string;
  description: string;
  /** User-set values: name → { value, applyMethod }. */
  values: Record<string, { value: string; applyMethod: string }>;
  tags: Tag[];
}

export interface InstanceRec {
  id: string;
  resourceId: string;
  engine: RdsEngine;
  engineVersion: string;
  instanceClass: string;
  allocatedStorage: number;
  storageType: string;
  multiAz: boolean;
  encrypted: boolean;
  kmsKeyId?: string;
  publiclyAccessible: boolean;
  deletionProtection: boolean;
  backupRetention: number;
  subnetGroup?: string;
  vpcSecurityGroupIds: string[];
  masterUsername: string;
  secretArn?: string;
  parameterGroup: string;
  dbName?: string;
  port: number;
  address: string;
  availabilityZone: string;
  secondaryAvailabilityZone?: string;
  replicaSourceId?: string;
  copyTagsToSnapshot: boolean;
  tags: Tag[];
  createdAt: number;
  createDuration: number;
  modifyingUntil?: number;
  deletingAt?: number;
  /** Changes deferred to the maintenance window (ApplyImmediately=false). */
  pending: Record<string, string | number | boolean>;
}

export interface SnapshotRec {
  id: string;
  instanceId: string;
  engine: RdsEngine;
  engineVersion: string;
  allocatedStorage: number;
  encrypted: boolean;
  port: number;
  availabilityZone: string;
  vpcId?: string;
  masterUsername: string;
  instanceCreatedAt: number;
  createdAt: number;
  readyAt: number;
  snapshotType: 'manual' | 'automated';
  tags: Tag[];
}

export interface RdsSlice {
  /** The account/region part of endpoint names (`<id>.<hash>.<region>.rds.amazonaws.com`). */
  endpointHash: string;
  instances: Record<string, InstanceRec>;
  subnetGroups: Record<string, SubnetGroupRec>;
  parameterGroups: Record<string, ParameterGroupRec>;
  snapshots: Record<string, SnapshotRec>;
}

export type InstanceStatus = 'creating' | 'backing-up' | 'available' | 'modifying' | 'deleting';

/** The slice, with instances whose deletion has finished removed. */
export function rdsState(ctx: SimContext): RdsSlice {
  const s = ctx.slice<RdsSlice>('rds', () => ({
    endpointHash: lowerId(ctx, 12),
    instances: {},
    subnetGroups: {},
    parameterGroups: {},
    snapshots: {},
  }));
  const now = ctx.now();
  for (const [id, inst] of Object.entries(s.instances)) {
    if (inst.deletingAt !== undefined && now >= inst.deletingAt + ctx.durations.rdsDelete) {
      delete s.instances[id];
    }
  }
  return s;
}

export function instanceStatus(ctx: SimContext, r: InstanceRec): InstanceStatus {
  const now = ctx.now();
  if (r.deletingAt !== undefined) return 'deleting';
  if (now < r.createdAt + r.createDuration) {
    // The initial automated backup closes the creation (only when backups are enabled).
    const backupFrom = r.createdAt + Math.floor(r.createDuration * 0.8);
    return r.backupRetention > 0 && !r.replicaSourceId && now >= backupFrom ? 'backing-up' : 'creating';
  }
  if (r.modifyingUntil !== undefined && now < r.modifyingUntil) return 'modifying';
  return 'available';
}

export const arn = (ctx: SimContext, type: 'db' | 'subgrp' | 'pg' | 'snapshot', name: string): string =>
  `arn:${partition(ctx.region)}:rds:${ctx.region}:${ctx.accountId}:${type}:${name}`;

export const rdsErrors = {
  instanceNotFound: (id: string) => notFound('DBInstanceNotFoundFault', `DBInstance ${id} not found.`),
  instanceExists: () => new SimError('DBInstanceAlreadyExistsFault', 'DB instance already exists'),
  instanceState: (message: string) => invalidState('InvalidDBInstanceStateFault', message),
  subnetGroupNotFound: (name: string) =>
    notFound('DBSubnetGroupNotFoundFault', `DBSubnetGroup ${name} not found.`),
  parameterGroupNotFound: (name: string) =>
    notFound('DBParameterGroupNotFoundFault', `DBParameterGroup not found: ${name}`),
  snapshotNotFound: (id: string) => notFound('DBSnapshotNotFoundFault', `DBSnapshot not found: ${id}`),
  value: (message: string) => new SimError('InvalidParameterValue', message),
  combination: (message: string) => new SimError('InvalidParameterCombination', message),
  invalidSubnet: (ids: string[]) =>
    new SimError('InvalidSubnet', `Some input subnets in :[${ids.join(', ')}] are invalid.`),
};

export const identifierMessage = (param: string): string =>
  `The parameter ${param} is not a valid identifier. Identifiers must begin with a letter; ` +
  'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.';

/** Accepts an identifier or an ARN (as DescribeDBInstances does) and returns the lower-case id. */
export function idFrom(value: string): string {
  const m = /^arn:[^:]+:rds:[^:]*:[^:]*:[a-z]+:(.+)$/.exec(value);
  return (m ? m[1]! : value).toLowerCase();
}
