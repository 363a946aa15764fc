/**
 * The schema phase runner with a fake adapter: the target's catalog decides what runs, every
 * statement goes through the effects gate and is checkpointed, a finished `once` phase does
 * not run again, and the test-only switch and a target-less sandbox skip it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEffects } from '../../../src/engine/effects.js';
import type { StepContext } from '../../../src/engine/step.js';
import type { DdlStatement, ObjectRef, SchemaAdapter } from '../../../src/db/schema/types.js';
import { objectKey } from '../../../src/db/schema/types.js';
import type { Inventory } from '../../../src/db/types.js';
import { sandboxSurroundings } from '../../../src/aws/sandbox/surroundings.js';
import { testConfig, instantClock } from '../provision/harness.js';

const fake = vi.hoisted(() => ({ adapter: undefined as unknown as SchemaAdapter }));
vi.mock('../../../src/db/schema/index.js', () => ({ schemaAdapter: async () => fake.adapter }));
const { runSchemaPhase, planSchemaPhase, checkpointName, SKIP_SCHEMA_ENV } = await import('../../../src/migration/target-schema.js');

const stmt = (phase: DdlStatement['phase'], kind: ObjectRef['kind'], name: string, table?: string): DdlStatement => {
  const object: ObjectRef = { kind, schema: 'shop_t', name, ...(table ? { table } : {}) };
  return { id: `${phase}/${objectKey(object)}`, phase, object, sql: `-- ${kind} ${name}`, database: 'shop_t', notes: [] };
};

const STATEMENTS = [
  stmt('pre-data', 'database', 'shop_t'),
  stmt('pre-data', 'table', 'orders'),
  stmt('pre-data', 'view', 'v_orders'),
  stmt('post-load', 'index', 'idx_member', 'orders'),
  stmt('cutover', 'foreign-key', 'fk_member', 'orders'),
];
const POSITION = stmt('cutover', 'auto-increment', 'orders', 'orders');

interface World { onTarget: Set<string>; executed: string[]; failOn?: string; extracts?: number }

function adapter(world: World): SchemaAdapter {
  return {
    extract: async () => {
      world.extracts = (world.extracts ?? 0) + 1;
      return { engine: 'mariadb', statements: STATEMENTS, warnings: ['a warning'] };
    },
    positions: async () => [POSITION],
    openTarget: async () => ({
      existing: async (objects) => new Set(objects.map(objectKey).filter((k) => world.onTarget.has(k))),
      execute: async (s) => {
        if (s.id === world.failOn) throw new Error('Duplicate key name');
        world.executed.push(s.id);
        if (s.object.kind !== 'auto-increment') world.onTarget.add(objectKey(s.object));
      },
      close: async () => undefined,
    }),
    snapshot: async () => ({ tables: {}, objects: {}, sequences: [] }),
  };
}

const INVENTORY = { engine: 'mariadb', tables: [{ schema: 'shop', name: 'orders', columns: [] }], databases: ['shop'] } as unknown as Inventory;

function context(opts: { planMode?: boolean; targetUrl?: boolean } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'promigrate-schema-'));
  const config = testConfig({
    source: { engine: 'mariadb', databases: ['shop'], passwordEnv: 'SRC_PW' },
    target: { passwordEnv: 'TGT_PW' },
    ...(opts.targetUrl === false ? {} : { sandbox: { targetUrl: 'mysql://admin@127.0.0.1:3306/shop_t' } }),
  } as never);
  const checkpoints: Record<string, unknown> = {};
  const resources: Record<string, unknown> = {};
  const ctx = {
    config,
    stateDir,
    clock: instantClock(),
    aws: { region: 'us-east-1' },
    effects: createEffects({ planMode: opts.planMode ?? false, stateDir }),
    surroundings: sandboxSurroundings(config),
    outputsOf: () => ({}),
    getCheckpoint: (name: string) => checkpoints[name],
    checkpoint: async (name: string, value: unknown) => void (checkpoints[name] = structuredClone(value)),
    recordResource: async (key: string, r: unknown) => void (resources[key] = r),
  } as unknown as StepContext;
  const audit = () => readFileSync(join(stateDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { ctx, checkpoints, resources, audit };
}

beforeEach(() => {
  process.env.SRC_PW = 'src-pw';
  process.env.TGT_PW = 'tgt-pw';
});
afterEach(() => {
  delete process.env[SKIP_SCHEMA_ENV];
});

describe('runSchemaPhase', () => {
  it('runs only what the target lacks, each statement audited and checkpointed; a created database is recorded', async () => {
    const world: World = { onTarget: new Set([objectKey(STATEMENTS[1]!.object)]), executed: [] };
    fake.adapter = adapter(world);
    const { ctx, checkpoints, resources, audit } = context();
    const out = await runSchemaPhase(ctx, INVENTORY, 'pre-data');
    expect(world.executed).toEqual([STATEMENTS[0]!.id, STATEMENTS[2]!.id]);
    expect(out).toMatchObject({ present: 1, warnings: ['a warning'] });
    expect(checkpoints[checkpointName('pre-data')]).toMatchObject({ done: [STATEMENTS[0]!.id, STATEMENTS[1]!.id, STATEMENTS[2]!.id], finishedAt: expect.any(Number) });
    expect(resources['target.database.shop_t']).toMatchObject({ type: 'db:database', id: 'shop_t' });
    expect(audit().map((l) => [l.operation, l.outcome, l.params.statement])).toEqual([
      ['db:target:database', 'ok', STATEMENTS[0]!.id],
      ['db:target:view', 'ok', STATEMENTS[2]!.id],
    ]);
  });

  it('the target decides, not the checkpoint: an object dropped since is built again; a second run builds nothing', async () => {
    const world: World = { onTarget: new Set(), executed: [] };
    fake.adapter = adapter(world);
    const { ctx } = context();
    await runSchemaPhase(ctx, INVENTORY, 'post-load');
    world.onTarget.delete(objectKey(STATEMENTS[3]!.object));
    world.executed = [];
    await runSchemaPhase(ctx, INVENTORY, 'post-load');
    expect(world.executed).toEqual([STATEMENTS[3]!.id]);
    world.executed = [];
    await runSchemaPhase(ctx, INVENTORY, 'post-load');
    expect(world.executed).toEqual([]);
    // One reading of the source per step run, however many phases it runs.
    expect(world.extracts).toBe(1);
  });

  it('a failed statement stops the phase naming it; the statements before it stay recorded', async () => {
    const world: World = { onTarget: new Set(), executed: [], failOn: STATEMENTS[2]!.id };
    fake.adapter = adapter(world);
    const { ctx, checkpoints, audit } = context();
    await expect(runSchemaPhase(ctx, INVENTORY, 'pre-data')).rejects.toThrow(`Building the target schema failed at ${STATEMENTS[2]!.id}: Duplicate key name`);
    expect((checkpoints[checkpointName('pre-data')] as { done: string[]; finishedAt?: number })).toEqual({ done: [STATEMENTS[0]!.id, STATEMENTS[1]!.id] });
    expect(audit().at(-1)).toMatchObject({ operation: 'db:target:view', outcome: 'error' });
  });

  it('cutover: foreign keys, then positions (always run), and once finished never again', async () => {
    const world: World = { onTarget: new Set(), executed: [] };
    fake.adapter = adapter(world);
    const { ctx } = context();
    await runSchemaPhase(ctx, INVENTORY, 'cutover', { once: true });
    expect(world.executed).toEqual([STATEMENTS[4]!.id, POSITION.id]);
    world.executed = [];
    const again = await runSchemaPhase(ctx, INVENTORY, 'cutover', { once: true });
    expect(again.skipped).toBe('it ran already');
    expect(world.executed).toEqual([]);
    expect((await planSchemaPhase(ctx, INVENTORY, 'cutover', 'at cutover'))[0]).toMatchObject({ action: 'noop' });
  });

  it('plan mode runs nothing and lists every statement; the test-only switch and a sandbox without a target skip the phase', async () => {
    const world: World = { onTarget: new Set(), executed: [] };
    fake.adapter = adapter(world);
    const { ctx } = context({ planMode: true });
    const plan = await planSchemaPhase(ctx, INVENTORY, 'pre-data', 'before the full load');
    expect(plan.map((c) => c.target)).toEqual(['schema.pre-data', ...STATEMENTS.slice(0, 3).map((s) => s.id), 'schema.pre-data']);
    expect(world.executed).toEqual([]);

    process.env[SKIP_SCHEMA_ENV] = '1';
    expect((await runSchemaPhase(context().ctx, INVENTORY, 'pre-data')).skipped).toMatch(/test-only switch/);
    delete process.env[SKIP_SCHEMA_ENV];
    expect((await runSchemaPhase(context({ targetUrl: false }).ctx, INVENTORY, 'pre-data')).skipped).toMatch(/no real target database/);
    expect(world.executed).toEqual([]);
  });
});
