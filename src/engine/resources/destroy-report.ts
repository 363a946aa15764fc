/** What a destroy (or its plan) could not do, one line each, naming the resource and what to do. */
import type { DestroyOutcome, InventoryFailure } from './destroy.js';

export function inventoryLines(notInventoried: readonly InventoryFailure[]): string[] {
  return notInventoried.map((x) => `could not list ${x.key} (${x.type}), so what it made may still exist: ${x.error}`);
}

export function outcomeLines(outcome: DestroyOutcome, project: string): string[] {
  return [
    ...outcome.failed.map((x) => `${x.key} ${x.id} was not deleted: ${x.error}`),
    ...outcome.leftInPlace.map(
      (x) =>
        `${x.key} ${x.id} is in this project's state but no longer carries promigrate:project=${project} (${x.why}): ` +
        `re-tag it with promigrate:project=${project} and run destroy again, or delete it by hand`,
    ),
    ...outcome.blocked.map((x) => `${x.key} ${x.id} was not tried: it waits on ${x.waitsOn.join(', ')}`),
  ];
}
