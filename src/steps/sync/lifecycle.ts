/**
 * The replication task's lifecycle: which StartReplicationTaskType to use, starting with a
 * checkpoint first, waiting for `ready`, and stopping for rollback/cleanup.
 */
import {
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import type { Clock } from '../../clock.js';
import { waitFor } from '../../aws/wait.js';
import { describeTask, TaskStateError } from '../../aws/dms/describe.js';
import { interpretTask } from '../../aws/dms/task-status.js';

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';


const RESUME_HINT = 're-run `promigrate sync`: it resumes from what DMS reports';

/**
 * Has DMS ever run this task? DMS is the authority: a start date means it ran. Our checkpoint
 * only counts when DMS shows a state it can reach solely by running (stopped/failed/…): a
 * `ready` task without a start date never ran, even if we checkpointed a start — the crash
 * happened between the checkpoint and the call reaching DMS, so start-replication is still right.
 */
export function hasEverStarted(task: ReplicationTask, checkpointed?: StartType): boolean {
  if (task.ReplicationTaskStartDate || task.ReplicationTaskStats?.StartDate || task.ReplicationTaskStats?.FreshStartDate) {
    return true;
  }
  return checkpointed !== undefined && task.Status !== 'ready';
}

/**
 * DMS's rules (StartReplicationTask API reference): start-replication is the only valid type
 * for a task's first run — resume-processing or reload-target on a never-run task "will result
 * in data errors" (DMS refuses them as InvalidResourceStateFault). After any run (a stop, a
 * failure, our crash), resume-processing continues from the last stop position without
 * reloading finished tables; start-replication is refused then. reload-target reloads every
 * table and restarts CDC: destructive for the target, so only when the operator asks (--reload).
 *
 * Returns undefined when the task is already starting or running: nothing to do.
 */
export function chooseStartType(opts: { everStarted: boolean; status: string; reload: boolean }): StartType | undefined {
  const { everStarted, status, reload } = opts;
  switch (status) {
    case 'starting':
    case 'running':
      if (reload) {
        throw new TaskStateError(
          `The replication task is ${status}; a reload needs it stopped first`,
          status,
          'stop the task (or run without --reload to keep the current run), then re-run `promigrate sync --reload`',
        );
      }
      return undefined;
    case 'ready':
      // A never-run task gets its full load from start-replication; --reload adds nothing.
      if (!everStarted) return 'start-replication';
      return reload ? 'reload-target' : 'resume-processing';
    case 'stopped':
    case 'failed':
      // Only a run gets a task here, so it has started before whatever our inputs say.
      return reload ? 'reload-target' : 'resume-processing';
    case 'creating':
    case 'stopping':
    case 'modifying':
    case 'moving':
    case 'testing':
      throw new TaskStateError(
        `The replication task is ${status} and cannot be started until DMS finishes that`,
        status,
        `wait a minute, then ${RESUME_HINT}`,
      );
    default: // deleting, failed-move, unknown
      throw new TaskStateError(
        `The replication task is ${status} and cannot be started`,
        status,
        status === 'deleting'
          ? 'the task is being deleted; remove it from the state (or let promigrate recreate it), then re-run `promigrate sync`'
          : 'check the task in the DMS console, then re-run `promigrate sync`',
      );
  }
}


const isStateFault = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'InvalidResourceStateFault';

/**
 * Checkpoints the start type, then starts. The checkpoint comes first so that a crash after
 * DMS accepted the call is known on resume; the opposite crash (checkpoint written, call lost)
 * is healed by hasEverStarted. When DMS refuses because the task is already starting/running
 * (another process, or our own lost response), that run is accepted.
 */
export async function startTask(
  dms: DatabaseMigrationServiceClient,
  arn: string,
  type: StartType,
  checkpoint: (startType: StartType) => Promise<void>,
): Promise<{ task: ReplicationTask; alreadyRunning: boolean }> {
  await checkpoint(type);
  try {
    const out = await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: type }));
    return { task: out.ReplicationTask ?? (await describeTask(dms, arn)), alreadyRunning: false };
  } catch (err) {
    if (!isStateFault(err)) throw err;
    const task = await describeTask(dms, arn);
    if (task.Status === 'starting' || task.Status === 'running') return { task, alreadyRunning: true };
    throw new TaskStateError(
      `DMS refused to start the replication task with ${type} while it is ${task.Status}: ${(err as Error).message}`,
      task.Status ?? 'unknown',
      RESUME_HINT,
    );
  }
}

export interface WaitTaskOptions {
  clock: Clock;
  signal?: AbortSignal;
  onPoll?: (task: ReplicationTask) => void;
}

/** After CreateReplicationTask: `ready` is success (not "not running yet"); `failed` ends the wait with DMS's reason. */
export async function waitForTaskReady(
  dms: DatabaseMigrationServiceClient,
  arn: string,
  opts: WaitTaskOptions,
): Promise<ReplicationTask> {
  const { value } = await waitFor({
    what: `DMS replication task ${taskName(arn)}`,
    describe: () => describeTask(dms, arn),
    done: (t) => t.Status === 'ready',
    failed: (t) =>
      t.Status === 'failed' ? interpretTask(t, t.MigrationType ?? '').failure
      : t.Status === 'deleting' ? 'it is being deleted'
      : undefined,
    status: (t) => t.Status,
    clock: opts.clock,
    preset: 'dmsTask',
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onPoll ? { onPoll: (t: ReplicationTask) => opts.onPoll!(t) } : {}),
  });
  return value;
}

/**
 * Stops a running task and waits until it is no longer running (`stopped`, or `failed` if it
 * failed meanwhile — for cleanup either is fine). Already stopped, failed or never started: no call.
 */
export async function stopTask(dms: DatabaseMigrationServiceClient, arn: string, opts: WaitTaskOptions): Promise<ReplicationTask> {
  const wait = (done: (t: ReplicationTask) => boolean, readyLabel: string) =>
    waitFor({
      what: `DMS replication task ${taskName(arn)}`,
      describe: () => describeTask(dms, arn),
      done,
      status: (t) => t.Status,
      clock: opts.clock,
      preset: 'dmsTask',
      readyLabel,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onPoll ? { onPoll: (t: ReplicationTask) => opts.onPoll!(t) } : {}),
    }).then((r) => r.value);
  const idle = (t: ReplicationTask) => ['stopped', 'failed', 'ready'].includes(t.Status ?? '');

  let task = await describeTask(dms, arn);
  // DMS refuses StopReplicationTask while a task is still starting.
  if (task.Status === 'starting') task = await wait((t) => t.Status !== 'starting', 'running');
  if (task.Status === 'running') {
    try {
      await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
    } catch (err) {
      if (!isStateFault(err)) throw err; // stopped or stopping meanwhile: the wait below settles it
    }
  }
  if (idle(task)) return task;
  return wait(idle, 'stopped');
}

function taskName(arn: string): string {
  return arn.split(':').pop() ?? arn;
}
