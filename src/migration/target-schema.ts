/**
 * The schema phases of a migration (src/db/schema/types.ts explains the three and why): the
 * source's own definitions are read, the target is asked what it already has, and only what
 * is missing runs — each statement through the effects gate (audited as a database effect;
 * under --dry-run printed, not run) and checkpointed, so a crash between two statements
 * resumes without an "already exists" and a re-run applies exactly what is missing.
 *
 * sync runs `pre-data` before the task starts and `post-load` while DMS holds the cached
 * changes; cutover runs `cutover` (foreign keys, triggers, events, then the sequence and
 * AUTO_INCREMENT positions of the frozen source) once, before the switch.
 */
import { sourceConnectionSpec } from '../db/connect.js';
import { resolvePassword } from '../db/password.js';
import { schemaAdapter } from '../db/schema/index.js';
import { ALWAYS_APPLIED, objectKey, type DdlPhase, type DdlStatement, type SchemaAdapter, type SchemaPlan, type SchemaSelection } from '../db/schema/types.js';
import type { ConnectionSpec, Inventory } from '../db/types.js';
import { ExitCode, PromigrateError, errorMessage } from '../errors.js';
import type { PlannedChange, StepContext } from '../engine/step.js';
import { buildTableMappings } from './table-mappings.js';
import { targetFacts, targetTunnelPlan } from '../engine/target-facts.js';

/**
 * Test-only: `1` leaves every schema phase out, as a run without promigrate's DDL would be
 * (the sandbox's DMS then builds bare tables as real DMS does, and verify must say so).
 */
export const SKIP_SCHEMA_ENV = 'PROMIGRATE_TEST_SKIP_SCHEMA';

/**
 * Crash rehearsal (tests, fault drills): `PROMIGRATE_CRASH_AFTER_DDL=N` SIGKILLs the process
 * right after its Nth schema statement ran on the target and before its checkpoint is
 * written — the gap the target's own catalog (not the checkpoint) must close on resume.
 */
let statementsRun = 0;
async function crashAfterStatement(): Promise<void> {
  const n = Number(process.env.PROMIGRATE_CRASH_AFTER_DDL);
  if (!(Number.isInteger(n) && n > 0 && ++statementsRun === n)) return;
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined);
}

export interface PhaseCheckpoint {
  /** Statement ids run (or found already there) by this phase, in order. */
  done: string[];
  /** Set once every statement of the phase is through. */
  finishedAt?: number;
}

export interface PhaseOutcome {
  phase: DdlPhase;
  /** Why the phase did not run at all. */
  skipped?: string;
  /** Statements run now. */
  applied: DdlStatement[];
  /** Objects the target already had. */
  present: number;
  warnings: string[];
}

export const checkpointName = (phase: DdlPhase): string => `schema.${phase}`;

/** The key a database promigrate created on the target is recorded under. */
export const targetDatabaseKey = (name: string): string => `target.database.${name}`;

/** Why no schema can be built here (the sandbox without a real target), or undefined. */
export function schemaUnavailable(ctx: StepContext): string | undefined {
  if (process.env[SKIP_SCHEMA_ENV] === '1') return `${SKIP_SCHEMA_ENV}=1 (test-only switch)`;
  return ctx.surroundings.targetDatabase.unavailable;
}

export interface Sides {
  adapter: SchemaAdapter;
  source: ConnectionSpec;
  /** The source in another of its databases (MySQL: each database is a schema). */
  sourceIn: (database: string) => Promise<ConnectionSpec>;
  target: (database: string) => Promise<ConnectionSpec>;
  selection: SchemaSelection;
}

/** The schema adapter, both sides and the selection of a run (the target as the surroundings reach it). */
export async function sides(ctx: StepContext, inventory: Inventory): Promise<Sides> {
  const { config } = ctx;
  const password = await resolvePassword(config.source, 'source', () => ctx.aws.secretsManager);
  const source = sourceConnectionSpec(config.source, config.source.databases[0]!, password);
  const target = (database: string) =>
    ctx.surroundings.targetDatabase.connection(database, targetFacts(ctx));
  const standIn = ctx.surroundings.targetDatabase.standInSchema;
  const selection: SchemaSelection = {
    tables: buildTableMappings(config, inventory).selected,
    databases: config.source.databases,
    // The user promigrate itself connects as owns and defines everything it creates.
    targetUser: (await target(config.source.databases[0]!)).user,
    ...(standIn ? { targetSchema: () => standIn } : {}),
  };
  const sourceIn = async (database: string) => sourceConnectionSpec(config.source, database, password);
  return { adapter: await schemaAdapter(config.source.engine), source, sourceIn, target, selection };
}

function phaseError(what: string, err: unknown, hint: string): PromigrateError {
  return new PromigrateError(`${what}: ${errorMessage(err)}`, ExitCode.stepFailed, { hint });
}

/**
 * The source's schema, read once per step run: sync's two phases (and its plan's) work from
 * the same reading, so the tables the indexes go on are the tables pre-data made.
 */
const extracted = new WeakMap<StepContext, Promise<SchemaPlan>>();

function extractOnce(ctx: StepContext, s: Sides): Promise<SchemaPlan> {
  let plan = extracted.get(ctx);
  if (!plan) {
    plan = s.adapter.extract(s.source, s.selection).catch((err: unknown) => {
      extracted.delete(ctx);
      throw phaseError(`Reading the schema of ${s.source.label} failed`, err, 'Check that the migration user can read the schema (SHOW VIEW, and on MySQL SELECT on mysql.proc / the routines), then re-run.');
    });
    extracted.set(ctx, plan);
  }
  return plan;
}

/** The phase's statements from the source (and, at cutover, its positions as they are now). */
async function statementsOf(ctx: StepContext, s: Sides, phase: DdlPhase): Promise<{ statements: DdlStatement[]; warnings: string[] }> {
  const plan = await extractOnce(ctx, s);
  const statements = plan.statements.filter((x) => x.phase === phase);
  if (phase === 'cutover') statements.push(...(await s.adapter.positions(s.source, s.selection)));
  return { statements, warnings: plan.warnings };
}

/** What a phase would run, for `sync --dry-run` / `plan`: every statement, in order. */
export async function planSchemaPhase(ctx: StepContext, inventory: Inventory | undefined, phase: DdlPhase, when: string): Promise<PlannedChange[]> {
  const unavailable = schemaUnavailable(ctx);
  if (unavailable) return [{ action: 'check', target: `schema.${phase}`, description: `schema phase ${phase} skipped: ${unavailable}` }];
  if (!inventory) return [{ action: 'check', target: `schema.${phase}`, description: `schema phase ${phase} ${when}: the statements are listed once assess has run` }];
  if (phase === 'cutover' && ctx.getCheckpoint<PhaseCheckpoint>(checkpointName(phase))?.finishedAt !== undefined) {
    return [{ action: 'noop', target: `schema.${phase}`, description: `schema phase ${phase}: done (it runs once: positions are never moved back)` }];
  }
  let s: Sides;
  let found: { statements: DdlStatement[]; warnings: string[] };
  try {
    s = await sides(ctx, inventory);
    found = await statementsOf(ctx, s, phase);
  } catch (err) {
    return [{ action: 'check', target: `schema.${phase}`, description: `schema phase ${phase} ${when}: the source cannot be read now (${errorMessage(err)}); its statements are read when it runs` }];
  }
  const done = new Set(ctx.getCheckpoint<PhaseCheckpoint>(checkpointName(phase))?.done ?? []);
  const changes: PlannedChange[] = [...(found.statements.length ? targetTunnelPlan(ctx) : []), {
    action: found.statements.length ? 'call' : 'noop',
    target: `schema.${phase}`,
    description: `schema phase ${phase} ${when}: ${found.statements.length} statement(s) on the target, each only if its object is missing`,
    details: { statements: found.statements.length },
  }];
  for (const st of found.statements) {
    changes.push({
      action: done.has(st.id) && !ALWAYS_APPLIED.has(st.object.kind) ? 'noop' : 'call',
      target: st.id,
      description: `${st.sql}${st.notes.length ? `\n    -- ${st.notes.join('\n    -- ')}` : ''}`,
    });
  }
  for (const w of found.warnings) changes.push({ action: 'check', target: `schema.${phase}`, description: `warning: ${w}` });
  return changes;
}

/**
 * Runs a phase on the target. `once`: a finished phase is not run again (cutover: positions
 * set after the application wrote to the target must never be moved back).
 */
export async function runSchemaPhase(ctx: StepContext, inventory: Inventory, phase: DdlPhase, opts: { once?: boolean } = {}): Promise<PhaseOutcome> {
  const unavailable = schemaUnavailable(ctx);
  const none = { phase, applied: [], present: 0, warnings: [] };
  if (unavailable) return { ...none, skipped: unavailable };
  const name = checkpointName(phase);
  const saved = ctx.getCheckpoint<PhaseCheckpoint>(name);
  if (opts.once && saved?.finishedAt !== undefined) return { ...none, skipped: 'it ran already' };

  const s = await sides(ctx, inventory);
  const { statements, warnings } = await statementsOf(ctx, s, phase);
  const target = await s.adapter.openTarget(s.target).catch((err: unknown) => {
    throw phaseError('Cannot reach the target database to build its schema', err, 'promigrate connects to the RDS instance itself (through target.connectVia when set: an SSH tunnel or VPN to the private address); make it reachable from here, then re-run.');
  });
  const done = [...(saved?.done ?? [])];
  const applied: DdlStatement[] = [];
  let present = 0;
  try {
    // The target decides, not the checkpoint: an object dropped since is built again.
    const existing = await target.existing(statements.filter((x) => !ALWAYS_APPLIED.has(x.object.kind)).map((x) => x.object));
    for (const st of statements) {
      // A position has no object to find: the checkpoint says whether this run of the phase set it.
      if (ALWAYS_APPLIED.has(st.object.kind) && done.includes(st.id)) continue;
      if (!ALWAYS_APPLIED.has(st.object.kind) && existing.has(objectKey(st.object))) {
        present++;
        if (!done.includes(st.id)) done.push(st.id);
        continue;
      }
      await ctx.effects.perform(
        {
          kind: 'database',
          operation: `db:target:${st.object.kind}`,
          description: `run on the target: ${st.sql}`,
          params: { statement: st.id, database: st.database, sql: st.sql, ...(st.notes.length ? { notes: st.notes } : {}) },
        },
        () => target.execute(st),
      ).catch((err: unknown) => {
        throw phaseError(`Building the target schema failed at ${st.id}`, err, `The statements before it are in place and recorded; fix the cause on the target (or the source object), then re-run: promigrate continues with ${st.id}.`);
      });
      const position = ALWAYS_APPLIED.has(st.object.kind);
      if (!position) await crashAfterStatement();
      applied.push(st);
      if (st.object.kind === 'database') {
        await ctx.recordResource(targetDatabaseKey(st.object.name), { type: 'db:database', id: st.object.name, region: ctx.aws.region });
      }
      if (!done.includes(st.id)) done.push(st.id);
      // A position has nothing on the target to find it by: it is checkpointed at once (and
      // its crash point comes after that, or a rehearsal killing every run at its first
      // statement would never get further). An object is found on the target by its name,
      // so its checkpoint waits for the end of the phase (or its failure).
      if (position) {
        await ctx.checkpoint(name, { done } satisfies PhaseCheckpoint);
        await crashAfterStatement();
      }
    }
  } catch (err) {
    await ctx.checkpoint(name, { done } satisfies PhaseCheckpoint);
    throw err;
  } finally {
    await target.close().catch(() => undefined);
  }
  await ctx.checkpoint(name, { done, finishedAt: ctx.clock.now() } satisfies PhaseCheckpoint);
  return { phase, applied, present, warnings };
}

/** One line per phase for the operator. */
export function phaseSummary(o: PhaseOutcome): string {
  if (o.skipped) return `Schema phase ${o.phase} skipped: ${o.skipped}.`;
  return `Schema phase ${o.phase}: ${o.applied.length} statement(s) run${o.present ? `, ${o.present} object(s) already on the target` : ''}.`;
}
