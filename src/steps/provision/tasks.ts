import type { MigrationConfig } from '../../config/schema.js';
import { appAlarmTasks } from './app-alarms.js';
import { appCertificateTasks } from './app-certificate.js';
import { appInstanceTasks } from './app-instances.js';
import { appLoadBalancerTasks } from './app-load-balancer.js';
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
    // The web tier (app:): certificate, load balancer, instances, alarms.
    ...appCertificateTasks(config),
    ...appLoadBalancerTasks(config),
    ...appInstanceTasks(config),
    ...appAlarmTasks(config),
  ];
}
