import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { ALL_SHOP, SHOP, createTask, mapping, setup, start, tables, task } from './dms-env.js';
import { MIN, expectSimError } from './helpers.js';

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
    // "Modifying a task" (DMS user guide): "You can't change the migration type of a task."
    expectSimError(() => env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, MigrationType: 'full-load' }), 'InvalidParameterValueException',
      "You can't change the migration type of a task: replication task shop-sync is full-load-and-cdc, not full-load.");
    const modified = env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, MigrationType: 'full-load-and-cdc', TableMappings: mapping({ 'object-locator': { 'schema-name': 'shop', 'table-name': 'orders' } }) }).ReplicationTask;
    expect(modified.MigrationType).toBe('full-load-and-cdc');
    expect(JSON.parse(modified.TableMappings).rules[0]['object-locator']['table-name']).toBe('orders');
    // ModifyReplicationTask API: "The task must be stopped before you can modify it."
    start(env, arn);
    expectSimError(() => env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, TableMappings: ALL_SHOP }), 'InvalidResourceStateFault', 'Replication task shop-sync cannot be modified while it is starting');
    env.sim.advance(MIN + 1000);
    expectSimError(() => env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, TableMappings: ALL_SHOP }), 'InvalidResourceStateFault', 'Replication task shop-sync cannot be modified while it is running');
    env.sim.call(dms, 'AddTagsToResource', { ResourceArn: arn, Tags: [{ Key: 'promigrate:step', Value: 'sync' }] });
    expect(env.sim.call(dms, 'ListTagsForResource', { ResourceArnList: [arn] }).TagList).toEqual([{ Key: 'promigrate:step', Value: 'sync', ResourceArn: arn }]);
    env.sim.call(dms, 'RemoveTagsFromResource', { ResourceArn: arn, TagKeys: ['promigrate:step'] });
    expect(env.sim.call(dms, 'ListTagsForResource', { ResourceArn: arn }).TagList).toEqual([]);
    expectSimError(() => env.sim.call(dms, 'ListTagsForResource', { ResourceArn: 'arn:aws:dms:us-east-1:123456789012:task:NOPE' }), 'ResourceNotFoundFault');
  });
});
