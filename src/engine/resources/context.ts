import { promigrateTags } from '../../aws/tags.js';
import type { StepContext } from '../step.js';
import type { FoundResource, TaskContext } from './task.js';

export interface TaskContextOptions {
  /**
   * Steps whose recorded resource outputs are read after this step's own, in order: a step
   * whose tasks stand on another step's resources (sync on provision's replication and RDS
   * instances) names it here.
   */
  fallbackOutputsFrom?: readonly string[];
}

type ResourceOutputs = Record<string, Record<string, unknown>>;

/**
 * The task context over a step context: ids come from what this run found or made, then
 * from state; outputs from this run, then the step's own recorded outputs, then those of
 * `fallbackOutputsFrom`. In a plan, a resource that does not exist yet is named `<key>`.
 */
export function taskContext(step: StepContext, found: Map<string, FoundResource>, options: TaskContextOptions = {}): TaskContext {
  const recorded = (): ResourceOutputs => (step.self().outputs.resources ?? {}) as ResourceOutputs;
  const fallback = (key: string): Record<string, unknown> | undefined => {
    for (const stepId of options.fallbackOutputsFrom ?? []) {
      const outputs = ((step.outputsOf(stepId).resources ?? {}) as ResourceOutputs)[key];
      if (outputs) return outputs;
    }
    return undefined;
  };
  return {
    step,
    config: step.config,
    project: step.project,
    tags: (key, name) => promigrateTags({ project: step.project, step: step.stepId, key, ...(name ? { name } : {}) }),
    id: (key) => found.get(key)?.id ?? step.resource(key)?.id ?? `<${key}>`,
    outputs: (key) => found.get(key)?.outputs ?? recorded()[key] ?? fallback(key) ?? {},
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
