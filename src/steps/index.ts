import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { MigrationConfig } from '../config/schema.js';
import type { ResourceTask } from '../engine/resources/task.js';
import type { Step } from '../engine/step.js';
import { ASSESS, CUTOVER, PROVISION, SYNC, VERIFY, type StepAbout } from './catalog.js';

/**
 * The built-in steps, in the order they run. `PROMIGRATE_BUILTIN_STEPS=none` leaves them
 * out, so that a step plug-in (or the engine's own tests) can be exercised on its own.
 */
async function builtInSteps(): Promise<Step[]> {
  if (process.env.PROMIGRATE_BUILTIN_STEPS === 'none') return [];
  return [
    lazyStep(ASSESS, async () => (await import('./assess/index.js')).assessStep),
    lazyStep(PROVISION, async () => (await import('./provision/index.js')).provisionStep),
    lazyStep(SYNC, async () => (await import('./sync/index.js')).syncStep),
    lazyStep(CUTOVER, async () => (await import('./cutover/index.js')).cutoverStep),
    lazyStep(VERIFY, async () => (await import('./verify/index.js')).verifyStep),
  ];
}

/**
 * A step whose code is imported on its first call; the loaded step must be the one described.
 * (No built-in step has the optional `rollback`; one that gains it must be forwarded here.)
 */
export function lazyStep(about: StepAbout, load: () => Promise<Step>): Step {
  let loading: Promise<Step> | undefined;
  const step = (): Promise<Step> =>
    (loading ??= load().then((loaded) => {
      const same = loaded.id === about.id && loaded.title === about.title && loaded.dependsOn.join() === about.dependsOn.join();
      if (!same) throw new Error(`internal error: step ${about.id} is not what steps/catalog.ts says it is`);
      return loaded;
    }));
  return {
    ...about,
    plan: async (ctx) => (await step()).plan(ctx),
    apply: async (ctx) => (await step()).apply(ctx),
    check: async (ctx) => (await step()).check(ctx),
  };
}

/**
 * `PROMIGRATE_EXTRA_STEPS=/abs/a.js,/abs/b.js` loads more steps (each module exports
 * `steps: Step[]`). The engine's own crash tests use it to run a step that blocks; it is
 * also how a team can add a site-specific step (e.g. a smoke test) without a fork.
 */
async function extraSteps(): Promise<Step[]> {
  const list = process.env.PROMIGRATE_EXTRA_STEPS;
  if (!list) return [];
  const steps: Step[] = [];
  for (const entry of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const path = isAbsolute(entry) ? entry : resolve(entry);
    let mod: { steps?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { steps?: unknown };
    } catch (err) {
      throw new UsageError(`PROMIGRATE_EXTRA_STEPS: cannot load ${path} (${(err as Error).message}).`, {
        hint: 'Fix the path or unset PROMIGRATE_EXTRA_STEPS.',
      });
    }
    if (!Array.isArray(mod.steps)) {
      throw new UsageError(`PROMIGRATE_EXTRA_STEPS: ${path} does not export \`steps\` (an array of steps).`);
    }
    steps.push(...(mod.steps as Step[]));
  }
  return steps;
}

export async function loadSteps(): Promise<Step[]> {
  return [...(await builtInSteps()), ...(await extraSteps())];
}

/**
 * Every resource task destroy sweeps, in dependency order (provision's, then sync's, which
 * stand on them). Composed here, so that no step folder imports another.
 */
export async function sweepTasks(config: MigrationConfig): Promise<ResourceTask[]> {
  const [{ provisionSweepTasks }, { syncSweepTasks }] = await Promise.all([import('./provision/sweep.js'), import('./sync/sweep.js')]);
  return [...provisionSweepTasks(config), ...syncSweepTasks(config)];
}
