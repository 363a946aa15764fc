/**
 * What DMS says about a replication task right now: the task itself and every table's
 * statistics. Read by sync (while it watches), cutover (its gate) and verify (its report).
 */
import {
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
  type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { ExitCode, PromigrateError } from '../../errors.js';

/** The task is in a state StartReplicationTask would refuse, or one we must not start from. */
export class TaskStateError extends PromigrateError {
  constructor(message: string, readonly status: string, hint: string) {
    super(message, ExitCode.stepFailed, { hint });
  }
}

const RESUME_HINT = 're-run `promigrate sync`: it resumes from what DMS reports';

export async function describeTask(dms: DatabaseMigrationServiceClient, arn: string): Promise<ReplicationTask> {
  const out = await dms.send(new DescribeReplicationTasksCommand({
    Filters: [{ Name: 'replication-task-arn', Values: [arn] }],
    WithoutSettings: true,
  }));
  const task = out.ReplicationTasks?.[0];
  if (!task) throw new TaskStateError(`Replication task ${arn} was not found`, 'missing', RESUME_HINT);
  return task;
}

export async function allTableStatistics(dms: DatabaseMigrationServiceClient, taskArn: string): Promise<TableStatistics[]> {
  const all: TableStatistics[] = [];
  let marker: string | undefined;
  do {
    const out = await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 500, ...(marker ? { Marker: marker } : {}) }));
    all.push(...(out.TableStatistics ?? []));
    marker = out.Marker;
  } while (marker);
  return all;
}
