import {
  CreateEndpointCommand, CreateReplicationInstanceCommand, CreateReplicationTaskCommand, DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand, DescribeTableStatisticsCommand, InvalidResourceStateFault, StartReplicationTaskCommand,
  StopReplicationTaskCommand, type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WaitFailedError } from '../../../src/aws/wait.js';
import type { Clock } from '../../../src/clock.js';
import {
  chooseStartType, hasEverStarted, startTask, stopTask, waitForTaskReady, type StartType,
} from '../../../src/steps/sync/lifecycle.js';
import { TaskStateError } from '../../../src/aws/dms/describe.js';
import { interpretTables, interpretTask } from '../../../src/aws/dms/task-status.js';
import type { SimHooks } from '../../../src/aws/sandbox/types.js';
import { makeSandbox } from '../../helpers/sandbox.js';

const ARN = 'arn:aws:dms:us-east-1:123456789012:task:SHOPSYNC';
const MIN = 60_000;
const stateFault = (message = 'Replication Task cannot be started, invalid state') =>
  new InvalidResourceStateFault({ message, $metadata: {} });
function instantClock(): Clock & { slept: number[] } {
  let now = Date.UTC(2025, 0, 6, 9);
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}
const described = (t: ReplicationTask): { ReplicationTasks: ReplicationTask[] } =>
  ({ ReplicationTasks: [{ ReplicationTaskArn: ARN, MigrationType: 'full-load-and-cdc', ...t }] });

describe('chooseStartType', () => {
  it('first run: start-replication (also with --reload: a first full load is the reload)', () => {
    expect(chooseStartType({ everStarted: false, status: 'ready', reload: false })).toBe('start-replication');
    expect(chooseStartType({ everStarted: false, status: 'ready', reload: true })).toBe('start-replication');
  });
  it('after a stop or a failure: resume-processing; reload-target only when asked', () => {
    expect(chooseStartType({ everStarted: true, status: 'stopped', reload: false })).toBe('resume-processing');
    expect(chooseStartType({ everStarted: true, status: 'failed', reload: false })).toBe('resume-processing');
    expect(chooseStartType({ everStarted: true, status: 'stopped', reload: true })).toBe('reload-target');
    // stopped/failed only happen after a run, whatever the caller's evidence says
    expect(chooseStartType({ everStarted: false, status: 'stopped', reload: false })).toBe('resume-processing');
    // modified after a run: back to ready, but it has run
    expect(chooseStartType({ everStarted: true, status: 'ready', reload: false })).toBe('resume-processing');
  });
  it('after a crash where start-replication reached DMS: running/starting → nothing to start', () => {
    const running = { Status: 'running', ReplicationTaskStartDate: new Date() } as ReplicationTask;
    const everStarted = hasEverStarted(running, 'start-replication');
    expect(chooseStartType({ everStarted, status: 'running', reload: false })).toBeUndefined();
    expect(chooseStartType({ everStarted, status: 'starting', reload: false })).toBeUndefined();
    expect(() => chooseStartType({ everStarted, status: 'running', reload: true })).toThrow(/needs it stopped first/);
  });
  it('after a crash where the checkpoint was written but the call never reached DMS: start-replication again', () => {
    const ready = { Status: 'ready' } as ReplicationTask;
    const everStarted = hasEverStarted(ready, 'start-replication');
    expect(everStarted).toBe(false);
    expect(chooseStartType({ everStarted, status: 'ready', reload: false })).toBe('start-replication');
    // DMS's start date wins over a missing checkpoint (state lost, task ran)
    expect(hasEverStarted({ Status: 'stopped', ReplicationTaskStartDate: new Date() })).toBe(true);
    expect(hasEverStarted({ Status: 'stopped' }, 'start-replication')).toBe(true);
  });
  it('states that cannot be started give a clear error', () => {
    for (const status of ['creating', 'stopping', 'modifying', 'deleting', 'failed-move']) {
      const err = (() => { try { chooseStartType({ everStarted: false, status, reload: false }); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(TaskStateError);
      expect((err as TaskStateError).message).toContain(status);
      expect((err as TaskStateError).hint).toBeTruthy();
    }
  });
});

describe('startTask / waitForTaskReady / stopTask (mocked DMS)', () => {
  let dms = mockClient(DatabaseMigrationServiceClient);
  beforeEach(() => { dms = mockClient(DatabaseMigrationServiceClient); });
  afterEach(() => dms.restore());
  const client = () => new DatabaseMigrationServiceClient({ region: 'us-east-1' });

  it('checkpoints the start type before calling StartReplicationTask', async () => {
    const order: string[] = [];
    dms.on(StartReplicationTaskCommand).callsFake(async (input) => {
      order.push(`start:${input.StartReplicationTaskType}`);
      return { ReplicationTask: { ReplicationTaskArn: ARN, Status: 'starting' } };
    });
    const r = await startTask(client(), ARN, 'start-replication', async (t) => { order.push(`checkpoint:${t}`); });
    expect(order).toEqual(['checkpoint:start-replication', 'start:start-replication']);
    expect(r).toMatchObject({ alreadyRunning: false, task: { Status: 'starting' } });
  });

  it('a failed checkpoint means no call', async () => {
    dms.on(StartReplicationTaskCommand).resolves({});
    await expect(startTask(client(), ARN, 'start-replication', async () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(dms.commandCalls(StartReplicationTaskCommand)).toHaveLength(0);
  });

  it('InvalidResourceStateFault after a concurrent start: accepted when DMS shows the task running', async () => {
    dms.on(StartReplicationTaskCommand).rejects(stateFault());
    dms.on(DescribeReplicationTasksCommand).resolves(described({ Status: 'running' }));
    const r = await startTask(client(), ARN, 'start-replication', async () => {});
    expect(r).toMatchObject({ alreadyRunning: true, task: { Status: 'running' } });
  });

  it('InvalidResourceStateFault otherwise: a TaskStateError naming the type, the state and DMS\'s message', async () => {
    dms.on(StartReplicationTaskCommand).rejects(stateFault());
    dms.on(DescribeReplicationTasksCommand).resolves(described({ Status: 'stopped' }));
    await expect(startTask(client(), ARN, 'start-replication', async () => {})).rejects.toThrow(
      'DMS refused to start the replication task with start-replication while it is stopped: Replication Task cannot be started, invalid state',
    );
  });

  it('waitForTaskReady: creating → ready is success, on the injected clock', async () => {
    dms.on(DescribeReplicationTasksCommand).resolvesOnce(described({ Status: 'creating' })).resolves(described({ Status: 'ready' }));
    const clock = instantClock();
    const t = await waitForTaskReady(client(), ARN, { clock });
    expect(t.Status).toBe('ready');
    expect(clock.slept).toEqual([15_000]);
    const input = dms.commandCalls(DescribeReplicationTasksCommand)[0]!.args[0].input;
    expect(input.Filters).toEqual([{ Name: 'replication-task-arn', Values: [ARN] }]);
  });

  it('waitForTaskReady: failed ends the wait with DMS\'s message', async () => {
    dms.on(DescribeReplicationTasksCommand).resolves(described({ Status: 'failed', LastFailureMessage: 'Last Error Endpoint initialization failed. Stop Reason FATAL_ERROR Error Level FATAL' }));
    const err = await waitForTaskReady(client(), ARN, { clock: instantClock() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitFailedError);
    expect((err as Error).message).toBe('DMS replication task SHOPSYNC failed: Endpoint initialization failed');
  });

  it('stopTask: stops a running task and waits until stopped', async () => {
    dms.on(DescribeReplicationTasksCommand)
      .resolvesOnce(described({ Status: 'running' }))
      .resolvesOnce(described({ Status: 'stopping' }))
      .resolves(described({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' }));
    dms.on(StopReplicationTaskCommand).resolves({});
    const t = await stopTask(client(), ARN, { clock: instantClock() });
    expect(t.Status).toBe('stopped');
    expect(dms.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
  });

  it('stopTask: already stopped or never started → no StopReplicationTask call', async () => {
    dms.on(DescribeReplicationTasksCommand).resolvesOnce(described({ Status: 'stopped' })).resolves(described({ Status: 'ready' }));
    await stopTask(client(), ARN, { clock: instantClock() });
    await stopTask(client(), ARN, { clock: instantClock() });
    expect(dms.commandCalls(StopReplicationTaskCommand)).toHaveLength(0);
  });

  it('stopTask: a task still starting is waited for before the stop (DMS refuses to stop it)', async () => {
    dms.on(DescribeReplicationTasksCommand)
      .resolvesOnce(described({ Status: 'starting' }))
      .resolvesOnce(described({ Status: 'running' }))
      .resolves(described({ Status: 'stopped' }));
    dms.on(StopReplicationTaskCommand).resolves({});
    expect((await stopTask(client(), ARN, { clock: instantClock() })).Status).toBe('stopped');
    expect(dms.commandCalls(StopReplicationTaskCommand)).toHaveLength(1);
  });
});

type SourceTable = { schema: string; table: string; rows: number };
async function sandboxTask(tables: SourceTable[], settings?: object, hooks: SimHooks = {}) {
  const { sandbox, clients } = await makeSandbox({ hooks: { sourceTables: () => tables, ...hooks } });
  const dms = await clients.dms;
  const ri = (await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceClass: 'dms.t3.medium' }))).ReplicationInstance!;
  sandbox.clock.advance(15 * MIN);
  const endpoint = async (id: string, type: 'source' | 'target') =>
    (await dms.send(new CreateEndpointCommand({ EndpointIdentifier: id, EndpointType: type, EngineName: 'mysql', ServerName: `${id}.example.com`, Port: 3306, Username: 'u', Password: 'p4ssword' }))).Endpoint!;
  const [source, target] = [await endpoint('src', 'source'), await endpoint('dst', 'target')];
  const arn = (await dms.send(new CreateReplicationTaskCommand({
    ReplicationTaskIdentifier: 'shop-sync', SourceEndpointArn: source.EndpointArn, TargetEndpointArn: target.EndpointArn,
    ReplicationInstanceArn: ri.ReplicationInstanceArn, MigrationType: 'full-load-and-cdc',
    TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'shop', 'table-name': '%' }, 'rule-action': 'include' }] }),
    ...(settings ? { ReplicationTaskSettings: JSON.stringify(settings) } : {}),
  }))).ReplicationTask!.ReplicationTaskArn!;
  const describeNow = async () =>
    (await dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }))).ReplicationTasks![0]!;
  const tableStats = async () => interpretTables((await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }))).TableStatistics ?? []);
  return { sandbox, dms, clock: sandbox.clock, arn, describeNow, tableStats };
}

describe('against the sandbox DMS', () => {
  it('ready → start-replication → full load → CDC → stop → resume-processing; start-replication refused after the first start', async () => {
    const { sandbox, dms, clock, arn, describeNow, tableStats } = await sandboxTask([
      { schema: 'shop', table: 'members', rows: 1_000_000 }, { schema: 'shop', table: 'orders', rows: 200_000 },
    ]);
    const ready = await waitForTaskReady(dms, arn, { clock });
    expect(interpretTask(ready, 'full-load-and-cdc').phase).toBe('ready');
    const checkpoints: StartType[] = [];
    const checkpoint = async (t: StartType) => { checkpoints.push(t); };

    const first = chooseStartType({ everStarted: hasEverStarted(ready, checkpoints.at(-1)), status: ready.Status!, reload: false });
    expect(first).toBe('start-replication');
    await startTask(dms, arn, first!, checkpoint);

    clock.advance(MIN + 10_000); // starting (1 min) + 10 s of loading
    const loading = await describeNow();
    expect(interpretTask(loading, 'full-load-and-cdc')).toMatchObject({ phase: 'full-load', terminal: false });
    expect(chooseStartType({ everStarted: hasEverStarted(loading, 'start-replication'), status: loading.Status!, reload: false })).toBeUndefined();

    clock.advance(MIN);
    expect(interpretTask(await describeNow(), 'full-load-and-cdc')).toMatchObject({ phase: 'cdc', fullLoadPercent: 100 });
    expect(await tableStats()).toMatchObject({ allLoaded: true, problems: [], totals: { rowsLoaded: 1_200_000 } });

    const stopped = await stopTask(dms, arn, { clock });
    expect(interpretTask(stopped, 'full-load-and-cdc')).toMatchObject({ phase: 'stopped', resumable: true, stopReason: 'NORMAL' });

    const again = await startTask(dms, arn, 'start-replication', checkpoint).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TaskStateError);
    expect((again as Error).message).toContain('Replication Task cannot be started, invalid state');

    const next = chooseStartType({ everStarted: hasEverStarted(stopped), status: stopped.Status!, reload: false });
    expect(next).toBe('resume-processing');
    const resumed = await startTask(dms, arn, next!, checkpoint);
    expect(resumed.alreadyRunning).toBe(false);
    clock.advance(2 * MIN);
    expect(interpretTask(await describeNow(), 'full-load-and-cdc').phase).toBe('cdc');
    expect(checkpoints).toEqual(['start-replication', 'start-replication', 'resume-processing']);
    await sandbox.close();
  });

  it('a task failure and a validation mismatch surface with the table names and DMS\'s reason', async () => {
    const { sandbox, dms, clock, arn, describeNow, tableStats } = await sandboxTask(
      [{ schema: 'shop', table: '__promigrate_mismatch__', rows: 10_000 }, { schema: 'shop', table: '__promigrate_fail__', rows: 5_000_000 }],
      { ValidationSettings: { EnableValidation: true } },
    );
    await waitForTaskReady(dms, arn, { clock });
    await startTask(dms, arn, 'start-replication', async () => {});
    clock.advance(3 * MIN);
    const failed = interpretTask(await describeNow(), 'full-load-and-cdc');
    expect(failed).toMatchObject({ phase: 'failed', terminal: true, resumable: true, stopReason: 'FATAL_ERROR' });
    expect(failed.failure).toMatch(/^Load failed for table 'shop'\.'__promigrate_fail__'/);
    const tables = await tableStats();
    expect(tables.problems.map((p) => p.message)).toEqual([
      'DMS reports "Table error" for shop.__promigrate_fail__',
      expect.stringMatching(/^validation of shop\.__promigrate_mismatch__ found \d+ mismatched record\(s\) \("Mismatched records"\)$/),
    ]);
    // failed → resume-processing, never start-replication again
    expect(chooseStartType({ everStarted: hasEverStarted(await describeNow()), status: 'failed', reload: false })).toBe('resume-processing');
    await sandbox.close();
  });

  it('a real full load (hooks.fullLoad): rows copied replace the estimates; resume-processing copies only unfinished tables; a failed copy fails the task at that table', async () => {
    const loads: Array<{ tables: string[]; prepMode: string }> = [];
    let fail = false;
    const fullLoad: NonNullable<SimHooks['fullLoad']> = async (load) => {
      loads.push({ tables: load.tables.map((t) => `${t.schema}.${t.table}`), prepMode: load.prepMode });
      if (fail) throw Object.assign(new Error('Full load of shop.orders from a to b failed: Duplicate entry'), { table: 'shop.orders' });
      return load.tables.map((t) => ({ ...t, rows: t.table === 'orders' ? 1234 : 7 }));
    };
    const { sandbox, dms, clock, arn, describeNow, tableStats } = await sandboxTask(
      [{ schema: 'shop', table: 'members', rows: 10 }, { schema: 'shop', table: 'orders', rows: 50_000_000 }], undefined, { fullLoad },
    );
    await waitForTaskReady(dms, arn, { clock });
    await startTask(dms, arn, 'start-replication', async () => {});
    expect(loads).toEqual([{ tables: ['shop.members', 'shop.orders'], prepMode: 'DROP_AND_CREATE' }]);
    clock.advance(2 * MIN);
    expect(await tableStats()).toMatchObject({ allLoaded: true, totals: { rowsLoaded: 1241 } });

    await stopTask(dms, arn, { clock });
    await startTask(dms, arn, 'resume-processing', async () => {});
    expect(loads).toHaveLength(1); // every table was finished: nothing to copy again

    await stopTask(dms, arn, { clock });
    fail = true;
    await startTask(dms, arn, 'reload-target', async () => {});
    clock.advance(3 * MIN);
    const failed = interpretTask(await describeNow(), 'full-load-and-cdc');
    expect(failed).toMatchObject({ phase: 'failed', stopReason: 'FATAL_ERROR' });
    expect(failed.failure).toContain("Load failed for table 'shop'.'orders' (sandbox full load: Full load of shop.orders from a to b failed: Duplicate entry)");
    expect((await tableStats()).problems.map((p) => p.message)).toEqual(['DMS reports "Table error" for shop.orders']);
    await sandbox.close();
  });
});
