import type { StepContext } from '../step.js';
import type { GraphHooks } from './graph.js';
import type { FoundResource } from './task.js';

/**
 * Graph hooks for a step that owns resource tasks: each resource goes to state the moment
 * its id is known, its outputs under the step's `outputs.resources[key]`, and progress is
 * reported under `code` (e.g. `provision.resource`). `found` is the task context's map of
 * what this run found or made, so later tasks see ids at once.
 */
export function graphHooks(ctx: StepContext, code: string, found: Map<string, FoundResource>): GraphHooks {
  return {
    now: () => ctx.clock.now(),
    record: async (task, resource) => {
      found.set(task.key, resource);
      const recorded = ctx.resource(task.key);
      // A new ARN under the same id is a replacement (e.g. a DMS task created again by name).
      if (recorded?.id !== resource.id || (resource.arn !== undefined && recorded?.arn !== resource.arn)) {
        await ctx.recordResource(task.key, {
          type: task.type,
          id: resource.id,
          ...(resource.arn ? { arn: resource.arn } : {}),
          region: ctx.aws.region,
          ...(resource.adopted ? { adopted: true } : {}),
        });
      }
      // Read inside the queued write: tasks record in parallel, and a copy taken before the
      // queue reached this write would drop what the writes ahead of it saved.
      const outputs = { id: resource.id, ...(resource.arn ? { arn: resource.arn } : {}), ...resource.outputs };
      await ctx.setOutputs((saved) => ({ resources: { ...((saved.resources ?? {}) as Record<string, unknown>), [task.key]: outputs } }));
    },
    progress: (task, status, elapsedMs) =>
      ctx.io.progress(code, `${task.key}: ${status} (${Math.round(elapsedMs / 1000)} s)`, {
        key: task.key,
        type: task.type,
        status,
        elapsedMs,
      }),
  };
}
