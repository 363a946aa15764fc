/**
 * The simulated DMS task follows its FullLoadSettings and TargetMetadata: the stop-after-full-load
 * options pause the task as DMS does, and the real copy (hooks.fullLoad) is told the table
 * preparation mode and the LOB limit, whose cuts land in the task log.
 */
import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { cdcWindows } from '../../../src/aws/sandbox/services/dms/progress.js';
import type { DmsSlice } from '../../../src/aws/sandbox/services/dms/state.js';
import type { SimHooks } from '../../../src/aws/sandbox/types.js';
import { SHOP, createTask, setup, start, tables, task, type Env } from './dms-env.js';
import { MIN, expectSimError } from './helpers.js';

type Load = Parameters<NonNullable<SimHooks['fullLoad']>>[0];
const settings = (s: object) => ({ ReplicationTaskSettings: JSON.stringify(s) });
const taskRec = (env: Env, arn: string) => (env.sim.slices.get('dms') as DmsSlice).tasks[arn]!;
// SHOP's largest table has 6000 rows: at 1000 rows/s and 8 sub-tasks the load takes 6 s.
const LOAD_MS = 6000;

function recordingEnv() {
  const loads: Load[] = [];
  const env = setup({
    sourceTables: () => SHOP,
    async fullLoad(load) {
      loads.push(load);
      return load.tables.map((t) => ({
        ...t, rows: SHOP.find((s) => s.table === t.table)!.rows,
        truncatedLobs: t.table === 'board' ? [{ column: 'content', values: 3, maxBytes: 32 * 1024 }] : [],
      }));
    },
  });
  return { env, loads };
}

async function startedTask(env: Env, overrides: Record<string, unknown>) {
  const arn = createTask(env, overrides).ReplicationTaskArn as string;
  env.sim.advance(MIN);
  await start(env, arn);
  return { arn, runningAt: env.sim.ctx.now() + MIN };
}

describe('DMS full-load settings in the sandbox', () => {
  it('StopTaskCachedChangesNotApplied: stopped with STOPPED_AFTER_FULL_LOAD once loaded, then resume-processing goes into CDC without reloading', async () => {
    const { env, loads } = recordingEnv();
    const { arn, runningAt } = await startedTask(env, settings({ FullLoadSettings: { StopTaskCachedChangesNotApplied: true } }));
    env.sim.advance(MIN + LOAD_MS - 1);
    expect(task(env, arn).Status).toBe('running');
    env.sim.advance(1);
    const paused = task(env, arn);
    expect(paused).toMatchObject({
      Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_FULL_LOAD',
      ReplicationTaskStats: { FullLoadProgressPercent: 100, TablesLoaded: 4, TablesLoading: 0, TablesQueued: 0 },
    });
    expect(paused.ReplicationTaskStats.StopDate).toEqual(new Date(runningAt + LOAD_MS));
    expect(Object.values(tables(env, arn)).map((t: any) => t.TableState)).toEqual(Array(4).fill('Table completed'));
    const loadedAt = tables(env, arn).orders.FullLoadEndTime;
    // The cached changes are not applied: no CDC yet, however long it waits.
    env.sim.advance(30 * MIN);
    expect(task(env, arn).Status).toBe('stopped');
    expect(cdcWindows(env.sim.ctx, taskRec(env, arn))).toEqual([]);

    // The indexes are built now; then CDC applies the cached changes.
    expect((await start(env, arn, 'resume-processing')).Status).toBe('starting');
    env.sim.advance(MIN + 1000);
    const resumed = task(env, arn);
    expect(resumed).toMatchObject({ Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 100, TablesLoaded: 4 } });
    expect(resumed.StopReason).toBeUndefined();
    expect(tables(env, arn).orders).toMatchObject({ TableState: 'Table completed', FullLoadEndTime: loadedAt, FullLoadReloaded: false, FullLoadRows: 6000 });
    const windows = cdcWindows(env.sim.ctx, taskRec(env, arn));
    expect(windows).toHaveLength(1);
    // The backlog: every change since the load began waited for the resume.
    expect(windows[0]!.backlogSeconds).toBe((windows[0]!.start - runningAt) / 1000);
    expect(loads).toHaveLength(1);
    env.sim.advance(60 * MIN);
    expect(task(env, arn).Status).toBe('running');
  });

  it('StopTaskCachedChangesApplied: CDC applies the cached changes, then stopped with STOPPED_AFTER_CACHED_EVENTS', async () => {
    const { env } = recordingEnv();
    const { arn, runningAt } = await startedTask(env, settings({ FullLoadSettings: { StopTaskCachedChangesApplied: true } }));
    env.sim.advance(MIN + LOAD_MS + 10_000);
    expect(task(env, arn).Status).toBe('running');
    expect(cdcWindows(env.sim.ctx, taskRec(env, arn))).toMatchObject([{ start: runningAt + LOAD_MS }]);
    env.sim.advance(20_000); // the cached changes take half of dmsTaskStart (30 s) to apply
    const t = task(env, arn);
    expect(t).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS', ReplicationTaskStats: { FullLoadProgressPercent: 100 } });
    expect(cdcWindows(env.sim.ctx, taskRec(env, arn))).toEqual([{ start: runningAt + LOAD_MS, end: runningAt + LOAD_MS + 30_000, backlogSeconds: LOAD_MS / 1000 }]);
  });

  it('keeps a paused run as it was when the settings change afterwards, and ignores the options for a full-load task', async () => {
    const { env } = recordingEnv();
    const { arn } = await startedTask(env, settings({ FullLoadSettings: { StopTaskCachedChangesNotApplied: true } }));
    env.sim.advance(MIN + LOAD_MS);
    env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: arn, ...settings({ FullLoadSettings: { StopTaskCachedChangesNotApplied: false } }) });
    expect(task(env, arn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_FULL_LOAD' });

    const other = await startedTask(env, {
      ReplicationTaskIdentifier: 'shop-full', MigrationType: 'full-load', ...settings({ FullLoadSettings: { StopTaskCachedChangesNotApplied: true } }),
    });
    env.sim.advance(MIN + LOAD_MS);
    expect(task(env, other.arn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
  });

  it('tells the real copy the table preparation mode and the limited-mode LOB size, and logs the LOBs it cut', async () => {
    const { env, loads } = recordingEnv();
    const defaults = await startedTask(env, {});
    expect(loads[0]).toMatchObject({ prepMode: 'DROP_AND_CREATE', lobMaxSizeKb: 32 });
    expect(taskRec(env, defaults.arn).log).toEqual([{
      at: defaults.runningAt - MIN, level: 'W', component: 'SOURCE_UNLOAD',
      message: "3 value(s) of LOB column 'content' of table 'shop'.'board' truncated to 32768 bytes (limited LOB mode, LobMaxSize 32 KB)",
    }]);
    // The log is the only place: DescribeTableStatistics has no field for it.
    env.sim.advance(MIN + LOAD_MS);
    expect(tables(env, defaults.arn).board).toMatchObject({ TableState: 'Table completed', ValidationState: 'Not enabled', FullLoadErrorRows: 0 });

    await startedTask(env, { ReplicationTaskIdentifier: 'shop-full-lob', ...settings({
      FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' }, TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false },
    }) });
    await startedTask(env, { ReplicationTaskIdentifier: 'shop-inline', ...settings({
      FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' }, TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false, InlineLobMaxSize: 64 },
    }) });
    expect(loads.slice(1).map((l) => [l.prepMode, l.lobMaxSizeKb])).toEqual([['DO_NOTHING', undefined], ['TRUNCATE_BEFORE_LOAD', undefined]]);
  });

  it('refuses an unknown TargetTablePrepMode', () => {
    const env = setup();
    expectSimError(() => createTask(env, settings({ FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE' } })), 'InvalidParameterValueException',
      'Invalid task settings: Invalid value "TRUNCATE" for FullLoadSettings.TargetTablePrepMode: must be one of DO_NOTHING, DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD.');
  });
});
