/**
 * PostgreSQL full load: each table is created on the target from the source catalog (column
 * names, format_type types, NOT NULL, stored generated columns, primary key; enum types are
 * created first), then read in pages inside a REPEATABLE READ snapshot — keyset by primary
 * key, a cursor when there is none — and written with multi-row INSERTs. Every value travels
 * as the server's own text form (both sessions in UTC), so nothing is reinterpreted by Node.
 */
import type pg from 'pg';
import { openPgClient } from '../../../db/postgres-connect.js';
import {
  DEFAULT_BATCH_ROWS,
  MAX_INSERT_BYTES,
  insertInBatches,
  tableError,
  type CopiedTable,
  type CopyOptions,
  type TableRef,
} from './full-load.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Every column as the server's text output (bytea as `\x…` hex), parsed by the target again. */
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
/** PostgreSQL's limit on bind parameters per statement. */
const MAX_PARAMS = 65535;

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  generated: string | null;
  enumType: { schema: string; name: string; oid: number } | null;
}

interface SourceTable {
  columns: Column[];
  primaryKey: string[];
}

async function describe(src: pg.Client, ref: TableRef): Promise<SourceTable> {
  const rel = await src.query<{ oid: number; relkind: string }>(
    'SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
    [ref.schema, ref.table],
  );
  const row = rel.rows[0];
  if (!row || !['r', 'p'].includes(row.relkind)) throw new Error(`the source has no table ${ref.schema}.${ref.table}`);
  const cols = await src.query(
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.attgenerated,
            CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS expr,
            e.typtype, e.oid AS typoid, e.typname, tn.nspname AS typschema
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       -- an array's element type, so enum[] columns get their enum created too
       JOIN pg_catalog.pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
       JOIN pg_catalog.pg_namespace tn ON tn.oid = e.typnamespace
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [row.oid],
  );
  const pk = await src.query<{ attname: string }>(
    `SELECT a.attname FROM pg_catalog.pg_constraint k
       CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
      WHERE k.conrelid = $1 AND k.contype = 'p' ORDER BY u.ord`,
    [row.oid],
  );
  return {
    columns: cols.rows.map((c) => ({
      name: c.attname,
      type: c.type,
      notNull: c.attnotnull,
      generated: c.attgenerated === 's' ? c.expr : null,
      enumType: c.typtype === 'e' ? { schema: c.typschema, name: c.typname, oid: Number(c.typoid) } : null,
    })),
    primaryKey: pk.rows.map((r) => r.attname),
  };
}

async function createOnTarget(src: pg.Client, dst: pg.Client, schema: string, ref: TableRef, t: SourceTable): Promise<void> {
  await dst.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
  for (const { enumType: e } of t.columns) {
    if (!e) continue;
    const exists = await dst.query(
      'SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2',
      [e.schema, e.name],
    );
    if (exists.rowCount) continue;
    const labels = await src.query<{ l: string }>('SELECT enumlabel AS l FROM pg_catalog.pg_enum WHERE enumtypid = $1 ORDER BY enumsortorder', [e.oid]);
    const list = labels.rows.map((r) => `'${r.l.replace(/'/g, "''")}'`).join(', ');
    await dst.query(`CREATE SCHEMA IF NOT EXISTS ${q(e.schema)}`);
    await dst.query(`CREATE TYPE ${q(e.schema)}.${q(e.name)} AS ENUM (${list})`);
  }
  const defs = t.columns.map(
    (c) => `${q(c.name)} ${c.type}${c.generated ? ` GENERATED ALWAYS AS (${c.generated}) STORED` : ''}${c.notNull ? ' NOT NULL' : ''}`,
  );
  if (t.primaryKey.length > 0) defs.push(`PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
  await dst.query(`CREATE TABLE IF NOT EXISTS ${q(schema)}.${q(ref.table)} (${defs.join(', ')})`);
}

/** Stored generated columns are computed by the target and refuse explicit values. */
const insertable = (t: SourceTable) => t.columns.filter((c) => !c.generated).map((c) => c.name);

/** Pages of rows (arrays of text) in one snapshot; each page is written before the next is read. */
async function readPages(src: pg.Client, ref: TableRef, t: SourceTable, batch: number, write: (rows: unknown[][]) => Promise<void>) {
  const cols = insertable(t);
  const from = `SELECT ${cols.map(q).join(', ')} FROM ${q(ref.schema)}.${q(ref.table)}`;
  const keyAt = t.primaryKey.map((c) => cols.indexOf(c));
  const page = async (text: string, values: unknown[] = []) =>
    (await src.query({ text, values, rowMode: 'array', types: asText })).rows as unknown[][];
  await src.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    if (t.primaryKey.length === 0 || keyAt.includes(-1)) {
      // No key to page by (and json/point columns cannot be ordered): a server-side cursor.
      await src.query(`DECLARE promigrate_copy NO SCROLL CURSOR FOR ${from}`);
      for (;;) {
        const rows = await page(`FETCH FORWARD ${batch} FROM promigrate_copy`);
        if (rows.length > 0) await write(rows);
        if (rows.length < batch) break;
      }
    } else {
      const order = t.primaryKey.map(q).join(', ');
      let last: unknown[] | undefined;
      for (;;) {
        const rows = last
          ? await page(
              `${from} WHERE (${order}) > (${keyAt.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY ${order} LIMIT ${batch}`,
              keyAt.map((i) => last![i]),
            )
          : await page(`${from} ORDER BY ${order} LIMIT ${batch}`);
        if (rows.length > 0) await write(rows);
        if (rows.length < batch) break;
        last = rows[rows.length - 1];
      }
    }
  } finally {
    await src.query('COMMIT').catch(() => undefined);
  }
}

async function copyOne(src: pg.Client, dst: pg.Client, opts: CopyOptions, ref: TableRef, schema: string, t: SourceTable): Promise<number> {
  const cols = insertable(t);
  const head = `INSERT INTO ${q(schema)}.${q(ref.table)} (${cols.map(q).join(', ')}) OVERRIDING SYSTEM VALUE VALUES `;
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, cols.length)));
  const flush = async (rows: unknown[][]) => {
    if (rows.length === 0) return;
    const tuples = rows.map((_, r) => `(${cols.map((_c, i) => `$${r * cols.length + i + 1}`).join(', ')})`);
    await dst.query(head + tuples.join(', '), rows.flat());
  };
  let copied = 0;
  await readPages(src, ref, t, opts.batchRows ?? DEFAULT_BATCH_ROWS, async (rows) => {
    await insertInBatches(rows, { maxBytes: MAX_INSERT_BYTES, maxRows: perInsert }, flush);
    copied += rows.length;
    opts.onTable?.({ ...ref, rows: copied, done: false });
  });
  return copied;
}

export async function copyPostgres(opts: CopyOptions): Promise<CopiedTable[]> {
  const src = await openPgClient(opts.source);
  let dst: pg.Client | undefined;
  try {
    dst = await openPgClient(opts.target);
    // pg_catalog only: format_type() then schema-qualifies every non-built-in type.
    await src.query("SET search_path = pg_catalog; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3");
    await dst.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'");
    // Triggers and FK checks off while tables fill in any order; needs superuser or
    // rds_superuser — without it the load still runs, with constraints enforced.
    await dst.query('SET session_replication_role = replica').catch(() => undefined);
    const plan: Array<{ ref: TableRef; schema: string; t: SourceTable }> = [];
    for (const ref of opts.tables) {
      const schema = opts.targetSchema?.(ref.schema) ?? ref.schema;
      try {
        const t = await describe(src, ref);
        await createOnTarget(src, dst, schema, ref, t);
        plan.push({ ref, schema, t });
      } catch (err) {
        throw tableError(opts, ref, err);
      }
    }
    if (opts.truncate && plan.length > 0) {
      // One statement, so foreign keys between the copied tables do not block it.
      await dst.query(`TRUNCATE ${plan.map((p) => `${q(p.schema)}.${q(p.ref.table)}`).join(', ')}`).catch((err) => {
        throw new Error(`Full load: truncating the target tables on ${opts.target.label} failed: ${(err as Error).message}`, { cause: err });
      });
    }
    const out: CopiedTable[] = [];
    for (const { ref, schema, t } of plan) {
      let rows: number;
      try {
        rows = await copyOne(src, dst, opts, ref, schema, t);
      } catch (err) {
        throw tableError(opts, ref, err);
      }
      opts.onTable?.({ ...ref, rows, done: true });
      out.push({ ...ref, rows });
    }
    return out;
  } finally {
    await src.end().catch(() => undefined);
    await dst?.end().catch(() => undefined);
  }
}
