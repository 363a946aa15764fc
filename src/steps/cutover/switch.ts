/**
 * Phases 3 and 4, switch and confirm: the planned change batches sent one at a time, each
 * waited for until INSYNC, each weight of a ramp held while the new target is smoke-tested.
 * The plan and the progress are checkpointed (`switch`), so a resumed run continues at the
 * batch it stopped at; a batch whose change id was lost is recognised by comparing the live
 * record sets with what it would have produced, and never sent twice.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { changeRecordSets, waitInsync } from '../../aws/route53-retry.js';
import { ExitCode, PromigrateError } from '../../errors.js';
import type { StepContext } from '../../engine/step.js';
import type { DnsConfig } from '../../config/schema.js';
import { weightedBatches, simpleSwitchBatch, type PlannedBatch, type SwitchOptions } from './batches.js';
import { display } from './names.js';
import { applyChanges, setKey } from './records.js';
import { addressSets } from '../../aws/route53/record-sets.js';
import { newTargetOf } from './scope.js';
import { currentSets, type RecordScope } from '../../aws/route53/record-scope.js';
import { describeSmoke, smokeConfigured, smokeTarget } from './smoke.js';

export const SWITCH = 'switch';

export interface SwitchCheckpoint {
  strategy: 'simple' | 'weighted';
  /** The address sets the plan starts from. */
  from: ResourceRecordSet[];
  batches: PlannedBatch[];
  /** Batches confirmed INSYNC. */
  done: number;
  /** Batches whose hold (smoke tests) passed. */
  held: number;
  sent?: { index: number; changeId: string };
}

export class DnsChangedError extends PromigrateError {
  constructor(name: string) {
    super(`The record sets of ${name} changed outside promigrate since the cutover plan was made.`, ExitCode.stepFailed, {
      hint: 'Look at the record in Route 53; run `promigrate rollback` to restore the saved image, then `promigrate cutover` again.',
    });
  }
}

/** A failed check after a change: the caller rolls back. */
export class SwitchCheckFailed extends Error {
  constructor(readonly weight: number, readonly why: string) {
    super(`the smoke test of the new target failed at ${weight} %: ${why}`);
  }
}

const canonical = (sets: readonly ResourceRecordSet[], name: string) =>
  addressSets(name, sets)
    .map((r) => ({
      key: setKey(r),
      ttl: r.AliasTarget ? undefined : r.TTL,
      weight: r.Weight,
      values: (r.ResourceRecords ?? []).map((v) => v.Value).sort(),
      alias: r.AliasTarget ? `${r.AliasTarget.HostedZoneId}|${r.AliasTarget.DNSName?.toLowerCase().replace(/\.?$/, '.')}|${r.AliasTarget.EvaluateTargetHealth}` : undefined,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));

export const sameSets = (a: readonly ResourceRecordSet[], b: readonly ResourceRecordSet[], name: string): boolean =>
  JSON.stringify(canonical(a, name)) === JSON.stringify(canonical(b, name));

/** dns.aliasHostedZoneId and dns.createIfMissing, as the batch builders take them. */
export const switchOptions = (dns: DnsConfig): SwitchOptions => ({
  ...(dns.aliasHostedZoneId ? { aliasHostedZoneId: dns.aliasHostedZoneId } : {}),
  allowMissing: dns.createIfMissing,
});

/** The batches for this config from the live record sets. */
export function planSwitch(s: RecordScope, listed: ResourceRecordSet[]): Omit<SwitchCheckpoint, 'done' | 'held'> {
  const target = newTargetOf(s.dns);
  const from = addressSets(s.scope.record, listed);
  const opts = switchOptions(s.dns);
  if (s.dns.strategy === 'simple') {
    const batch = simpleSwitchBatch(s.scope, listed, target, s.dns.ttl, opts);
    return { strategy: 'simple', from, batches: [{ weight: 100, batch, after: applyChanges(from, batch.Changes ?? []) }] };
  }
  return { strategy: 'weighted', from, batches: weightedBatches(s.scope, listed, target, s.dns.weights, s.dns.ttl, opts) };
}

export function savedSwitch(ctx: StepContext): SwitchCheckpoint | undefined {
  return ctx.getCheckpoint<SwitchCheckpoint | null>(SWITCH) ?? undefined;
}

/** Runs the smoke test `checks` times over `holdMs`; throws SwitchCheckFailed beyond the error budget. */
async function holdAndCheck(ctx: StepContext, weight: number, holdMs: number): Promise<void> {
  const { dns } = ctx.config;
  if (!smokeConfigured(ctx)) {
    if (holdMs > 0) await ctx.clock.sleep(holdMs, ctx.signal);
    return;
  }
  const interval = dns!.checkIntervalSeconds * 1000;
  const checks = Math.max(1, Math.floor(holdMs / interval));
  const allowed = Math.floor((checks * dns!.errorBudgetPercent) / 100);
  let failed = 0;
  for (let k = 1; k <= checks; k++) {
    if (holdMs > 0) await ctx.clock.sleep(Math.floor(holdMs / checks), ctx.signal);
    const r = await smokeTarget(ctx);
    if (!r.ok) failed++;
    ctx.io.progress('cutover.hold', `cutover: ${weight} % on the new target · check ${k}/${checks}: ${describeSmoke(r, ctx)}`, { weight, check: k, checks, ok: r.ok, failed, status: r.status ?? null, latencyMs: r.latencyMs ?? null });
    if (failed > allowed) throw new SwitchCheckFailed(weight, `${failed} of ${k} check(s) failed (error budget ${dns!.errorBudgetPercent} %); last: ${describeSmoke(r, ctx)}`);
  }
}

export async function runSwitch(ctx: StepContext, s: RecordScope): Promise<SwitchCheckpoint> {
  const name = s.scope.record;
  let cp = savedSwitch(ctx);
  if (!cp) {
    cp = { ...planSwitch(s, await currentSets(s)), done: 0, held: 0 };
    await ctx.checkpoint(SWITCH, cp);
  }
  const opts = { clock: ctx.clock, signal: ctx.signal, onRetry: ({ delayMs, error }: { delayMs: number; error: Error }) =>
    ctx.io.notify({ level: 'info', code: 'cutover.route53.retry', message: `Route 53 said ${error.name}; retrying in ${Math.round(delayMs / 1000)} s.` }) };
  for (let i = 0; i < cp.batches.length; i++) {
    const b = cp.batches[i]!;
    if (i >= cp.done) {
      if (cp.sent?.index !== i) {
        const live = await currentSets(s);
        if (!sameSets(live, b.after, name)) {
          if (!sameSets(live, i === 0 ? cp.from : cp.batches[i - 1]!.after, name)) throw new DnsChangedError(display(name));
          ctx.io.notify({ level: 'info', code: 'cutover.change', message: `Route 53: ${b.batch.Comment}` });
          const change = await changeRecordSets(s.route53, s.scope.zoneId, b.batch, opts);
          cp = { ...cp, sent: { index: i, changeId: change.Id! } };
          await ctx.checkpoint(SWITCH, cp);
        }
      }
      if (cp.sent?.index === i) {
        const started = ctx.clock.now();
        await waitInsync(s.route53, cp.sent.changeId, ctx.clock, { signal: ctx.signal });
        ctx.io.progress('cutover.insync', `cutover: ${b.weight} % on the new target, in sync on every Route 53 server (${Math.round((ctx.clock.now() - started) / 1000)} s)`, { weight: b.weight, changeId: cp.sent.changeId });
      }
      const { sent: _sent, ...rest } = cp;
      cp = { ...rest, done: i + 1 };
      await ctx.checkpoint(SWITCH, cp);
    }
    if (i >= cp.held) {
      const last = i === cp.batches.length - 1;
      await holdAndCheck(ctx, b.weight, last ? 0 : ctx.config.dns!.holdSeconds * 1000);
      cp = { ...cp, held: i + 1 };
      await ctx.checkpoint(SWITCH, cp);
    }
  }
  return cp;
}
