/** The selected tables as the catalog describes them: columns, constraints, indexes, triggers. */
import type pg from 'pg';

export interface Column {
  name: string;
  /** format_type: schema-qualified when not a catalog type. */
  type: string;
  notNull: boolean;
  identity: '' | 'a' | 'd';
  /** Stored (`s`) or, on PostgreSQL 18, virtual (`v`) generated column. */
  generated: '' | 's' | 'v';
  /** pg_get_expr of the default (or of the generation expression). */
  default: string | null;
  defaultOid: number | null;
  /** `schema.name` as quote_ident writes it, when not the type's default collation. */
  collation: string | null;
}

export interface Constraint {
  oid: number;
  name: string;
  /** p primary key, c check, u unique, x exclude, f foreign key. */
  type: 'p' | 'c' | 'u' | 'x' | 'f';
  definition: string;
  validated: boolean;
  /** Cloned from a partitioned parent (comes with PARTITION OF). */
  inherited: boolean;
  /** The referenced table of a foreign key. */
  references: number | null;
}

export interface Index {
  oid: number;
  name: string;
  definition: string;
  /** Backs a primary key, unique or exclusion constraint (created with it). */
  forConstraint: boolean;
  /** A partition of a partitioned parent's index (created with it). */
  inherited: boolean;
}

export interface Trigger {
  oid: number;
  name: string;
  definition: string;
  /** O/A/R enabled, D disabled. */
  enabled: string;
  inherited: boolean;
}

export interface Table {
  oid: number;
  schema: string;
  name: string;
  /** r table, p partitioned table. */
  relkind: string;
  unlogged: boolean;
  options: string[] | null;
  /** pg_get_partkeydef of a partitioned table. */
  partitionKey: string | null;
  /** The parent's oid and the bound of a partition. */
  parent: number | null;
  bound: string | null;
  rowSecurity: boolean;
  /** Inherits (the old way) from other tables. */
  inherits: boolean;
  /** A partitioned table's partitions, `schema.name`. */
  partitions: string[];
  columns: Column[];
  constraints: Constraint[];
  indexes: Index[];
  triggers: Trigger[];
}

export interface Relations {
  tables: Table[];
  /** Selected names with no such table: `schema.name` and what was found instead. */
  missing: Array<{ schema: string; name: string; found?: string }>;
}

const RELKIND_NAMES: Record<string, string> = { v: 'a view', m: 'a materialized view', f: 'a foreign table', S: 'a sequence', c: 'a composite type', i: 'an index' };

type Row = Record<string, unknown>;
const byRel = <T extends Row>(rows: T[], key: string): Map<number, T[]> => {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = Number(r[key]);
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
};

/** The tables named (in the given order, duplicates dropped); a constant number of queries. */
export async function readTables(client: pg.Client, names: Array<{ schema: string; table: string }>): Promise<Relations> {
  const { rows: rels } = await client.query(
    `SELECT c.oid::int8 AS oid, s.schema, s.name, c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity,
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
            CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound,
            (SELECT i.inhparent::int8 FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition) AS parent,
            EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND NOT c.relispartition) AS inherits,
            ARRAY(SELECT pn.nspname || '.' || p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                    JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhparent = c.oid AND p.relispartition ORDER BY 1) AS partitions
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(schema, name, ord)
       LEFT JOIN pg_namespace n ON n.nspname = s.schema
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.name
      ORDER BY s.ord`,
    [names.map((t) => t.schema), names.map((t) => t.table)],
  );
  const missing: Relations['missing'] = [];
  const seen = new Set<number>();
  const found: Row[] = [];
  for (const r of rels) {
    if (r.oid === null || !['r', 'p'].includes(String(r.relkind))) {
      missing.push({ schema: String(r.schema), name: String(r.name), ...(r.oid !== null ? { found: RELKIND_NAMES[String(r.relkind)] ?? 'not a table' } : {}) });
    } else if (!seen.has(Number(r.oid))) {
      seen.add(Number(r.oid));
      found.push(r);
    }
  }
  const details = await readDetails(client, [...seen]);
  const tables = found.map((r): Table => {
    const oid = Number(r.oid);
    return {
      oid,
      schema: String(r.schema),
      name: String(r.name),
      relkind: String(r.relkind),
      unlogged: r.relpersistence === 'u',
      options: (r.reloptions as string[] | null) ?? null,
      partitionKey: (r.partkey as string | null) ?? null,
      parent: r.parent === null ? null : Number(r.parent),
      bound: (r.bound as string | null) ?? null,
      rowSecurity: Boolean(r.relrowsecurity),
      inherits: Boolean(r.inherits),
      partitions: (r.partitions as string[] | null) ?? [],
      ...details(oid),
    };
  });
  return { tables, missing };
}

/** Columns, constraints, indexes and triggers of the relations (tables or materialized views). */
export async function readDetails(client: pg.Client, oids: number[]): Promise<(oid: number) => Pick<Table, 'columns' | 'constraints' | 'indexes' | 'triggers'>> {
  const cols = await client.query(
    `SELECT a.attrelid::int8 AS rel, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull, a.attidentity, a.attgenerated,
            pg_get_expr(d.adbin, d.adrelid) AS def, d.oid::int8 AS defoid,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                 THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const cons = await client.query(
    `SELECT k.oid::int8 AS oid, k.conrelid::int8 AS rel, k.conname, k.contype, pg_get_constraintdef(k.oid) AS def,
            k.convalidated, (k.conparentid <> 0 OR NOT k.conislocal) AS inherited,
            CASE WHEN k.contype = 'f' THEN k.confrelid::int8 END AS refrel
       FROM pg_constraint k
      WHERE k.conrelid = ANY($1::oid[]) AND k.contype IN ('p', 'c', 'u', 'x', 'f')
      ORDER BY k.conrelid, k.conname`,
    [oids],
  );
  const idx = await client.query(
    `SELECT i.indexrelid::int8 AS oid, i.indrelid::int8 AS rel, c.relname, pg_get_indexdef(i.indexrelid) AS def, c.relispartition,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) AS forcon
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ANY($1::oid[])
      ORDER BY i.indrelid, c.relname`,
    [oids],
  );
  const trg = await client.query(
    `SELECT t.oid::int8 AS oid, t.tgrelid::int8 AS rel, t.tgname, pg_get_triggerdef(t.oid) AS def, t.tgenabled,
            -- tgparentid is 13+; a 12 marks a partition's cloned triggers tgisinternal instead
            coalesce((to_jsonb(t) ->> 'tgparentid')::oid, 0) <> 0 AS inherited
       FROM pg_trigger t
      WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal
      ORDER BY t.tgrelid, t.tgname`,
    [oids],
  );
  const [c, k, i, g] = [byRel(cols.rows, 'rel'), byRel(cons.rows, 'rel'), byRel(idx.rows, 'rel'), byRel(trg.rows, 'rel')];
  return (oid) => ({
    columns: (c.get(oid) ?? []).map((r) => ({
      name: String(r.attname),
      type: String(r.type),
      notNull: Boolean(r.attnotnull),
      identity: String(r.attidentity) as Column['identity'],
      generated: String(r.attgenerated) as Column['generated'],
      default: (r.def as string | null) ?? null,
      defaultOid: r.defoid === null ? null : Number(r.defoid),
      collation: (r.collation as string | null) ?? null,
    })),
    constraints: (k.get(oid) ?? []).map((r) => ({
      oid: Number(r.oid),
      name: String(r.conname),
      type: String(r.contype) as Constraint['type'],
      definition: String(r.def),
      validated: Boolean(r.convalidated),
      inherited: Boolean(r.inherited),
      references: r.refrel === null ? null : Number(r.refrel),
    })),
    indexes: (i.get(oid) ?? []).map((r) => ({
      oid: Number(r.oid),
      name: String(r.relname),
      definition: String(r.def),
      forConstraint: Boolean(r.forcon),
      inherited: Boolean(r.relispartition),
    })),
    triggers: (g.get(oid) ?? []).map((r) => ({
      oid: Number(r.oid),
      name: String(r.tgname),
      definition: String(r.def),
      enabled: String(r.tgenabled),
      inherited: Boolean(r.inherited),
    })),
  });
}
