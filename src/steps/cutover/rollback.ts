/**
 * The way back: the saved rollback image restored exactly (whatever state a switch or a
 * partial weighted ramp left), waited for until INSYNC, and the write freeze lifted if
 * promigrate set it. Used by the automatic rollback of a failed check and by
 * `promigrate rollback`; recorded in state and in the audit log.
 */
import type { ChangeBatch } from '@aws-sdk/client-route-53';
import { changeRecordSets, waitInsync } from '../../aws/route53-retry.js';
import { unfreezePlan, type FreezePlan } from '../../db/freeze.js';
import { UsageError } from '../../errors.js';
import type { StepContext } from '../../engine/step.js';
import { liftFreeze, savedFreeze } from './freeze-writes.js';
import { PREPARE, savedPrepare } from './prepare.js';
import { restoreBatch, type RollbackImage } from './records.js';
import { describeRecordSet } from '../../aws/route53/record-sets.js';
import { currentSets, openScope } from '../../aws/route53/record-scope.js';
import { SWITCH } from './switch.js';

export const ROLLBACK = 'rollback';

export interface RollbackRecord {
  at: string;
  reason: string;
  changeId?: string;
  freezeLifted: boolean;
}

export interface RollbackPlan {
  image: RollbackImage;
  /** Undefined: the record already matches the image. */
  batch?: ChangeBatch;
  unfreeze?: FreezePlan;
  restores: string[];
}

function imageOf(ctx: StepContext): RollbackImage {
  const prep = savedPrepare(ctx);
  if (!prep) {
    throw new UsageError('There is nothing to roll back: cutover has not saved a rollback image in this state.', {
      hint: 'Run rollback with the state directory of the cutover (--state-dir); before a cutover the record was never changed by promigrate.',
    });
  }
  return prep.image;
}

export async function planRollback(ctx: StepContext): Promise<RollbackPlan> {
  const image = imageOf(ctx);
  const s = await openScope(ctx.config, ctx.aws.route53);
  const batch = restoreBatch(image, await currentSets(s));
  const frozen = savedFreeze(ctx);
  return {
    image,
    ...(batch ? { batch } : {}),
    ...(frozen && !frozen.liftedAt && !frozen.alreadyFrozen ? { unfreeze: unfreezePlan(frozen.record) } : {}),
    restores: image.recordSets.map(describeRecordSet),
  };
}

export async function rollbackCutover(ctx: StepContext, reason: string): Promise<RollbackRecord> {
  const image = imageOf(ctx);
  const s = await openScope(ctx.config, ctx.aws.route53);
  const batch = restoreBatch(image, await currentSets(s));
  let changeId: string | undefined;
  if (batch) {
    const change = await changeRecordSets(s.route53, s.scope.zoneId, batch, { clock: ctx.clock, signal: ctx.signal });
    changeId = change.Id!;
    await ctx.checkpoint(ROLLBACK, { at: new Date(ctx.clock.now()).toISOString(), reason, changeId, freezeLifted: false } satisfies RollbackRecord);
    await waitInsync(s.route53, changeId, ctx.clock, { signal: ctx.signal });
  }
  const freezeLifted = await liftFreeze(ctx);
  const record: RollbackRecord = { at: new Date(ctx.clock.now()).toISOString(), reason, ...(changeId ? { changeId } : {}), freezeLifted };
  await ctx.checkpoint(ROLLBACK, record);
  // The next cutover starts over: plan anew, and lower the (restored) TTL again.
  await ctx.checkpoint(SWITCH, null);
  const prep = savedPrepare(ctx)!;
  await ctx.checkpoint(PREPARE, { zone: prep.zone, image: prep.image, savedAt: prep.savedAt });
  await ctx.audit({ operation: 'promigrate:rollback', params: { record: image.name, reason, restored: image.recordSets.length, freezeLifted }, ...(changeId ? { resultId: changeId } : {}) });
  return record;
}
