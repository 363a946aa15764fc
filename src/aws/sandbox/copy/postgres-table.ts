/**
 * The PostgreSQL table DMS creates on the target when it creates one. "Using a PostgreSQL
 * database as a target for AWS DMS" (Target data types for PostgreSQL): from a PostgreSQL
 * source "AWS DMS creates the target table with the same data types for all columns, apart
 * from columns with user-defined data types. In such cases, the data type is created as
 * character varying" — enums, domains, composites and extension types (and arrays of them)
 * become `character varying`, holding the source's text. Only the columns and the primary
 * key are created ("AWS DMS creates tables, primary keys, and in some cases unique indexes,
 * but doesn't create any other objects"): no default, sequence (serial and identity columns
 * become plain integers), secondary index, foreign key or CHECK. NOT NULL is kept; a column's
 * non-default collation is not (the guide is silent: the conservative choice). A stored
 * generated column becomes a plain column holding the source's values.
 */
import type pg from 'pg';
import type { LobKind } from './lob.js';
import type { TableRef } from './full-load.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** "Source data types for PostgreSQL": text, json, jsonb → NCLOB; bytea → BLOB; xml → CLOB. */
const LOB_KINDS: Record<string, LobKind> = { text: 'nclob', json: 'nclob', jsonb: 'nclob', bytea: 'blob', xml: 'clob' };

export interface PgColumn {
  name: string;
  /** Its type on a table DMS creates. */
  type: string;
  notNull: boolean;
  lob?: LobKind;
}

export interface PgSourceTable {
  columns: PgColumn[];
  primaryKey: string[];
}

export async function describePgSource(src: pg.Client, ref: TableRef): Promise<PgSourceTable> {
  const rel = await src.query<{ oid: number; relkind: string }>(
    'SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
    [ref.schema, ref.table],
  );
  const row = rel.rows[0];
  if (!row || !['r', 'p'].includes(row.relkind)) throw new Error(`the source has no table ${ref.schema}.${ref.table}`);
  const cols = await src.query(
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, t.typname,
            t.typcategory = 'A' AS is_array, en.nspname <> 'pg_catalog' AS user_defined
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       -- an array's element type decides whether the column's type is user-defined
       JOIN pg_catalog.pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
       JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
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
    columns: cols.rows.map((c) => {
      const lob = c.is_array || c.user_defined ? undefined : LOB_KINDS[c.typname];
      return { name: c.attname, type: c.user_defined ? 'character varying' : c.type, notNull: c.attnotnull, ...(lob ? { lob } : {}) };
    }),
    primaryKey: pk.rows.map((r) => r.attname),
  };
}

export function createPgTableSql(schema: string, table: string, t: PgSourceTable): string {
  const defs = t.columns.map((c) => `${q(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  if (t.primaryKey.length > 0) defs.push(`PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
  return `CREATE TABLE ${q(schema)}.${q(table)} (${defs.join(', ')})`;
}

/** The target table as it stands: undefined when missing, else its generated columns (they refuse values). */
export async function pgTargetTable(dst: pg.Client, schema: string, table: string): Promise<{ generated: Set<string> } | undefined> {
  const rel = await dst.query<{ oid: number }>(
    "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
    [schema, table],
  );
  if (!rel.rows[0]) return undefined;
  const generated = await dst.query<{ attname: string }>(
    "SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated <> ''",
    [rel.rows[0].oid],
  );
  return { generated: new Set(generated.rows.map((r) => r.attname)) };
}
