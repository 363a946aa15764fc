/** User-defined types (enum, domain, composite, range) from the catalog, and their CREATE statements. */
import type pg from 'pg';
import { lit, q, type Names } from './names.js';

export type TypeDef =
  | { kind: 'enum'; oid: number; labels: string[] }
  | {
      kind: 'domain';
      oid: number;
      base: string;
      notNull: boolean;
      default: string | null;
      collation: string | null;
      checks: Array<{ name: string; definition: string }>;
    }
  | { kind: 'composite'; oid: number; attributes: Array<{ name: string; type: string; collation: string | null }> }
  | {
      kind: 'range';
      oid: number;
      subtype: string;
      /** Each null when the subtype's default; the multirange's name (14+) always given. */
      opclass: string | null;
      collation: string | null;
      canonical: string | null;
      diff: string | null;
      multirange: string | null;
    };

/** Definitions of the given enum, domain, composite and range types, by oid. */
export async function readTypes(client: pg.Client, oids: number[]): Promise<Map<number, TypeDef>> {
  const out = new Map<number, TypeDef>();
  if (oids.length === 0) return out;
  const labels = await client.query('SELECT enumtypid::int8 AS oid, enumlabel FROM pg_enum WHERE enumtypid = ANY($1::oid[]) ORDER BY enumtypid, enumsortorder', [oids]);
  const domains = await client.query(
    `SELECT t.oid::int8 AS oid, format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull, pg_get_expr(t.typdefaultbin, 0) AS def,
            CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation
                 THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
       FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype
       LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE t.oid = ANY($1::oid[]) AND t.typtype = 'd'`,
    [oids],
  );
  const checks = await client.query(
    `SELECT contypid::int8 AS oid, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE contypid = ANY($1::oid[]) AND contype = 'c' ORDER BY contypid, conname`,
    [oids],
  );
  const attrs = await client.query(
    `SELECT t.oid::int8 AS oid, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
                 THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
       FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid JOIN pg_type at ON at.oid = a.atttypid
       LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE t.oid = ANY($1::oid[]) AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY t.oid, a.attnum`,
    [oids],
  );
  const ranges = await client.query(
    `SELECT r.rngtypid::int8 AS oid, format_type(r.rngsubtype, NULL) AS subtype,
            CASE WHEN NOT opc.opcdefault THEN quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END AS opclass,
            CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                 THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
            CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END AS canonical,
            CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END AS diff,
            -- rngmultitypid is 14+
            format_type(nullif((to_jsonb(r) ->> 'rngmultitypid')::oid, 0), NULL) AS multirange
       FROM pg_range r JOIN pg_type st ON st.oid = r.rngsubtype
       JOIN pg_opclass opc ON opc.oid = r.rngsubopc JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
       LEFT JOIN pg_collation co ON co.oid = r.rngcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE r.rngtypid = ANY($1::oid[])`,
    [oids],
  );
  for (const r of ranges.rows) {
    const oid = Number(r.oid);
    out.set(oid, { kind: 'range', oid, subtype: String(r.subtype), opclass: r.opclass, collation: r.collation, canonical: r.canonical, diff: r.diff, multirange: r.multirange });
  }
  for (const r of labels.rows) {
    const oid = Number(r.oid);
    const had = out.get(oid);
    if (had?.kind === 'enum') had.labels.push(String(r.enumlabel));
    else out.set(oid, { kind: 'enum', oid, labels: [String(r.enumlabel)] });
  }
  for (const r of domains.rows) {
    const oid = Number(r.oid);
    out.set(oid, { kind: 'domain', oid, base: String(r.base), notNull: Boolean(r.typnotnull), default: r.def ?? null, collation: r.collation ?? null, checks: [] });
  }
  for (const r of checks.rows) {
    const d = out.get(Number(r.oid));
    if (d?.kind === 'domain') d.checks.push({ name: String(r.conname), definition: String(r.def) });
  }
  for (const r of attrs.rows) {
    const oid = Number(r.oid);
    const had = out.get(oid);
    const attribute = { name: String(r.attname), type: String(r.type), collation: (r.collation as string | null) ?? null };
    if (had?.kind === 'composite') had.attributes.push(attribute);
    else out.set(oid, { kind: 'composite', oid, attributes: [attribute] });
  }
  return out;
}

/** An enum without labels has no pg_enum rows; a composite without attributes none in pg_attribute. */
export function emptyType(kind: 'enum' | 'composite', oid: number): TypeDef {
  return kind === 'enum' ? { kind, oid, labels: [] } : { kind, oid, attributes: [] };
}

export function createType(name: string, t: TypeDef, names: Names): string {
  switch (t.kind) {
    case 'enum':
      return `CREATE TYPE ${name} AS ENUM (${t.labels.map(lit).join(', ')})`;
    case 'composite':
      return `CREATE TYPE ${name} AS (${t.attributes.map((a) => `${q(a.name)} ${names.text(a.type)}${a.collation ? ` COLLATE ${names.text(a.collation)}` : ''}`).join(', ')})`;
    case 'domain':
      return [
        `CREATE DOMAIN ${name} AS ${names.text(t.base)}`,
        ...(t.collation ? [`COLLATE ${names.text(t.collation)}`] : []),
        ...(t.default !== null ? [`DEFAULT ${names.text(t.default)}`] : []),
        ...(t.notNull ? ['NOT NULL'] : []),
        ...t.checks.map((c) => `CONSTRAINT ${q(c.name)} ${names.text(c.definition)}`),
      ].join(' ');
    case 'range': {
      const options: Array<[string, string | null]> = [
        ['SUBTYPE', t.subtype],
        ['SUBTYPE_OPCLASS', t.opclass],
        ['COLLATION', t.collation],
        ['CANONICAL', t.canonical],
        ['SUBTYPE_DIFF', t.diff],
        ['MULTIRANGE_TYPE_NAME', t.multirange],
      ];
      const given = options.filter((o): o is [string, string] => o[1] !== null);
      return `CREATE TYPE ${name} AS RANGE (${given.map(([k, v]) => `${k} = ${names.text(v)}`).join(', ')})`;
    }
  }
}
