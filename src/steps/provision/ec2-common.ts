/**
 * What every EC2 resource task shares: tag lookups, idempotency tokens
 * that survive a destroy, and deletes that wait out DependencyViolation.
 */
import type { EC2Client, Tag } from '@aws-sdk/client-ec2';
import { resourceFilters } from '../../aws/tags.js';
import { errorName, isAwsError } from '../../aws/errors.js';
import { waitFor } from '../../aws/wait.js';
import { PromigrateError, ExitCode } from '../../errors.js';
import { foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { TaskContext } from '../../engine/resources/task.js';

export const ec2Of = (t: TaskContext): Promise<EC2Client> => t.step.aws.ec2;

/** `<network.vpc>`: an id `t.id()` gives for a resource that does not exist yet (plan mode). */
export const isPlaceholder = (id: string): boolean => id.startsWith('<');

/** EC2 filters for the resource this project made under `key`. */
export const keyFilters = (t: TaskContext, key: string): Array<{ Name: string; Values: string[] }> =>
  resourceFilters(t.project, key);

/** True when the resource carries this project's tag (it was created by promigrate for it). */
export const ownedBy = (tags: Tag[] | undefined, project: string): boolean => foreignOwner(tags, project) === undefined;

/** Destroy never deletes what this project did not create (an adopted VPC, someone's IGW): see leaveForeign. */
export function skipForeign(t: TaskContext, key: string, id: string): never {
  return leaveForeign(t, key, id, `it does not carry promigrate:project=${t.project}`);
}

/**
 * Creates with an EC2 ClientToken. The token for `key` is fixed per state lineage, so after
 * a destroy (or a NAT gateway that failed) it replays the dead resource, or — once EC2 no
 * longer matches it — fails with IdempotentParameterMismatch. Then a token for the next
 * generation is used, named after the dead resource so a resumed run derives the same one.
 * `dead` returns the id of a replayed resource that is no longer usable.
 */
export async function createWithToken<R>(
  t: TaskContext,
  key: string,
  call: (clientToken: string) => Promise<R>,
  dead: (result: R) => string | undefined = () => undefined,
): Promise<R> {
  let name = key;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const token = await t.token(name);
    try {
      const result = await call(token);
      const deadId = dead(result);
      if (deadId === undefined) return result;
      name = `${key}#${deadId}`;
    } catch (err) {
      if (!isAwsError(err, 'IdempotentParameterMismatch')) throw err;
      name = `${key}#${attempt}`;
    }
  }
  throw new PromigrateError(`${key}: every idempotency token tried was already used by a deleted resource`, ExitCode.stepFailed, {
    hint: 'Re-run the command; if it persists, delete the state file entry for this resource.',
  });
}

const SECOND = 1000;
/** ENIs of deleted RDS/DMS instances can hold a subnet or group for several minutes. */
const IN_USE_TIMEOUT_MS = 20 * 60 * SECOND;
const IN_USE_POLL_MS = 15 * SECOND;

/**
 * Runs a delete until it no longer fails with one of `codes` (DependencyViolation by
 * default): a bounded number of tries on the step's clock, then a clear timeout.
 */
export async function retryWhileInUse(
  t: TaskContext,
  what: string,
  attempt: () => Promise<void>,
  codes: readonly string[] = ['DependencyViolation'],
): Promise<void> {
  let last: string | undefined;
  await waitFor({
    what,
    clock: t.step.clock,
    signal: t.step.signal,
    timeoutMs: IN_USE_TIMEOUT_MS,
    pollMs: IN_USE_POLL_MS,
    readyLabel: 'deleted',
    hint: 'Something still uses it (a network interface of an RDS or DMS instance, an instance, another security group): check the EC2 console, then re-run destroy.',
    describe: async () => {
      try {
        await attempt();
        return true;
      } catch (err) {
        if (!isAwsError(err, ...codes)) throw err;
        last = `${errorName(err)}: ${(err as Error).message}`;
        return false;
      }
    },
    done: (ok) => ok,
    status: () => last,
  });
}
