/**
 * `--freeze-writes`: the source refuses writes for the switch, so no write lands on the old
 * database after DMS has carried the last one over. The freeze record is checkpointed the
 * moment it exists, so rollback — even from another process — lifts exactly what was set.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { sourceConnectionSpec } from '../../db/connect.js';
import { freeze, freezePlan, unfreeze, unfreezePlan, type FreezePlan, type FreezeRecord } from '../../db/freeze.js';
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

/**
 * Freezes unless a freeze of this cutover is still in place; through the effects gate, so the
 * freeze is an audit line. Undefined in plan mode (nothing was frozen).
 */
export async function freezeWrites(ctx: StepContext): Promise<FreezeCheckpoint | undefined> {
  const saved = savedFreeze(ctx);
  if (saved && !saved.liftedAt) return saved;
  const spec = await freezeSpec(ctx);
  const planned = freezePlan(spec, freezeOptions(ctx.config));
  const done = await ctx.effects.perform(
    {
      kind: 'database',
      operation: 'db:source:freeze-writes',
      description: `freeze writes on the ${spec.label}: ${planned.statements.join('; ')}`,
      params: { source: spec.label, statements: planned.statements },
      outcome: (r) => ({ statements: r.statements, alreadyFrozen: r.alreadyFrozen, terminatedSessions: r.sessions.filter((x) => x.terminated).length }),
    },
    () => freeze(spec, freezeOptions(ctx.config)),
  );
  if (!done.performed) return undefined;
  const result = done.value;
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

/** Lifts a freeze promigrate set and has not lifted yet (an audit line, like the freeze); no-op otherwise and in plan mode. */
export async function liftFreeze(ctx: StepContext): Promise<boolean> {
  const saved = savedFreeze(ctx);
  if (!saved || saved.liftedAt) return false;
  const spec = await freezeSpec(ctx);
  const planned = unfreezePlan(saved.record);
  const done = await ctx.effects.perform(
    {
      kind: 'database',
      operation: 'db:source:unfreeze-writes',
      description: `lift the write freeze on the ${spec.label}: ${planned.statements.join('; ') || 'nothing to lift'}`,
      params: { source: spec.label, statements: planned.statements },
      outcome: (r) => ({ statements: r.statements, lifted: r.lifted, terminatedSessions: r.sessions.filter((x) => x.terminated).length }),
    },
    () => unfreeze(spec, saved.record),
  );
  if (!done.performed) return false;
  const result = done.value;
  await ctx.checkpoint(FREEZE, { ...saved, liftedAt: new Date(ctx.clock.now()).toISOString() });
  if (result.lifted) ctx.io.notify({ level: 'info', code: 'cutover.unfreeze', message: 'The source accepts writes again (write freeze lifted).' });
  for (const note of result.notes) ctx.io.notify({ level: 'info', code: 'cutover.unfreeze.note', message: note });
  return result.lifted;
}
