import type { MigrationConfig } from '../../config/schema.js';
import { bastionTasks } from './bastion.js';
import { databaseTasks } from './database.js';
import { dmsTasks } from './dms.js';
import { iamRoleTasks } from './iam-roles.js';
import { networkTasks } from './network.js';
import { securityGroupTasks } from './security-groups.js';
import type { ResourceTask } from '../../engine/resources/task.js';

/**
 * Every resource provision manages for this config, in a stable order: the IAM roles DMS
 * needs first (apply creates them before anything else, see index.ts).
 */
export function provisionTasks(config: MigrationConfig): ResourceTask[] {
  return [
    ...iamRoleTasks(),
    ...networkTasks(config),
    ...securityGroupTasks(config),
    ...bastionTasks(config),
    ...databaseTasks(config),
    ...dmsTasks(config),
  ];
}
