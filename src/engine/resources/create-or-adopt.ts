import { isAwsError } from '../../aws/errors.js';

export interface CreateOrAdopt<R> {
  /** The create call(s); returns the new resource. */
  create: () => Promise<R>;
  /** The AWS error codes meaning "that name is taken", e.g. `DBInstanceAlreadyExistsFault`. */
  alreadyExists: readonly string[];
  /**
   * Finds the existing resource and verifies it is this project's and what was asked for:
   * returns it, or throws the conflict error (see conflictError); undefined when it is not
   * there after all. Gets the AlreadyExists error (e.g. as the cause of its own error).
   */
  adopt: (alreadyExists: unknown) => Promise<R | undefined>;
}

/**
 * Creates a resource with a deterministic name. "Already exists" means a lost race or a
 * crash after an earlier create call: the resource is adopted when it is ours, else the
 * conflict error `adopt` throws stands. Any other error, or an "already exists" for a
 * resource that cannot be found, is rethrown.
 */
export async function createOrAdopt<R>({ create, alreadyExists, adopt }: CreateOrAdopt<R>): Promise<R> {
  try {
    return await create();
  } catch (err) {
    if (!isAwsError(err, ...alreadyExists)) throw err;
    const existing = await adopt(err);
    if (existing === undefined) throw err;
    return existing;
  }
}
