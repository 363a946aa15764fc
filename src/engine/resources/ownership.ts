/**
 * Whose a resource is: promigrate accepts an existing resource, and destroy deletes one,
 * only when it carries this project's `promigrate:project` tag.
 */
import { TAG_PROJECT, tagsToRecord } from '../../aws/tags.js';
import { UsageError } from '../../errors.js';
import type { TaskContext } from './task.js';

/** Why an existing resource is not this project's, or undefined when it is. */
export function foreignOwner(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, project: string): string | undefined {
  const owner = tagsToRecord(tags)[TAG_PROJECT];
  if (owner === project) return undefined;
  return owner ? `it belongs to promigrate project "${owner}"` : 'it was not created by promigrate (no promigrate:project tag)';
}

/**
 * A resource destroy was asked to delete (recorded in state) that is not, or no longer, this
 * project's: its `promigrate:project` tag is gone or names another project. Destroy leaves
 * it in place and reports it (destroyResources), and whatever stands on it waits.
 */
export class ResourceLeftInPlace extends Error {
  constructor(
    readonly key: string,
    readonly id: string,
    readonly why: string,
  ) {
    super(`${key}: ${id} was left in place: ${why}`);
    this.name = 'ResourceLeftInPlace';
  }
}

/** Destroy never deletes what is not this project's: it stops here and destroy reports it. */
export function leaveForeign(_t: TaskContext, key: string, id: string, why: string): never {
  throw new ResourceLeftInPlace(key, id, why);
}

/** The clear error for a name taken by something that is not ours or not what we asked for. */
export function conflictError(what: string, problems: string[]): UsageError {
  return new UsageError(`${what} already exists and cannot be used: ${problems.join('; ')}.`, {
    hint: 'Delete or rename it if it is left over from an earlier attempt, or give this migration another project.name (promigrate derives its resource names from it), then re-run.',
  });
}
