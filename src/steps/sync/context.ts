import type { StepContext } from '../../engine/step.js';
import { taskContext } from '../provision/context.js';
import type { FoundResource, TaskContext } from '../provision/task.js';

/**
 * Sync's resource tasks stand on provision's resources (the replication instance, the RDS
 * instance): outputs come from this run, then sync's own outputs, then provision's.
 */
export function syncTaskContext(step: StepContext, found: Map<string, FoundResource>): TaskContext {
  const base = taskContext(step, found);
  const provisioned = (): Record<string, Record<string, unknown>> =>
    (step.outputsOf('provision').resources ?? {}) as Record<string, Record<string, unknown>>;
  const own = (): Record<string, Record<string, unknown>> =>
    (step.self().outputs.resources ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...base,
    outputs: (key) => found.get(key)?.outputs ?? own()[key] ?? provisioned()[key] ?? {},
  };
}
