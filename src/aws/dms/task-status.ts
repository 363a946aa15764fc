/**
 * Pure interpretation of what DMS describes: a replication task's status and stop reason,
 * per-table statistics, and CDC latency samples. No AWS calls here.
 *
 * Values follow the DMS API reference: task Status (creating, ready, starting, running,
 * stopping, stopped, failed, deleting, modifying, moving, failed-move, testing),
 * StopReason ("Stop Reason NORMAL", "… FULL_LOAD_ONLY_FINISHED", "… RECOVERABLE_ERROR",
 * "… FATAL_ERROR", "… STOPPED_AFTER_FULL_LOAD", …), TableState and ValidationState.
 */
import type { MigrationTypeValue, ReplicationTask, TableStatistics } from '@aws-sdk/client-database-migration-service';

export type TaskPhase =
  | 'creating' | 'ready' | 'starting' | 'full-load' | 'cdc' | 'stopped' | 'finished' | 'failed' | 'stopping' | 'other';

export interface TaskInterpretation {
  phase: TaskPhase;
  /** The task will not move on its own (ready, stopped, finished, failed): act, or stop polling. */
  terminal: boolean;
  /** A stopped or failed task that `resume-processing` can continue. */
  resumable: boolean;
  /** DMS's status as reported. */
  status: string;
  /** The stop reason without the "Stop Reason " prefix, e.g. `NORMAL`. */
  stopReason?: string;
  /** Why the task failed, in words (DMS's LastFailureMessage, trimmed of log noise). */
  failure?: string;
  /** DMS's LastFailureMessage as is, for logs. */
  failureDetail?: string;
  fullLoadPercent?: number;
}

const STOP_REASON_WORDS: Record<string, string> = {
  FATAL_ERROR: 'a fatal error',
  RECOVERABLE_ERROR: 'an error DMS could not recover from by retrying',
  STOPPED_DUE_TO_LOW_MEMORY: 'the replication instance ran low on memory',
  STOPPED_DUE_TO_LOW_DISK: 'the replication instance ran low on disk',
  EXPRESS_LICENSE_LIMITS_REACHED: 'the source engine license limits',
};

export function normalizeStopReason(raw: string | undefined): string | undefined {
  const s = raw?.trim().replace(/^Stop Reason\s+/i, '');
  return s ? s.toUpperCase() : undefined;
}

/**
 * "Last Error Load failed for table 'shop'.'x'. Task error notification received from subtask 0,
 * thread 0 [reptask/replicationtask.c:2883] [1020417] … Stop Reason FATAL_ERROR Error Level FATAL"
 * → "Load failed for table 'shop'.'x'". The first sentence names the table and the cause; the rest
 * is DMS's internal trace, kept in failureDetail.
 */
export function humanFailure(message: string | undefined): string | undefined {
  if (!message?.trim()) return undefined;
  let s = message.trim().replace(/^Last Error\s+/i, '');
  s = s.replace(/\s*Stop Reason\s+\S+(\s+Error Level\s+\S+)?\s*$/i, '');
  const cut = s.search(/\.?\s+Task error notification received|\s+\[[\w/.-]+:\d+\]/);
  if (cut > 0) s = s.slice(0, cut);
  return s.replace(/\.$/, '').trim() || message.trim();
}

function failureOf(task: ReplicationTask, reason: string | undefined): string {
  const words = humanFailure(task.LastFailureMessage);
  const why = reason && STOP_REASON_WORDS[reason];
  if (words && why) return `${words} (stopped by ${why})`;
  return words ?? (why ? `DMS stopped the task because of ${why}` : 'DMS reports the task failed without a message');
}

export function interpretTask(task: ReplicationTask, migrationType: MigrationTypeValue | string): TaskInterpretation {
  const status = task.Status ?? 'unknown';
  const stopReason = normalizeStopReason(task.StopReason);
  const fullLoadPercent = task.ReplicationTaskStats?.FullLoadProgressPercent;
  const base = { status, ...(stopReason ? { stopReason } : {}), ...(fullLoadPercent !== undefined ? { fullLoadPercent } : {}) };
  const detail = task.LastFailureMessage ? { failureDetail: task.LastFailureMessage } : {};
  const failed = (): TaskInterpretation => ({
    ...base, ...detail, phase: 'failed', terminal: true, resumable: true, failure: failureOf(task, stopReason),
  });
  const moving = (phase: TaskPhase, terminal = false): TaskInterpretation => ({ ...base, phase, terminal, resumable: false });

  switch (status) {
    case 'creating': return moving('creating');
    case 'ready': return moving('ready', true);
    case 'starting': return moving('starting');
    case 'stopping': return moving('stopping');
    case 'running': return moving(runningPhase(task, migrationType));
    case 'failed':
    case 'failed-move':
      return failed();
    case 'stopped': {
      // The one "stopped" that is success: a full-load-only task that loaded everything.
      if (stopReason === 'FULL_LOAD_ONLY_FINISHED' && migrationType === 'full-load') {
        return { ...base, phase: 'finished', terminal: true, resumable: false };
      }
      if (stopReason && (STOP_REASON_WORDS[stopReason] || /ERROR/.test(stopReason))) return failed();
      // NORMAL (a user or program stop), STOPPED_AFTER_FULL_LOAD / _CACHED_EVENTS (stop-after
      // settings), or no reason: nothing went wrong, resume-processing continues.
      return { ...base, ...detail, phase: 'stopped', terminal: true, resumable: true };
    }
    default: return moving('other'); // deleting, modifying, moving, testing
  }
}

/** A running task is in full load until DMS reports it finished; CDC follows for full-load-and-cdc. */
function runningPhase(task: ReplicationTask, migrationType: string): TaskPhase {
  if (migrationType === 'cdc') return 'cdc';
  if (migrationType === 'full-load') return 'full-load';
  const s = task.ReplicationTaskStats;
  const loaded = s?.FullLoadFinishDate !== undefined ||
    (s?.FullLoadProgressPercent === 100 && !s.TablesLoading && !s.TablesQueued && !s.TablesErrored);
  return loaded ? 'cdc' : 'full-load';
}

export interface TableView {
  schema: string;
  table: string;
  state: string;
  rowsLoaded: number;
  inserts: number;
  updates: number;
  deletes: number;
  validation: { state: string; pending: number; failed: number; suspended: number };
  /** Why this table is a problem, in words naming DMS's state. */
  error?: string;
}

export interface TablesInterpretation {
  tables: TableView[];
  totals: {
    tables: number; completed: number; loading: number; queued: number; errored: number;
    rowsLoaded: number; inserts: number; updates: number; deletes: number;
    validationPending: number; validationFailed: number;
  };
  /** Every table reports "Table completed" (and there is at least one). */
  allLoaded: boolean;
  /** Table errors and validation failures: the step must fail naming these. */
  problems: Array<{ schema: string; table: string; message: string }>;
  /** Worth telling the operator, not failing for: suspended validation, no primary key, validation off. */
  warnings: Array<{ schema: string; table: string; message: string }>;
}

const PROBLEM_TABLE_STATES = new Set(['Table error', 'Table does not exist']);

export function interpretTables(stats: TableStatistics[]): TablesInterpretation {
  const problems: TablesInterpretation['problems'] = [];
  const warnings: TablesInterpretation['warnings'] = [];
  const tables = stats.map((s): TableView => {
    const schema = s.SchemaName ?? '';
    const table = s.TableName ?? '';
    const name = `${schema}.${table}`;
    const state = s.TableState ?? 'unknown';
    const v = {
      state: s.ValidationState ?? 'Not enabled',
      pending: s.ValidationPendingRecords ?? 0,
      failed: s.ValidationFailedRecords ?? 0,
      suspended: s.ValidationSuspendedRecords ?? 0,
    };
    const details = s.ValidationStateDetails ? ` (${s.ValidationStateDetails})` : '';
    const errors: string[] = [];
    if (PROBLEM_TABLE_STATES.has(state)) errors.push(`DMS reports "${state}" for ${name}`);
    if (v.state === 'Mismatched records') {
      errors.push(`validation of ${name} found ${v.failed} mismatched record(s) ("Mismatched records")${details}`);
    } else if (v.state === 'Error') {
      errors.push(`validation of ${name} failed ("Error")${details}`);
    } else if (v.state === 'Suspended records' || v.state === 'No primary key') {
      warnings.push({ schema, table, message: `validation of ${name}: "${v.state}"${v.suspended ? `, ${v.suspended} suspended` : ''}${details}` });
    } else if (v.state === 'Not enabled') {
      warnings.push({ schema, table, message: `validation is not enabled for ${name} ("Not enabled")` });
    }
    for (const message of errors) problems.push({ schema, table, message });
    return {
      schema, table, state,
      rowsLoaded: s.FullLoadRows ?? 0,
      inserts: s.Inserts ?? 0,
      updates: s.Updates ?? 0,
      deletes: s.Deletes ?? 0,
      validation: v,
      ...(errors.length ? { error: errors.join('; ') } : {}),
    };
  });
  const count = (st: string) => tables.filter((t) => t.state === st).length;
  const sum = (f: (t: TableView) => number) => tables.reduce((n, t) => n + f(t), 0);
  return {
    tables,
    totals: {
      tables: tables.length,
      completed: count('Table completed'),
      loading: count('Full load') + count('Table is being reloaded'),
      queued: count('Before load'),
      errored: tables.filter((t) => PROBLEM_TABLE_STATES.has(t.state)).length,
      rowsLoaded: sum((t) => t.rowsLoaded),
      inserts: sum((t) => t.inserts),
      updates: sum((t) => t.updates),
      deletes: sum((t) => t.deletes),
      validationPending: sum((t) => t.validation.pending),
      validationFailed: sum((t) => t.validation.failed),
    },
    allLoaded: tables.length > 0 && tables.every((t) => t.state === 'Table completed'),
    problems,
    warnings,
  };
}

/** CDC latency (seconds, source and target) has stayed ≤ threshold for the last `needed` samples. */
export function cdcStable(samples: Array<{ source: number; target: number }>, thresholdSeconds: number, needed: number): boolean {
  const n = Math.max(1, Math.floor(needed));
  if (samples.length < n) return false;
  return samples.slice(-n).every((s) =>
    Number.isFinite(s.source) && Number.isFinite(s.target) && s.source <= thresholdSeconds && s.target <= thresholdSeconds);
}
