/** DMS at verify time: the task's state and each table's final statistics and validation. */
import type { StepContext } from '../../engine/step.js';
import { allTableStatistics, describeTask } from '../../aws/dms/describe.js';
import { interpretTables, interpretTask } from '../../aws/dms/task-status.js';
import type { DmsResult } from '../../reports/verify.js';


export async function checkDms(ctx: StepContext): Promise<DmsResult> {
  const taskArn = ctx.outputsOf('sync').taskArn;
  if (typeof taskArn !== 'string') return { skipped: 'no replication task recorded (sync has not run)', tables: [], validationFailed: 0, validationPending: 0, ok: true };
  const dms = await ctx.aws.dms;
  const task = await describeTask(dms, taskArn);
  const t = interpretTask(task, ctx.config.dms.migrationType);
  const tables = interpretTables(await allTableStatistics(dms, taskArn));
  return {
    task: { id: task.ReplicationTaskIdentifier ?? taskArn, status: t.status, phase: t.phase, ...(t.stopReason ? { stopReason: t.stopReason } : {}) },
    tables: tables.tables,
    validationFailed: tables.totals.validationFailed,
    validationPending: tables.totals.validationPending,
    ok: tables.problems.length === 0 && t.phase !== 'failed',
  };
}
