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

/** Destroy never deletes what is not this project's: it warns and leaves it in place. */
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
