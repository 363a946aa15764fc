import { describe, expect, it } from 'vitest';
import { lazyStep, loadSteps } from '../../../src/steps/index.js';
import * as catalog from '../../../src/steps/catalog.js';
import type { Step, StepContext } from '../../../src/engine/step.js';

describe('built-in steps load their code on first use', () => {
  it('are ordered and described from the catalog alone', async () => {
    const steps = await loadSteps();
    expect(steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['assess', []], ['provision', ['assess']], ['sync', ['provision']], ['cutover', ['sync']], ['verify', ['cutover']],
    ]);
    expect(steps.map((s) => s.title)).toEqual([catalog.ASSESS, catalog.PROVISION, catalog.SYNC, catalog.CUTOVER, catalog.VERIFY].map((a) => a.title));
  });

  it('each loads the step it is described as (a wrong loader would be an internal error)', async () => {
    for (const step of await loadSteps()) {
      // A context without anything in it: the step's own code fails, never the registry's check.
      const err = await step.check({} as StepContext).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message ?? '', step.id).not.toContain('is not what steps/catalog.ts says');
    }
  });

  it('refuses a loaded step that is not the one described, and loads once', async () => {
    let loads = 0;
    const other: Step = { ...catalog.SYNC, plan: async () => [], apply: async () => ({}), check: async () => ({ ok: true }) };
    const wrong = lazyStep(catalog.CUTOVER, async () => (loads++, other));
    await expect(wrong.check({} as StepContext)).rejects.toThrow('internal error: step cutover is not what steps/catalog.ts says it is');
    const right = lazyStep(catalog.SYNC, async () => (loads++, other));
    await expect(right.check({} as StepContext)).resolves.toEqual({ ok: true });
    await expect(right.plan({} as StepContext)).resolves.toEqual([]);
    expect(loads).toBe(2);
  });
});
