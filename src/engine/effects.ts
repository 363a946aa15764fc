/**
 * The effects gate: the one place that decides whether promigrate changes anything outside
 * its own state. Plan mode (--dry-run) is decided here, once, for a whole run:
 * - AWS: the runtime is given `planMode` and installs its dry-run guard from it (the
 *   middleware stays as the belt); command-level AWS actions (destroy, rollback, cutover
 *   --prepare-only) go through `perform` so a command never branches on --dry-run itself;
 * - databases promigrate does not own (the source's write freeze and its undo, the demo's
 *   target database on an operator's server): `perform`ed, and each gets an audit line like
 *   an AWS call, journalled first (state/audit-journal.ts) so a kill -9 mid-statement still
 *   leaves a trace;
 * - files outside the state dir (init's config file, the demo's workspace): `perform`ed.
 * In plan mode `perform` runs nothing and records what it would have done.
 *
 * Not effects: promigrate's own state dir (state, audit log, reports — guarded by the step
 * context), and what the sandbox does to its stand-in target (the simulator playing DMS).
 */
import { appendAudit, type AuditEntry } from '../state/audit.js';
import { settleAuditIntent, writeAuditIntent } from '../state/audit-journal.js';

export type EffectKind = 'aws' | 'database' | 'file';

export interface Effect<T = unknown> {
  kind: EffectKind;
  /** e.g. `db:source:freeze-writes`, `file:write`, `promigrate:destroy`. */
  operation: string;
  /** What it does, as it reads after "would": `write promigrate.yaml`. */
  description: string;
  /** Key parameters, never a secret (an audit line is redacted anyway). */
  params?: Record<string, unknown>;
  /** Database effects: the step it is made for, on its audit line. */
  step?: string;
  /** Database effects: what to add to the audit line once it has happened (e.g. the statements really run). */
  outcome?: (value: T) => Record<string, unknown>;
}

export interface PlannedEffect {
  kind: EffectKind;
  operation: string;
  description: string;
  params?: Record<string, unknown>;
  /** `(plan) would <description>`. */
  line: string;
}

export type EffectResult<T> = { performed: true; value: T } | { performed: false; planned: PlannedEffect };

export interface Effects {
  readonly planMode: boolean;
  /** Runs `act` — or, in plan mode, only records the effect. */
  perform<T>(effect: Effect<T>, act: () => Promise<T>): Promise<EffectResult<T>>;
  /** What plan mode held back so far, in order. */
  planned(): readonly PlannedEffect[];
}

export interface EffectsOptions {
  planMode: boolean;
  /** Where database effects are audited; a database effect without it is a bug. */
  stateDir?: string;
  /** Told when an effect happened but its audit line could not be written. */
  warn?(message: string): void;
}

export function createEffects(opts: EffectsOptions): Effects {
  const held: PlannedEffect[] = [];
  return {
    planMode: opts.planMode,
    async perform<T>(effect: Effect<T>, act: () => Promise<T>): Promise<EffectResult<T>> {
      if (opts.planMode) {
        const planned: PlannedEffect = {
          kind: effect.kind,
          operation: effect.operation,
          description: effect.description,
          ...(effect.params ? { params: effect.params } : {}),
          line: `(plan) would ${effect.description}`,
        };
        held.push(planned);
        return { performed: false, planned };
      }
      const value = effect.kind === 'database' ? await audited(effect, act, opts) : await act();
      return { performed: true, value };
    },
    planned: () => held,
  };
}

/** The same view, with `step` filled in on every effect (the step context's). */
export function effectsForStep(effects: Effects, step: string): Effects {
  return {
    planMode: effects.planMode,
    perform: (effect, act) => effects.perform({ step, ...effect }, act),
    planned: () => effects.planned(),
  };
}

/**
 * A note before, a line after (ok or error) — the rule AWS calls follow (aws/runtime.ts).
 * A line that cannot be written does not change the outcome (a freeze that happened must be
 * checkpointed so it can be lifted); its note then stays and the next run records it.
 */
async function audited<T>(effect: Effect<T>, act: () => Promise<T>, opts: EffectsOptions): Promise<T> {
  const { stateDir } = opts;
  if (stateDir === undefined) throw new Error(`internal error: ${effect.operation} has no audit log to be recorded in`);
  const params = effect.params ?? {};
  const base = { ...(effect.step !== undefined ? { step: effect.step } : {}), operation: effect.operation };
  const callId = await writeAuditIntent(stateDir, { time: new Date().toISOString(), ...base, params });
  const record = async (entry: Pick<AuditEntry, 'params' | 'outcome' | 'error'>): Promise<void> => {
    try {
      await appendAudit(stateDir, { time: new Date().toISOString(), ...base, ...entry, callId });
      await settleAuditIntent(stateDir, callId);
    } catch (err) {
      opts.warn?.(`could not record ${effect.operation} in the audit log: ${(err as Error).message}`);
    }
  };
  let value: T;
  try {
    value = await act();
  } catch (err) {
    const e = err as { name?: string; message?: string };
    await record({ params, outcome: 'error', error: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` });
    throw err;
  }
  await record({ params: { ...params, ...effect.outcome?.(value) }, outcome: 'ok' });
  return value;
}
