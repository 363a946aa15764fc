/**
 * Simulated Amazon RDS (engines mysql, mariadb, postgres).
 *
 * Lifecycles are derived from the simulated clock on every call: an instance is `creating`
 * for 80 % of `durations.rdsCreate` (`rdsCreateMultiAz` with MultiAZ), `backing-up` for the
 * rest when backups are enabled, then `available`; `modifying` for `durations.rdsModify`
 * after a disruptive ModifyDBInstance; `deleting` for `durations.rdsDelete`, then gone.
 * The endpoint is reported once creation is over; `ctx.hooks.rdsEndpointFor(id)` can point
 * it at a real local database. Passwords are validated and never stored.
 */
import type { ServiceSimulator } from '../types.js';
import { describeHandlers } from './rds/describe.js';
import { groupHandlers } from './rds/groups.js';
import { instanceHandlers } from './rds/instances.js';

export const rdsSimulator: ServiceSimulator = {
  ...groupHandlers,
  ...describeHandlers,
  ...instanceHandlers,
};
