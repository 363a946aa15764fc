import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { MigrationConfig } from '../config/schema.js';
import type { ResourceTask } from '../engine/resources/task.js';
import type { Step } from '../engine/step.js';

/**
 * The built-in steps, in the order they run. `PROMIGRATE_BUILTIN_STEPS=none` leaves them
 * out, so that a step plug-in (or the engine's own tests) can be exercised on its own.
 */
async function builtInSteps(): Promise<Step[]> {
  if (process.env.PROMIGRATE_BUILTIN_STEPS === 'none') return [];
  const [{ assessStep }, { provisionStep }, { syncStep }, { cutoverStep }, { verifyStep }] = await Promise.all([
    import('./assess/index.js'),
    import('./provision/index.js'),
    import('./sync/index.js'),
    import('./cutover/index.js'),
    import('./verify/index.js'),
  ]);
  return [assessStep, provisionStep, syncStep, cutoverStep, verifyStep];
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
  return [...provisionSweepTasks(config), ...syncSweepTasks()];
}
