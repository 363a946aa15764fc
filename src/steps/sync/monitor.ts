/**
 * Watches a started replication task until sync is done: every table fully loaded (and
 * validated, when validation is on) and — for full-load-and-cdc — CDC latency at or below
 * the threshold for N consecutive CloudWatch samples. The task keeps running afterwards.
 * A failed or stopped task, a table error or a validation mismatch ends the watch with an
 * error naming the tables and DMS's reason.
 */
import {
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Clock } from '../../clock.js';
import { ExitCode, PromigrateError } from '../../errors.js';
import { allTableStatistics, describeTask } from '../../aws/dms/describe.js';
import { cdcLatencySamples, stableRun, type LatencySample } from '../../aws/dms/cdc-latency.js';
import { interpretTables, interpretTask, type TableView, type TaskInterpretation, type TablesInterpretation } from '../../aws/dms/task-status.js';

/** DMS refreshes table statistics every few seconds and CloudWatch once a minute: 15 s is plenty. */
export const POLL_MS = 15_000;
const RESUME = 're-run `promigrate sync`: it resumes the task (resume-processing) without reloading finished tables';

export class SyncFailedError extends PromigrateError {
  constructor(message: string, readonly tables: string[], hint: string) {
    super(message, ExitCode.stepFailed, { hint });
  }
}

export interface SyncSample {
  task: TaskInterpretation;
  tables: TablesInterpretation;
  /** Estimated rows per `schema.table` from the assessment (catalog statistics). */
  estimated: Map<string, number>;
  latency: LatencySample[];
  /** Consecutive latest samples at or below the threshold. */
  stableSamples: number;
  validationSettled: boolean;
  done: boolean;
  /** Stopped by DMS after the full load, before applying cached changes (StopTaskCachedChangesNotApplied). */
  pausedAfterFullLoad: boolean;
}

export interface MonitorOptions {
  dms: DatabaseMigrationServiceClient;
  cloudwatch: () => Promise<CloudWatchClient>;
  taskArn: string;
  instanceId: string;
  migrationType: string;
  estimated: Map<string, number>;
  thresholdSeconds: number;
  stableSamples: number;
  clock: Clock;
  signal?: AbortSignal;
  pollMs?: number;
  /**
   * `full-load`: watch only until every table is loaded — the task paused after the full
   * load, or already past it (CDC, or a finished full-load-only task). Default: until sync is done.
   */
  until?: 'full-load' | 'synced';
  onSample(sample: SyncSample): void;
}


const UNSETTLED_VALIDATION = new Set(['Pending validation', 'Pending records', 'Ready to validate', 'Validating']);

/** Every table's row-level validation has been through its rows (or validation does not apply to it). */
export function validationSettled(tables: TableView[]): boolean {
  return tables.every((t) => !UNSETTLED_VALIDATION.has(t.validation.state) && t.validation.pending === 0);
}


function failure(task: ReplicationTask, interp: TaskInterpretation, tables: TablesInterpretation): SyncFailedError | undefined {
  const names = [...new Set(tables.problems.map((p) => `${p.schema}.${p.table}`))];
  const problems = tables.problems.map((p) => p.message).join('; ');
  if (interp.phase === 'failed') {
    return new SyncFailedError(
      `The replication task ${task.ReplicationTaskIdentifier} failed: ${interp.failure}${problems ? `; ${problems}` : ''}.`,
      names,
      `Fix the cause DMS names (see the task's CloudWatch log), then ${RESUME}.`,
    );
  }
  if (interp.phase === 'stopped') {
    return new SyncFailedError(
      `The replication task ${task.ReplicationTaskIdentifier} was stopped${interp.stopReason ? ` (stop reason ${interp.stopReason})` : ''} before sync was done.`,
      names,
      RESUME.replace(/^re-run/, 'Re-run'),
    );
  }
  if (tables.problems.length) {
    return new SyncFailedError(
      `DMS reports problems in ${names.length} table(s): ${problems}.`,
      names,
      'Look at the tables named (DMS keeps mismatched keys in awsdms_validation_failures_v1 on the target); fix the data or the table mapping, then re-run `promigrate sync --reload` to load them again.',
    );
  }
  return undefined;
}

export async function monitorTask(opts: MonitorOptions): Promise<SyncSample> {
  const pollMs = opts.pollMs ?? POLL_MS;
  for (;;) {
    const task = await describeTask(opts.dms, opts.taskArn);
    const interp = interpretTask(task, opts.migrationType);
    const tables = interpretTables(await allTableStatistics(opts.dms, opts.taskArn));
    const paused = interp.phase === 'stopped' && interp.stopReason === 'STOPPED_AFTER_FULL_LOAD' && tables.allLoaded && tables.problems.length === 0;
    if (opts.until === 'full-load' && paused) {
      const sample: SyncSample = { task: interp, tables, estimated: opts.estimated, latency: [], stableSamples: 0, validationSettled: validationSettled(tables.tables), done: true, pausedAfterFullLoad: true };
      opts.onSample(sample);
      return sample;
    }
    const error = failure(task, interp, tables);
    if (error) throw error;

    let latency: LatencySample[] = [];
    if (interp.phase === 'cdc') {
      // Only this run's samples: an earlier run's CDC says nothing about now.
      const since = task.ReplicationTaskStartDate ? new Date(task.ReplicationTaskStartDate).getTime() : 0;
      const all = await cdcLatencySamples(await opts.cloudwatch(), { instanceId: opts.instanceId, taskArn: opts.taskArn }, opts.clock.now(), opts.stableSamples + 2);
      latency = all.filter((s) => s.at >= since);
    }
    const stableSamples = stableRun(latency, opts.thresholdSeconds);
    const settled = validationSettled(tables.tables);
    const loaded = tables.allLoaded;
    const done = opts.until === 'full-load'
      ? loaded && (interp.phase === 'finished' || interp.phase === 'cdc')
      : opts.migrationType === 'full-load'
        ? interp.phase === 'finished' && loaded && settled
        : interp.phase === 'cdc' && loaded && settled && stableSamples >= opts.stableSamples;
    const sample: SyncSample = { task: interp, tables, estimated: opts.estimated, latency, stableSamples, validationSettled: settled, done, pausedAfterFullLoad: false };
    opts.onSample(sample);
    if (done) return sample;
    await opts.clock.sleep(pollMs, opts.signal);
  }
}
