/**
 * What the RDS and DMS tasks share: the private subnets they sit on, the dms-vpc-role
 * hint, snapshot names, and destroy's options.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { subnetKeys } from './network-plan.js';
import type { TaskContext } from '../../engine/resources/task.js';

/**
 * Options `promigrate destroy` passes to these tasks, on the task context (see
 * withDestroyOptions). Absent → a final snapshot is taken (the safe default).
 */
export interface DestroyOptions {
  /** `--skip-final-snapshot`: delete the RDS instance without a final DB snapshot. */
  skipFinalSnapshot: boolean;
}

export function withDestroyOptions<T extends TaskContext>(t: T, destroyOptions: DestroyOptions): T & { destroyOptions: DestroyOptions } {
  return { ...t, destroyOptions };
}

export function destroyOptionsOf(t: TaskContext): DestroyOptions {
  return (t as TaskContext & { destroyOptions?: DestroyOptions }).destroyOptions ?? { skipFinalSnapshot: false };
}

/** The network task keys of the private subnets (`network.subnet.private.<i>`), as network-plan names them. */
export function privateSubnetKeys(config: MigrationConfig): string[] {
  return subnetKeys(config, 'private');
}

/**
 * A DMS error naming the account-wide `dms-vpc-role`, as a usage error. provision creates the
 * role first (iam-roles.ts), so this is the safety net: a role that existed already and is
 * not usable (promigrate leaves such a role alone), or one IAM had not yet propagated to DMS.
 */
export function dmsVpcRoleError(err: unknown): UsageError | undefined {
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !/dms-vpc-role/.test(message)) return undefined;
  return new UsageError(`AWS DMS cannot use the IAM role dms-vpc-role (${message}).`, {
    hint: 'DMS needs the role dms-vpc-role at path / (trusting dms.amazonaws.com, with the managed policy AmazonDMSVPCManagementRole). promigrate creates it when it is missing but never changes one it did not create: fix that role as "Creating the IAM roles to use with AWS DMS" in the DMS user guide describes, or delete it so that provision creates it. Then re-run.',
    cause: err,
  });
}

/** `yyyymmddhhmm` in UTC, for snapshot names. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 12);
}
