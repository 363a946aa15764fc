/**
 * Sync: DMS endpoints (tested from the replication instance), the replication task with
 * mappings and settings from the templates, started with the right start type, watched
 * until every table is loaded and CDC has caught up. The task keeps running until cutover.
 */
import type { DatabaseMigrationServiceClient, ReplicationTask } from '@aws-sdk/client-database-migration-service';
import type { MigrationConfig } from '../../config/schema.js';
import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { applyGraph, planGraph } from '../../engine/resources/graph.js';
import { graphHooks } from '../../engine/resources/record.js';
import { taskContext, type TaskContextOptions } from '../../engine/resources/context.js';
import type { FoundResource, TaskContext } from '../../engine/resources/task.js';
import { estimatedRows, readAssessment, type Assessment } from './assessment.js';
import { SOURCE_ENDPOINT, TARGET_ENDPOINT, endpointTasks, sourceEndpointParams, targetEndpointParams, optionsFromConfig } from './endpoints.js';
import { describeTask } from '../../aws/dms/describe.js';
import { chooseStartType, hasEverStarted, startTask, stopTask, type StartType } from './lifecycle.js';
import { normalizeStopReason } from '../../aws/dms/task-status.js';
import { phaseSummary, planSchemaPhase, runSchemaPhase } from '../../migration/target-schema.js';
import { buildTableMappings } from '../../migration/table-mappings.js';
import { monitorTask, POLL_MS, type SyncSample } from './monitor.js';
import { sampleData, sampleText } from './progress.js';
import { buildTaskSettings } from './settings.js';
import { REPLICATION_TASK, definitionDrift, findTask, reconcileTask, replicationTaskTask, taskId, taskInput, type TaskDefinition } from './task.js';
import { SYNC } from '../catalog.js';

/** Sync's tasks stand on provision's resources (the replication instance, the RDS instance). */
const STANDS_ON_PROVISION: TaskContextOptions = { fallbackOutputsFrom: ['provision'] };

const START_CHECKPOINT = 'start';

interface StartCheckpoint {
  type: StartType;
  /** On the run's clock, when the start was decided (before the call). */
  at: number;
}

function definition(config: MigrationConfig, assessment: Assessment): TaskDefinition {
  return {
    mappings: buildTableMappings(config, assessment.inventory),
    settings: buildTaskSettings(config, assessment.inventory, assessment.largestLobBytes),
  };
}

const tasksFor = (def: TaskDefinition) => [...endpointTasks(), replicationTaskTask(() => def)];

const doneText = (config: MigrationConfig) =>
  config.dms.migrationType === 'full-load'
    ? 'every table loaded (and validated)'
    : `every table loaded (and validated) and CDC latency ≤ ${config.dms.cdcLatencyThresholdSeconds} s on source and target for ${config.dms.cdcStableSamples} consecutive samples`;

async function planStart(t: TaskContext, dms: DatabaseMigrationServiceClient, reload: boolean): Promise<PlannedChange> {
  const existing = await findTask(dms, taskId(t.project));
  const arn = existing?.ReplicationTaskArn ?? `<${REPLICATION_TASK}.arn>`;
  if (!existing) {
    return { action: 'call', target: REPLICATION_TASK, description: 'dms:StartReplicationTask start-replication (the first run: full load, then CDC)', details: { operation: 'dms:StartReplicationTask', params: { ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' } } };
  }
  const status = existing.Status ?? 'unknown';
  const checkpointed = t.step.getCheckpoint<StartCheckpoint>(START_CHECKPOINT)?.type;
  let type: StartType | undefined;
  try {
    type = chooseStartType({ everStarted: hasEverStarted(existing, checkpointed), status, reload: reload && !['running', 'starting'].includes(status) });
  } catch (err) {
    return { action: 'check', target: REPLICATION_TASK, description: (err as Error).message };
  }
  if (reload && (status === 'running' || status === 'starting')) {
    return { action: 'call', target: REPLICATION_TASK, description: `dms:StopReplicationTask, then dms:StartReplicationTask reload-target (after confirmation: every target table is truncated and loaded again)`, details: { operation: 'dms:StartReplicationTask', params: { ReplicationTaskArn: arn, StartReplicationTaskType: 'reload-target' } } };
  }
  if (!type) return { action: 'noop', target: REPLICATION_TASK, description: `the task is ${status}: no start call, only watching it` };
  return { action: 'call', target: REPLICATION_TASK, description: `dms:StartReplicationTask ${type} (the task is ${status})`, details: { operation: 'dms:StartReplicationTask', params: { ReplicationTaskArn: arn, StartReplicationTaskType: type } } };
}

/** Stops a running task for --reload after the operator confirms; false when declined. */
async function stopForReload(ctx: StepContext, dms: DatabaseMigrationServiceClient, task: ReplicationTask): Promise<boolean> {
  const yes = await ctx.io.ask({
    kind: 'confirm',
    code: 'sync.reload',
    message: `Reload every table? The running task ${task.ReplicationTaskIdentifier} is stopped, each target table truncated and loaded again, then CDC restarts.`,
    default: false,
  });
  if (!yes) return false;
  await stopTask(dms, task.ReplicationTaskArn!, { clock: ctx.clock, signal: ctx.signal });
  return true;
}

/** A --reload repeated after a crash must not reload a second time: the run it started is still going. */
function reloadAlreadyStarted(ctx: StepContext, task: ReplicationTask): boolean {
  const cp = ctx.getCheckpoint<StartCheckpoint>(START_CHECKPOINT);
  const started = task.ReplicationTaskStartDate ? new Date(task.ReplicationTaskStartDate).getTime() : undefined;
  return cp?.type === 'reload-target' && started !== undefined && started >= cp.at - 60_000 && ['starting', 'running'].includes(task.Status ?? '');
}

async function start(ctx: StepContext, dms: DatabaseMigrationServiceClient, arn: string): Promise<StartType | undefined> {
  let task = await describeTask(dms, arn);
  let reload = ctx.options.reload === true;
  if (reload && reloadAlreadyStarted(ctx, task)) {
    ctx.io.notify({ level: 'info', code: 'sync.reload.running', message: 'The reload started by an earlier run is still running; watching it instead of reloading again.' });
    reload = false;
  }
  if (reload && (task.Status === 'running' || task.Status === 'starting')) {
    if (!(await stopForReload(ctx, dms, task))) {
      ctx.io.notify({ level: 'info', code: 'sync.reload.declined', message: 'Reload declined; watching the running task.' });
      reload = false;
    }
    task = await describeTask(dms, arn);
  }
  const checkpointed = ctx.getCheckpoint<StartCheckpoint>(START_CHECKPOINT)?.type;
  const type = chooseStartType({ everStarted: hasEverStarted(task, checkpointed), status: task.Status ?? 'unknown', reload });
  if (!type) {
    ctx.io.notify({ level: 'info', code: 'sync.watch', message: `The replication task is already ${task.Status}; watching it.` });
    return undefined;
  }
  ctx.io.notify({ level: 'info', code: 'sync.start', message: `Starting the replication task with ${type}${task.Status === 'ready' ? '' : ` (it was ${task.Status})`}.`, data: { startType: type, status: task.Status } });
  const { alreadyRunning } = await startTask(dms, arn, type, (startType) => ctx.checkpoint(START_CHECKPOINT, { type: startType, at: ctx.clock.now() } satisfies StartCheckpoint));
  if (alreadyRunning) ctx.io.notify({ level: 'info', code: 'sync.watch', message: 'DMS reports the task already started; watching it.' });
  return type;
}

const isPausedAfterFullLoad = (task: ReplicationTask): boolean =>
  task.Status === 'stopped' && normalizeStopReason(task.StopReason) === 'STOPPED_AFTER_FULL_LOAD';

async function schemaPhase(ctx: StepContext, assessment: Assessment, phase: 'pre-data' | 'post-load'): Promise<void> {
  const outcome = await runSchemaPhase(ctx, assessment.inventory, phase);
  // The same source, read again: its warnings were given with the first phase.
  if (phase === 'pre-data') for (const message of outcome.warnings) ctx.io.notify({ level: 'warn', code: 'sync.schema.warning', message });
  ctx.io.notify({ level: 'info', code: `sync.schema.${phase}`, message: phaseSummary(outcome), data: { phase, applied: outcome.applied.map((s) => s.id), present: outcome.present, ...(outcome.skipped ? { skipped: outcome.skipped } : {}) } });
}

function reporter(ctx: StepContext) {
  const { cdcLatencyThresholdSeconds: threshold, cdcStableSamples: needed } = ctx.config.dms;
  let lastText = '';
  const completed = new Set<string>();
  return (s: SyncSample): void => {
    for (const t of s.tables.tables) {
      const key = `${t.schema}.${t.table}`;
      if (t.state !== 'Table completed' || completed.has(key)) continue;
      completed.add(key);
      ctx.io.notify({ level: 'info', code: 'sync.table.loaded', message: `  ${key}: ${t.rowsLoaded.toLocaleString('en-US')} rows loaded`, data: { schema: t.schema, table: t.table, rows: t.rowsLoaded } });
    }
    for (const w of s.tables.warnings) {
      const key = `warn:${w.schema}.${w.table}:${w.message}`;
      if (completed.has(key)) continue;
      completed.add(key);
      ctx.io.notify({ level: 'warn', code: 'sync.table.warning', message: w.message, data: { schema: w.schema, table: w.table } });
    }
    const text = sampleText(s, threshold, needed);
    if (text === lastText && !s.done) return;
    lastText = text;
    ctx.io.progress('sync.progress', text, sampleData(s));
  };
}

export const syncStep: Step = {
  ...SYNC,

  async plan(ctx): Promise<PlannedChange[]> {
    // Planned before assess has run (`promigrate plan` on a new project): the definition
    // without the inventory; the selected tables are known once assess has written its report.
    const assessed = ctx.state().steps.assess?.status === 'done';
    const assessment = assessed ? readAssessment(ctx.stateDir) : undefined;
    const def = assessment ? definition(ctx.config, assessment) : { mappings: buildTableMappings(ctx.config), settings: buildTaskSettings(ctx.config) };
    const t = taskContext(ctx, new Map(), STANDS_ON_PROVISION);
    const known = new Set(Object.keys(ctx.state().resources));
    const changes = await planSchemaPhase(ctx, assessment?.inventory, 'pre-data', 'before the full load (tables, views, routines)');
    changes.push(...(await planGraph(tasksFor(def), t, known)));
    const endpoints = [sourceEndpointParams(t, optionsFromConfig(t)), targetEndpointParams(t)].map((p) => ({
      ...p.input,
      ...(p.password ? { Password: p.password.shown } : {}),
    }));
    changes.push({
      action: 'check', target: 'sync.endpoints', description: 'endpoint definitions (passwords are read at call time, never stored)', document: endpoints,
    });
    changes.push({
      action: 'call', target: 'sync.endpoints',
      description: `dms:TestConnection of ${SOURCE_ENDPOINT} and ${TARGET_ENDPOINT} from the replication instance, waiting for "successful"`,
    });
    const dms = await ctx.aws.dms;
    const existing = await findTask(dms, taskId(ctx.project), true);
    const input = taskInput(t, def);
    const drift = existing ? definitionDrift(existing, input) : [];
    changes.push({
      action: existing ? (drift.length ? 'update' : 'noop') : 'check',
      target: 'sync.task.definition',
      description: `${assessment ? `${def.mappings.selected.length} table(s) selected` : 'tables selected from the assessment (after assess)'}; ${ctx.config.dms.migrationType}, LOB mode ${ctx.config.dms.lobMode}, validation ${ctx.config.dms.validation ? 'on' : 'off'}${drift.length ? `; ${existing!.MigrationType !== input.MigrationType ? `dms:DeleteReplicationTask + dms:CreateReplicationTask for ${drift.join(', ')} (DMS cannot change a task's migration type; after confirmation when the task has run)` : `dms:ModifyReplicationTask for ${drift.join(', ')} (if the task is not running)`}` : ''}`,
      details: { selectedTables: def.mappings.selected.map((r) => `${r.schema}.${r.table}`) },
      document: { TableMappings: JSON.parse(def.mappings.json), ReplicationTaskSettings: def.settings.settings },
    });
    for (const message of def.settings.warnings) changes.push({ action: 'check', target: 'sync.task.definition', description: `warning: ${message}` });
    changes.push(await planStart(t, dms, ctx.options.reload === true));
    const postLoad = await planSchemaPhase(ctx, assessment?.inventory, 'post-load', ctx.config.dms.migrationType === 'full-load-and-cdc'
      ? 'after the full load, while DMS holds the cached changes (StopTaskCachedChangesNotApplied), then dms:StartReplicationTask resume-processing'
      : 'after the full load');
    // The warnings were listed with the first phase.
    changes.push(...postLoad.filter((c) => !c.description.startsWith('warning: ')));
    changes.push({
      action: 'wait', target: REPLICATION_TASK,
      description: `watch dms:DescribeReplicationTasks, dms:DescribeTableStatistics and cloudwatch:GetMetricData (CDCLatencySource/Target) every ${POLL_MS / 1000} s until ${doneText(ctx.config)}; the task keeps running until cutover`,
    });
    return changes;
  },

  async apply(ctx) {
    const assessment = readAssessment(ctx.stateDir);
    const def = definition(ctx.config, assessment);
    for (const message of def.settings.warnings) ctx.io.notify({ level: 'warn', code: 'sync.lob', message });
    const found = new Map<string, FoundResource>();
    const t = taskContext(ctx, found, STANDS_ON_PROVISION);
    await schemaPhase(ctx, assessment, 'pre-data');
    const tasks = tasksFor(def);
    const done = await applyGraph(tasks, t, graphHooks(ctx, 'sync.resource', found));

    const { arn: taskArn, modified, pending, replaced } = await reconcileTask(t, def, done.get(REPLICATION_TASK)!.arn!, tasks.find((x) => x.key === REPLICATION_TASK)!);
    // The start type recorded for the old task says nothing about the new one.
    if (replaced) await ctx.checkpoint(START_CHECKPOINT, null);
    if (replaced) ctx.io.notify({ level: 'info', code: 'sync.task.replaced', message: `Replaced the replication task (DMS cannot change a task's migration type): ${modified.join(', ')}.` });
    else if (modified.length) ctx.io.notify({ level: 'info', code: 'sync.task.modified', message: `Updated the replication task from the config: ${modified.join(', ')}.` });
    if (pending.length) {
      ctx.io.notify({ level: 'warn', code: 'sync.task.drift', message: `The running replication task differs from the config (${pending.join(', ')}); it keeps its definition until it is stopped. Run \`promigrate sync --reload\` to apply the change and load every table again.` });
    }

    const dms = await ctx.aws.dms;
    const watch = {
      dms,
      cloudwatch: () => ctx.aws.cloudwatch,
      taskArn,
      instanceId: t.id('dms.instance'),
      migrationType: ctx.config.dms.migrationType,
      estimated: estimatedRows(assessment.inventory),
      thresholdSeconds: ctx.config.dms.cdcLatencyThresholdSeconds,
      stableSamples: ctx.config.dms.cdcStableSamples,
      clock: ctx.clock,
      signal: ctx.signal,
      onSample: reporter(ctx),
    };
    // A task a crash left paused after its full load gets its indexes before it goes on.
    if (isPausedAfterFullLoad(await describeTask(dms, taskArn))) await schemaPhase(ctx, assessment, 'post-load');
    let startType = await start(ctx, dms, taskArn);
    // Secondary indexes go in after the rows (a load into indexed tables is much slower) and
    // before DMS applies the changes it cached, which then find them.
    const loaded = await monitorTask({ ...watch, until: 'full-load' });
    await schemaPhase(ctx, assessment, 'post-load');
    if (loaded.pausedAfterFullLoad) {
      ctx.io.notify({ level: 'info', code: 'sync.resume', message: 'Resuming the replication task (resume-processing): DMS applies the changes it cached during the full load, then CDC continues.' });
      await startTask(dms, taskArn, 'resume-processing', (type) => ctx.checkpoint(START_CHECKPOINT, { type, at: ctx.clock.now() } satisfies StartCheckpoint));
      startType ??= 'resume-processing';
    }
    const final = await monitorTask(watch);
    const latency = final.latency[final.latency.length - 1];
    const { totals } = final.tables;
    return {
      taskArn,
      taskId: taskId(ctx.project),
      sourceEndpointArn: done.get(SOURCE_ENDPOINT)?.arn,
      targetEndpointArn: done.get(TARGET_ENDPOINT)?.arn,
      migrationType: ctx.config.dms.migrationType,
      startType: startType ?? ctx.getCheckpoint<StartCheckpoint>(START_CHECKPOINT)?.type,
      tables: totals.tables,
      rowsLoaded: totals.rowsLoaded,
      validationFailed: totals.validationFailed,
      ...(latency ? { cdcLatencySourceSeconds: latency.source, cdcLatencyTargetSeconds: latency.target } : {}),
      syncedAt: new Date(ctx.clock.now()).toISOString(),
    };
  },

  async check() {
    // Resuming means re-applying: the endpoints and the task are found, the task is started
    // only if DMS says it is not running, and the watch continues.
    return { ok: false, reason: 'sync resumes by finding its task and watching it again' };
  },
};
