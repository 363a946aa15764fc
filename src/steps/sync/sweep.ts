import type { ResourceTask } from '../../engine/resources/task.js';
import { endpointTasks } from './endpoints.js';
import { replicationTaskTask } from './task.js';
import { targetDatabaseTasks } from './target-databases.js';
import type { MigrationConfig } from '../../config/schema.js';

/** Destroy never creates: the replication task's definition is never asked for. */
const noDefinition = (): never => {
  throw new Error('internal error: destroy asked for a replication task definition');
};

/** Every resource task of sync, for destroy's sweep. */
export function syncSweepTasks(config: MigrationConfig): ResourceTask[] {
  return [...endpointTasks(), replicationTaskTask(noDefinition), ...targetDatabaseTasks(config)];
}
