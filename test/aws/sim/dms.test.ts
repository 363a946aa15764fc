import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import type { SimHooks } from '../../../src/aws/sandbox/types.js';
import { MIN, expectSimError, makeSim, type TestSim } from './helpers.js';

const SHOP = [
  { schema: 'shop', table: 'members', rows: 3000 },
  { schema: 'shop', table: 'board', rows: 1000 },
  { schema: 'shop', table: 'orders', rows: 6000 },
  { schema: 'shop', table: 'audit_log', rows: 2000 },
];
const mapping = (...rules: Array<Record<string, unknown>>) =>
  JSON.stringify({
    rules: rules.map((r, i) => ({
      'rule-type': 'selection', 'rule-id': String(i + 1), 'rule-name': `r${i + 1}`, 'rule-action': 'include', ...r,
    })),
  });
const ALL_SHOP = mapping({ 'object-locator': { 'schema-name': 'shop', 'table-name': '%' } });

interface Env {
  sim: TestSim;
  instanceArn: string;
  sourceArn: string;
  targetArn: string;
}

function setup(hooks: SimHooks = { sourceTables: () => SHOP }): Env {
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

function createTask(env: Env, overrides: Record<string, unknown> = {}) {
  return env.sim.call(dms, 'CreateReplicationTask', {
    ReplicationTaskIdentifier: 'shop-sync', SourceEndpointArn: env.sourceArn, TargetEndpointArn: env.targetArn,
    ReplicationInstanceArn: env.instanceArn, MigrationType: 'full-load-and-cdc', TableMappings: ALL_SHOP, ...overrides,
  }).ReplicationTask;
}

const task = (env: Env, arn: string) =>
  env.sim.call(dms, 'DescribeReplicationTasks', { Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }).ReplicationTasks[0];
const tables = (env: Env, arn: string) =>
  Object.fromEntries(env.sim.call(dms, 'DescribeTableStatistics', { ReplicationTaskArn: arn }).TableStatistics.map((t: any) => [t.TableName, t]));
const start = (env: Env, arn: string, type = 'start-replication') =>
  env.sim.call(dms, 'StartReplicationTask', { ReplicationTaskArn: arn, StartReplicationTaskType: type }).ReplicationTask;

describe('DMS replication subnet groups and instances', () => {
  it('manages subnet groups', () => {
    const subnets: Record<string, { vpcId: string; availabilityZone: string }> = {
      'subnet-1': { vpcId: 'vpc-1', availabilityZone: 'us-east-1a' },
      'subnet-2': { vpcId: 'vpc-1', availabilityZone: 'us-east-1b' },
    };
    const sim = makeSim({ hooks: { subnetInfo: (id) => subnets[id] } });
    const create = (ids: string[]) => sim.call(dms, 'CreateReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'DMS-Subnets', ReplicationSubnetGroupDescription: 'dms', SubnetIds: ids,
    });
    expectSimError(() => create(['subnet-1']), 'ReplicationSubnetGroupDoesNotCoverEnoughAZs');
    expectSimError(() => create(['subnet-1', 'subnet-9']), 'InvalidSubnet', /subnet-9/);
    expect(create(['subnet-1', 'subnet-2']).ReplicationSubnetGroup).toMatchObject({ ReplicationSubnetGroupIdentifier: 'dms-subnets', VpcId: 'vpc-1', SubnetGroupStatus: 'Complete' });
    expectSimError(() => create(['subnet-1', 'subnet-2']), 'ResourceAlreadyExistsFault');
    const found = sim.call(dms, 'DescribeReplicationSubnetGroups', { Filters: [{ Name: 'replication-subnet-group-id', Values: ['dms-subnets'] }] });
    expect(found.ReplicationSubnetGroups).toHaveLength(1);
    sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro', ReplicationSubnetGroupIdentifier: 'dms-subnets' });
    expectSimError(() => sim.call(dms, 'DeleteReplicationSubnetGroup', { ReplicationSubnetGroupIdentifier: 'dms-subnets' }), 'InvalidResourceStateFault');
    expectSimError(() => sim.call(dms, 'DescribeReplicationSubnetGroups', { Filters: [{ Name: 'replication-subnet-group-id', Values: ['x'] }] }), 'ResourceNotFoundFault');
  });

  it('creates an instance that becomes available after dmsInstanceCreate', () => {
    const sim = makeSim();
    const { ReplicationInstance: ri } = sim.call(dms, 'CreateReplicationInstance', {
      ReplicationInstanceIdentifier: 'Shop-DMS', ReplicationInstanceClass: 'dms.c5.large', AllocatedStorage: 100, Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(ri).toMatchObject({ ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceStatus: 'creating', EngineVersion: '3.5.4', ReplicationInstancePrivateIpAddresses: [] });
    expect(ri.ReplicationInstanceArn).toMatch(/^arn:aws:dms:us-east-1:123456789012:rep:[A-Z2-7]{26}$/);
    sim.advance(7 * MIN);
    sim.reload();
    const [now] = sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'replication-instance-id', Values: ['shop-dms'] }] }).ReplicationInstances;
    expect(now.ReplicationInstanceStatus).toBe('available');
    expect(now.ReplicationInstancePrivateIpAddress).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(sim.call(dms, 'ListTagsForResource', { ResourceArn: ri.ReplicationInstanceArn }).TagList).toEqual([{ Key: 'k', Value: 'v', ResourceArn: ri.ReplicationInstanceArn }]);
    expectSimError(() => sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'replication-instance-id', Values: ['nope'] }] }), 'ResourceNotFoundFault');
    expectSimError(() => sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'bogus', Values: ['x'] }] }), 'InvalidParameterValueException');
    sim.call(dms, 'DeleteReplicationInstance', { ReplicationInstanceArn: ri.ReplicationInstanceArn });
    expect(sim.call(dms, 'DescribeReplicationInstances', {}).ReplicationInstances[0].ReplicationInstanceStatus).toBe('deleting');
    sim.advance(3 * MIN);
    expect(sim.call(dms, 'DescribeReplicationInstances', {}).ReplicationInstances).toEqual([]);
  });

  it('validates instances against the orderable list', () => {
    const sim = makeSim();
    const orderable = sim.call(dms, 'DescribeOrderableReplicationInstances', { MaxRecords: 100 }).OrderableReplicationInstances;
    expect(orderable).toContainEqual(expect.objectContaining({ ReplicationInstanceClass: 'dms.t3.micro', MinAllocatedStorage: 5, MaxAllocatedStorage: 6144, IncludedAllocatedStorage: 50 }));
    const create = (input: Record<string, unknown>) =>
      sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro', ...input });
    expectSimError(() => create({ ReplicationInstanceClass: 'dms.t2.nano' }), 'InvalidParameterValueException');
    expectSimError(() => create({ AllocatedStorage: 7000 }), 'InvalidParameterValueException');
    expectSimError(() => create({ ReplicationInstanceIdentifier: 'bad--id' }), 'InvalidParameterValueException', /not a valid identifier/);
    expectSimError(() => create({ EngineVersion: '2.4.5' }), 'InvalidParameterValueException');
    expectSimError(() => create({ ReplicationSubnetGroupIdentifier: 'missing' }), 'ResourceNotFoundFault');
    create({});
    expectSimError(() => create({ ReplicationInstanceIdentifier: 'RI' }), 'ResourceAlreadyExistsFault');
  });

  it('refuses to delete an instance that still has tasks', () => {
    const env = setup();
    createTask(env);
    expectSimError(() => env.sim.call(dms, 'DeleteReplicationInstance', { ReplicationInstanceArn: env.instanceArn }), 'InvalidResourceStateFault');
  });
});

describe('DMS endpoints and connections', () => {
  it('never stores passwords and reports the endpoint as DMS does', () => {
    const env = setup();
    const [source] = env.sim.call(dms, 'DescribeEndpoints', { Filters: [{ Name: 'endpoint-type', Values: ['SOURCE'] }] }).Endpoints;
    expect(source).toMatchObject({ EndpointIdentifier: 'source', EndpointType: 'SOURCE', EngineDisplayName: 'MySQL', Status: 'active', SslMode: 'none' });
    expect(source.MySQLSettings).toMatchObject({ ServerName: 'source.example.com', Port: 3306, Username: 'dms' });
    expect(JSON.stringify([...env.sim.slices.values()])).not.toContain('hunter2-secret');
    expect(source).not.toHaveProperty('Password');
  });

  it('accepts Secrets Manager credentials in the engine settings', () => {
    const env = setup();
    const { Endpoint } = env.sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: 'rds-target', EndpointType: 'target', EngineName: 'postgres', SslMode: 'require',
      PostgreSQLSettings: { SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc', SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets', DatabaseName: 'shop' },
    });
    expect(Endpoint.PostgreSQLSettings.SecretsManagerSecretId).toContain('secret:db-abc');
    const create = (input: Record<string, unknown>) =>
      env.sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'e2', EndpointType: 'source', EngineName: 'mysql', ...input });
    expectSimError(() => create({ MySQLSettings: { SecretsManagerSecretId: 'x' } }), 'InvalidParameterCombinationException');
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u' }), 'InvalidParameterValueException', /Password must be provided/);
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u', Password: 'p', SslMode: 'verify-full' }), 'InvalidParameterCombinationException');
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u', Password: 'p', EngineName: 'db2000' }), 'InvalidParameterValueException');
    expectSimError(() => create({ EndpointIdentifier: 'source', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p' }), 'ResourceAlreadyExistsFault');
  });

  it('modifies and deletes endpoints; refuses while a task uses them', () => {
    const env = setup();
    const modified = env.sim.call(dms, 'ModifyEndpoint', { EndpointArn: env.sourceArn, ServerName: 'new.example.com', SslMode: 'require' }).Endpoint;
    expect(modified).toMatchObject({ ServerName: 'new.example.com', SslMode: 'require' });
    const t = createTask(env);
    expectSimError(() => env.sim.call(dms, 'DeleteEndpoint', { EndpointArn: env.sourceArn }), 'InvalidResourceStateFault', /shop-sync/);
    env.sim.advance(MIN);
    start(env, t.ReplicationTaskArn);
    expectSimError(() => env.sim.call(dms, 'ModifyEndpoint', { EndpointArn: env.sourceArn, Port: 3307 }), 'InvalidResourceStateFault');
    const spare = env.sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'spare', EndpointType: 'target', EngineName: 'mariadb', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p' }).Endpoint;
    expect(env.sim.call(dms, 'DeleteEndpoint', { EndpointArn: spare.EndpointArn }).Endpoint.Status).toBe('deleting');
    expectSimError(() => env.sim.call(dms, 'DescribeEndpoints', { Filters: [{ Name: 'endpoint-id', Values: ['spare'] }] }), 'ResourceNotFoundFault', 'No Endpoints found matching provided filters');
  });

  it('tests connections: testing → successful, or failed with the ODBC message', () => {
    const env = setup();
    const bad = env.sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: 'onprem', EndpointType: 'source', EngineName: 'mariadb', ServerName: 'unreachable.invalid', Port: 3306, Username: 'u', Password: 'p',
    }).Endpoint.EndpointArn;
    expect(env.sim.call(dms, 'TestConnection', { ReplicationInstanceArn: env.instanceArn, EndpointArn: env.sourceArn }).Connection.Status).toBe('testing');
    env.sim.call(dms, 'TestConnection', { ReplicationInstanceArn: env.instanceArn, EndpointArn: bad });
    env.sim.advance(30_000);
    env.sim.reload();
    const conns = env.sim.call(dms, 'DescribeConnections', { Filters: [{ Name: 'replication-instance-arn', Values: [env.instanceArn] }] }).Connections;
    expect(conns.find((c: any) => c.EndpointArn === env.sourceArn)).toMatchObject({ Status: 'successful', EndpointIdentifier: 'source', ReplicationInstanceIdentifier: 'shop-dms' });
    const failed = conns.find((c: any) => c.EndpointArn === bad);
    expect(failed.Status).toBe('failed');
    expect(failed.LastFailureMessage).toMatch(/Cannot connect to ODBC provider.*Can't connect to MySQL server on 'unreachable.invalid'/);
    const sim = makeSim();
    const ri = sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro' }).ReplicationInstance.ReplicationInstanceArn;
    const ep = sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'e', EndpointType: 'source', EngineName: 'mysql', ServerName: 'h', Port: 1, Username: 'u', Password: 'p' }).Endpoint.EndpointArn;
    expectSimError(() => sim.call(dms, 'TestConnection', { ReplicationInstanceArn: ri, EndpointArn: ep }), 'InvalidResourceStateFault');
  });
});

describe('DMS replication tasks', () => {
  it('validates CreateReplicationTask', () => {
    const env = setup();
    expectSimError(() => createTask(env, { TableMappings: '{"rules": }' }), 'InvalidParameterValueException', /^Invalid Table Mappings document\. Invalid json/);
    expectSimError(() => createTask(env, { TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-action': 'include' }] }) }),
      'InvalidParameterValueException', 'Error in mapping rules. Rule with ruleId = 1 failed validation. object locator cannot be null');
    expectSimError(() => createTask(env, { TableMappings: JSON.stringify({ rules: [] }) }), 'InvalidParameterValueException', 'Error in mapping rules. At least one selection rule is required.');
    expectSimError(() => createTask(env, { SourceEndpointArn: env.targetArn }), 'InvalidParameterValueException', /must be of type SOURCE/);
    expectSimError(() => createTask(env, { MigrationType: 'full-loading' }), 'InvalidParameterValueException');
    expectSimError(() => createTask(env, { ReplicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: true, CloudWatchLogGroup: 'x' } }) }),
      'InvalidParameterValueException', 'Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create.');
    expectSimError(() => createTask(env, { ReplicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:NOPE' }), 'ResourceNotFoundFault');
    const t = createTask(env, { ReplicationTaskSettings: JSON.stringify({ Logging: { EnableLogging: true } }) });
    expect(JSON.parse(t.ReplicationTaskSettings).Logging).toMatchObject({ EnableLogging: true, CloudWatchLogGroup: 'dms-tasks-shop-dms' });
    expectSimError(() => createTask(env), 'ResourceAlreadyExistsFault');
  });

  it('runs a full load per table then CDC, with consistent stats after a reload', () => {
    const env = setup();
    const created = createTask(env, { ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { MaxFullLoadSubTasks: 2 } }) });
    expect(created.Status).toBe('creating');
    expectSimError(() => start(env, created.ReplicationTaskArn), 'InvalidResourceStateFault', 'Replication Task cannot be started, invalid state');
    env.sim.advance(MIN);
    const arn = created.ReplicationTaskArn;
    expect(task(env, arn)).toMatchObject({ Status: 'ready', ReplicationTaskStats: { FullLoadProgressPercent: 0, TablesLoaded: 0 } });
    expect(env.sim.call(dms, 'DescribeTableStatistics', { ReplicationTaskArn: arn }).TableStatistics).toEqual([]);
    expect(start(env, arn).Status).toBe('starting');
    env.sim.advance(MIN + 500);
    // Two sub-tasks: audit_log (2000 rows, 2 s) and board (1000 rows, 1 s) load first.
    let t = task(env, arn);
    expect(t.Status).toBe('running');
    expect(t.ReplicationTaskStats).toMatchObject({ TablesLoading: 2, TablesQueued: 2, TablesLoaded: 0 });
    let stats = tables(env, arn);
    expect(stats.board).toMatchObject({ TableState: 'Full load', FullLoadRows: 500, ValidationState: 'Not enabled' });
    expect(stats.orders).toMatchObject({ TableState: 'Before load', FullLoadRows: 0 });
    env.sim.advance(10_000);
    env.sim.reload();
    t = task(env, arn);
    expect(t.Status).toBe('running');
    expect(t.ReplicationTaskStats).toMatchObject({ FullLoadProgressPercent: 100, TablesLoaded: 4, TablesLoading: 0, TablesQueued: 0 });
    expect(t.ReplicationTaskStats.FullLoadFinishDate).toBeInstanceOf(Date);
    expect(t.ReplicationTaskStats.FreshStartDate).toEqual(t.ReplicationTaskStartDate);
    stats = tables(env, arn);
    expect(stats.orders).toMatchObject({ TableState: 'Table completed', FullLoadRows: 6000, Inserts: 0 });
    expect(expectSimError(() => start(env, arn), 'InvalidResourceStateFault').message).toBe('Replication Task cannot be started, invalid state');
  });

  it('ends a full-load task as stopped with FULL_LOAD_ONLY_FINISHED', () => {
    const env = setup();
    const arn = createTask(env, { MigrationType: 'full-load' }).ReplicationTaskArn;
    env.sim.advance(MIN);
    start(env, arn);
    env.sim.advance(MIN + 20_000);
    expect(task(env, arn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { FullLoadProgressPercent: 100, TablesLoaded: 4 } });
    expect(start(env, arn, 'resume-processing').Status).toBe('starting');
    env.sim.advance(MIN);
    expect(task(env, arn).StopReason).toBe('Stop Reason FULL_LOAD_ONLY_FINISHED');
  });

  it('stops, resumes only the unfinished tables, and reloads everything on reload-target', () => {
    const env = setup();
    const arn = createTask(env, { ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { MaxFullLoadSubTasks: 1 } }) }).ReplicationTaskArn;
    env.sim.advance(MIN);
    expectSimError(() => start(env, arn, 'resume-processing'), 'InvalidResourceStateFault');
    start(env, arn);
    expectSimError(() => env.sim.call(dms, 'StopReplicationTask', { ReplicationTaskArn: arn }), 'InvalidResourceStateFault');
    env.sim.advance(MIN + 3500); // audit_log (2 s) and board (1 s) done, members half loaded
    expect(env.sim.call(dms, 'StopReplicationTask', { ReplicationTaskArn: arn }).ReplicationTask.Status).toBe('stopping');
    env.sim.advance(30_000);
    let t = task(env, arn);
    expect(t).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason NORMAL', ReplicationTaskStats: { TablesLoaded: 2 } });
    expect(tables(env, arn).members.TableState).toBe('Table cancelled');
    env.sim.reload();
    start(env, arn, 'resume-processing');
    env.sim.advance(MIN + 100);
    const stats = tables(env, arn);
    expect(stats.board.TableState).toBe('Table completed');
    expect(stats.members.TableState).toBe('Full load');
    expect(task(env, arn).ReplicationTaskStats.TablesLoaded).toBe(2);
    env.sim.advance(10_000);
    expect(task(env, arn).ReplicationTaskStats).toMatchObject({ TablesLoaded: 4, FullLoadProgressPercent: 100 });
    env.sim.call(dms, 'StopReplicationTask', { ReplicationTaskArn: arn });
    env.sim.advance(30_000);
    const reload = start(env, arn, 'reload-target');
    env.sim.advance(MIN + 500);
    t = task(env, arn);
    expect(t.ReplicationTaskStats.TablesLoaded).toBe(0);
    expect(t.ReplicationTaskStats.FreshStartDate).toEqual(reload.ReplicationTaskStartDate);
    expect(tables(env, arn).audit_log).toMatchObject({ TableState: 'Full load', FullLoadReloaded: true });
  });

  it('fails when no table matches, and on the __promigrate_fail__ affordance', () => {
    const env = setup();
    const none = createTask(env, { ReplicationTaskIdentifier: 'none', TableMappings: mapping({ 'object-locator': { 'schema-name': 'other', 'table-name': '%' } }) }).ReplicationTaskArn;
    const bad = createTask(env, {
      ReplicationTaskIdentifier: 'bad',
      TableMappings: mapping({ 'object-locator': { 'schema-name': 'shop', 'table-name': 'board' } }, { 'object-locator': { 'schema-name': 'shop', 'table-name': '__promigrate_fail__' } }),
    }).ReplicationTaskArn;
    env.sim.advance(MIN);
    start(env, none);
    start(env, bad);
    env.sim.advance(MIN);
    expect(task(env, none)).toMatchObject({ Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR' });
    expect(task(env, none).LastFailureMessage).toMatch(/^Last Error No tables were found at task initialization/);
    env.sim.advance(MIN);
    const failed = task(env, bad);
    expect(failed.Status).toBe('failed');
    expect(failed.LastFailureMessage).toMatch(/Load failed for table 'shop'.'__promigrate_fail__'/);
    expect(failed.ReplicationTaskStats.TablesErrored).toBe(1);
    expect(tables(env, bad).__promigrate_fail__.TableState).toBe('Table error');
    start(env, bad, 'resume-processing');
    expect(task(env, bad).LastFailureMessage).toMatch(/__promigrate_fail__/);
  });

  it('applies include/exclude rules with wildcards', () => {
    const env = setup();
    const arn = createTask(env, {
      TableMappings: mapping(
        { 'object-locator': { 'schema-name': 'sh%', 'table-name': '%' } },
        { 'object-locator': { 'schema-name': 'shop', 'table-name': 'audit%' }, 'rule-action': 'exclude' },
      ),
    }).ReplicationTaskArn;
    env.sim.advance(MIN);
    start(env, arn);
    env.sim.advance(2 * MIN);
    expect(Object.keys(tables(env, arn)).sort()).toEqual(['board', 'members', 'orders']);
    const filtered = env.sim.call(dms, 'DescribeTableStatistics', { ReplicationTaskArn: arn, Filters: [{ Name: 'table-name', Values: ['orders'] }] });
    expect(filtered.TableStatistics.map((s: any) => s.TableName)).toEqual(['orders']);
  });

  it('derives tables from the mapping without a hook, and invents small CDC counts', () => {
    const env = setup({});
    const arn = createTask(env, {
      TableMappings: mapping({ 'object-locator': { 'schema-name': 'shop', 'table-name': 'members' } }, { 'object-locator': { 'schema-name': 'shop', 'table-name': 'order%' } }),
    }).ReplicationTaskArn;
    env.sim.advance(MIN);
    start(env, arn);
    env.sim.advance(2 * 3600_000);
    const stats = tables(env, arn);
    expect(Object.keys(stats).sort()).toEqual(['members', 'order_items', 'orders']);
    expect(stats.members.FullLoadRows).toBeGreaterThan(0);
    expect(Object.values(stats).some((s: any) => s.Inserts + s.Updates > 0)).toBe(true);
  });

  it('reports validation progress and the __promigrate_mismatch__ affordance', () => {
    const env = setup({ sourceTables: () => [...SHOP, { schema: 'shop', table: '__promigrate_mismatch__', rows: 1000 }] });
    const arn = createTask(env, { ReplicationTaskSettings: JSON.stringify({ ValidationSettings: { EnableValidation: true } }) }).ReplicationTaskArn;
    env.sim.advance(MIN);
    start(env, arn);
    env.sim.advance(MIN + 1500);
    let stats = tables(env, arn);
    expect(stats.board).toMatchObject({ TableState: 'Table completed', ValidationState: 'Pending records' });
    expect(stats.board.ValidationPendingRecords).toBeGreaterThan(0);
    expect(stats.orders.ValidationState).toBe('Pending validation');
    env.sim.advance(MIN);
    stats = tables(env, arn);
    expect(stats.board).toMatchObject({ ValidationState: 'Validated', ValidationPendingRecords: 0, ValidationFailedRecords: 0 });
    expect(stats.__promigrate_mismatch__).toMatchObject({ ValidationState: 'Mismatched records', ValidationFailedRecords: 10 });
  });

  it('describes with filters and deletes a stopped task', () => {
    const env = setup();
    const arn = createTask(env).ReplicationTaskArn;
    const byEndpoint = env.sim.call(dms, 'DescribeReplicationTasks', { Filters: [{ Name: 'endpoint-arn', Values: [env.targetArn] }], WithoutSettings: true });
    expect(byEndpoint.ReplicationTasks).toHaveLength(1);
    expect(byEndpoint.ReplicationTasks[0].TableMappings).toBeUndefined();
    expectSimError(() => env.sim.call(dms, 'DescribeReplicationTasks', { Filters: [{ Name: 'replication-task-id', Values: ['nope'] }] }),
      'ResourceNotFoundFault', 'No Tasks found matching provided filters');
    env.sim.advance(MIN);
    start(env, arn);
    env.sim.advance(MIN);
    expectSimError(() => env.sim.call(dms, 'DeleteReplicationTask', { ReplicationTaskArn: arn }), 'InvalidResourceStateFault');
    env.sim.call(dms, 'StopReplicationTask', { ReplicationTaskArn: arn });
    env.sim.advance(MIN);
    expect(env.sim.call(dms, 'DeleteReplicationTask', { ReplicationTaskArn: arn }).ReplicationTask.Status).toBe('deleting');
    env.sim.advance(MIN);
    expect(env.sim.call(dms, 'DescribeReplicationTasks', {}).ReplicationTasks).toEqual([]);
    expectSimError(() => env.sim.call(dms, 'DescribeTableStatistics', { ReplicationTaskArn: arn }), 'ResourceNotFoundFault');
  });

  it('modifies a stopped task and tags it', () => {
    const env = setup();
    const arn = createTask(env).ReplicationTaskArn;
    env.sim.advance(MIN);
    const modified = env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, MigrationType: 'full-load' }).ReplicationTask;
    expect(modified.MigrationType).toBe('full-load');
    env.sim.call(dms, 'AddTagsToResource', { ResourceArn: arn, Tags: [{ Key: 'promigrate:step', Value: 'sync' }] });
    expect(env.sim.call(dms, 'ListTagsForResource', { ResourceArnList: [arn] }).TagList).toEqual([{ Key: 'promigrate:step', Value: 'sync', ResourceArn: arn }]);
    env.sim.call(dms, 'RemoveTagsFromResource', { ResourceArn: arn, TagKeys: ['promigrate:step'] });
    expect(env.sim.call(dms, 'ListTagsForResource', { ResourceArn: arn }).TagList).toEqual([]);
    expectSimError(() => env.sim.call(dms, 'ListTagsForResource', { ResourceArn: 'arn:aws:dms:us-east-1:123456789012:task:NOPE' }), 'ResourceNotFoundFault');
  });
});
