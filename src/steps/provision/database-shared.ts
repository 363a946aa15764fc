/**
 * What the RDS and DMS tasks share: the private subnets they sit on, the ownership check behind every "already exists", and destroy's options.
 */
import { TAG_PROJECT, tagsToRecord } from '../../aws/tags.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { subnetKeys } from './network-plan.js';
import type { TaskContext } from './task.js';

/**
 * Options the lead's destroy passes to these tasks, on the task context:
 * `destroy(Object.assign(t, { destroyOptions: { skipFinalSnapshot } }), id)`. Absent → a
 * final snapshot is taken (the safe default).
 */
export interface DestroyOptions {
  /** `--skip-final-snapshot`: delete the RDS instance without a final DB snapshot. */
  skipFinalSnapshot: boolean;
}

export function destroyOptionsOf(t: TaskContext): DestroyOptions {
  return (t as TaskContext & { destroyOptions?: DestroyOptions }).destroyOptions ?? { skipFinalSnapshot: false };
}

/** The network task keys of the private subnets (`network.subnet.private.<i>`), as network-plan names them. */
export function privateSubnetKeys(config: MigrationConfig): string[] {
  return subnetKeys(config, 'private');
}

/** Why an existing resource is not this project's, or undefined when it is. */
export function foreignOwner(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, project: string): string | undefined {
  const owner = tagsToRecord(tags)[TAG_PROJECT];
  if (owner === project) return undefined;
  return owner ? `it belongs to promigrate project "${owner}"` : 'it was not created by promigrate (no promigrate:project tag)';
}

/** Destroy never deletes what is not this project's: it warns and leaves it in place (as the EC2 tasks do). */
export function leaveForeign(t: TaskContext, key: string, id: string, why: string): void {
  t.step.io.notify({
    level: 'warn',
    code: 'provision.destroy.foreign',
    message: `${key}: ${id} is not promigrate project ${t.project}'s (${why}); left in place`,
    data: { key, id },
  });
}

/** The clear error for a name taken by something that is not ours or not what we asked for. */
export function conflictError(what: string, problems: string[]): UsageError {
  return new UsageError(`${what} already exists and cannot be used: ${problems.join('; ')}.`, {
    hint: 'Delete or rename it if it is left over from an earlier attempt, or give this migration another project.name (promigrate derives its resource names from it), then re-run.',
  });
}

/** A DMS error caused by the account-wide `dms-vpc-role` being absent, as a usage error. */
export function dmsVpcRoleError(err: unknown): UsageError | undefined {
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !/dms-vpc-role/.test(message)) return undefined;
  return new UsageError(`AWS DMS cannot use the IAM role dms-vpc-role (${message}).`, {
    hint: 'DMS needs the role dms-vpc-role (trusting dms.amazonaws.com, with the managed policy AmazonDMSVPCManagementRole) once per account; the DMS console creates it, or see "Creating the IAM roles to use with AWS DMS" in the DMS user guide. Then re-run.',
    cause: err,
  });
}

/** `yyyymmddhhmm` in UTC, for snapshot names. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 12);
}
