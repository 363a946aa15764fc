import { promigrateTags } from '../../aws/tags.js';
import type { StepContext } from '../../engine/step.js';
import type { FoundResource, TaskContext } from './task.js';

/**
 * The task context over a step context: ids come from what this run found or made, then
 * from state; in a plan, a resource that does not exist yet is named `<key>`.
 */
export function taskContext(step: StepContext, found: Map<string, FoundResource>): TaskContext {
  const outputsOf = (): Record<string, Record<string, unknown>> =>
    (step.self().outputs.resources ?? {}) as Record<string, Record<string, unknown>>;
  return {
    step,
    config: step.config,
    project: step.project,
    tags: (key, name) => promigrateTags({ project: step.project, step: step.stepId, key, ...(name ? { name } : {}) }),
    id: (key) => found.get(key)?.id ?? step.resource(key)?.id ?? `<${key}>`,
    outputs: (key) => found.get(key)?.outputs ?? outputsOf()[key] ?? {},
    token: async (key) => {
      const name = `token:${key}`;
      const saved = step.getCheckpoint<string>(name);
      if (saved) return saved;
      const token = step.idempotencyToken(key);
      // Saved before the call that uses it: a resumed run sends the same token.
      if (!step.dryRun) await step.checkpoint(name, token);
      return token;
    },
  };
}
