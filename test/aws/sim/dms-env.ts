/** Shared setup for the DMS simulator tests: an available instance, a source and a target. */
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import type { SimHooks } from '../../../src/aws/sandbox/types.js';
import { MIN, makeSim, type TestSim } from './helpers.js';

export const SHOP = [
  { schema: 'shop', table: 'members', rows: 3000 },
  { schema: 'shop', table: 'board', rows: 1000 },
  { schema: 'shop', table: 'orders', rows: 6000 },
  { schema: 'shop', table: 'audit_log', rows: 2000 },
];
export const mapping = (...rules: Array<Record<string, unknown>>) =>
  JSON.stringify({
    rules: rules.map((r, i) => ({
      'rule-type': 'selection', 'rule-id': String(i + 1), 'rule-name': `r${i + 1}`, 'rule-action': 'include', ...r,
    })),
  });
export const ALL_SHOP = mapping({ 'object-locator': { 'schema-name': 'shop', 'table-name': '%' } });

export interface Env {
  sim: TestSim;
  instanceArn: string;
  sourceArn: string;
  targetArn: string;
}

export function setup(hooks: SimHooks = { sourceTables: () => SHOP }): Env {
  const sim = makeSim({ hooks });
  const instanceArn = sim.call(dms, 'CreateReplicationInstance', {
    ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceClass: 'dms.t3.medium',
  }).ReplicationInstance.ReplicationInstanceArn;
  sim.advance(7 * MIN);
  const endpoint = (id: string, type: string, extra: Record<string, unknown> = {}) =>
    sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: id, EndpointType: type, EngineName: 'mysql', ServerName: `${id}.example.com`, Port: 3306,
      Username: 'dms', Password: 'hunter2-secret', DatabaseName: 'shop', ...extra,
    }).Endpoint.EndpointArn as string;
  return { sim, instanceArn, sourceArn: endpoint('source', 'source'), targetArn: endpoint('target', 'target') };
}

export function createTask(env: Env, overrides: Record<string, unknown> = {}) {
  return env.sim.call(dms, 'CreateReplicationTask', {
    ReplicationTaskIdentifier: 'shop-sync', SourceEndpointArn: env.sourceArn, TargetEndpointArn: env.targetArn,
    ReplicationInstanceArn: env.instanceArn, MigrationType: 'full-load-and-cdc', TableMappings: ALL_SHOP, ...overrides,
  }).ReplicationTask;
}

export const task = (env: Env, arn: string) =>
  env.sim.call(dms, 'DescribeReplicationTasks', { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }).ReplicationTasks[0];
export const tables = (env: Env, arn: string) =>
  Object.fromEntries(env.sim.call(dms, 'DescribeTableStatistics', { ReplicationTaskArn: arn }).TableStatistics.map((t: any) => [t.TableName, t]));
export const start = (env: Env, arn: string, type = 'start-replication') =>
  env.sim.call(dms, 'StartReplicationTask', { ReplicationTaskArn: arn, StartReplicationTaskType: type }).ReplicationTask;
