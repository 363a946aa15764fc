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

/**
 * After `rollback`: the cutover is pending again (its checkpoints — the rollback image and
 * the freeze record — are kept, and so is what it did, under outputs.rolledBack), and
 * verify, which checked the switched state, is reset.
 */
export async function markRolledBack(store: StateView, at: string, reason: string): Promise<void> {
  await store.update((draft) => {
    const cutover = draft.steps.cutover;
    if (cutover) {
      const { error: _error, finishedAt: _finished, ...rest } = cutover;
      draft.steps.cutover = { ...rest, status: 'pending', outputs: { rolledBack: { at, reason, previousOutputs: cutover.outputs } } };
    }
    if (draft.steps.verify) draft.steps.verify = { ...emptyStepState(), attempt: draft.steps.verify.attempt };
  });
}
