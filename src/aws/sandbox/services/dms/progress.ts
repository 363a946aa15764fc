/**
 * A replication task's state at any simulated instant, derived from what was stored when
 * it was created and started (nothing advances in the background):
 *
 * - `creating` for `durations.dmsTaskCreate`, then `ready`;
 * - after StartReplicationTask: `starting` for `durations.dmsTaskStart`, then `running`;
 * - full load: tables are loaded `MaxFullLoadSubTasks` at a time (default 8), each at
 *   `durations.dmsFullLoadRowsPerSecond`; then CDC (full-load-and-cdc, cdc) or `stopped`
 *   with "Stop Reason FULL_LOAD_ONLY_FINISHED" (full-load);
 * - full-load-and-cdc with FullLoadSettings.StopTaskCachedChangesNotApplied: `stopped` the
 *   moment the full load ends, "Stop Reason STOPPED_AFTER_FULL_LOAD", no CDC yet; with
 *   StopTaskCachedChangesApplied: `stopped` once the changes cached during the load are
 *   applied (`stopDuration` after the load), "Stop Reason STOPPED_AFTER_CACHED_EVENTS"
 *   ("Full-load task settings"; StopReason in DescribeReplicationTasks). Only a run that
 *   loads tables stops so: resume-processing goes on into CDC without reloading them;
 * - StopReplicationTask: `stopping` for half of `dmsTaskStart`, then `stopped`
 *   ("Stop Reason NORMAL");
 * - `failed` when no table matches the mapping, or when the load of a table named
 *   `__promigrate_fail__` is half done (sandbox-only test affordance).
 */
import type { SimContext } from '../../types.js';
import { seeded } from '../sim-util.js';
import { FAIL_TABLE, MISMATCH_TABLE, settingsOf } from './mapping.js';
import type { TaskRec } from './state.js';

export type TaskStatus =
  | 'creating' | 'ready' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'deleting';

export type TableState = 'Before load' | 'Full load' | 'Table completed' | 'Table error' | 'Table cancelled';

export interface TableView {
  key: string;
  schema: string;
  table: string;
  rows: number;
  state: TableState;
  loadedRows: number;
  loadStart?: number;
  loadEnd?: number;
  reloaded: boolean;
}

export interface TaskView {
  status: TaskStatus;
  stopReason?: string;
  lastFailure?: string;
  tables: TableView[];
  /** The instant progress is frozen at (now, or when the run ended). */
  effective: number;
  startDate?: number;
  stopDate?: number;
  fullLoadStart?: number;
  fullLoadFinish?: number;
  cdcStart?: number;
  cdcEnd?: number;
  cdcBacklogSeconds?: number;
  progressPercent: number;
  elapsedMs: number;
}

export const tableKey = (t: { schema: string; table: string }): string => `${t.schema}.${t.table}`;

export const NO_TABLES_MESSAGE =
  'Last Error No tables were found at task initialization. Either the selected table(s) or schemas(s) do no exist ' +
  'or the associated user does not have sufficient privileges to access them. Task error notification received from ' +
  'subtask 0, thread 0 [reptask/replicationtask.c:2883] [1020439] Stop Reason FATAL_ERROR Error Level FATAL';

const failMessage = (schema: string, table: string, subtask: number, resourceId: string, cause?: string) =>
  `Last Error Load failed for table '${schema}'.'${table}' (${cause ? `sandbox full load: ${cause.replace(/\s+/g, ' ')}` : 'sandbox-injected failure'}). Task error notification received ` +
  `from subtask ${subtask}, thread 0 [reptask/replicationtask.c:2883] [1020417] Error executing source loop; Stream ` +
  `component failed at subtask ${subtask}, component st_${subtask}_${resourceId}; Stream component ` +
  `'st_${subtask}_${resourceId}' terminated [reptask/replicationtask.c:2891] [1020417] Stop Reason FATAL_ERROR Error Level FATAL`;

export const stopDuration = (ctx: SimContext): number => Math.max(1000, Math.floor(ctx.durations.dmsTaskStart / 2));

export function taskView(ctx: SimContext, task: TaskRec, at = ctx.now()): TaskView {
  const d = ctx.durations;
  const empty = { tables: [], effective: at, progressPercent: 0, elapsedMs: 0 };
  if (at < task.createdAt + d.dmsTaskCreate) return { status: task.deletingAt !== undefined ? 'deleting' : 'creating', ...empty };
  const run = task.run;
  if (!run) return { status: task.deletingAt !== undefined ? 'deleting' : 'ready', ...empty };

  const { maxSubTasks } = settingsOf(task);
  const runningAt = run.startedAt + d.dmsTaskStart;
  const toLoad = run.tables.filter((t) => run.toLoad.includes(tableKey(t)));
  const schedule = new Map<string, { start: number; end: number; subtask: number }>();
  const slots: number[] = new Array(Math.max(1, Math.min(maxSubTasks, toLoad.length))).fill(runningAt);
  for (const t of toLoad) {
    const slot = slots.indexOf(Math.min(...slots));
    const start = slots[slot]!;
    const end = start + Math.max(1000, Math.ceil((t.rows / d.dmsFullLoadRowsPerSecond) * 1000));
    slots[slot] = end;
    schedule.set(tableKey(t), { start, end, subtask: slot });
  }
  const loadFinish = toLoad.length ? Math.max(...[...schedule.values()].map((s) => s.end)) : runningAt;

  // The run's first terminal event, if any: failure, end of a full-load-only load, or a stop.
  let failAt: number | undefined;
  let failure: string | undefined;
  if (run.tables.length === 0) {
    failAt = runningAt;
    failure = NO_TABLES_MESSAGE;
  } else {
    const copy = run.copyFailure;
    const bad = toLoad.find((t) => (copy ? tableKey(t) === copy.table : t.table === FAIL_TABLE));
    const slot = bad && schedule.get(tableKey(bad));
    if (bad && slot) {
      failAt = slot.start + Math.max(500, Math.floor((slot.end - slot.start) / 2));
      failure = failMessage(bad.schema, bad.table, slot.subtask, task.resourceId, copy?.message);
    }
  }
  const events: Array<{ at: number; cause: 'fail' | 'finish' | 'pause' | 'stop' }> = [];
  if (failAt !== undefined) events.push({ at: failAt, cause: 'fail' });
  if (task.migrationType === 'full-load') events.push({ at: loadFinish, cause: 'finish' });
  const pause = run.stopAfterFullLoad && toLoad.length > 0 && task.migrationType === 'full-load-and-cdc' ? run.stopAfterFullLoad : undefined;
  if (pause) events.push({ at: pause === 'STOPPED_AFTER_FULL_LOAD' ? loadFinish : loadFinish + stopDuration(ctx), cause: 'pause' });
  if (run.stopRequestedAt !== undefined) events.push({ at: run.stopRequestedAt, cause: 'stop' });
  events.sort((a, b) => a.at - b.at);
  const end = events[0];
  const ended = end !== undefined && at >= end.at;
  const effective = end ? Math.min(at, end.at) : at;

  let status: TaskStatus = 'running';
  let stopReason: string | undefined;
  let stopDate: number | undefined;
  if (task.deletingAt !== undefined) status = 'deleting';
  else if (at < runningAt && !(ended && end!.cause === 'stop')) status = 'starting';
  else if (ended && end!.cause === 'fail') {
    status = 'failed';
    stopReason = 'Stop Reason FATAL_ERROR';
  } else if (ended && (end!.cause === 'finish' || end!.cause === 'pause')) {
    status = 'stopped';
    stopReason = `Stop Reason ${end!.cause === 'finish' ? 'FULL_LOAD_ONLY_FINISHED' : pause}`;
    stopDate = end!.at;
  } else if (ended) {
    const stoppedAt = end!.at + stopDuration(ctx);
    status = at < stoppedAt ? 'stopping' : 'stopped';
    if (status === 'stopped') {
      stopReason = 'Stop Reason NORMAL';
      stopDate = stoppedAt;
    }
  }

  const tables: TableView[] = run.tables.map((t) => {
    const key = tableKey(t);
    const base = { key, schema: t.schema, table: t.table, rows: t.rows, reloaded: run.type === 'reload-target' };
    const previous = task.loaded[key];
    const slot = schedule.get(key);
    if (!slot) {
      if (previous) {
        // What that run loaded (really copied rows), not this run's estimate of the table.
        return { ...base, rows: previous.rows, state: 'Table completed', loadedRows: previous.rows, loadStart: previous.startedAt, loadEnd: previous.finishedAt, reloaded: previous.reloaded };
      }
      return { ...base, state: effective >= runningAt ? 'Table completed' : 'Before load', loadedRows: 0 };
    }
    if (effective < slot.start) return { ...base, state: 'Before load', loadedRows: 0 };
    if (effective >= slot.end) return { ...base, state: 'Table completed', loadedRows: t.rows, loadStart: slot.start, loadEnd: slot.end };
    const loadedRows = Math.floor((t.rows * (effective - slot.start)) / (slot.end - slot.start));
    const failedHere = end?.cause === 'fail' && (run.copyFailure ? key === run.copyFailure.table : t.table === FAIL_TABLE);
    const state: TableState = !ended ? 'Full load' : failedHere ? 'Table error' : 'Table cancelled';
    return { ...base, state, loadedRows, loadStart: slot.start };
  });

  const fullLoadTask = task.migrationType !== 'cdc';
  const total = tables.reduce((n, t) => n + t.rows, 0);
  const done = tables.reduce((n, t) => n + (t.state === 'Table completed' ? t.rows : t.loadedRows), 0);
  const allDone = tables.length > 0 && tables.every((t) => t.state === 'Table completed');
  const progressPercent = !fullLoadTask
    ? (effective >= runningAt ? 100 : 0)
    : total === 0 ? (allDone ? 100 : 0) : Math.floor((100 * done) / total);
  const starts = tables.map((t) => t.loadStart).filter((x): x is number => x !== undefined);

  const cdcFrom = fullLoadTask ? loadFinish : runningAt;
  const cdc = task.migrationType !== 'full-load' && status !== 'failed' && effective >= cdcFrom && (!ended || end!.at > cdcFrom);
  const last = task.cdcHistory[task.cdcHistory.length - 1];
  // Changes wait from the last CDC window, or (first CDC after a stop-after-full-load) since the load began.
  const loadStarts = Object.values(task.loaded).map((l) => l.startedAt);
  const backlog = toLoad.length
    ? (loadFinish - runningAt) / 1000
    : last ? (runningAt - last.end) / 1000 : loadStarts.length ? (runningAt - Math.min(...loadStarts)) / 1000 : 30;

  return {
    status,
    stopReason,
    lastFailure: status === 'failed' ? failure : task.lastFailure,
    tables,
    effective,
    startDate: run.startedAt,
    stopDate,
    fullLoadStart: fullLoadTask && starts.length ? Math.min(...starts) : undefined,
    fullLoadFinish: fullLoadTask && allDone ? Math.max(...tables.map((t) => t.loadEnd ?? 0)) : undefined,
    cdcStart: cdc ? cdcFrom : undefined,
    cdcEnd: cdc && ended ? end!.at : undefined,
    cdcBacklogSeconds: cdc ? backlog : undefined,
    progressPercent,
    elapsedMs: Math.max(0, (stopDate ?? (ended && status === 'failed' ? end!.at : at)) - run.startedAt),
  };
}

export interface ValidationView {
  state: string;
  pending: number;
  failed: number;
}

/** Row-level validation follows each table's load at twice the load rate. */
export function validationView(ctx: SimContext, task: TaskRec, t: TableView, effective: number): ValidationView {
  if (!settingsOf(task).validation) return { state: 'Not enabled', pending: 0, failed: 0 };
  if (t.state === 'Table error') return { state: 'Table error', pending: 0, failed: 0 };
  if (t.state !== 'Table completed' || t.loadEnd === undefined) return { state: 'Pending validation', pending: 0, failed: 0 };
  const duration = Math.max(1000, Math.ceil((t.rows / (2 * ctx.durations.dmsFullLoadRowsPerSecond)) * 1000));
  const validated = Math.min(t.rows, Math.floor((t.rows * Math.max(0, effective - t.loadEnd)) / duration));
  if (validated < t.rows) return { state: 'Pending records', pending: t.rows - validated, failed: 0 };
  if (t.table === MISMATCH_TABLE) return { state: 'Mismatched records', pending: 0, failed: Math.max(1, Math.floor(t.rows / 100)) };
  return { state: 'Validated', pending: 0, failed: 0 };
}

/** All CDC windows of a task (earlier runs and the current one), for CloudWatch. */
export function cdcWindows(ctx: SimContext, task: TaskRec): Array<{ start: number; end?: number; backlogSeconds: number }> {
  const view = taskView(ctx, task);
  const current = view.cdcStart !== undefined
    ? [{ start: view.cdcStart, end: view.cdcEnd, backlogSeconds: view.cdcBacklogSeconds ?? 30 }]
    : [];
  return [...task.cdcHistory, ...current];
}

/** CDCLatencySource/Target (seconds) at `t` inside a CDC window: high after a backlog, decaying to ~1 s. */
export function cdcLatency(
  task: TaskRec,
  window: { start: number; backlogSeconds: number },
  t: number,
): { source: number; target: number } {
  const initial = Math.min(600, Math.max(5, window.backlogSeconds / 10));
  const base = 1 + (initial - 1) * Math.exp(-(t - window.start) / 90_000);
  const minute = Math.floor(t / 60_000);
  const source = Math.max(0, base + (seeded(`${task.resourceId}/s/${minute}`, 0, 60) - 30) / 100);
  const target = source + 0.3 + seeded(`${task.resourceId}/t/${minute}`, 0, 60) / 100;
  return { source: Math.round(source * 1000) / 1000, target: Math.round(target * 1000) / 1000 };
}
