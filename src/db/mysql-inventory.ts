/**
 * MySQL/MariaDB inventory in a constant number of round trips: one bulk information_schema
 * query per kind of object (schemata, tables and views, columns, keys, triggers, routines,
 * foreign keys), each filtered to the requested databases, assembled here. The count does
 * not grow with the number of tables (test/db/mysql/inventory-queries.test.ts).
 */
import type { DbColumn, DbTable, Inventory, ServerVersion } from './types.js';

export type QueryFn = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** A MySQL column: the engine-neutral fields plus what MySQL checks need. */
export interface MysqlColumn extends DbColumn {
  /** AUTO_INCREMENT, which DMS does not carry over to the target. */
  autoIncrement?: boolean;
}

export const MYSQL_LOB_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'json']);
/** The MySQL types DMS moves as NCLOB, 2 bytes a character (DMS user guide, "Source data types for MySQL"). */
export const MYSQL_NCLOB_TYPES = new Set(['mediumtext', 'longtext']);

interface TableRow { s: string; t: string; type: string; engine: string | null; rows_: unknown; data: unknown; idx: unknown; coll: string | null }
interface ColumnRow { s: string; t: string; c: string; dtype: string; ctype: string; nullable: string; maxlen: unknown; cs: string | null; coll: string | null; extra: string | null }
interface KeyRow { s: string; t: string; k: string; c: string | null }
interface TriggerRow { s: string; t: string; n: string }
interface RoutineRow { s: string; n: string; type: string }
interface FkRow { s: string; t: string; n: string; rs: string; rt: string }

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const key = (schema: string, table: string) => `${schema}\u0000${table}`;
/** `utf8mb4_general_ci` → `utf8mb4` (also right for MariaDB 11's `utf8mb4_uca1400_ai_ci`; `binary` → `binary`). */
const charsetOf = (collation: string | null) => (collation ? collation.split('_')[0] : undefined);

export async function mysqlInventory(query: QueryFn, version: ServerVersion, databases: string[]): Promise<{ inventory: Inventory; missing: string[] }> {
  const dbs = [...new Set(databases)];
  const schemata = await query<{ s: string }>('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)', [dbs]);
  const found = new Set(schemata.map((r) => r.s));
  const missing = dbs.filter((d) => !found.has(d));

  // MariaDB reports system-versioned tables as TABLE_TYPE 'SYSTEM VERSIONED'; sequences are left out.
  const tableRows = await query<TableRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS type, ENGINE AS engine, TABLE_ROWS AS rows_,
            DATA_LENGTH AS data, INDEX_LENGTH AS idx, TABLE_COLLATION AS coll
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW')
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    [dbs],
  );
  const columnRows = await query<ColumnRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS dtype, COLUMN_TYPE AS ctype,
            IS_NULLABLE AS nullable, CHARACTER_MAXIMUM_LENGTH AS maxlen, CHARACTER_SET_NAME AS cs,
            COLLATION_NAME AS coll, EXTRA AS extra
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    [dbs],
  );
  // Primary and unique keys, columns in key order. Functional key parts (MySQL 8: COLUMN_NAME
  // NULL) make an index unusable as a row identity for DMS, so such indexes are dropped below.
  const keyRows = await query<KeyRow>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS k, COLUMN_NAME AS c
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA IN (?) AND NON_UNIQUE = 0
      ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [dbs],
  );
  const triggerRows = await query<TriggerRow>(
    `SELECT TRIGGER_SCHEMA AS s, EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS n
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?) ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME`,
    [dbs],
  );
  const routineRows = await query<RoutineRow>(
    `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS type
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?) ORDER BY ROUTINE_SCHEMA, ROUTINE_NAME`,
    [dbs],
  );
  const fkRows = await query<FkRow>(
    `SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS n, UNIQUE_CONSTRAINT_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt
       FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?) ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME`,
    [dbs],
  );

  const columnsByTable = new Map<string, MysqlColumn[]>();
  for (const r of columnRows) {
    const dataType = r.dtype.toLowerCase();
    const column: MysqlColumn = {
      name: r.c,
      dataType,
      columnType: r.ctype,
      nullable: r.nullable === 'YES',
      isLob: MYSQL_LOB_TYPES.has(dataType),
      ...(r.maxlen !== null && r.maxlen !== undefined ? { maxLength: num(r.maxlen) } : {}),
      ...(r.cs ? { charset: r.cs } : {}),
      ...(r.coll ? { collation: r.coll } : {}),
      ...(/auto_increment/i.test(r.extra ?? '') ? { autoIncrement: true } : {}),
    };
    const k = key(r.s, r.t);
    const list = columnsByTable.get(k);
    if (list) list.push(column);
    else columnsByTable.set(k, [column]);
  }

  const keysByTable = new Map<string, Map<string, Array<string | null>>>();
  for (const r of keyRows) {
    const k = key(r.s, r.t);
    const indexes = keysByTable.get(k) ?? new Map<string, Array<string | null>>();
    keysByTable.set(k, indexes);
    indexes.set(r.k, [...(indexes.get(r.k) ?? []), r.c]);
  }

  const tables: DbTable[] = [];
  const views: Inventory['views'] = [];
  for (const r of tableRows) {
    if (r.type === 'VIEW') {
      views.push({ schema: r.s, name: r.t });
      continue;
    }
    const k = key(r.s, r.t);
    const columns = columnsByTable.get(k) ?? [];
    const indexes = keysByTable.get(k) ?? new Map<string, Array<string | null>>();
    const usable = [...indexes].filter((e): e is [string, string[]] => e[1].every((c) => c !== null));
    const primary = usable.find(([name]) => name === 'PRIMARY');
    const table: DbTable = {
      schema: r.s,
      name: r.t,
      rows: num(r.rows_),
      bytes: num(r.data) + num(r.idx),
      columns,
      ...(primary ? { primaryKey: primary[1] } : {}),
      uniqueKeys: usable.filter(([name]) => name !== 'PRIMARY').map(([, cols]) => cols),
      ...(r.engine ? { storageEngine: r.engine } : {}),
      ...(r.coll ? { collation: r.coll, charset: charsetOf(r.coll) } : {}),
      autoIncrement: columns.some((c) => c.autoIncrement),
    };
    tables.push(table);
  }

  const inventory: Inventory = {
    engine: version.flavor === 'mariadb' ? 'mariadb' : 'mysql',
    version,
    databases: dbs,
    schemas: dbs.filter((d) => found.has(d)),
    tables,
    views,
    routines: routineRows.map((r) => ({ schema: r.s, name: r.n, type: r.type })),
    triggers: triggerRows.map((r) => ({ schema: r.s, table: r.t, name: r.n })),
    foreignKeys: fkRows.map((r) => ({ schema: r.s, table: r.t, name: r.n, refSchema: r.rs, refTable: r.rt })),
    totals: {
      tables: tables.length,
      rows: tables.reduce((sum, t) => sum + t.rows, 0),
      bytes: tables.reduce((sum, t) => sum + t.bytes, 0),
      lobColumns: tables.reduce((sum, t) => sum + t.columns.filter((c) => c.isLob).length, 0),
    },
  };
  return { inventory, missing };
}
