/**
 * Simulated AWS Database Migration Service: replication subnet groups, replication
 * instances, endpoints + TestConnection, replication tasks and DescribeTableStatistics.
 *
 * Lifecycles are derived from the simulated clock (see dms/progress.ts for a task's).
 * Where table names and row counts come from: `ctx.hooks.sourceTables(endpointArn, …)`
 * when the framework provides it, else a plausible list derived from the table mapping.
 *
 * Sandbox-only test affordances (documented, deliberate):
 * - an endpoint whose ServerName ends in `.invalid` (e.g. `unreachable.invalid`) fails
 *   TestConnection with DMS's ODBC network-error message;
 * - a selection rule naming the table `__promigrate_fail__` makes the task go `failed`
 *   (LastFailureMessage "Last Error Load failed for table …") half-way through that
 *   table's load — on every run, so resuming fails again until the mapping changes;
 * - a table named `__promigrate_mismatch__` ends validation as `Mismatched records`.
 * Describe* calls with Filters that match nothing throw ResourceNotFoundFault ("No Tasks
 * found matching provided filters"), as DMS does; DescribeConnections and
 * DescribeTableStatistics return empty lists instead.
 */
import type { ServiceSimulator } from '../types.js';
import { endpointHandlers } from './dms/endpoints.js';
import { instanceHandlers } from './dms/instances.js';
import { statisticsHandlers } from './dms/statistics.js';
import { taskHandlers } from './dms/tasks.js';

export const dmsSimulator: ServiceSimulator = {
  ...instanceHandlers,
  ...endpointHandlers,
  ...taskHandlers,
  ...statisticsHandlers,
};

export { FAIL_TABLE, MISMATCH_TABLE } from './dms/mapping.js';
