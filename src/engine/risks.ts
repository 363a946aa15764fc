import type { StateView } from './context.js';

/**
 * `--accept-risk <finding-id>`: the operator takes responsibility for a blocker. Recorded in
 * state (and so in every later report) before the step that checks it runs.
 */
export async function acceptRisks(store: StateView, ids: readonly string[]): Promise<void> {
  const fresh = ids.filter((id) => !store.data.acceptedRisks.includes(id));
  if (fresh.length === 0) return;
  await store.update((draft) => {
    draft.acceptedRisks.push(...fresh);
  });
}

/** Commander gives variadic options as arrays; ids may also be comma-separated. */
export function riskIds(option: unknown): string[] {
  return Array.isArray(option) ? (option as string[]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : [];
}
