/**
 * The PostgreSQL inventory of ONE database in a constant number of bulk pg_catalog queries
 * (INVENTORY_QUERIES per database, whatever the number of tables), assembled in Node.
 * A PostgreSQL database is a connection target: catalogs are per database, so a config
 * listing several databases costs INVENTORY_QUERIES round trips on one connection each.
 */
import type { DbColumn, DbTable } from './types.js';

/** A round trip: runs one statement, returns its rows. */
export type Query = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

export const INVENTORY_QUERIES = 7;

/** Types DMS migrates as LOBs (text→NCLOB, bytea→BLOB, json/jsonb→NCLOB, xml→CLOB). */
export const LOB_TYPES = new Set(['text', 'bytea', 'json', 'jsonb', 'xml']);

/** User objects: no system schema, nothing an extension owns (pglogical's own tables…). */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;
const notExtension = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
export const USER_RELATION = `${USER_SCHEMA} AND ${notExtension('pg_class', 'c.oid')}`;
const FROM_RELATION = 'pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace';

function catalogSql(major: number) {
  const keyAtts = major >= 11 ? 'i.indnkeyatts' : 'i.indnatts';
  const procKind =
    major >= 11
      ? `CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' WHEN 'w' THEN 'WINDOW' ELSE 'FUNCTION' END`
      : `CASE WHEN p.proisagg THEN 'AGGREGATE' WHEN p.proiswindow THEN 'WINDOW' ELSE 'FUNCTION' END`;
  const identity = major >= 10 ? `a.attidentity <> ''` : 'false';
  return {
    schemas: `SELECT n.nspname AS name FROM pg_namespace n WHERE ${USER_SCHEMA} AND ${notExtension('pg_namespace', 'n.oid')} ORDER BY 1`,
    relations: `SELECT c.oid AS relid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.reltuples::float8 AS reltuples,
        c.relreplident AS replident, CASE WHEN c.relkind IN ('r', 'm') THEN pg_total_relation_size(c.oid) ELSE 0 END::float8 AS bytes
      FROM ${FROM_RELATION} WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ${USER_RELATION} ORDER BY 2, 3`,
    columns: `SELECT a.attrelid AS relid, a.attnum AS num, a.attname AS name, a.attnotnull AS notnull,
        format_type(a.atttypid, a.atttypmod) AS column_type, format_type(a.atttypid, NULL) AS plain_type,
        t.typname, t.typtype, t.typcategory AS category, t.oid < 16384 AS builtin,
        format_type(bt.oid, NULL) AS base_type, bt.typname AS base_typname, bt.typtype AS base_typtype,
        bt.typcategory AS base_category, bt.oid < 16384 AS base_builtin,
        CASE WHEN a.atttypmod <> -1 THEN a.atttypmod ELSE t.typtypmod END AS typmod,
        CASE WHEN co.collname <> 'default' THEN co.collname END AS collation,
        (${identity} OR coalesce(pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%', false)) AS serial
      FROM pg_attribute a JOIN ${FROM_RELATION} ON c.oid = a.attrelid
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        LEFT JOIN pg_collation co ON co.oid = a.attcollation
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_RELATION}
      ORDER BY a.attrelid, a.attnum`,
    // Unique, valid, non-partial, column-only indexes: the PK and every usable unique key.
    keys: `SELECT i.indrelid AS relid, i.indisprimary AS "primary", (string_to_array(i.indkey::text, ' ')::int2[])[1:${keyAtts}] AS attnums
      FROM pg_index i JOIN ${FROM_RELATION} ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND ${USER_RELATION}
      ORDER BY i.indrelid, i.indisprimary DESC, ic.relname`,
    foreignKeys: `SELECT n.nspname AS schema, c.relname AS "table", co.conname AS name, rn.nspname AS ref_schema, rc.relname AS ref_table
      FROM pg_constraint co JOIN ${FROM_RELATION} ON c.oid = co.conrelid
        JOIN pg_class rc ON rc.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE co.contype = 'f' ${major >= 11 ? 'AND co.conparentid = 0' : ''} AND ${USER_RELATION} ORDER BY 1, 2, 3`,
    triggers: `SELECT n.nspname AS schema, c.relname AS "table", t.tgname AS name
      FROM pg_trigger t JOIN ${FROM_RELATION} ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal ${major >= 13 ? 'AND t.tgparentid = 0' : ''} AND ${USER_RELATION} ORDER BY 1, 2, 3`,
    routines: `SELECT n.nspname AS schema, p.proname AS name, ${procKind} AS type
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${USER_SCHEMA} AND ${notExtension('pg_proc', 'p.oid')} ORDER BY 1, 2`,
  };
}

interface RelationRow { relid: number; schema: string; name: string; kind: string; reltuples: number; replident: string; bytes: number }
interface ColumnRow {
  relid: number; num: number; name: string; notnull: boolean; column_type: string; plain_type: string;
  typname: string; typtype: string; category: string; builtin: boolean;
  base_type: string | null; base_typname: string | null; base_typtype: string | null; base_category: string | null; base_builtin: boolean | null;
  typmod: number; collation: string | null; serial: boolean;
}
interface KeyRow { relid: number; primary: boolean; attnums: number[] }
interface NamedRow { schema: string; table: string; name: string }
interface FkRow extends NamedRow { ref_schema: string; ref_table: string }

const UDT_KIND: Record<string, DbColumn['udtKind']> = { e: 'enum', c: 'composite', r: 'range', m: 'range' };
const REPLICA_IDENTITY: Record<string, DbTable['replicaIdentity']> = { d: 'default', n: 'nothing', f: 'full', i: 'index' };

/** DbColumn from a catalog row; a domain reports its base type as dataType (like information_schema). */
export function toColumn(r: ColumnRow): DbColumn {
  const isDomain = r.typtype === 'd';
  const [typtype, category, builtin, typname, plain] = isDomain
    ? [r.base_typtype ?? 'b', r.base_category ?? '', r.base_builtin ?? false, r.base_typname ?? '', r.base_type ?? '']
    : [r.typtype, r.category, r.builtin, r.typname, r.plain_type];
  const isArray = typtype === 'b' && category === 'A';
  const dataType = isArray ? 'array' : typtype === 'b' && builtin ? plain.toLowerCase() : 'user-defined';
  const kind = isDomain ? 'domain' : isArray ? 'array' : (UDT_KIND[typtype] ?? (builtin ? undefined : 'base'));
  const maxLength = ['varchar', 'bpchar'].includes(typname) && r.typmod > 4 ? r.typmod - 4 : ['bit', 'varbit'].includes(typname) && r.typmod > 0 ? r.typmod : undefined;
  return {
    name: r.name,
    dataType,
    columnType: r.column_type,
    nullable: !r.notnull,
    isLob: LOB_TYPES.has(dataType),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(kind !== undefined ? { udtKind: kind } : {}),
    udtName: r.typname,
    ...(r.collation ? { collation: r.collation } : {}),
  };
}

export interface DatabaseInventory {
  schemas: string[];
  tables: DbTable[];
  views: Array<{ schema: string; name: string }>;
  routines: Array<{ schema: string; name: string; type: string }>;
  triggers: Array<{ schema: string; table: string; name: string }>;
  foreignKeys: Array<{ schema: string; table: string; name: string; refSchema: string; refTable: string }>;
}

/**
 * Inventory of the database `query` is connected to: exactly INVENTORY_QUERIES round trips.
 * `schemaName` maps a PostgreSQL schema to the name reported (qualified by the database
 * when several databases are inventoried).
 */
export async function inventoryDatabase(query: Query, major: number, schemaName: (nspname: string) => string): Promise<DatabaseInventory> {
  const sql = catalogSql(major);
  const schemas = await query<{ name: string }>(sql.schemas);
  const relations = await query<RelationRow>(sql.relations);
  const columns = await query<ColumnRow>(sql.columns);
  const keys = await query<KeyRow>(sql.keys);
  const fks = await query<FkRow>(sql.foreignKeys);
  const triggers = await query<NamedRow>(sql.triggers);
  const routines = await query<{ schema: string; name: string; type: string }>(sql.routines);

  const columnsByRel = new Map<number, ColumnRow[]>();
  for (const c of columns) columnsByRel.set(c.relid, [...(columnsByRel.get(c.relid) ?? []), c]);
  const keysByRel = new Map<number, KeyRow[]>();
  for (const k of keys) keysByRel.set(k.relid, [...(keysByRel.get(k.relid) ?? []), k]);

  const tables: DbTable[] = [];
  const views: DatabaseInventory['views'] = [];
  for (const rel of relations) {
    if (rel.kind === 'v' || rel.kind === 'm') {
      views.push({ schema: schemaName(rel.schema), name: rel.name });
      continue;
    }
    const cols = columnsByRel.get(rel.relid) ?? [];
    const nameOf = new Map(cols.map((c) => [c.num, c.name]));
    const names = (k: KeyRow): string[] => k.attnums.map((n) => nameOf.get(n) ?? `#${n}`);
    const relKeys = keysByRel.get(rel.relid) ?? [];
    const pk = relKeys.find((k) => k.primary);
    tables.push({
      schema: schemaName(rel.schema),
      name: rel.name,
      // reltuples is -1 (PG 14+) or 0 for a table never vacuumed/analyzed: unknown → 0.
      rows: Math.max(0, Math.round(rel.reltuples)),
      bytes: Number(rel.bytes),
      columns: cols.map(toColumn),
      ...(pk ? { primaryKey: names(pk) } : {}),
      uniqueKeys: relKeys.filter((k) => !k.primary).map(names),
      replicaIdentity: REPLICA_IDENTITY[rel.replident] ?? 'default',
      autoIncrement: cols.some((c) => c.serial),
    });
  }
  return {
    schemas: schemas.map((s) => schemaName(s.name)),
    tables,
    views,
    routines: routines.map((r) => ({ ...r, schema: schemaName(r.schema) })),
    triggers: triggers.map((t) => ({ ...t, schema: schemaName(t.schema) })),
    foreignKeys: fks.map((f) => ({ schema: schemaName(f.schema), table: f.table, name: f.name, refSchema: schemaName(f.ref_schema), refTable: f.ref_table })),
  };
}
