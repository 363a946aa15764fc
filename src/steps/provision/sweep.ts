import type { MigrationConfig } from '../../config/schema.js';
import type { ResourceTask } from '../../engine/resources/task.js';
import { provisionTasks } from './tasks.js';

const MAX_AZ_COUNT = 6;

/**
 * Every provision task an earlier config of this project could have produced: the config
 * with every optional piece switched on and the most AZs, so that destroy also sweeps what
 * a config change left behind (a bastion since disabled, NAT gateways of a former per-AZ
 * layout).
 */
export function provisionSweepTasks(config: MigrationConfig): ResourceTask[] {
  return provisionTasks(maximal(config));
}

function maximal(config: MigrationConfig): MigrationConfig {
  return {
    ...config,
    network: {
      ...config.network,
      azCount: MAX_AZ_COUNT,
      natGateways: 'per-az',
      bastion: true,
      adminCidr: config.network.adminCidr ?? '192.0.2.1/32',
    },
    target: { ...config.target, readReplica: true },
  };
}
