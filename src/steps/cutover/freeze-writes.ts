/**
 * `--freeze-writes`: the source refuses writes for the switch, so no write lands on the old
 * database after DMS has carried the last one over. The freeze record is checkpointed the
 * moment it exists, so rollback — even from another process — lifts exactly what was set.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { sourceConnectionSpec } from '../../db/connect.js';
import { freeze, freezePlan, unfreeze, type FreezePlan, type FreezeRecord } from '../../db/freeze.js';
import { resolvePassword } from '../../db/password.js';
import type { ConnectionSpec } from '../../db/types.js';
import type { StepContext } from '../../engine/step.js';

export const FREEZE = 'freeze';

export interface FreezeCheckpoint {
  record: FreezeRecord;
  frozenAt: string;
  /** Writes were refused already: promigrate set nothing and lifts nothing. */
  alreadyFrozen: boolean;
  liftedAt?: string;
}

/** The source as the freeze account reaches it (source.freezeUser, else the migration user). */
function asFreezeUser(config: MigrationConfig, password: string | undefined): ConnectionSpec {
  const { source } = config;
  const spec = sourceConnectionSpec(source, source.databases[0]!, password);
  return source.freezeUser ? { ...spec, user: source.freezeUser, label: spec.label.replace(`${source.user}@`, `${source.freezeUser}@`) } : spec;
}

async function freezeSpec(ctx: StepContext): Promise<ConnectionSpec> {
  const { source } = ctx.config;
  const password = source.freezeUser
    ? (source.freezePasswordEnv ? await resolvePassword({ passwordEnv: source.freezePasswordEnv }, 'source.freeze') : undefined)
    : await resolvePassword(source, 'source', () => ctx.aws.secretsManager);
  return asFreezeUser(ctx.config, password);
}

const freezeOptions = (config: MigrationConfig) => ({ databases: config.source.databases });

export function planFreeze(config: MigrationConfig): FreezePlan {
  return freezePlan(asFreezeUser(config, undefined), freezeOptions(config));
}

export function savedFreeze(ctx: StepContext): FreezeCheckpoint | undefined {
  return ctx.getCheckpoint<FreezeCheckpoint>(FREEZE) ?? undefined;
}

/** Freezes unless a freeze of this cutover is still in place. */
export async function freezeWrites(ctx: StepContext): Promise<FreezeCheckpoint> {
  const saved = savedFreeze(ctx);
  if (saved && !saved.liftedAt) return saved;
  const result = await freeze(await freezeSpec(ctx), freezeOptions(ctx.config));
  const cp: FreezeCheckpoint = { record: result.record, frozenAt: new Date(ctx.clock.now()).toISOString(), alreadyFrozen: result.alreadyFrozen };
  await ctx.checkpoint(FREEZE, cp);
  const terminated = result.sessions.filter((x) => x.terminated).length;
  ctx.io.notify({
    level: 'info',
    code: 'cutover.freeze',
    message: result.alreadyFrozen
      ? 'The source already refused writes; promigrate changed nothing and will lift nothing.'
      : `The source now refuses writes (${result.statements.filter((x) => !/^SELECT|^SET SESSION/.test(x)).join('; ')})${terminated ? `; ${terminated} session(s) terminated` : ''}.`,
  });
  for (const note of result.notes) ctx.io.notify({ level: 'warn', code: 'cutover.freeze.note', message: note });
  return cp;
}

/** Lifts a freeze promigrate set and has not lifted yet; no-op otherwise. */
export async function liftFreeze(ctx: StepContext): Promise<boolean> {
  const saved = savedFreeze(ctx);
  if (!saved || saved.liftedAt) return false;
  const result = await unfreeze(await freezeSpec(ctx), saved.record);
  await ctx.checkpoint(FREEZE, { ...saved, liftedAt: new Date(ctx.clock.now()).toISOString() });
  if (result.lifted) ctx.io.notify({ level: 'info', code: 'cutover.unfreeze', message: 'The source accepts writes again (write freeze lifted).' });
  for (const note of result.notes) ctx.io.notify({ level: 'info', code: 'cutover.unfreeze.note', message: note });
  return result.lifted;
}
