import type { ResourceTask } from '../../engine/resources/task.js';
import { endpointTasks } from './endpoints.js';
import { replicationTaskTask } from './task.js';

/** Destroy never creates: the replication task's definition is never asked for. */
const noDefinition = (): never => {
  throw new Error('internal error: destroy asked for a replication task definition');
};

/** Every resource task of sync, for destroy's sweep. */
export function syncSweepTasks(): ResourceTask[] {
  return [...endpointTasks(), replicationTaskTask(noDefinition)];
}
