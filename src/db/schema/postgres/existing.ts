/**
 * existing(): which of a plan's objects the target already has, one catalog query per kind.
 * Names are the target's; routines are matched by `name(identity arguments)` read, like
 * extract() wrote it, with `search_path = pg_catalog` (so argument types come qualified).
 */
import type pg from 'pg';
import { objectKey, type ObjectKind, type ObjectRef } from '../types.js';

/** Each query returns (schema, tbl, name) rows among the candidates $1 schema[], $2 table[], $3 name[]. */
const CANDIDATES = 'unnest($1::text[], $2::text[], $3::text[]) AS w(schema, tbl, name)';

const QUERIES: Partial<Record<ObjectKind, string>> = {
  schema: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES} JOIN pg_namespace n ON n.nspname = w.name`,
  extension: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES} JOIN pg_extension e ON e.extname = w.name`,
  type: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_type t ON t.typnamespace = n.oid AND t.typname = w.name`,
  table: relation(['r', 'p']),
  view: relation(['v', 'm']),
  function: routine(['f', 'w', 'a']),
  procedure: routine(['p']),
  // A sequence; with a table: that it is OWNED BY a column of the table.
  sequence: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_class s ON s.relnamespace = n.oid AND s.relname = w.name AND s.relkind = 'S'
          WHERE w.tbl = '' OR EXISTS (
                SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
                   AND d.deptype = 'a' AND d.refobjsubid > 0 AND t.relname = w.tbl AND t.relnamespace = n.oid)`,
  index: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema
           JOIN pg_class i ON i.relnamespace = n.oid AND i.relname = w.name AND i.relkind IN ('i', 'I')
           JOIN pg_index x ON x.indexrelid = i.oid JOIN pg_class t ON t.oid = x.indrelid AND t.relname = w.tbl`,
  constraint: constraint(),
  'foreign-key': constraint(),
  trigger: `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = w.tbl
           JOIN pg_trigger g ON g.tgrelid = t.oid AND g.tgname = w.name`,
};

function relation(kinds: string[]): string {
  return `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema
           JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.name AND c.relkind IN (${kinds.map((k) => `'${k}'`).join(', ')})`;
}

function routine(kinds: string[]): string {
  return `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema
           JOIN pg_proc p ON p.pronamespace = n.oid AND p.prokind IN (${kinds.map((k) => `'${k}'`).join(', ')})
                         AND quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' = w.name`;
}

function constraint(): string {
  return `SELECT w.schema, w.tbl, w.name FROM ${CANDIDATES}
           JOIN pg_namespace n ON n.nspname = w.schema JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = w.tbl
           JOIN pg_constraint k ON k.conrelid = t.oid AND k.conname = w.name`;
}

/** The keys of `objects` (none of kind `database`) found in the session's database. */
export async function existingIn(client: pg.Client, objects: ObjectRef[]): Promise<Set<string>> {
  const found = new Set<string>();
  const byKind = new Map<ObjectKind, ObjectRef[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  if (byKind.size === 0) return found;
  await client.query('BEGIN READ ONLY');
  try {
    await client.query('SET LOCAL search_path = pg_catalog');
    for (const [kind, refs] of byKind) {
      const sql = QUERIES[kind];
      if (!sql) continue;
      const { rows } = await client.query<{ schema: string; tbl: string; name: string }>(sql, [
        refs.map((r) => r.schema),
        refs.map((r) => r.table ?? ''),
        refs.map((r) => r.name),
      ]);
      for (const r of rows) found.add(objectKey({ kind, schema: r.schema, ...(r.tbl !== '' ? { table: r.tbl } : {}), name: r.name }));
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return found;
}

/** The names among `databases` that exist on the server of the session. */
export async function existingDatabases(client: pg.Client, databases: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_catalog.pg_database WHERE datname = ANY($1::text[])', [databases]);
  return new Set(rows.map((r) => r.datname));
}
