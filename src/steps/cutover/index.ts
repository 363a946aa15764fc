/**
 * Cutover: prepare (rollback image, TTL lowered) → wait for the old TTL → gate (sync done,
 * CDC caught up, validation clean, the new target answers) → optional write freeze and
 * drain → confirmation → switch (simple, or a weighted ramp held and smoke-tested at each
 * weight) → INSYNC. A failed check after a change restores the saved image automatically.
 */
import { ExitCode, PromigrateError } from '../../errors.js';
import type { PlannedChange, Step, StepContext } from '../../engine/step.js';
import { formatDuration } from '../../aws/wait.js';
import { waitForHealthyTargets } from './app-targets.js';
import { evaluateGate, gateLine, syncRefs, latencyNow } from './gate.js';
import { freezeWrites, liftFreeze, planFreeze, savedFreeze } from './freeze-writes.js';
import { planPrepare, prepare, savedPrepare } from './prepare.js';
import { applyChanges } from './records.js';
import { describeRecordSet } from '../../aws/route53/record-sets.js';
import { planRollback, rollbackCutover } from './rollback.js';
import { checkTargetResolves, newTargetOf } from './scope.js';
import { currentSets, openScope, type RecordScope } from '../../aws/route53/record-scope.js';
import { planSwitch, runSwitch, savedSwitch, SwitchCheckFailed } from './switch.js';
import { allTableStatistics } from '../../aws/dms/describe.js';
import { interpretTables } from '../../aws/dms/task-status.js';
import { CUTOVER } from '../catalog.js';
import type { Inventory } from '../../db/types.js';
import { readAssessReport } from '../../reports/assess.js';
import { checkpointName, phaseSummary, planSchemaPhase, runSchemaPhase } from '../../migration/target-schema.js';

export class GateNotMetError extends PromigrateError {
  constructor(failed: string[]) {
    super(`The cutover gate is not met: ${failed.join('; ')}.`, ExitCode.stepFailed, {
      hint: 'Nothing was switched. Fix what is named (or wait for CDC to catch up), then run `promigrate cutover` again.',
    });
  }
}

export class RolledBackError extends PromigrateError {
  constructor(why: string, freezeLifted: boolean) {
    super(`Cutover rolled back automatically: ${why}.`, ExitCode.stepFailed, {
      hint: `The saved record sets are restored and in sync${freezeLifted ? ', and the source accepts writes again' : ''}. Fix the new target, then run \`promigrate cutover\` again.`,
    });
  }
}

const DRAIN_POLL_MS = 15_000;
const DRAIN_TIMEOUT_MS = 15 * 60_000;
const COUNTDOWN_STEP_MS = 60_000;

/** Until the old TTL has run out in resolver caches, with a countdown; `--ignore-ttl` skips it. */
async function waitOldTtl(ctx: StepContext, expiresAt: number): Promise<void> {
  if (ctx.clock.now() >= expiresAt) return;
  if (ctx.options.ignoreTtl === true) {
    ctx.io.notify({ level: 'warn', code: 'cutover.ttl.ignored', message: `--ignore-ttl: switching although caches may hold the old record for ${formatDuration(expiresAt - ctx.clock.now())} more.` });
    return;
  }
  while (ctx.clock.now() < expiresAt) {
    const left = expiresAt - ctx.clock.now();
    ctx.io.progress('cutover.ttl.wait', `cutover: waiting for the old TTL to expire in resolver caches: ${formatDuration(left)} left`, { leftMs: left, expiresAt: new Date(expiresAt).toISOString() });
    // A line a minute in the last ten minutes, every five before.
    await ctx.clock.sleep(Math.min(left, left > 10 * COUNTDOWN_STEP_MS ? 5 * COUNTDOWN_STEP_MS : COUNTDOWN_STEP_MS), ctx.signal);
  }
}

/**
 * After the freeze: until the last writes have reached the target. DMS reports CDC latency
 * 0 once nothing is left to apply; a simulated or idle-but-nonzero latency is accepted when
 * the applied-change counters have not moved for two polls and latency is within the threshold.
 */
async function drain(ctx: StepContext): Promise<void> {
  const refs = syncRefs(ctx);
  if (!refs || ctx.config.dms.migrationType === 'full-load') return;
  const dms = await ctx.aws.dms;
  const started = ctx.clock.now();
  let lastApplied: number | undefined;
  let quiet = 0;
  for (;;) {
    const totals = interpretTables(await allTableStatistics(dms, refs.taskArn)).totals;
    const applied = totals.inserts + totals.updates + totals.deletes;
    quiet = applied === lastApplied ? quiet + 1 : 0;
    lastApplied = applied;
    const samples = await latencyNow(ctx, refs, started - 5 * 60_000, 5);
    const l = samples[samples.length - 1];
    const zero = l !== undefined && l.source === 0 && l.target === 0;
    const settled = l !== undefined && quiet >= 2 && l.source <= ctx.config.dms.cdcLatencyThresholdSeconds && l.target <= ctx.config.dms.cdcLatencyThresholdSeconds;
    ctx.io.progress('cutover.drain', `cutover: waiting for the last writes to arrive · CDC latency ${l ? `${l.source} s / ${l.target} s` : 'not reported yet'} · ${applied} change(s) applied${quiet ? `, none new for ${quiet} poll(s)` : ''}`, { latency: l ?? null, applied, quietPolls: quiet });
    if (zero || settled) return;
    if (ctx.clock.now() - started > DRAIN_TIMEOUT_MS) {
      throw new PromigrateError(`CDC did not drain within ${formatDuration(DRAIN_TIMEOUT_MS)} of the write freeze.`, ExitCode.stepFailed, { hint: 'The freeze was lifted and nothing was switched; look at the DMS task, then run cutover again.' });
    }
    await ctx.clock.sleep(DRAIN_POLL_MS, ctx.signal);
  }
}

async function confirmSwitch(ctx: StepContext, s: RecordScope): Promise<void> {
  const from = (await currentSets(s)).filter((r) => ['A', 'AAAA', 'CNAME'].includes(r.Type ?? ''));
  const plan = savedSwitch(ctx) ?? { ...planSwitch(s, await currentSets(s)), done: 0, held: 0 };
  const to = plan.batches[plan.batches.length - 1]!.after;
  const steps = plan.strategy === 'weighted' ? ` in ${plan.batches.length} steps (${plan.batches.map((b) => `${b.weight} %`).join(' → ')}, ${s.dns.holdSeconds} s each)` : '';
  const yes = await ctx.io.ask({
    kind: 'confirm',
    code: 'cutover.confirm',
    message: `Switch ${s.dns.record}${steps}?\n  now: ${from.map(describeRecordSet).join('; ') || '(no record)'}\n  new: ${to.map(describeRecordSet).join('; ')}\n`,
    default: false,
  });
  if (!yes) throw new PromigrateError('Cutover cancelled at the confirmation; nothing was switched.', ExitCode.cancelled);
}

/** Lifts a freeze when the cutover stops before any DNS change: a frozen source with no switch is an outage. */
async function unfreezeBeforeSwitch<T>(ctx: StepContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!savedSwitch(ctx)?.done) await liftFreeze(ctx).catch(() => undefined);
    throw err;
  }
}

/** The assessed inventory, when assess has run (the schema phases select tables from it). */
function inventoryOf(ctx: StepContext): Inventory | undefined {
  return ctx.state().steps.assess?.status === 'done' ? readAssessReport(ctx.stateDir, SCHEMA_PURPOSE).inventory : undefined;
}

const SCHEMA_PURPOSE = { neededBy: 'the target schema is built for the tables sync replicates', then: 're-run `promigrate cutover`' } as const;

/**
 * What only cutover can add to the target: foreign keys, triggers and events (earlier they
 * would fire on, or reject, replicated rows), then the sequence and AUTO_INCREMENT positions
 * of the source as it stands now — frozen, with --freeze-writes. Once: positions set after
 * the application has written to the target must never be moved back.
 */
async function finishTargetSchema(ctx: StepContext): Promise<void> {
  const inventory = inventoryOf(ctx);
  if (!inventory) return;
  if (ctx.options.freezeWrites !== true && !ctx.getCheckpoint(checkpointName('cutover'))) {
    ctx.io.notify({ level: 'warn', code: 'cutover.schema.positions', message: 'Sequence and AUTO_INCREMENT positions are read from a source that still accepts writes (no --freeze-writes): rows written after this moment can collide on the target; use --freeze-writes for an exact position.' });
  }
  const outcome = await runSchemaPhase(ctx, inventory, 'cutover', { once: true });
  ctx.io.notify({ level: 'info', code: 'cutover.schema', message: phaseSummary(outcome), data: { applied: outcome.applied.map((x) => x.id), present: outcome.present, ...(outcome.skipped ? { skipped: outcome.skipped } : {}) } });
}

export async function prepareOnly(ctx: StepContext): Promise<{ expiresAt: number; image: number }> {
  const s = await openScope(ctx.config, ctx.aws.route53);
  const cp = await prepare(ctx, s);
  return { expiresAt: cp.oldTtlExpiresAt!, image: cp.image.recordSets.length };
}

export const cutoverStep: Step = {
  ...CUTOVER,

  async plan(ctx): Promise<PlannedChange[]> {
    const s = await openScope(ctx.config, ctx.aws.route53);
    // With app: and no dns.newTarget, the target is the load balancer provision builds: before
    // provision has run its DNS name is not known, so the switch is planned in words.
    const loadBalancerToBuild = ctx.config.app !== undefined && !s.dns.newTarget;
    if (!loadBalancerToBuild) newTargetOf(s.dns);
    const changes: PlannedChange[] = [];
    const prep = await planPrepare(ctx, s);
    changes.push({ action: savedPrepare(ctx) ? 'noop' : 'create', target: 'cutover.image', description: `save the rollback image of ${s.dns.record} (${prep.image.recordSets.length} record set(s)) in state`, document: prep.image.recordSets });
    if (prep.ttlBatch) {
      changes.push({ action: 'call', target: 'cutover.ttl', description: `route53:ChangeResourceRecordSets lowering the TTL to ${s.dns.ttl} s, wait INSYNC, then wait ${formatDuration(prep.waitSeconds * 1000)} for the old TTL to expire${ctx.options.ignoreTtl === true ? ' (skipped: --ignore-ttl)' : ''}`, document: prep.ttlBatch });
    }
    for (const c of await evaluateGate(ctx)) changes.push({ action: 'check', target: `gate.${c.id}`, description: gateLine(c).trim() });
    if (ctx.options.freezeWrites === true) {
      const f = planFreeze(ctx.config);
      changes.push({ action: 'call', target: 'source.freeze', description: `after confirmation, freeze writes on the source, then wait until CDC has applied the last writes: ${f.statements.join('; ')}`, details: { notes: f.notes } });
    }
    changes.push(...(await planSchemaPhase(ctx, inventoryOf(ctx), 'cutover', 'after the confirmation (and the freeze), before the switch: foreign keys, triggers, events, then sequence/AUTO_INCREMENT positions from the source')));
    const listed = await currentSets(s);
    if (loadBalancerToBuild) {
      const weights = s.dns.strategy === 'weighted' ? s.dns.weights.map((w) => `${w} %`).join(' → ') : '100 %';
      changes.push({ action: 'call', target: 'cutover.switch', description: `route53:ChangeResourceRecordSets → ${weights} on an alias to the load balancer provision builds (app:; its DNS name is known once it exists), wait INSYNC, smoke tests` });
    }
    // The switch is planned against the record as it will be after the TTL lowering.
    const sw = loadBalancerToBuild ? { batches: [] } : planSwitch(s, prep.ttlBatch ? applyChanges(listed, prep.ttlBatch.Changes ?? []) : listed);
    for (const b of sw.batches) {
      changes.push({ action: 'call', target: 'cutover.switch', description: `route53:ChangeResourceRecordSets → ${b.weight} % on ${s.dns.newTarget}, wait INSYNC${b.weight < 100 ? `, hold ${s.dns.holdSeconds} s with smoke tests every ${s.dns.checkIntervalSeconds} s` : ', final smoke test'}`, document: b.batch });
    }
    const rb = await planRollback(ctx).catch(() => undefined);
    changes.push({ action: 'check', target: 'cutover.rollback', description: `if a check fails, rollback restores: ${(rb?.restores ?? prep.image.recordSets.map(describeRecordSet)).join('; ')}` });
    return changes;
  },

  async apply(ctx) {
    const s = await openScope(ctx.config, ctx.aws.route53);
    newTargetOf(s.dns);
    // Bad targets (a CNAME at the apex, an unknown alias, a name that does not resolve…) and
    // a runbook without --yes stop the run before the first change, not after the TTL was lowered.
    if (!savedSwitch(ctx)) {
      planSwitch(s, await currentSets(s));
      await checkTargetResolves(ctx.config, ctx.surroundings.names);
    }
    if (!ctx.io.interactive && !ctx.io.assumeYes) await confirmSwitch(ctx, s);
    const prep = await prepare(ctx, s);
    const switching = savedSwitch(ctx);
    if (!switching?.done) await waitOldTtl(ctx, prep.oldTtlExpiresAt!);
    await unfreezeBeforeSwitch(ctx, async () => {
      await waitForHealthyTargets(ctx);
      const gate = await evaluateGate(ctx);
      for (const c of gate) ctx.io.notify({ level: c.ok ? 'info' : 'error', code: `cutover.gate.${c.id}`, message: gateLine(c), data: { ...c } });
      const failed = gate.filter((c) => !c.ok);
      if (failed.length) throw new GateNotMetError(failed.map((c) => `${c.label} (${c.value})`));
      const frozen = savedFreeze(ctx);
      if (ctx.options.freezeWrites === true && (!frozen || frozen.liftedAt)) {
        const ok = await ctx.io.ask({ kind: 'confirm', code: 'cutover.freeze', message: `Freeze writes on the source ${ctx.config.source.host} now? The application's writes fail until the switch is done (or rolled back).`, default: false });
        if (!ok) throw new PromigrateError('Write freeze declined; nothing was changed on the source or in DNS.', ExitCode.cancelled);
        await freezeWrites(ctx);
        await drain(ctx);
      }
      await confirmSwitch(ctx, s);
      await finishTargetSchema(ctx);
    });
    let result;
    try {
      result = await runSwitch(ctx, s);
    } catch (err) {
      if (!(err instanceof SwitchCheckFailed)) throw err;
      ctx.io.notify({ level: 'error', code: 'cutover.check.failed', message: `${err.message}; restoring the saved record sets.` });
      const rb = await rollbackCutover(ctx, err.message);
      throw new RolledBackError(err.message, rb.freezeLifted);
    }
    const final = await currentSets(s);
    return {
      record: s.dns.record,
      hostedZoneId: s.scope.zoneId,
      strategy: result.strategy,
      newTarget: s.dns.newTarget,
      finalRecordSets: final.filter((r) => ['A', 'AAAA', 'CNAME'].includes(r.Type ?? '')),
      writeFreeze: savedFreeze(ctx) && !savedFreeze(ctx)!.liftedAt ? 'on (lift it with `promigrate rollback`, or by hand once the app writes to the new database)' : 'off',
      switchedAt: new Date(ctx.clock.now()).toISOString(),
    };
  },

  async check(ctx) {
    const sw = savedSwitch(ctx);
    return sw && sw.held === sw.batches.length ? { ok: true } : { ok: false, reason: 'the switch has not finished' };
  },
};
