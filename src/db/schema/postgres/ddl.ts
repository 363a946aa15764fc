/** The statements' text, from the catalog's definitions with the schema mapping applied. */
import { lit, q, type Names } from './names.js';
import type { Column, Constraint, Index, Table } from './relations.js';
import { sequenceOptions, type Sequence } from './sequences.js';

/** A pg_database row (to_jsonb, so columns a version lacks are simply absent). */
export interface DatabaseRow {
  encoding: string;
  datcollate: string;
  datctype: string;
  /** c libc, i icu, b builtin (17+). */
  datlocprovider?: string;
  /** 15–16: daticulocale; 17+: datlocale. */
  daticulocale?: string | null;
  datlocale?: string | null;
  daticurules?: string | null;
}

export function createDatabase(name: string, db: DatabaseRow): string {
  const parts = [`CREATE DATABASE ${q(name)}`, `ENCODING ${lit(db.encoding)}`, `LC_COLLATE ${lit(db.datcollate)}`, `LC_CTYPE ${lit(db.datctype)}`];
  const locale = db.datlocale ?? db.daticulocale ?? null;
  if (db.datlocprovider === 'i' && locale !== null) {
    parts.push('LOCALE_PROVIDER icu', `ICU_LOCALE ${lit(locale)}`);
    if (db.daticurules) parts.push(`ICU_RULES ${lit(db.daticurules)}`);
  } else if (db.datlocprovider === 'b' && locale !== null) {
    parts.push('LOCALE_PROVIDER builtin', `BUILTIN_LOCALE ${lit(locale)}`);
  }
  parts.push('TEMPLATE template0');
  return parts.join(' ');
}

function columnDef(c: Column, names: Names, identity: Sequence | undefined): string {
  const parts = [q(c.name), names.text(c.type)];
  if (c.collation) parts.push(`COLLATE ${names.text(c.collation)}`);
  if (c.generated && c.default !== null) parts.push(`GENERATED ALWAYS AS (${names.text(c.default)}) ${c.generated === 'v' ? 'VIRTUAL' : 'STORED'}`);
  else if (c.identity) {
    const seq = identity ? ` (SEQUENCE NAME ${names.qualified(identity.schema, identity.name)} ${sequenceOptions(identity)})` : '';
    parts.push(`GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${seq}`);
  } else if (c.default !== null) parts.push(`DEFAULT ${names.text(c.default)}`);
  if (c.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

/** The table's own constraints created with it: primary key and validated CHECKs. */
export const withTable = (k: Constraint): boolean => k.type === 'p' || (k.type === 'c' && k.validated);

/**
 * CREATE TABLE with columns, defaults, identity, generated columns, primary key and CHECKs.
 * `parent`: the partitioned table this one is a partition of (both selected) — the columns,
 * and what is inherited, then come from the parent.
 */
export function createTable(t: Table, names: Names, identity: (column: string) => Sequence | undefined, parent: Table | undefined): string {
  const name = names.qualified(t.schema, t.name);
  const head = `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE IF NOT EXISTS ${name}`;
  const constraints = t.constraints.filter((k) => withTable(k) && !(parent && k.inherited)).map((k) => `CONSTRAINT ${q(k.name)} ${names.text(k.definition)}`);
  const tail = [
    ...(t.partitionKey ? [`PARTITION BY ${names.text(t.partitionKey)}`] : []),
    ...(t.options?.length ? [`WITH (${t.options.join(', ')})`] : []),
  ];
  if (parent && t.bound) {
    const list = constraints.length > 0 ? ` (${constraints.join(', ')})` : '';
    return [`${head} PARTITION OF ${names.qualified(parent.schema, parent.name)}${list} ${names.text(t.bound)}`, ...tail].join(' ');
  }
  const body = [...t.columns.map((c) => columnDef(c, names, identity(c.name))), ...constraints];
  return [`${head} (${body.join(', ')})`, ...tail].join(' ');
}

export function createSequence(s: Sequence, names: Names): string {
  return `CREATE SEQUENCE IF NOT EXISTS ${names.qualified(s.schema, s.name)} AS ${s.type} ${sequenceOptions(s)}`;
}

export function sequenceOwnedBy(s: Sequence, t: Table, column: string, names: Names): string {
  return `ALTER SEQUENCE ${names.qualified(s.schema, s.name)} OWNED BY ${names.qualified(t.schema, t.name)}.${q(column)}`;
}

export function createView(schema: string, name: string, materialized: boolean, definition: string, options: string[] | null, names: Names): string {
  const opts = options?.length ? ` WITH (${options.join(', ')})` : '';
  const what = names.qualified(schema, name);
  return materialized
    ? `CREATE MATERIALIZED VIEW IF NOT EXISTS ${what}${opts} AS ${names.text(definition)} WITH NO DATA`
    : `CREATE OR REPLACE VIEW ${what}${opts} AS ${names.text(definition)}`;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[^\s."]+)`;
const INDEX_HEAD = new RegExp(String.raw`^CREATE (UNIQUE )?INDEX (${IDENT}) ON (?:ONLY )?${IDENT}\.${IDENT} `);

/**
 * pg_get_indexdef made re-runnable (IF NOT EXISTS) on the mapped table, without ONLY: on a
 * partitioned table the index then cascades to the partitions, as it did on the source.
 */
export function createIndex(i: Index, t: Pick<Table, 'schema' | 'name'>, names: Names): string {
  const m = INDEX_HEAD.exec(i.definition);
  if (!m) throw new Error(`unexpected index definition from the server: ${i.definition}`);
  return `CREATE ${m[1] ?? ''}INDEX IF NOT EXISTS ${m[2]} ON ${names.qualified(t.schema, t.name)} ${names.text(i.definition.slice(m[0].length))}`;
}

/** An index definition without its name, table and IF NOT EXISTS: what verify compares. */
export function indexShape(definition: string, names: Names): string {
  const m = new RegExp(String.raw`^CREATE (UNIQUE )?INDEX (?:IF NOT EXISTS )?${IDENT} ON (?:ONLY )?${IDENT}\.${IDENT} `).exec(definition);
  return m ? `${m[1] ?? ''}${names.text(definition.slice(m[0].length))}` : names.text(definition);
}

export function addConstraint(k: Constraint, t: Pick<Table, 'schema' | 'name'>, names: Names): string {
  return `ALTER TABLE ${names.qualified(t.schema, t.name)} ADD CONSTRAINT ${q(k.name)} ${names.text(k.definition)}`;
}
