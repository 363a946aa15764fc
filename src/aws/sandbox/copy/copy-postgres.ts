/**
 * PostgreSQL full load: each target table is prepared as the task's TargetTablePrepMode says
 * (a missing one created as DMS creates it: postgres-table.ts), one table at a time, then the
 * source is read in pages inside a REPEATABLE READ snapshot — keyset by primary key, a cursor
 * when there is none — and written with multi-row INSERTs. Every value travels as the
 * server's own text form (both sessions in UTC), so nothing is reinterpreted by Node; only
 * limited LOB mode cuts LOBs (lob.ts).
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
import { LobCutter } from './lob.js';
import { createPgTableSql, describePgSource, pgTargetTable, type PgSourceTable } from './postgres-table.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Every column as the server's text output (bytea as `\x…` hex), parsed by the target again. */
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
/** PostgreSQL's limit on bind parameters per statement. */
const MAX_PARAMS = 65535;

/** What is read and written: the source columns the target takes (not generated there), in source order. */
interface Plan {
  columns: string[];
  primaryKey: string[];
  lobs: LobCutter | undefined;
}

/**
 * Prepares the target table ("Full-load task settings", TargetTablePrepMode), one table at a
 * time as DMS does, and returns the columns the target generates itself. PostgreSQL's own
 * errors stand: DROP TABLE or TRUNCATE of a table another table's foreign key references
 * fails ("Using a PostgreSQL database as a target for AWS DMS": "DROP and TRUNCATE
 * operations fail when there are foreign key constraints", session_replication_role or
 * not). A missing table is created in every mode: the guide's modes say what happens to an
 * existing one only.
 */
async function prepare(dst: pg.Client, schema: string, ref: TableRef, t: PgSourceTable, mode: CopyOptions['prepMode']): Promise<Set<string>> {
  const name = `${q(schema)}.${q(ref.table)}`;
  let existing = await pgTargetTable(dst, schema, ref.table);
  if (existing && mode === 'DROP_AND_CREATE') {
    await dst.query(`DROP TABLE ${name}`);
    existing = undefined;
  }
  if (!existing) {
    await dst.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
    await dst.query(createPgTableSql(schema, ref.table, t));
    return new Set();
  }
  if (mode === 'TRUNCATE_BEFORE_LOAD') await dst.query(`TRUNCATE TABLE ${name}`);
  return existing.generated;
}

function plan(t: PgSourceTable, generatedOnTarget: Set<string>, opts: CopyOptions): Plan {
  const columns = t.columns.filter((c) => !generatedOnTarget.has(c.name));
  const lobs = opts.lobMaxSizeKb !== undefined
    ? new LobCutter(columns.map((c) => c.name), columns.map((c) => c.lob), opts.lobMaxSizeKb)
    : undefined;
  return { columns: columns.map((c) => c.name), primaryKey: t.primaryKey, lobs };
}

/** Pages of rows (arrays of text) in one snapshot; each page is written before the next is read. */
async function readPages(src: pg.Client, ref: TableRef, t: Plan, batch: number, write: (rows: unknown[][]) => Promise<void>) {
  const cols = t.columns;
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

async function copyOne(src: pg.Client, dst: pg.Client, opts: CopyOptions, ref: TableRef, schema: string): Promise<CopiedTable> {
  const described = await describePgSource(src, ref);
  const p = plan(described, await prepare(dst, schema, ref, described, opts.prepMode), opts);
  const cols = p.columns;
  // OVERRIDING SYSTEM VALUE: a pre-created table's GENERATED ALWAYS identity takes the source's values.
  const head = `INSERT INTO ${q(schema)}.${q(ref.table)} (${cols.map(q).join(', ')}) OVERRIDING SYSTEM VALUE VALUES `;
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, cols.length)));
  const flush = async (rows: unknown[][]) => {
    if (rows.length === 0) return;
    const tuples = rows.map((_, r) => `(${cols.map((_c, i) => `$${r * cols.length + i + 1}`).join(', ')})`);
    await dst.query(head + tuples.join(', '), rows.flat());
  };
  let copied = 0;
  await readPages(src, ref, p, opts.batchRows ?? DEFAULT_BATCH_ROWS, async (rows) => {
    p.lobs?.apply(rows);
    await insertInBatches(rows, { maxBytes: MAX_INSERT_BYTES, maxRows: perInsert }, flush);
    copied += rows.length;
    opts.onTable?.({ ...ref, rows: copied, done: false });
  });
  return { ...ref, rows: copied, truncatedLobs: p.lobs?.truncations() ?? [] };
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
    const out: CopiedTable[] = [];
    for (const ref of opts.tables) {
      let copied: CopiedTable;
      try {
        copied = await copyOne(src, dst, opts, ref, opts.targetSchema?.(ref.schema) ?? ref.schema);
      } catch (err) {
        throw tableError(opts, ref, err);
      }
      opts.onTable?.({ ...ref, rows: copied.rows, done: true });
      out.push(copied);
    }
    return out;
  } finally {
    await src.end().catch(() => undefined);
    await dst?.end().catch(() => undefined);
  }
}
