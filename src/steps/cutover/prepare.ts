/**
 * Phase 1, prepare (can run days ahead with `--prepare-only`): save the rollback image —
 * the name's record sets exactly as Route 53 holds them — before anything changes, then
 * lower the TTL when it is above the cutover TTL and record when caches holding the old
 * TTL have expired. Every result is checkpointed, so a re-run continues, never re-saves
 * an image taken after promigrate changed the record.
 */
import type { ChangeBatch } from '@aws-sdk/client-route-53';
import { changeRecordSets, waitInsync } from '../../aws/route53-retry.js';
import type { StepContext } from '../../engine/step.js';
import { maxTtlSeconds, rollbackImage, ttlLoweringBatch, type RollbackImage } from './records.js';
import { currentSets, type RecordScope } from '../../aws/route53/record-scope.js';

export const PREPARE = 'prepare';

export interface PrepareCheckpoint {
  zone: { id: string; name: string };
  image: RollbackImage;
  savedAt: string;
  /** The TTL-lowering change, once sent. */
  ttlChangeId?: string;
  /** When answers cached with the old TTL are gone (ms on the run's clock); set once known. */
  oldTtlExpiresAt?: number;
}

export function savedPrepare(ctx: StepContext): PrepareCheckpoint | undefined {
  return ctx.getCheckpoint<PrepareCheckpoint>(PREPARE) ?? undefined;
}

export interface PreparePlan {
  image: RollbackImage;
  ttlBatch?: ChangeBatch;
  /** Seconds the switch must wait after the lowering is in sync. */
  waitSeconds: number;
}

/** What prepare would do, read-only. */
export async function planPrepare(ctx: StepContext, s: RecordScope): Promise<PreparePlan> {
  const saved = savedPrepare(ctx);
  const listed = await currentSets(s);
  const image = saved?.image ?? rollbackImage(s.scope, listed, { allowMissing: s.dns.createIfMissing });
  const ttlBatch = ttlLoweringBatch(s.scope, listed, s.dns.ttl);
  return { image, ...(ttlBatch ? { ttlBatch } : {}), waitSeconds: ttlBatch ? maxTtlSeconds(image.recordSets) : 0 };
}

export async function prepare(ctx: StepContext, s: RecordScope): Promise<PrepareCheckpoint> {
  const clock = ctx.clock;
  let cp = savedPrepare(ctx);
  if (!cp) {
    const image = rollbackImage(s.scope, await currentSets(s), { allowMissing: s.dns.createIfMissing });
    cp = { zone: { id: s.scope.zoneId, name: s.scope.zoneName }, image, savedAt: new Date(clock.now()).toISOString() };
    await ctx.checkpoint(PREPARE, cp);
    ctx.io.notify({ level: 'info', code: 'cutover.image', message: `Saved the rollback image of ${s.dns.record}: ${image.recordSets.length} record set(s).` });
  }
  if (cp.oldTtlExpiresAt !== undefined) return cp;

  const batch = ttlLoweringBatch(s.scope, await currentSets(s), s.dns.ttl);
  const oldTtl = maxTtlSeconds(cp.image.recordSets);
  if (batch) {
    const change = await changeRecordSets(s.route53, s.scope.zoneId, batch, { clock, signal: ctx.signal });
    cp = { ...cp, ttlChangeId: change.Id! };
    await ctx.checkpoint(PREPARE, cp);
    ctx.io.notify({ level: 'info', code: 'cutover.ttl', message: `Lowering the TTL of ${s.dns.record} from ${oldTtl} s to ${s.dns.ttl} s.` });
  }
  if (cp.ttlChangeId) await waitInsync(s.route53, cp.ttlChangeId, clock, { signal: ctx.signal });
  // Lowered by an earlier run whose change id was lost: the old TTL counts from now.
  const lowered = cp.ttlChangeId !== undefined || oldTtl > s.dns.ttl;
  cp = { ...cp, oldTtlExpiresAt: clock.now() + (lowered ? oldTtl * 1000 : 0) };
  await ctx.checkpoint(PREPARE, cp);
  return cp;
}
