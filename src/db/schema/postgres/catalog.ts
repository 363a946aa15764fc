/**
 * Everything the adapter reads about a selection on one side, in one catalog session: the
 * tables, the objects around them (closure.ts) and their definitions as the server deparses
 * them. Names are that side's own (physical) names.
 */
import type pg from 'pg';
import { itemKey, readClosure, type Closure, type Item } from './closure.js';
import { readDetails, readTables, type Relations, type Table } from './relations.js';
import { readFeeds, readSequences, type Feed, type Sequence } from './sequences.js';
import { readTypes, type TypeDef } from './udt.js';

export interface ViewDef {
  definition: string;
  options: string[] | null;
  /** A materialized view's indexes (created after the load, like a table's). */
  indexes: Table['indexes'];
}

export interface RoutineDef {
  /** `name(identity arguments)`: unique in its schema, as overloads need. */
  signature: string;
  /** pg_get_functiondef; null for an aggregate, which it cannot deparse. */
  definition: string | null;
}

export interface Catalog {
  tables: Table[];
  missing: Relations['missing'];
  closure: Closure;
  feeds: Feed[];
  /** Every sequence that feeds a selected table, identity ones included. */
  sequences: Map<number, Sequence>;
  types: Map<number, TypeDef>;
  views: Map<number, ViewDef>;
  routines: Map<number, RoutineDef>;
  /** The items of a kind, in a stable order (schema, name, oid). */
  ofKind(kind: Item['kind']): Item[];
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function readViews(client: pg.Client, oids: number[]): Promise<Map<number, Omit<ViewDef, 'indexes'>>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query('SELECT oid::int8 AS oid, pg_get_viewdef(oid) AS def, reloptions FROM pg_class WHERE oid = ANY($1::oid[])', [oids]);
  return new Map(rows.map((r) => [Number(r.oid), { definition: String(r.def).trim().replace(/;$/, ''), options: r.reloptions ?? null }]));
}

async function readRoutines(client: pg.Client, oids: number[]): Promise<Map<number, RoutineDef>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query(
    `SELECT oid::int8 AS oid, quote_ident(proname) || '(' || pg_get_function_identity_arguments(oid) || ')' AS sig,
            CASE WHEN prokind <> 'a' THEN pg_get_functiondef(oid) END AS def
       FROM pg_proc WHERE oid = ANY($1::oid[])`,
    [oids],
  );
  return new Map(rows.map((r) => [Number(r.oid), { signature: String(r.sig), definition: r.def === null ? null : String(r.def).trim() }]));
}

export async function readCatalog(client: pg.Client, names: Array<{ schema: string; table: string }>): Promise<Catalog> {
  const relations = await readTables(client, names);
  const schemas = [...new Set(relations.tables.map((t) => t.schema))];
  let matviewIndexes = new Map<number, Table['indexes']>();
  const closure = await readClosure(client, relations.tables, schemas, async (views) => {
    const details = await readDetails(client, views);
    matviewIndexes = new Map(views.map((v) => [v, details(v).indexes]));
    return new Map(views.map((v) => [v, details(v).indexes.map((i) => i.oid)]));
  });
  const feeds = await readFeeds(client, relations.tables.map((t) => t.oid));
  const oidsOf = (kind: Item['kind']) => [...closure.items.values()].filter((i) => i.kind === kind).map((i) => i.oid);
  const sequences = await readSequences(client, [...new Set([...oidsOf('sequence'), ...feeds.map((f) => f.sequence)])]);
  // A sequence owned by a column but called by no DEFAULT is still the target's to create.
  for (const f of feeds) {
    const s = sequences.get(f.sequence);
    if (f.via === 'owned' && s && !closure.items.has(itemKey('sequence', s.oid))) {
      closure.items.set(itemKey('sequence', s.oid), { kind: 'sequence', oid: s.oid, schema: s.schema, name: s.name, subkind: 'S' });
    }
  }
  const types = await readTypes(client, oidsOf('type'));
  const views = await readViews(client, oidsOf('view'));
  const routines = await readRoutines(client, oidsOf('function'));
  const sorted = [...closure.items.values()].sort((a, b) => byText(a.schema, b.schema) || byText(a.name, b.name) || a.oid - b.oid);
  return {
    tables: relations.tables,
    missing: relations.missing,
    closure,
    feeds,
    sequences,
    types,
    views: new Map([...views].map(([oid, v]) => [oid, { ...v, indexes: matviewIndexes.get(oid) ?? [] }])),
    routines,
    ofKind: (kind) => sorted.filter((i) => i.kind === kind),
  };
}
