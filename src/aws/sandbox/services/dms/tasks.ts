/**
 * DMS replication tasks: create/modify/delete/describe and start/stop. Start types follow the
 * StartReplicationTask API reference: "start-replication is the only valid action that can be
 * used for the first time a task … is run" and "resume-processing is only available for
 * previously executed tasks"; start-replication on a task that has run (stopped or failed:
 * resume-processing or reload-target) is refused too. Anything else → InvalidResourceStateFault
 * "Replication Task cannot be started, invalid state". The lifecycle itself is in progress.ts.
 */
import { ExitCode, isPromigrateError } from '../../../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { date, isValidIdentifier, mergeTags, paginate, upperId } from '../sim-util.js';
import { FAIL_TABLE, loadSettingsOf, parseTableMappings, selectTables, sourceTables, taskSettings } from './mapping.js';
import { tableKey, taskView } from './progress.js';
import {
  applyFilters, dmsArn, dmsErrors, dmsState, identifierMessage, instanceStatus, requireEndpoint,
  requireInstance, requireTask, type EndpointRec, type RunRec, type TaskRec,
} from './state.js';

const MIGRATION_TYPES = ['full-load', 'cdc', 'full-load-and-cdc'];
const START_TYPES = ['start-replication', 'resume-processing', 'reload-target'];

export function taskOut(ctx: SimContext, t: TaskRec, withoutSettings = false) {
  const v = taskView(ctx, t);
  const stats = t.run || v.status !== 'creating'
    ? {
        FullLoadProgressPercent: v.progressPercent,
        ElapsedTimeMillis: v.elapsedMs,
        TablesLoaded: v.tables.filter((x) => x.state === 'Table completed').length,
        TablesLoading: v.tables.filter((x) => x.state === 'Full load').length,
        TablesQueued: v.tables.filter((x) => x.state === 'Before load').length,
        TablesErrored: v.tables.filter((x) => x.state === 'Table error').length,
        FreshStartDate: t.freshStartAt !== undefined ? date(t.freshStartAt) : undefined,
        StartDate: v.startDate !== undefined ? date(v.startDate) : undefined,
        StopDate: v.stopDate !== undefined ? date(v.stopDate) : undefined,
        FullLoadStartDate: v.fullLoadStart !== undefined ? date(v.fullLoadStart) : undefined,
        FullLoadFinishDate: v.fullLoadFinish !== undefined ? date(v.fullLoadFinish) : undefined,
      }
    : undefined;
  return {
    ReplicationTaskIdentifier: t.id,
    SourceEndpointArn: t.sourceArn,
    TargetEndpointArn: t.targetArn,
    ReplicationInstanceArn: t.instanceArn,
    MigrationType: t.migrationType,
    TableMappings: withoutSettings ? undefined : t.tableMappings,
    ReplicationTaskSettings: withoutSettings ? undefined : t.settings,
    Status: v.status,
    LastFailureMessage: v.lastFailure,
    StopReason: v.stopReason,
    ReplicationTaskCreationDate: date(t.createdAt),
    ReplicationTaskStartDate: v.startDate !== undefined ? date(v.startDate) : undefined,
    ReplicationTaskArn: t.arn,
    ReplicationTaskStats: stats,
    TaskData: t.taskData,
  };
}

function checkEndpoint(e: EndpointRec, expected: 'source' | 'target'): void {
  if (e.type !== expected) {
    throw dmsErrors.value(
      `ReplicationEngineType [name=${e.engineName}, endpointType=${e.type.toUpperCase()}] endpoint must be of type ${expected.toUpperCase()}`,
    );
  }
}

/** Folds a finished run into the task: its loaded tables, CDC window and failure message. */
function foldRun(ctx: SimContext, t: TaskRec): void {
  if (!t.run) return;
  const v = taskView(ctx, t);
  for (const table of v.tables) {
    if (table.state === 'Table completed' && t.run.toLoad.includes(table.key)) {
      t.loaded[table.key] = {
        rows: table.rows,
        startedAt: table.loadStart ?? v.effective,
        finishedAt: table.loadEnd ?? v.effective,
        reloaded: table.reloaded,
      };
    }
  }
  if (v.cdcStart !== undefined) {
    t.cdcHistory.push({ start: v.cdcStart, end: v.cdcEnd ?? v.effective, backlogSeconds: v.cdcBacklogSeconds ?? 30 });
  }
  if (v.status === 'failed') t.lastFailure = v.lastFailure;
}

/**
 * With a real database behind the target (hooks.fullLoad), the run's tables are really
 * copied; the rows copied replace the estimates, and a failed copy fails the run there.
 */
function realFullLoad(ctx: SimContext, t: TaskRec, run: RunRec): Promise<void> | undefined {
  const tables = run.tables.filter((x) => run.toLoad.includes(tableKey(x)) && x.table !== FAIL_TABLE);
  const hook = ctx.hooks.fullLoad;
  if (!hook || tables.length === 0) return undefined;
  return copyInto(ctx, t, run, tables, hook);
}

async function copyInto(
  ctx: SimContext, t: TaskRec, run: RunRec, tables: RunRec['tables'], hook: NonNullable<SimContext['hooks']['fullLoad']>,
): Promise<void> {
  const endpoint = (arn: string) => {
    const e = requireEndpoint(ctx, arn);
    return { engineName: e.engineName, serverName: e.serverName, port: e.port, databaseName: e.databaseName };
  };
  const { prepMode, lobMaxSizeKb } = loadSettingsOf(t);
  try {
    const copied = await hook({
      source: endpoint(t.sourceArn),
      target: endpoint(t.targetArn),
      tables: tables.map(({ schema, table }) => ({ schema, table })),
      prepMode,
      ...(lobMaxSizeKb !== undefined ? { lobMaxSizeKb } : {}),
    });
    for (const c of copied ?? []) {
      const spec = run.tables.find((x) => x.schema === c.schema && x.table === c.table);
      if (spec) spec.rows = c.rows;
      // "Setting LOB support for source databases in an AWS DMS task": LOBs above the limit
      // are truncated "and a warning is issued to the log file" — the task log only.
      for (const cut of c.truncatedLobs ?? []) {
        (t.log ??= []).push({
          at: run.startedAt,
          level: 'W',
          component: 'SOURCE_UNLOAD',
          message: `${cut.values} value(s) of LOB column '${cut.column}' of table '${c.schema}'.'${c.table}' truncated to ${cut.maxBytes} bytes (limited LOB mode, LobMaxSize ${lobMaxSizeKb} KB)`,
        });
      }
    }
  } catch (err) {
    // The sandbox's own configuration is wrong (e.g. a password variable is not set): the
    // operator's error, not a table failure of a simulated DMS.
    if (isPromigrateError(err) && err.exitCode === ExitCode.badInput) throw err;
    const table = (err as { table?: string }).table ?? tableKey(tables[0]!);
    run.copyFailure = { table, message: err instanceof Error ? err.message : String(err) };
  }
}

export const taskHandlers: ServiceSimulator = {
  CreateReplicationTask(input, ctx) {
    const s = dmsState(ctx);
    if (!isValidIdentifier(input.ReplicationTaskIdentifier, 255)) {
      throw dmsErrors.value(identifierMessage('ReplicationTaskIdentifier'));
    }
    const id = String(input.ReplicationTaskIdentifier);
    if (!MIGRATION_TYPES.includes(input.MigrationType)) {
      throw dmsErrors.value(`Invalid value for MigrationType: ${input.MigrationType}`);
    }
    const source = requireEndpoint(ctx, input.SourceEndpointArn);
    const target = requireEndpoint(ctx, input.TargetEndpointArn);
    checkEndpoint(source, 'source');
    checkEndpoint(target, 'target');
    const instance = requireInstance(ctx, input.ReplicationInstanceArn);
    if (instanceStatus(ctx, instance) !== 'available') {
      throw dmsErrors.state(`Replication instance ${instance.id} is not in available state`);
    }
    const existing = Object.values(s.tasks).find((t) => t.id.toLowerCase() === id.toLowerCase());
    if (existing) throw dmsErrors.exists(`Replication task ${id} already exists`, existing.arn);
    if (input.CdcStartTime && input.CdcStartPosition) {
      throw dmsErrors.combination('CdcStartTime and CdcStartPosition cannot both be specified.');
    }
    parseTableMappings(input.TableMappings);
    const resourceId = upperId(ctx, 26);
    const t: TaskRec = {
      id,
      arn: dmsArn(ctx, 'task', resourceId),
      resourceId,
      instanceArn: instance.arn,
      sourceArn: source.arn,
      targetArn: target.arn,
      migrationType: input.MigrationType,
      tableMappings: String(input.TableMappings),
      settings: taskSettings(input.ReplicationTaskSettings, instance.id, resourceId),
      taskData: input.TaskData,
      tags: mergeTags([], input.Tags),
      createdAt: ctx.now(),
      loaded: {},
      cdcHistory: [],
    };
    s.tasks[t.arn] = t;
    return { ReplicationTask: taskOut(ctx, t) };
  },

  ModifyReplicationTask(input, ctx) {
    const t = requireTask(ctx, input.ReplicationTaskArn);
    const status = taskView(ctx, t).status;
    // ModifyReplicationTask API: "The task must be stopped before you can modify it"; "Modifying a
    // task": one that has run must be Stopped or Failed (one never run is ready).
    if (!['ready', 'stopped', 'failed'].includes(status)) {
      throw dmsErrors.state(`Replication task ${t.id} cannot be modified while it is ${status}`);
    }
    if (input.MigrationType !== undefined && !MIGRATION_TYPES.includes(input.MigrationType)) {
      throw dmsErrors.value(`Invalid value for MigrationType: ${input.MigrationType}`);
    }
    // "Modifying a task" (DMS user guide): "You can't change the migration type of a task."
    if (input.MigrationType !== undefined && input.MigrationType !== t.migrationType) {
      throw dmsErrors.value(`You can't change the migration type of a task: replication task ${t.id} is ${t.migrationType}, not ${input.MigrationType}.`);
    }
    if (input.ReplicationTaskIdentifier !== undefined && !isValidIdentifier(input.ReplicationTaskIdentifier, 255)) {
      throw dmsErrors.value(identifierMessage('ReplicationTaskIdentifier'));
    }
    if (input.TableMappings !== undefined) parseTableMappings(input.TableMappings);
    const settings = input.ReplicationTaskSettings !== undefined
      ? taskSettings(input.ReplicationTaskSettings, requireInstance(ctx, t.instanceArn).id, t.resourceId)
      : t.settings;
    if (input.ReplicationTaskIdentifier !== undefined) t.id = input.ReplicationTaskIdentifier;
    if (input.TableMappings !== undefined) t.tableMappings = String(input.TableMappings);
    t.settings = settings;
    if (input.TaskData !== undefined) t.taskData = input.TaskData;
    return { ReplicationTask: taskOut(ctx, t) };
  },

  StartReplicationTask(input, ctx) {
    const t = requireTask(ctx, input.ReplicationTaskArn);
    const type = input.StartReplicationTaskType;
    if (!START_TYPES.includes(type)) throw dmsErrors.value(`Invalid StartReplicationTaskType: ${type}`);
    const status = taskView(ctx, t).status;
    const allowed = type === 'start-replication' ? status === 'ready' : status === 'stopped' || status === 'failed';
    if (!allowed) throw dmsErrors.state('Replication Task cannot be started, invalid state');
    const instance = requireInstance(ctx, t.instanceArn);
    if (instanceStatus(ctx, instance) !== 'available') {
      throw dmsErrors.state(`Replication instance ${instance.id} is not in available state`);
    }
    foldRun(ctx, t);
    const rules = parseTableMappings(t.tableMappings);
    const tables = selectTables(sourceTables(ctx, requireEndpoint(ctx, t.sourceArn), rules), rules).sort(
      (a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table),
    );
    const before = { loaded: t.loaded, freshStartAt: t.freshStartAt, run: t.run, log: t.log?.slice() };
    if (type !== 'resume-processing') {
      t.loaded = {};
      t.freshStartAt = ctx.now();
    }
    const toLoad = t.migrationType === 'cdc' ? [] : tables.map(tableKey).filter((k) => !t.loaded[k]);
    const { stopAfterFullLoad } = loadSettingsOf(t);
    t.run = { type, startedAt: ctx.now(), tables, toLoad, ...(stopAfterFullLoad ? { stopAfterFullLoad } : {}) };
    const output = () => ({ ReplicationTask: taskOut(ctx, t) });
    // Synchronous unless a real copy runs, like every other handler.
    const copying = realFullLoad(ctx, t, t.run);
    // A start refused before any copy (bad sandbox configuration) leaves the task as it was.
    const refused = (err: unknown): never => {
      Object.assign(t, before);
      throw err;
    };
    return copying ? copying.then(output, refused) : output();
  },

  StopReplicationTask(input, ctx) {
    const t = requireTask(ctx, input.ReplicationTaskArn);
    if (taskView(ctx, t).status !== 'running' || !t.run) {
      throw dmsErrors.state('Replication Task cannot be stopped, invalid state');
    }
    t.run.stopRequestedAt = ctx.now();
    return { ReplicationTask: taskOut(ctx, t) };
  },

  DeleteReplicationTask(input, ctx) {
    const t = requireTask(ctx, input.ReplicationTaskArn);
    const status = taskView(ctx, t).status;
    if (['creating', 'starting', 'running', 'stopping', 'deleting'].includes(status)) {
      throw dmsErrors.state(`Replication task ${t.id} cannot be deleted while it is ${status}`);
    }
    t.deletingAt = ctx.now();
    return { ReplicationTask: taskOut(ctx, t) };
  },

  DescribeReplicationTasks(input, ctx) {
    let all = Object.values(dmsState(ctx).tasks).sort((a, b) => a.createdAt - b.createdAt);
    const filters = (input.Filters ?? []) as Array<{ Name?: string; Values?: string[] }>;
    const byEndpoint = filters.find((f) => f.Name === 'endpoint-arn');
    if (byEndpoint) {
      all = all.filter((t) => (byEndpoint.Values ?? []).some((v) => v === t.sourceArn || v === t.targetArn));
    }
    const list = applyFilters(all, filters.filter((f) => f !== byEndpoint), {
      'replication-task-arn': (t) => t.arn,
      'replication-task-id': (t) => t.id,
      'migration-type': (t) => t.migrationType,
      'replication-instance-arn': (t) => t.instanceArn,
    });
    if (filters.length && list.length === 0) throw dmsErrors.notFound('No Tasks found matching provided filters');
    const page = paginate(list, input.MaxRecords, input.Marker);
    return {
      ReplicationTasks: page.items.map((t) => taskOut(ctx, t, Boolean(input.WithoutSettings))),
      Marker: page.marker,
    };
  },
};
