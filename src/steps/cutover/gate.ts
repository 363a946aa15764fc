/**
 * The cutover gate: everything that must hold before DNS changes, each with its live value.
 * Read-only, so `--dry-run` shows the same checks with the same values.
 */
import type { StepContext } from '../../engine/step.js';
import { allTableStatistics, describeTask } from '../../aws/dms/describe.js';
import { cdcLatencySamples, stableRun, taskResourceId, type LatencySample } from '../../aws/dms/cdc-latency.js';
import { interpretTables, interpretTask } from '../../aws/dms/task-status.js';
import { appTargetGroup, countHealthyTargets, describeTargets } from './app-targets.js';
import { describeSmoke, smokeConfigured, smokeTarget } from './smoke.js';

export interface GateCheck {
  id: 'sync.done' | 'dms.running' | 'cdc.latency' | 'validation' | 'app.targets' | 'smoke.target';
  label: string;
  ok: boolean;
  /** The live value, in words. */
  value: string;
  /** Not applicable to this config (counts as passed). */
  skipped?: boolean;
}

export interface SyncRefs {
  taskArn: string;
  instanceId: string;
}

export function syncRefs(ctx: StepContext): SyncRefs | undefined {
  const taskArn = ctx.outputsOf('sync').taskArn;
  const instanceId = ctx.resource('dms.instance')?.id;
  return typeof taskArn === 'string' && instanceId ? { taskArn, instanceId } : undefined;
}

/** The latest CDC latency samples of the task's current run, oldest first. */
export async function latencyNow(ctx: StepContext, refs: SyncRefs, since: number, minutes: number): Promise<LatencySample[]> {
  const all = await cdcLatencySamples(await ctx.aws.cloudwatch, refs, ctx.clock.now(), minutes);
  return all.filter((s) => s.at >= since);
}

const fmt = (n: number) => n.toLocaleString('en-US');

export async function evaluateGate(ctx: StepContext, opts: { smoke?: boolean } = {}): Promise<GateCheck[]> {
  const { dms: d } = ctx.config;
  const checks: GateCheck[] = [];
  const syncStatus = ctx.state().steps.sync?.status ?? 'pending';
  checks.push({ id: 'sync.done', label: 'sync step done', ok: syncStatus === 'done', value: `sync is ${syncStatus}` });
  const refs = syncRefs(ctx);
  if (!refs) {
    checks.push({ id: 'dms.running', label: 'DMS task running', ok: false, value: 'no replication task recorded (run `promigrate sync`)' });
  } else {
    const dms = await ctx.aws.dms;
    const task = await describeTask(dms, refs.taskArn);
    const phase = interpretTask(task, d.migrationType).phase;
    const running = task.Status === 'running' && (d.migrationType === 'full-load' || phase === 'cdc');
    checks.push({ id: 'dms.running', label: 'DMS task running', ok: running || (d.migrationType === 'full-load' && phase === 'finished'), value: `${task.ReplicationTaskIdentifier} is ${task.Status}${phase === 'cdc' ? ' (CDC)' : phase === 'full-load' ? ' (still in full load)' : ''}` });
    if (d.migrationType !== 'full-load') {
      const since = task.ReplicationTaskStartDate ? new Date(task.ReplicationTaskStartDate).getTime() : 0;
      const samples = phase === 'cdc' ? await latencyNow(ctx, refs, since, d.cdcStableSamples + 2) : [];
      const last = samples[samples.length - 1];
      const stable = stableRun(samples, d.cdcLatencyThresholdSeconds);
      checks.push({
        id: 'cdc.latency',
        label: `CDC latency ≤ ${d.cdcLatencyThresholdSeconds} s for ${d.cdcStableSamples} samples`,
        ok: stable >= d.cdcStableSamples,
        value: last ? `source ${last.source} s, target ${last.target} s; ${Math.min(stable, d.cdcStableSamples)}/${d.cdcStableSamples} samples within` : `no CDC latency datapoints yet from CloudWatch for task ${task.ReplicationTaskIdentifier} (ReplicationTaskIdentifier ${taskResourceId(refs.taskArn)})`,
      });
    }
    if (d.validation) {
      const t = interpretTables(await allTableStatistics(dms, refs.taskArn)).totals;
      checks.push({
        id: 'validation',
        label: `validation: no failed records, ≤ ${fmt(d.maxPendingValidationRecords)} pending`,
        ok: t.validationFailed === 0 && t.validationPending <= d.maxPendingValidationRecords,
        value: `${fmt(t.validationFailed)} failed, ${fmt(t.validationPending)} pending`,
      });
    } else {
      checks.push({ id: 'validation', label: 'validation', ok: true, skipped: true, value: 'dms.validation is off' });
    }
  }
  const targetGroup = appTargetGroup(ctx);
  if (targetGroup) {
    const c = await countHealthyTargets(ctx, targetGroup);
    checks.push({ id: 'app.targets', label: 'the load balancer has healthy targets', ok: c.healthy >= c.needed, value: describeTargets(c) });
  }
  if (opts.smoke !== false) {
    if (smokeConfigured(ctx)) {
      const r = await smokeTarget(ctx);
      checks.push({ id: 'smoke.target', label: 'the new target answers the smoke test', ok: r.ok, value: describeSmoke(r, ctx) });
    } else {
      checks.push({ id: 'smoke.target', label: 'smoke test of the new target', ok: true, skipped: true, value: 'verify.url is not set: no HTTP check before the switch' });
    }
  }
  return checks;
}

export function gateLine(c: GateCheck): string {
  return `  ${c.skipped ? '–' : c.ok ? '✓' : '✗'} ${c.label}: ${c.value}`;
}
