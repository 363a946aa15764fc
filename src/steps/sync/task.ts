/**
 * The DMS replication task (`<project>-sync`) as a resource: its definition (endpoints,
 * migration type, table mappings and task settings from the versioned templates), found by
 * identifier and tag, created once, brought in line with the config while it is not
 * running, stopped and deleted by destroy.
 */
import {
  CreateReplicationTaskCommand,
  DeleteReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  ListTagsForResourceCommand,
  ModifyReplicationTaskCommand,
  type CreateReplicationTaskCommandInput,
  type DatabaseMigrationServiceClient,
  type ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { isDeepStrictEqual } from 'node:util';
import { CancelledError } from '../../errors.js';
import { waitFor } from '../../aws/wait.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';
import { SOURCE_ENDPOINT, TARGET_ENDPOINT } from './endpoints.js';
import { stopTask } from './lifecycle.js';
import type { TableMappings } from '../../migration/table-mappings.js';
import type { TaskSettings } from './settings.js';

export const REPLICATION_TASK = 'sync.task';
const INSTANCE = 'dms.instance';
const NOT_FOUND = 'ResourceNotFoundFault';

export const taskId = (project: string): string => `${project}-sync`;

export interface TaskDefinition {
  mappings: TableMappings;
  settings: TaskSettings;
}

const arnOf = (t: TaskContext, key: string): string => (t.outputs(key).arn as string | undefined) ?? `<${key}.arn>`;

/** CreateReplicationTask's input: no secret in it, safe to print in a plan. */
export function taskInput(t: TaskContext, def: TaskDefinition): CreateReplicationTaskCommandInput {
  return {
    ReplicationTaskIdentifier: taskId(t.project),
    SourceEndpointArn: arnOf(t, SOURCE_ENDPOINT),
    TargetEndpointArn: arnOf(t, TARGET_ENDPOINT),
    ReplicationInstanceArn: arnOf(t, INSTANCE),
    MigrationType: t.config.dms.migrationType,
    TableMappings: def.mappings.json,
    ReplicationTaskSettings: def.settings.json,
    Tags: t.tags(REPLICATION_TASK, taskId(t.project)),
  };
}

export async function findTask(dms: DatabaseMigrationServiceClient, id: string, withSettings = false): Promise<ReplicationTask | undefined> {
  const out = await unlessNotFound(() => dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: [id] }], WithoutSettings: !withSettings })),
    NOT_FOUND,
  );
  return out?.ReplicationTasks?.find((x) => x.ReplicationTaskIdentifier === id);
}

const found = (x: ReplicationTask): FoundResource => ({
  id: x.ReplicationTaskIdentifier!,
  arn: x.ReplicationTaskArn!,
  outputs: { arn: x.ReplicationTaskArn, migrationType: x.MigrationType },
});

async function owner(dms: DatabaseMigrationServiceClient, arn: string, project: string): Promise<string | undefined> {
  return foreignOwner((await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).TagList, project);
}

/** Ours, and on the same endpoints and instance (a plan's `<…>` placeholders are not compared). */
async function checkExisting(t: TaskContext, dms: DatabaseMigrationServiceClient, x: ReplicationTask): Promise<void> {
  const problems: string[] = [];
  const foreign = await owner(dms, x.ReplicationTaskArn!, t.project);
  if (foreign) problems.push(foreign);
  const same = (what: string, have: string | undefined, want: string) => {
    if (!want.startsWith('<') && have !== want) problems.push(`its ${what} is ${have}, not ${want}`);
  };
  same('source endpoint', x.SourceEndpointArn, arnOf(t, SOURCE_ENDPOINT));
  same('target endpoint', x.TargetEndpointArn, arnOf(t, TARGET_ENDPOINT));
  same('replication instance', x.ReplicationInstanceArn, arnOf(t, INSTANCE));
  if (problems.length) throw conflictError(`DMS replication task ${x.ReplicationTaskIdentifier}`, problems);
}

/** True when every key we set has our value in what DMS stores (DMS adds its defaults around them). */
export function containsSettings(stored: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object' || Array.isArray(wanted)) return isDeepStrictEqual(stored, wanted);
  if (stored === null || typeof stored !== 'object') return false;
  return Object.entries(wanted).every(([k, v]) => containsSettings((stored as Record<string, unknown>)[k], v));
}

const parse = (text: string | undefined): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** What differs between the task DMS holds and the definition from the config, in words. */
export function definitionDrift(x: ReplicationTask, input: CreateReplicationTaskCommandInput): string[] {
  const drift: string[] = [];
  if (x.MigrationType !== input.MigrationType) drift.push(`migration type ${x.MigrationType} → ${input.MigrationType}`);
  const rules = (text: string | undefined) => (parse(text) as { rules?: unknown } | undefined)?.rules;
  if (!isDeepStrictEqual(rules(x.TableMappings), rules(input.TableMappings))) drift.push('table mappings');
  if (!containsSettings(parse(x.ReplicationTaskSettings), parse(input.ReplicationTaskSettings))) drift.push('task settings');
  return drift;
}

export interface Reconciled {
  /** The task sync goes on with: the one found, or the one that replaced it. */
  arn: string;
  modified: string[];
  pending: string[];
  /** The task was deleted and created again (a changed migration type). */
  replaced: boolean;
}

/** Written before a replacement begins, cleared when the new task exists: a resumed run knows it is mid-replacement. */
export const REPLACE_CHECKPOINT = 'task.replace';
export interface ReplaceCheckpoint {
  fromArn: string;
  from: string;
  to: string;
}

const MODIFIABLE = ['ready', 'stopped', 'failed'];

/**
 * Brings an existing task in line with the config. "Modifying a task" (DMS user guide): a
 * task that has run must be stopped or failed to be modified, and "you can't change the
 * migration type of a task". So a running task keeps its definition (warned) until it is
 * stopped; a changed migration type replaces the task (see replaceTask).
 */
export async function reconcileTask(t: TaskContext, def: TaskDefinition, arn: string, task: ResourceTask): Promise<Reconciled> {
  const dms = await t.step.aws.dms;
  const x = await findTask(dms, taskId(t.project), true);
  const unchanged = { arn, modified: [], pending: [], replaced: false };
  if (!x) return unchanged;
  const input = taskInput(t, def);
  const drift = definitionDrift(x, input);
  if (x.MigrationType !== input.MigrationType) {
    return { arn: await replaceTask(t, x, input, task), modified: drift, pending: [], replaced: true };
  }
  // A replacement a crash interrupted after the delete: the graph created the new task.
  const interrupted = t.step.getCheckpoint<ReplaceCheckpoint>(REPLACE_CHECKPOINT);
  if (interrupted && interrupted.fromArn !== x.ReplicationTaskArn) {
    await t.step.checkpoint(REPLACE_CHECKPOINT, null);
    return { ...unchanged, arn: x.ReplicationTaskArn!, modified: [`migration type ${interrupted.from} → ${interrupted.to}`], replaced: true };
  }
  if (drift.length === 0) return { ...unchanged, arn: x.ReplicationTaskArn! };
  if (!MODIFIABLE.includes(x.Status ?? '')) return { ...unchanged, arn: x.ReplicationTaskArn!, pending: drift };
  await dms.send(new ModifyReplicationTaskCommand({
    ReplicationTaskArn: x.ReplicationTaskArn!,
    TableMappings: input.TableMappings,
    ReplicationTaskSettings: input.ReplicationTaskSettings,
  }));
  await waitSettled(t, x.ReplicationTaskArn!);
  return { ...unchanged, arn: x.ReplicationTaskArn!, modified: drift };
}

/**
 * A new migration type needs a new task: the old one is stopped, deleted (waiting until DMS
 * has removed it, since the new one takes the same identifier) and created again from the
 * config. A task that has run is replaced only after the operator confirms (its first run
 * loads every table again). The checkpoint comes first, so a crash anywhere in between is
 * known on resume; the resource task's find/create heal it (a task being deleted is waited
 * for, then created). Returns the new task's ARN; declined, nothing changes and sync stops.
 */
async function replaceTask(t: TaskContext, x: ReplicationTask, input: CreateReplicationTaskCommandInput, task: ResourceTask): Promise<string> {
  const ctx = t.step;
  const dms = await ctx.aws.dms;
  const ran = Boolean(x.ReplicationTaskStartDate || x.ReplicationTaskStats?.StartDate || x.ReplicationTaskStats?.FreshStartDate);
  // Confirmed by the run a crash interrupted: not asked again.
  const confirmed = ctx.getCheckpoint<ReplaceCheckpoint>(REPLACE_CHECKPOINT)?.fromArn === x.ReplicationTaskArn;
  if (ran && !confirmed) {
    const yes = await ctx.io.ask({
      kind: 'confirm',
      code: 'sync.task.replace',
      message: `The replication task ${x.ReplicationTaskIdentifier} is ${x.MigrationType} and the config says ${input.MigrationType}. DMS cannot change a task's migration type: replace the task (stop and delete it, create a new one whose first run loads every table again)?`,
      default: false,
    });
    if (!yes) {
      throw new CancelledError(`Sync stopped: the replication task ${x.ReplicationTaskIdentifier} stays ${x.MigrationType}, and the config says ${input.MigrationType}.`, {
        hint: `Set dms.migrationType back to ${x.MigrationType}, or re-run \`promigrate sync\` and confirm the replacement.`,
      });
    }
  }
  await ctx.checkpoint(REPLACE_CHECKPOINT, { fromArn: x.ReplicationTaskArn!, from: x.MigrationType!, to: input.MigrationType! } satisfies ReplaceCheckpoint);
  ctx.io.notify({ level: 'info', code: 'sync.task.replace', message: `Replacing the replication task: its migration type ${x.MigrationType} becomes ${input.MigrationType} (DMS cannot modify it).` });
  await stopTask(dms, x.ReplicationTaskArn!, { clock: ctx.clock, signal: ctx.signal });
  await unlessNotFound(() => dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: x.ReplicationTaskArn! })), NOT_FOUND);
  const created = await task.create(t);
  await ctx.recordResource(REPLICATION_TASK, { type: task.type, id: created.id, ...(created.arn ? { arn: created.arn } : {}), region: ctx.aws.region });
  const ready = await waitSettled(t, created.arn!);
  await ctx.checkpoint(REPLACE_CHECKPOINT, null);
  return ready.ReplicationTaskArn!;
}

/** Until DMS has removed a task of ours that is being deleted (its identifier is taken until then). */
async function untilDeleted(t: TaskContext, dms: DatabaseMigrationServiceClient, id: string): Promise<void> {
  await waitDeleted({
    what: `DMS replication task ${id}`,
    describe: () => findTask(dms, id),
    status: (y) => y.Status,
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'dmsTask',
  });
}

const TRANSITIONAL = new Set(['creating', 'modifying', 'moving', 'testing']);

/**
 * Until DMS has finished creating or modifying the task. Any settled status is fine here
 * (`ready`, `running`, `stopped`, even `failed`: sync decides what to do with it).
 */
export async function waitSettled(t: TaskContext, arn: string): Promise<ReplicationTask> {
  const dms = await t.step.aws.dms;
  const { value } = await waitFor<ReplicationTask | undefined>({
    what: `DMS replication task ${taskId(t.project)}`,
    describe: async () => (await unlessNotFound(() => dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }], WithoutSettings: true })),
      NOT_FOUND,
    ))?.ReplicationTasks?.[0],
    done: (x) => x !== undefined && !TRANSITIONAL.has(x.Status ?? ''),
    failed: (x) => (x === undefined ? 'it no longer exists' : x.Status === 'deleting' ? 'it is being deleted' : undefined),
    status: (x) => x?.Status,
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'dmsTask',
    readyLabel: 'ready',
  });
  return value!;
}

export function replicationTaskTask(definition: () => TaskDefinition): ResourceTask {
  const lookup = async (t: TaskContext, check: boolean, onForeign?: (why: string) => void) => {
    const dms = await t.step.aws.dms;
    const x = await findTask(dms, taskId(t.project));
    if (!x) return undefined;
    if (check) await checkExisting(t, dms, x);
    else {
      const why = await owner(dms, x.ReplicationTaskArn!, t.project);
      if (why) return void onForeign?.(why);
    }
    return x;
  };
  return {
    key: REPLICATION_TASK,
    type: 'dms:replication-task',
    title: 'DMS replication task (full load + CDC)',
    dependsOn: [SOURCE_ENDPOINT, TARGET_ENDPOINT, INSTANCE],
    find: async (t) => {
      const x = await lookup(t, true);
      // Being deleted (a replacement a crash interrupted): gone for sync, which creates it again.
      return x && x.Status !== 'deleting' ? found(x) : undefined;
    },
    planCreate(t) {
      const input = taskInput(t, definition());
      const { TableMappings, ReplicationTaskSettings, ...rest } = input;
      // Shown as documents, not escaped strings: this is what an operator reviews.
      return [{ operation: 'dms:CreateReplicationTask', params: { ...rest, TableMappings: parse(TableMappings), ReplicationTaskSettings: parse(ReplicationTaskSettings) } }];
    },
    async create(t) {
      const dms = await t.step.aws.dms;
      if ((await findTask(dms, taskId(t.project)))?.Status === 'deleting') await untilDeleted(t, dms, taskId(t.project));
      return createOrAdopt<FoundResource>({
        create: async () => found((await dms.send(new CreateReplicationTaskCommand(taskInput(t, definition())))).ReplicationTask!),
        alreadyExists: ['ResourceAlreadyExistsFault'],
        adopt: async () => {
          const x = await lookup(t, true);
          return x && found(x);
        },
      });
    },
    async waitReady(t, res) {
      const x = await waitSettled(t, res.arn!);
      return { arn: x.ReplicationTaskArn, migrationType: x.MigrationType };
    },
    async destroy(t, id) {
      const dms = await t.step.aws.dms;
      const x = await lookup(t, false, (why) => leaveForeign(t, REPLICATION_TASK, id, why));
      if (!x || x.ReplicationTaskIdentifier !== id) return;
      if (x.Status !== 'deleting') {
        await stopTask(dms, x.ReplicationTaskArn!, { clock: t.step.clock, signal: t.step.signal });
        await unlessNotFound(() => dms.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: x.ReplicationTaskArn! })), NOT_FOUND);
      }
      await untilDeleted(t, dms, id);
    },
    findAll: async (t) => {
      const x = await lookup(t, false);
      return x ? [found(x)] : [];
    },
  };
}
