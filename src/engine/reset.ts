import { emptyStepState } from '../state/types.js';
import type { StateView } from './context.js';

/** After `destroy`, the steps whose work is gone are pending again (history is kept in the audit log). */
export async function resetSteps(store: StateView, ids: readonly string[]): Promise<void> {
  const present = ids.filter((id) => store.data.steps[id]);
  if (present.length === 0) return;
  await store.update((draft) => {
    for (const id of present) draft.steps[id] = { ...emptyStepState(), attempt: draft.steps[id]!.attempt };
  });
}
