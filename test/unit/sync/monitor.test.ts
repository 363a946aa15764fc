import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient, DescribeReplicationTasksCommand, DescribeTableStatisticsCommand, type ReplicationTask, type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { cdcLatencySamples, stableRun, taskResourceId } from '../../../src/aws/dms/cdc-latency.js';
import { monitorTask, SyncFailedError, validationSettled, type SyncSample } from '../../../src/steps/sync/monitor.js';
import { sampleBars, sampleData, sampleText } from '../../../src/steps/sync/progress.js';
import { interpretTables } from '../../../src/aws/dms/task-status.js';
import { containsSettings, definitionDrift } from '../../../src/steps/sync/task.js';

const ARN = 'arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJ';
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 9);

function instantClock(): Clock & { slept: number[] } {
  let now = T0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

const task = (t: Partial<ReplicationTask>): { ReplicationTasks: ReplicationTask[] } => ({
  ReplicationTasks: [{ ReplicationTaskArn: ARN, ReplicationTaskIdentifier: 'shop-sync', MigrationType: 'full-load-and-cdc', ReplicationTaskStartDate: new Date(T0), ...t }],
});
const table = (name: string, s: Partial<TableStatistics>): TableStatistics => ({
  SchemaName: 'shop', TableName: name, TableState: 'Table completed', FullLoadRows: 100, ValidationState: 'Validated', ValidationPendingRecords: 0, ValidationFailedRecords: 0, ...s,
});
const running = { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 100, FullLoadFinishDate: new Date(T0 + MIN), TablesLoading: 0, TablesQueued: 0, TablesErrored: 0 } };
/** GetMetricData answer with one datapoint a minute from the task start, source and target values given. */
const metrics = (values: Array<[number, number]>) => ({
  MetricDataResults: [
    { Id: 'source', Timestamps: values.map((_, i) => new Date(T0 + (i + 1) * MIN)), Values: values.map((v) => v[0]) },
    { Id: 'target', Timestamps: values.map((_, i) => new Date(T0 + (i + 1) * MIN)), Values: values.map((v) => v[1]) },
  ],
});

describe('monitorTask', () => {
  const dms = mockClient(DatabaseMigrationServiceClient);
  const cw = mockClient(CloudWatchClient);
  beforeEach(() => {
    dms.reset();
    cw.reset();
  });
  afterEach(() => {
    dms.reset();
    cw.reset();
  });

  const run = (clock: Clock, samples: SyncSample[], over: Partial<Parameters<typeof monitorTask>[0]> = {}) =>
    monitorTask({
      dms: new DatabaseMigrationServiceClient({ region: 'us-east-1' }),
      cloudwatch: async () => new CloudWatchClient({ region: 'us-east-1' }),
      taskArn: ARN,
      instanceId: 'shop-dms',
      migrationType: 'full-load-and-cdc',
      estimated: new Map([['shop.orders', 90], ['shop.members', 100]]),
      thresholdSeconds: 5,
      stableSamples: 3,
      clock,
      onSample: (s) => samples.push(s),
      ...over,
    });

  it('full load, then CDC: done only once every table is loaded and validated and latency stayed ≤ threshold for N samples', async () => {
    dms.on(DescribeReplicationTasksCommand)
      .resolvesOnce(task({ Status: 'starting' }))
      .resolvesOnce(task({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 40, TablesLoading: 1 } }))
      .resolves(task(running));
    dms.on(DescribeTableStatisticsCommand)
      .resolvesOnce({ TableStatistics: [] })
      .resolvesOnce({ TableStatistics: [table('orders', { TableState: 'Full load', FullLoadRows: 40, ValidationState: 'Pending validation' }), table('members', {})] })
      .resolvesOnce({ TableStatistics: [table('orders', { ValidationState: 'Pending records', ValidationPendingRecords: 60 }), table('members', {})] })
      .resolves({ TableStatistics: [table('orders', {}), table('members', {})] });
    cw.on(GetMetricDataCommand)
      .resolvesOnce(metrics([[30, 31]]))
      .resolvesOnce(metrics([[30, 31], [6, 7]]))
      .resolvesOnce(metrics([[30, 31], [6, 7], [4, 4.5]]))
      .resolvesOnce(metrics([[30, 31], [6, 7], [4, 4.5], [2, 2.5]]))
      .resolves(metrics([[30, 31], [6, 7], [4, 4.5], [2, 2.5], [1, 1.4]]));
    const clock = instantClock();
    const samples: SyncSample[] = [];
    const last = await run(clock, samples);
    expect(last.done).toBe(true);
    expect(samples.map((s) => s.task.phase)).toEqual(['starting', 'full-load', 'cdc', 'cdc', 'cdc', 'cdc', 'cdc']);
    expect(samples.map((s) => s.stableSamples)).toEqual([0, 0, 0, 0, 1, 2, 3]);
    expect(samples.filter((s) => s.done)).toHaveLength(1);
    // The cadence goes through the injected clock: one sleep between samples.
    expect(clock.slept).toEqual(Array(samples.length - 1).fill(15_000));
    // CloudWatch asked for the task's resource id (not its name) and the instance identifier.
    const dims = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]!.MetricStat!.Metric!.Dimensions;
    expect(dims).toEqual([{ Name: 'ReplicationInstanceIdentifier', Value: 'shop-dms' }, { Name: 'ReplicationTaskIdentifier', Value: 'ABCDEFGHIJ' }]);
  });

  it('a failed task ends the watch with DMS\'s reason and the table in error', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task({
      Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR',
      LastFailureMessage: "Last Error Load failed for table 'shop'.'orders'. Task error notification received from subtask 0, thread 0 [reptask/replicationtask.c:2883] [1020417] Stop Reason FATAL_ERROR Error Level FATAL",
    }));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', { TableState: 'Table error' }), table('members', {})] });
    const err = await run(instantClock(), []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncFailedError);
    expect((err as SyncFailedError).message).toContain("Load failed for table 'shop'.'orders'");
    expect((err as SyncFailedError).message).toContain('DMS reports "Table error" for shop.orders');
    expect((err as SyncFailedError).tables).toEqual(['shop.orders']);
    expect((err as SyncFailedError).exitCode).toBe(1);
    expect((err as SyncFailedError).hint).toMatch(/resume-processing/);
  });

  it('a stop (by an operator) before sync is done is a failure that says how to resume', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' }));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', {})] });
    await expect(run(instantClock(), [])).rejects.toThrow(/was stopped \(stop reason NORMAL\) before sync was done/);
  });

  it('validation mismatches fail the watch naming the table, even while the task runs', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task(running));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', { ValidationState: 'Mismatched records', ValidationFailedRecords: 3 })] });
    cw.on(GetMetricDataCommand).resolves(metrics([[1, 1]]));
    await expect(run(instantClock(), [])).rejects.toThrow(/validation of shop\.orders found 3 mismatched record\(s\)/);
  });

  it('until full-load: done at DMS\'s pause after the full load (StopTaskCachedChangesNotApplied), with every table loaded', async () => {
    dms.on(DescribeReplicationTasksCommand)
      .resolvesOnce(task({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 50, TablesLoading: 1 } }))
      .resolves(task({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_FULL_LOAD', ReplicationTaskStats: { FullLoadProgressPercent: 100 } }));
    dms.on(DescribeTableStatisticsCommand)
      .resolvesOnce({ TableStatistics: [table('orders', { TableState: 'Full load', FullLoadRows: 40 })] })
      .resolves({ TableStatistics: [table('orders', {})] });
    const samples: SyncSample[] = [];
    const last = await run(instantClock(), samples, { until: 'full-load' });
    expect(last).toMatchObject({ done: true, pausedAfterFullLoad: true });
    expect(samples.map((x) => x.done)).toEqual([false, true]);
    expect(sampleText(last, 5, 3)).toMatch(/^sync: stopped after the full load \(cached changes held for the index build\)/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    // The same pause is a failure when the watch expects sync to be done.
    await expect(run(instantClock(), [])).rejects.toThrow(/stop reason STOPPED_AFTER_FULL_LOAD/);
  });

  it('until full-load: a task already past it (in CDC) ends the watch without waiting for latency', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task(running));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', {})] });
    cw.on(GetMetricDataCommand).resolves(metrics([[30, 30]]));
    const last = await run(instantClock(), [], { until: 'full-load' });
    expect(last).toMatchObject({ done: true, pausedAfterFullLoad: false });
  });

  it('full-load only: done when DMS stops the task with FULL_LOAD_ONLY_FINISHED; no latency asked', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task({ MigrationType: 'full-load', Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', {})] });
    const last = await run(instantClock(), [], { migrationType: 'full-load' });
    expect(last.done).toBe(true);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('latency samples of an earlier run do not count towards this run', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(task({ ...running, ReplicationTaskStartDate: new Date(T0 + 3 * MIN + 1) }));
    dms.on(DescribeTableStatisticsCommand).resolves({ TableStatistics: [table('orders', {})] });
    cw.on(GetMetricDataCommand).resolvesOnce(metrics([[1, 1], [1, 1], [1, 1]])).resolves(metrics([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]));
    const samples: SyncSample[] = [];
    await run(instantClock(), samples);
    expect(samples[0]!.stableSamples).toBe(0);
    expect(samples[samples.length - 1]!.stableSamples).toBe(3);
  });
});

describe('sync helpers', () => {
  it('stableRun counts the latest consecutive samples at or below the threshold, both sides', () => {
    const s = (source: number, target: number, at = 0) => ({ at, source, target });
    expect(stableRun([s(1, 1), s(9, 1), s(1, 1), s(2, 3)], 5)).toBe(2);
    expect(stableRun([s(1, 6)], 5)).toBe(0);
    expect(stableRun([s(1, Number.NaN)], 5)).toBe(0);
    expect(stableRun([], 5)).toBe(0);
  });

  it('validationSettled: pending validation or records keep sync going; validated, not enabled and no-PK tables are settled', () => {
    const v = (ValidationState: string, ValidationPendingRecords = 0) => interpretTables([table('x', { ValidationState, ValidationPendingRecords })]).tables;
    expect(validationSettled(v('Validated'))).toBe(true);
    expect(validationSettled(v('Not enabled'))).toBe(true);
    expect(validationSettled(v('No primary key'))).toBe(true);
    expect(validationSettled(v('Pending validation'))).toBe(false);
    expect(validationSettled(v('Pending records', 10))).toBe(false);
  });

  it('cdcLatencySamples pairs source and target by minute and drops minutes with only one side', async () => {
    const cw = mockClient(CloudWatchClient);
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'source', Timestamps: [new Date(T0 + MIN), new Date(T0 + 2 * MIN)], Values: [3, 2] },
        { Id: 'target', Timestamps: [new Date(T0 + 2 * MIN)], Values: [2.5] },
      ],
    });
    const samples = await cdcLatencySamples(new CloudWatchClient({ region: 'us-east-1' }), { instanceId: 'i', taskArn: ARN }, T0 + 3 * MIN, 5);
    expect(samples).toEqual([{ at: T0 + 2 * MIN, source: 2, target: 2.5 }]);
    expect(taskResourceId(ARN)).toBe('ABCDEFGHIJ');
    cw.restore();
  });

  it('definitionDrift: DMS adds its defaults to stored settings; only what we set counts', () => {
    const input = {
      MigrationType: 'full-load-and-cdc' as const,
      TableMappings: JSON.stringify({ rules: [{ 'rule-id': '1' }] }),
      ReplicationTaskSettings: JSON.stringify({ ValidationSettings: { EnableValidation: true }, Logging: { LogComponents: [{ Id: 'A' }] } }),
    };
    const stored = {
      MigrationType: 'full-load-and-cdc' as const,
      TableMappings: JSON.stringify({ rules: [{ 'rule-id': '1' }] }),
      ReplicationTaskSettings: JSON.stringify({ ValidationSettings: { EnableValidation: true, ThreadCount: 5 }, Logging: { LogComponents: [{ Id: 'A' }], CloudWatchLogGroup: 'g' } }),
    };
    expect(definitionDrift(stored, input as never)).toEqual([]);
    expect(definitionDrift({ ...stored, MigrationType: 'full-load' }, input as never)).toEqual(['migration type full-load → full-load-and-cdc']);
    expect(definitionDrift({ ...stored, TableMappings: JSON.stringify({ rules: [] }) }, input as never)).toEqual(['table mappings']);
    expect(definitionDrift({ ...stored, ReplicationTaskSettings: JSON.stringify({ ValidationSettings: { EnableValidation: false } }) }, input as never)).toEqual(['task settings']);
    expect(containsSettings({ a: [1, 2] }, { a: [1] })).toBe(false);
  });

  it('progress text, bars and JSON data from a sample', () => {
    const tables = interpretTables([
      table('orders', { TableState: 'Full load', FullLoadRows: 45, ValidationState: 'Pending validation' }),
      table('members', { FullLoadRows: 100 }),
    ]);
    const sample: SyncSample = {
      task: { phase: 'full-load', status: 'running', terminal: false, resumable: false, fullLoadPercent: 75 },
      tables,
      estimated: new Map([['shop.orders', 90], ['shop.members', 100]]),
      latency: [],
      stableSamples: 0,
      validationSettled: false,
      done: false,
      pausedAfterFullLoad: false,
    };
    expect(sampleText(sample, 5, 3)).toBe('sync: running (full load) · tables 1/2 loaded, 1 loading · rows 145 of ~190 (75 %)');
    // In CDC, GetMetricData without datapoints is said as such, never read as 0 s.
    expect(sampleText({ ...sample, task: { ...sample.task, phase: 'cdc' } }, 5, 3)).toContain('no CDC latency datapoints yet from CloudWatch (CDCLatencySource/Target)');
    expect(sampleBars(sample)).toEqual([
      { label: 'shop.orders', done: 45, total: 90, note: 'Full load' },
      { label: 'shop.members', done: 100, total: 100, note: 'Table completed' },
      { label: 'all 2 tables', done: 145, total: 190, note: '75 %' },
    ]);
    const data = sampleData(sample);
    expect(data.tables).toEqual([
      expect.objectContaining({ schema: 'shop', table: 'orders', state: 'Full load', rowsLoaded: 45, rowsEstimated: 90 }),
      expect.objectContaining({ schema: 'shop', table: 'members', rowsLoaded: 100, rowsEstimated: 100 }),
    ]);
    expect(data.cdcLatency).toBeNull();
  });
});
