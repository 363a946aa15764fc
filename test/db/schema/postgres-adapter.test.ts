// The PostgreSQL schema adapter end to end on real servers: extract() from a rich source,
// applied phase by phase to a new database (with the rows copied in between, as DMS
// would), then verify's snapshots of both sides — on PostgreSQL 15 (the shared test server)
// and on PGlite (PostgreSQL 18; two instances, never one: see src/demo/embedded-postgres.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgClient } from '../../../src/db/postgres-connect.js';
import { openPostgresTarget, postgresSchema } from '../../../src/db/schema/postgres/index.js';
import {
  ALWAYS_APPLIED,
  DDL_PHASES,
  objectKey,
  type DdlPhase,
  type DdlStatement,
  type SchemaPlan,
  type SchemaSelection,
  type SchemaSnapshot,
  type SchemaTarget,
} from '../../../src/db/schema/types.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/demo/embedded-postgres.js';
import { adminSql, sharedServer, specFor } from '../postgres/support.js';

// The HYBRID-BTS shop, then everything else a target schema has to bring over.
const FIXTURE = ['hybridbts-postgres.sql', 'schema-rich-postgres.sql'].map((f) => readFileSync(new URL(`../../fixtures/sql/${f}`, import.meta.url), 'utf8')).join('\n');
/** A partitioned table (with an index that cascades to its partitions), kept out of the shared fixture (see its header). */
const PARTITIONS = `
  CREATE TABLE crm.events (id bigint NOT NULL, happened date NOT NULL, kind text NOT NULL DEFAULT 'note', PRIMARY KEY (id, happened)) PARTITION BY RANGE (happened);
  CREATE TABLE crm.events_2024 PARTITION OF crm.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE crm.events_2025 PARTITION OF crm.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
  CREATE INDEX events_kind_idx ON crm.events (kind);
  INSERT INTO crm.events VALUES (1, '2024-05-01', 'call'), (2, '2025-02-03', DEFAULT);`;
const SHOP = ['members', 'board', 'products', 'orders', 'order_items', 'access_log'];
const CRM = ['contacts', 'tickets', 'audit', 'bookings', 'events', 'events_2024', 'events_2025'];
const fixtureTables = (extra: string[] = []) => [...SHOP.map((table) => ({ schema: 'public', table })), ...[...CRM, ...extra].map((table) => ({ schema: 'crm', table }))];

/**
 * As the migration runs a phase (src/migration/target-schema.ts): existing() asked about that
 * phase's objects only, then what the target lacks run in plan order (positions and identity
 * modes always). Returns the ids of the objects built (not those always run).
 */
async function apply(target: SchemaTarget, plan: SchemaPlan, phases: readonly DdlPhase[], extra: DdlStatement[] = []): Promise<string[]> {
  const ran: string[] = [];
  for (const phase of phases) {
    const todo = [...plan.statements, ...extra].filter((s) => s.phase === phase);
    const found = await target.existing(todo.filter((s) => !ALWAYS_APPLIED.has(s.object.kind)).map((s) => s.object));
    for (const s of todo) {
      if (!ALWAYS_APPLIED.has(s.object.kind) && found.has(objectKey(s.object))) continue;
      await target.execute(s);
      if (!ALWAYS_APPLIED.has(s.object.kind)) ran.push(s.id);
    }
  }
  return ran;
}

/** The full load's stand-in: every leaf table's rows, through JSON, ids and all. */
async function copyRows(source: ConnectionSpec, target: ConnectionSpec, tables: Array<{ schema: string; table: string }>, map: (s: string) => string) {
  const [src, dst] = [await openPgClient(source), await openPgClient(target)];
  try {
    for (const { schema, table } of tables) {
      const from = `"${schema}"."${table}"`;
      const to = `"${map(schema)}"."${table}"`;
      const { rows: cols } = await src.query<{ name: string; relkind: string }>(
        `SELECT quote_ident(a.attname) AS name, c.relkind FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`,
        [from],
      );
      if (cols[0]?.relkind === 'p') continue; // its partitions hold the rows
      const list = cols.map((c) => c.name).join(', ');
      const { rows } = await src.query<{ rows: string }>(`SELECT coalesce(json_agg(t), '[]')::text AS rows FROM ${from} t`);
      await dst.query(`INSERT INTO ${to} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${to}, $1::json)`, [rows[0]!.rows]);
    }
  } finally {
    await src.end();
    await dst.end();
  }
}

/** Where two snapshots differ, as paths (`tables / crm.tickets / indexes / x`); `sequences` as a whole. */
function differences(a: unknown, b: unknown, path: string[] = []): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && path[0] !== 'sequences') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, k]));
  }
  return [path.join(' / ')];
}

async function one<T extends pg.QueryResultRow>(spec: ConnectionSpec, sql: string): Promise<T> {
  const client = await openPgClient(spec);
  try {
    return (await client.query<T>(sql)).rows[0]!;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL schema adapter on PostgreSQL 15', () => {
  const server = sharedServer();
  const spec = (database: string) => specFor(server, database);
  const source = `schema_src_${randomBytes(4).toString('hex')}`;
  const tables = fixtureTables(['tags']);
  const toRds = (s: string) => (s === 'crm' ? 'crm_rds' : s);
  /** The target database is named by the selection: a new database next to the source. */
  const selection = (database: string): SchemaSelection => ({ tables, databases: [database], targetUser: server.adminUser, targetSchema: toRds });
  const full = `${source}_rds`;
  let plan: SchemaPlan;
  let target: SchemaTarget;
  const snapshots = (database: string) =>
    Promise.all([
      postgresSchema.snapshot(async () => spec(source), selection(source), 'source'),
      postgresSchema.snapshot(async (db) => spec(db), selection(database), 'target'),
    ]);

  /** The full target, built once by whichever test needs it first (each can run alone). */
  let applying: Promise<{ ran: string[]; positions: DdlStatement[] }> | undefined;
  const applied = () =>
    (applying ??= (async () => {
      const ran = await apply(target, plan, ['pre-data']);
      await copyRows(spec(source), spec(full), tables, toRds);
      ran.push(...(await apply(target, plan, ['post-load', 'cutover'])));
      const positions = await postgresSchema.positions(spec(source), selection(full));
      for (const s of positions) await target.execute(s);
      return { ran, positions };
    })());

  beforeAll(async () => {
    // An ICU database with its own libc locale, so CREATE DATABASE has something to copy.
    await adminSql(server, 'postgres', `CREATE DATABASE ${source} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LC_COLLATE 'C.utf8' LC_CTYPE 'C.utf8'`);
    // An extension in a schema of its own, used by a column: only this server has citext.
    await adminSql(server, source, `${FIXTURE}${PARTITIONS}
      CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext;
      CREATE TABLE crm.tags (tag ext.citext PRIMARY KEY, uses integer NOT NULL DEFAULT 0);
      INSERT INTO crm.tags VALUES ('Shop', 2);`);
    plan = await postgresSchema.extract(spec(source), selection(full));
    target = await postgresSchema.openTarget(async (db) => spec(db));
  });
  afterAll(() => target?.close());

  it('extract: every phase holds only its kinds, dependencies come first, the database keeps its encoding and locale', () => {
    const ids = plan.statements.map((s) => s.id);
    for (const s of plan.statements) expect(s.id).toBe(`${s.phase}/${objectKey(s.object)}`);
    expect(new Set(ids).size).toBe(ids.length);
    const phaseOrder = plan.statements.map((s) => DDL_PHASES.indexOf(s.phase));
    expect(phaseOrder).toEqual([...phaseOrder].sort((a, b) => a - b));
    const kinds = (phase: DdlPhase) => [...new Set(plan.statements.filter((s) => s.phase === phase).map((s) => s.object.kind))].sort();
    expect(kinds('pre-data')).toEqual(['database', 'extension', 'function', 'procedure', 'schema', 'sequence', 'table', 'type', 'view']);
    expect(kinds('post-load')).toEqual(['constraint', 'index']);
    expect(kinds('cutover')).toEqual(['foreign-key', 'identity', 'trigger']);
    for (const s of plan.statements.filter((x) => x.phase === 'pre-data')) expect(s.sql).not.toMatch(/FOREIGN KEY|REFERENCES|CREATE (UNIQUE )?INDEX|CREATE TRIGGER|\bUNIQUE\b|EXCLUDE/);

    const before = (a: string, b: string) => {
      expect(ids).toContain(a);
      expect(ids).toContain(b);
      expect(ids.indexOf(a), `${a} before ${b}`).toBeLessThan(ids.indexOf(b));
    };
    before(`pre-data/database ${full}.${full}`, 'pre-data/schema crm_rds.crm_rds');
    before('pre-data/schema ext.ext', 'pre-data/extension ext.citext');
    before('pre-data/extension ext.citext', 'pre-data/table crm_rds.tags');
    before('pre-data/type crm_rds.channel', 'pre-data/function crm_rds.default_channel()');
    before('pre-data/function crm_rds.default_channel()', 'pre-data/table crm_rds.tickets');
    before('pre-data/function crm_rds.is_email(text)', 'pre-data/type crm_rds.email_address');
    before('pre-data/type crm_rds.email_address', 'pre-data/table crm_rds.contacts');
    before('pre-data/table crm_rds.tickets', 'pre-data/function crm_rds.latest_ticket()');
    before('pre-data/sequence crm_rds.ticket_ref_seq', 'pre-data/table crm_rds.tickets');
    before('pre-data/table crm_rds.tickets', 'pre-data/sequence crm_rds.tickets.tickets_id_seq');
    before('pre-data/table crm_rds.events', 'pre-data/table crm_rds.events_2024');
    before('pre-data/table public.orders', 'pre-data/view crm_rds.open_tickets');
    before('pre-data/view crm_rds.open_tickets', 'pre-data/view crm_rds.contact_open_tickets');
    expect(ids).not.toContain('pre-data/schema public.public');

    const [db] = plan.statements;
    expect(db).toMatchObject({
      database: 'postgres',
      sql: `CREATE DATABASE "${full}" ENCODING 'UTF8' LC_COLLATE 'C.utf8' LC_CTYPE 'C.utf8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' TEMPLATE template0`,
    });
    expect(db!.notes).toEqual([expect.stringContaining(`the target admin ${server.adminUser} creates and owns every object`)]);
    expect(plan.statements.slice(1).every((s) => s.database === full)).toBe(true);
    expect(plan.warnings).toEqual([]);
  });

  it('extract: the definitions name the mapped schema; identity, collation, defaults and domains come over whole', () => {
    const sql = (id: string) => plan.statements.find((s) => s.id === id)?.sql ?? `(no ${id})`;
    const tickets = sql('pre-data/table crm_rds.tickets');
    expect(tickets).toContain(`"id" integer DEFAULT nextval('crm_rds.tickets_id_seq'::regclass) NOT NULL`);
    expect(tickets).toContain(`"channel" crm_rds.channel DEFAULT crm_rds.default_channel() NOT NULL`);
    expect(tickets).toContain(`"subject_lc" text GENERATED ALWAYS AS (lower((subject)::text)) STORED`);
    expect(tickets).toContain(`CONSTRAINT "tickets_priority_range" CHECK (((priority >= 1) AND (priority <= 5)))`);
    const contacts = sql('pre-data/table crm_rds.contacts');
    expect(contacts).toContain(
      `"id" integer GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "crm_rds"."contacts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 100 CACHE 1 NO CYCLE) NOT NULL`,
    );
    expect(contacts).toContain(`"nickname" text COLLATE pg_catalog."C"`);
    expect(contacts).toContain(`"greeting" text DEFAULT 'hello, ''friend'''::text NOT NULL`);
    expect(contacts).toContain(`"email" crm_rds.email_address`);
    // ALWAYS on the source: BY DEFAULT while DMS writes the source's ids, ALWAYS again at cutover.
    expect(sql('pre-data/table public.products')).toContain('"id" bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "public"."products_id_seq"');
    expect(sql('cutover/identity public.products.id')).toBe('ALTER TABLE "public"."products" ALTER COLUMN "id" SET GENERATED ALWAYS');
    expect(sql('pre-data/table crm_rds.events')).toMatch(/PRIMARY KEY \(id, happened\)\) PARTITION BY RANGE \(happened\)$/);
    expect(sql('pre-data/table crm_rds.events_2024')).toBe(
      `CREATE TABLE IF NOT EXISTS "crm_rds"."events_2024" PARTITION OF "crm_rds"."events" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    );
    expect(sql('pre-data/type crm_rds.score_range')).toBe(
      'CREATE TYPE "crm_rds"."score_range" AS RANGE (SUBTYPE = double precision, SUBTYPE_DIFF = float8mi, MULTIRANGE_TYPE_NAME = crm_rds.score_multirange)',
    );
    expect(sql('pre-data/type crm_rds.channel')).toBe(`CREATE TYPE "crm_rds"."channel" AS ENUM ('web', 'mail', 'phone', 'it''s other')`);
    expect(sql('pre-data/type crm_rds.email_address')).toBe(
      `CREATE DOMAIN "crm_rds"."email_address" AS character varying(120) DEFAULT 'nobody@example.com'::character varying NOT NULL CONSTRAINT "email_address_check" CHECK (crm_rds.is_email((VALUE)::text))`,
    );
    expect(sql('pre-data/sequence crm_rds.ticket_ref_seq')).toBe(
      'CREATE SEQUENCE IF NOT EXISTS "crm_rds"."ticket_ref_seq" AS integer INCREMENT BY 10 MINVALUE 1 MAXVALUE 900000 START WITH 1000 CACHE 5 NO CYCLE',
    );
    expect(sql('pre-data/sequence crm_rds.tickets.tickets_id_seq')).toBe('ALTER SEQUENCE "crm_rds"."tickets_id_seq" OWNED BY "crm_rds"."tickets"."id"');
    expect(sql('pre-data/extension ext.citext')).toBe('CREATE EXTENSION IF NOT EXISTS "citext" SCHEMA "ext" CASCADE');
    expect(sql('pre-data/function crm_rds.touch_ticket()')).toContain('INSERT INTO crm_rds.audit (ticket, what)');
    expect(sql('pre-data/view crm_rds.contact_open_tickets')).toContain('LEFT JOIN crm_rds.open_tickets ot');
    const matview = plan.statements.find((s) => s.id === 'pre-data/view crm_rds.ticket_stats')!;
    expect(matview.sql).toMatch(/^CREATE MATERIALIZED VIEW IF NOT EXISTS "crm_rds"."ticket_stats" AS .* WITH NO DATA$/s);
    expect(matview.notes).toEqual([expect.stringContaining('REFRESH MATERIALIZED VIEW "crm_rds"."ticket_stats"')]);

    const idsOf = (phase: DdlPhase) => plan.statements.filter((s) => s.phase === phase).map((s) => s.id).sort();
    // Not the range type's own constructors, nor citext's functions: they come with their type or extension.
    expect(idsOf('pre-data').filter((id) => /^pre-data\/(type|function|procedure) /.test(id))).toEqual([
      'pre-data/function crm_rds.default_channel()',
      'pre-data/function crm_rds.is_email(text)',
      'pre-data/function crm_rds.latest_ticket()',
      'pre-data/function crm_rds.open_ticket_count(who integer)',
      'pre-data/function crm_rds.touch_ticket()',
      'pre-data/function public.recalc_order_total()',
      'pre-data/procedure crm_rds.close_ticket(IN t integer)',
      'pre-data/type crm_rds.channel',
      'pre-data/type crm_rds.email_address',
      'pre-data/type crm_rds.postal',
      'pre-data/type crm_rds.score_range',
      'pre-data/type public.order_status',
    ]);
    expect(idsOf('post-load')).toEqual([
      'post-load/constraint crm_rds.bookings.bookings_no_overlap',
      'post-load/constraint crm_rds.contacts.contacts_member_email_key',
      'post-load/constraint public.products.products_sku_key',
      'post-load/index crm_rds.events.events_kind_idx',
      'post-load/index crm_rds.tickets.tickets_open_idx',
      'post-load/index crm_rds.tickets.tickets_ref_no_idx',
      'post-load/index crm_rds.tickets.tickets_subject_lower_idx',
      'post-load/index public.access_log.access_log_member_idx',
      'post-load/index public.orders.orders_member_idx',
    ]);
    expect(sql('post-load/index crm_rds.tickets.tickets_open_idx')).toBe(
      'CREATE INDEX IF NOT EXISTS tickets_open_idx ON "crm_rds"."tickets" USING btree (opened_at) WHERE (closed_at IS NULL)',
    );
    expect(sql('post-load/constraint crm_rds.contacts.contacts_member_email_key')).toBe(
      'ALTER TABLE "crm_rds"."contacts" ADD CONSTRAINT "contacts_member_email_key" UNIQUE (member_num, email)',
    );
    expect(idsOf('cutover')).toEqual([
      'cutover/foreign-key crm_rds.audit.audit_ticket_fkey',
      'cutover/foreign-key crm_rds.contacts.contacts_member_num_fkey',
      'cutover/foreign-key crm_rds.tickets.tickets_contact_id_fkey',
      'cutover/foreign-key crm_rds.tickets.tickets_order_id_fkey',
      'cutover/foreign-key public.order_items.order_items_order_id_fkey',
      'cutover/foreign-key public.order_items.order_items_product_id_fkey',
      'cutover/foreign-key public.orders.orders_member_num_fkey',
      'cutover/identity crm_rds.audit.id',
      'cutover/identity public.products.id',
      'cutover/trigger crm_rds.tickets.tickets_touch',
      'cutover/trigger public.order_items.order_items_total',
    ]);
    expect(sql('cutover/foreign-key crm_rds.contacts.contacts_member_num_fkey')).toBe(
      'ALTER TABLE "crm_rds"."contacts" ADD CONSTRAINT "contacts_member_num_fkey" FOREIGN KEY (member_num) REFERENCES public.members(num) ON DELETE CASCADE',
    );
    expect(sql('cutover/trigger crm_rds.tickets.tickets_touch')).toMatch(/^CREATE TRIGGER tickets_touch BEFORE UPDATE ON crm_rds\.tickets .* EXECUTE FUNCTION crm_rds\.touch_ticket\(\)$/);
  });

  it('extract: what reads a table left out of the selection is left out too, with a warning naming it', async () => {
    const partial = await postgresSchema.extract(spec(source), { ...selection(full), tables: tables.filter((t) => t.table !== 'orders') });
    expect(partial.warnings).toEqual([
      'View crm.contact_open_tickets needs crm.open_tickets, which is not created (see above), so it is not created either.',
      'View crm.open_tickets needs public.orders, which is not in the selection, so it is not created: add public.orders to the selection or create open_tickets on the target yourself.',
      expect.stringMatching(/^View public\.order_totals needs public\.orders/),
      expect.stringMatching(/^Foreign key order_items_order_id_fkey on public\.order_items references a table that is not in the selection/),
      expect.stringMatching(/^Foreign key tickets_order_id_fkey on crm\.tickets/),
    ]);
    expect(partial.statements.filter((s) => /orders_id_seq|"orders"|\.orders\b/.test(s.sql)).map((s) => s.id)).toEqual([]);
  });

  it('extract: a partition without its partitioned table becomes a table of its own; one left out is named', async () => {
    const only = await postgresSchema.extract(spec(source), { ...selection(full), tables: [{ schema: 'crm', table: 'events_2024' }] });
    expect(only.warnings).toEqual([
      expect.stringMatching(/^crm\.events_2024 is a partition whose partitioned table is not in the selection: it is created as a standalone table/),
      expect.stringMatching(/^View crm\.contact_open_tickets needs crm\.contacts, which is not in the selection/),
      'Routine crm.latest_ticket needs crm.tickets, which is not in the selection, so it is not created: add crm.tickets to the selection or create latest_ticket on the target yourself.',
      expect.stringMatching(/^View crm\.open_tickets needs crm\.tickets/),
      expect.stringMatching(/^View crm\.ticket_stats needs crm\.tickets/),
    ]);
    expect(only.statements.find((s) => s.object.kind === 'table')?.sql).toBe(
      `CREATE TABLE IF NOT EXISTS "crm_rds"."events_2024" ("id" bigint NOT NULL, "happened" date NOT NULL, "kind" text DEFAULT 'note'::text NOT NULL, CONSTRAINT "events_2024_pkey" PRIMARY KEY (id, happened))`,
    );
    expect(only.statements.filter((s) => s.phase === 'post-load').map((s) => s.sql)).toEqual([
      'CREATE INDEX IF NOT EXISTS events_2024_kind_idx ON "crm_rds"."events_2024" USING btree (kind)',
    ]);
    const without = await postgresSchema.extract(spec(source), { ...selection(full), tables: tables.filter((t) => t.table !== 'events_2025') });
    expect(without.warnings).toEqual([
      'crm.events is partitioned and its partitions crm.events_2025 are not in the selection: the target has no partition for their rows; add them to the selection.',
    ]);
  });

  it('applied phase by phase around the copy, the target snapshot equals the source one', async () => {
    const { ran, positions } = await applied();
    expect(ran).toEqual(plan.statements.filter((s) => !ALWAYS_APPLIED.has(s.object.kind)).map((s) => s.id));
    expect(positions.map((s) => s.sql)).toContain(`SELECT setval('"crm_rds"."ticket_ref_seq"'::regclass, 1040, true)`);

    const [a, b] = await snapshots(full);
    expect(Object.keys(a.tables)).toHaveLength(tables.length);
    expect(a.tables['crm.tickets']!.indexes['tickets_open_idx']).toBe('USING btree (opened_at) WHERE (closed_at IS NULL)');
    expect(a.tables['crm.contacts']!.columns.find((c) => c.name === 'nickname')).toMatchObject({ collation: 'pg_catalog."C"' });
    expect(Object.keys(a.objects)).toEqual(expect.arrayContaining(['view crm.open_tickets', 'function crm.touch_ticket()', 'trigger crm.tickets.tickets_touch']));
    expect(a.sequences.find((s) => s.name === 'contacts_id_seq')).toEqual({ schema: 'crm', name: 'contacts_id_seq', next: '102', table: 'contacts', column: 'id', columnMax: '101' });
    expect(differences(a, b)).toEqual([]);
    expect(b).toEqual(a);

    const locale = 'SELECT pg_encoding_to_char(encoding) AS e, datcollate, datctype, datlocprovider, daticulocale FROM pg_database WHERE datname = current_database()';
    expect(await one(spec(full), locale)).toEqual(await one(spec(source), locale));
  });

  it('finds everything it applied, shows what went missing, re-applies exactly that, and re-runs without error', async () => {
    await applied();
    const objects = plan.statements.filter((s) => !ALWAYS_APPLIED.has(s.object.kind));
    const found = await target.existing(objects.map((s) => s.object));
    expect(objects.filter((s) => !found.has(objectKey(s.object))).map((s) => s.id)).toEqual([]);
    // Refs that do not name their database (not extract()'s) need it from the target's options.
    const bare = plan.statements.filter((s) => s.phase === 'post-load').map(({ object: o }) => ({ kind: o.kind, schema: o.schema, table: o.table, name: o.name }));
    await expect(target.existing(bare)).rejects.toThrow(/needs the one database its objects are in, found none/);
    const told = await openPostgresTarget(async (db) => spec(db), { database: full });
    expect([...(await told.existing(bare))].sort()).toEqual(bare.map(objectKey).sort());
    await told.close();
    await adminSql(
      server,
      full,
      'DROP INDEX crm_rds.tickets_open_idx; ALTER TABLE public.orders DROP CONSTRAINT orders_member_num_fkey; DROP TRIGGER tickets_touch ON crm_rds.tickets',
    );
    const [before, after] = await snapshots(full);
    expect(differences(before, after)).toEqual([
      'objects / trigger crm.tickets.tickets_touch',
      'tables / crm.tickets / indexes / tickets_open_idx',
      'tables / public.orders / constraints / orders_member_num_fkey',
    ]);
    expect(await apply(target, plan, DDL_PHASES)).toEqual([
      'post-load/index crm_rds.tickets.tickets_open_idx',
      'cutover/foreign-key public.orders.orders_member_num_fkey',
      'cutover/trigger crm_rds.tickets.tickets_touch',
    ]);
    expect(await apply(target, plan, DDL_PHASES)).toEqual([]);
    // What is written to be re-runnable is, even without the existence check.
    for (const s of plan.statements.filter((x) => /IF NOT EXISTS|OR REPLACE/.test(x.sql) && x.object.kind !== 'database')) await target.execute(s);
    const [a, b] = await snapshots(full);
    expect(b).toEqual(a);
  });

  it('skipping post-load and positions shows as exactly the missing indexes and unique constraints, and sequences not past their column', async () => {
    const partial = `${source}_partial`;
    const planB = await postgresSchema.extract(spec(source), selection(partial));
    await apply(target, planB, ['pre-data']);
    await copyRows(spec(source), spec(partial), tables, toRds);
    await apply(target, planB, ['cutover']);
    const [a, b] = await snapshots(partial);
    const index = (t: string, i: string) => `tables / ${t} / indexes / ${i}`;
    const unique = (t: string, k: string) => [index(t, k), `tables / ${t} / constraints / ${k}`];
    expect(differences(a, b).sort()).toEqual([
      'sequences',
      ...unique('crm.bookings', 'bookings_no_overlap'),
      ...unique('crm.contacts', 'contacts_member_email_key'),
      index('crm.events', 'events_kind_idx'),
      index('crm.events_2024', 'events_2024_kind_idx'),
      index('crm.events_2025', 'events_2025_kind_idx'),
      index('crm.tickets', 'tickets_open_idx'),
      index('crm.tickets', 'tickets_ref_no_idx'),
      index('crm.tickets', 'tickets_subject_lower_idx'),
      index('public.access_log', 'access_log_member_idx'),
      index('public.orders', 'orders_member_idx'),
      ...unique('public.products', 'products_sku_key'),
    ].sort());
    const behind = (s: SchemaSnapshot) => s.sequences.filter((q) => q.columnMax != null && BigInt(q.next) <= BigInt(q.columnMax)).map((q) => q.name);
    expect(behind(a)).toEqual([]);
    expect(behind(b).sort()).toEqual([
      'audit_id_seq', 'board_num_seq', 'bookings_id_seq', 'contacts_id_seq', 'members_num_seq', 'orders_id_seq', 'products_id_seq', 'ticket_ref_seq', 'tickets_id_seq',
    ]);
  });

  it('opens a new session when its connection to the target was lost', async () => {
    await applied();
    const backends = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${full}' AND pid <> pg_backend_pid()`;
    await adminSql(server, 'postgres', `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${full}' AND pid <> pg_backend_pid()`);
    for (let i = 0; i < 500 && (await one<{ n: number }>(spec('postgres'), backends)).n > 0; i++);
    const view = plan.statements.find((s) => s.id === 'pre-data/view crm_rds.open_tickets')!;
    // The first use may still meet the dead connection; the one after runs on a new one.
    await target.execute(view).catch(() => undefined);
    await target.execute(view);
    expect((await target.existing([plan.statements[0]!.object, view.object])).size).toBe(2);
  });

  it('after positions, inserts without an id get one past the source, for serial and identity columns alike', async () => {
    await applied();
    const insert = async (sql: string) => BigInt((await one<{ id: string }>(spec(full), `${sql} RETURNING id`)).id);
    const max = async (table: string) => BigInt((await one<{ m: string }>(spec(source), `SELECT max(id) AS m FROM ${table}`)).m);
    expect(await insert(`INSERT INTO crm_rds.tickets (contact_id, subject) VALUES (100, 'new')`)).toBeGreaterThan(await max('crm.tickets'));
    expect(await insert(`INSERT INTO public.orders (member_num) VALUES (1)`)).toBeGreaterThan(await max('public.orders'));
    expect(await insert(`INSERT INTO crm_rds.contacts (member_num, email) VALUES (1, 'new@example.com')`)).toBeGreaterThan(await max('crm.contacts'));
    expect(await insert(`INSERT INTO public.products (sku, name, price) VALUES ('NEW', 'New', 1)`)).toBeGreaterThan(await max('public.products'));

    // Ids stored past the sequence (explicit ones): the target restarts past those too.
    await adminSql(server, source, `INSERT INTO crm.contacts (id, member_num, email) VALUES (900, 1, 'late@example.com');
      INSERT INTO crm.tickets (id, contact_id, subject) VALUES (70, 100, 'late')`);
    const positions = await postgresSchema.positions(spec(source), selection(full));
    expect(positions.map((s) => s.sql)).toEqual(
      expect.arrayContaining([`SELECT setval('"crm_rds"."contacts_id_seq"'::regclass, 900, true)`, `SELECT setval('"crm_rds"."tickets_id_seq"'::regclass, 70, true)`]),
    );
    for (const s of positions) await target.execute(s);
    expect(await insert(`INSERT INTO crm_rds.contacts (member_num, email) VALUES (1, 'after@example.com')`)).toBe(901n);
  });
});

describe('PostgreSQL schema adapter on PGlite (PostgreSQL 18)', () => {
  let source: EmbeddedPostgres;
  let targetServer: EmbeddedPostgres;
  let target: SchemaTarget;
  const spec = (s: EmbeddedPostgres, database: string): ConnectionSpec => ({
    engine: 'postgres',
    host: s.host,
    port: s.port,
    user: s.user,
    password: 'unused',
    database,
    tls: { mode: 'disable' },
    connectTimeoutMs: 5_000,
    label: `PGlite ${s.host}:${s.port}/${database}`,
  });
  const tables = fixtureTables();
  const selection: SchemaSelection = { tables, databases: ['postgres'], targetUser: 'postgres' };

  beforeAll(async () => {
    // The default template cache, as the demo uses it: initdb once per machine, not per run.
    source = await startEmbeddedPostgres();
    targetServer = await startEmbeddedPostgres();
    await source.db.exec(FIXTURE + PARTITIONS);
    target = await postgresSchema.openTarget(async (db) => spec(targetServer, db));
  });
  afterAll(async () => {
    await target?.close();
    await Promise.all([source?.stop(), targetServer?.stop()]);
  });

  it('extracts, applies around the copy and snapshots equal, without creating the database it already has', async () => {
    const plan = await postgresSchema.extract(spec(source, 'postgres'), selection);
    expect(plan.warnings).toEqual([]);
    expect(plan.statements[0]!.sql).toBe(`CREATE DATABASE "postgres" ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8' TEMPLATE template0`);
    // PostgreSQL 18 lists NOT NULL constraints in pg_constraint: they stay column properties.
    expect(plan.statements.filter((s) => /not_null/.test(s.sql))).toEqual([]);
    const ran = await apply(target, plan, ['pre-data']);
    expect(ran).not.toContain('pre-data/database postgres.postgres');
    expect(ran).toHaveLength(plan.statements.filter((s) => s.phase === 'pre-data').length - 1);
    await copyRows(spec(source, 'postgres'), spec(targetServer, 'postgres'), tables, (s) => s);
    await apply(target, plan, ['post-load', 'cutover'], await postgresSchema.positions(spec(source, 'postgres'), selection));

    const [a, b] = await Promise.all([
      postgresSchema.snapshot(async (db) => spec(source, db), selection, 'source'),
      postgresSchema.snapshot(async (db) => spec(targetServer, db), selection, 'target'),
    ]);
    expect(Object.keys(a.tables)).toHaveLength(tables.length);
    expect(differences(a, b)).toEqual([]);
    expect(b).toEqual(a);
    const id = await one<{ id: string }>(spec(targetServer, 'postgres'), `INSERT INTO crm.audit (what) VALUES ('new') RETURNING id`);
    expect(id.id).toBe('6'); // identity ALWAYS, INCREMENT BY 5, one row (id 1) on the source
    expect(await apply(target, plan, DDL_PHASES)).toEqual([]);
  });

  it('refuses CREATE DATABASE for any other name, which PGlite would accept and never serve', async () => {
    const plan = await postgresSchema.extract(spec(source, 'shop'), { ...selection, databases: ['shop'] });
    const db = plan.statements[0]!;
    expect(await target.existing([db.object])).toEqual(new Set());
    await expect(target.execute(db)).rejects.toThrow(/is PGlite, which serves only its database postgres; migrate a source database named postgres into it/);
    await expect(target.execute(plan.statements[1]!)).rejects.toThrow(/asked for database shop, the server put the session in database postgres/);
    expect(await one<{ n: string }>(spec(targetServer, 'postgres'), `SELECT count(*) AS n FROM pg_database WHERE datname = 'shop'`)).toEqual({ n: '0' });
  });
});
