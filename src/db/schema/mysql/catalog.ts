/**
 * What extract and positions list from the source: one bulk information_schema query per
 * kind of object, each filtered to the selected databases (SHOW CREATE then reads each
 * object's own definition).
 */
import type { Session } from './session.js';
import { q, qq } from './sql-text.js';

export interface SourceCatalog {
  schemata: Array<{ name: string; charset: string; collation: string }>;
  /** Every table, view and sequence of the databases (for the qualifier guard and the listings below). */
  relations: Array<{ schema: string; name: string; type: string }>;
  /** `schema.table` → its AUTO_INCREMENT column. */
  autoIncrement: Map<string, string>;
  routines: Array<{ schema: string; name: string; type: 'PROCEDURE' | 'FUNCTION'; deterministic: boolean; dataAccess: string }>;
  /** In creation order within each table (ACTION_ORDER). */
  triggers: Array<{ schema: string; table: string; name: string }>;
  events: Array<{ schema: string; name: string }>;
}

export const tableKey = (schema: string, table: string) => `${schema}.${table}`;

export async function autoIncrementColumns(s: Session, databases: string[]): Promise<Map<string, string>> {
  const rows = await s.query<{ s: string; t: string; c: string }>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA IN (?) AND EXTRA LIKE '%auto_increment%'`,
    [databases],
  );
  return new Map(rows.map((r) => [tableKey(r.s, r.t), r.c]));
}

export async function readCatalog(s: Session, databases: string[]): Promise<SourceCatalog> {
  const dbs = [databases];
  const schemata = await s.query<{ n: string; cs: string; co: string }>(
    'SELECT SCHEMA_NAME AS n, DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    dbs,
  );
  const relations = await s.query<{ s: string; n: string; t: string }>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME',
    dbs,
  );
  const routines = await s.query<{ s: string; n: string; t: 'PROCEDURE' | 'FUNCTION'; d: string; a: string }>(
    `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS t, IS_DETERMINISTIC AS d, SQL_DATA_ACCESS AS a
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?) AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')
      ORDER BY ROUTINE_SCHEMA, ROUTINE_TYPE DESC, ROUTINE_NAME`,
    dbs,
  );
  const triggers = await s.query<{ s: string; t: string; n: string }>(
    `SELECT TRIGGER_SCHEMA AS s, EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS n FROM information_schema.TRIGGERS
      WHERE TRIGGER_SCHEMA IN (?) ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`,
    dbs,
  );
  const events = await s.query<{ s: string; n: string }>(
    'SELECT EVENT_SCHEMA AS s, EVENT_NAME AS n FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (?) ORDER BY EVENT_SCHEMA, EVENT_NAME',
    dbs,
  );
  return {
    schemata: schemata.map((r) => ({ name: r.n, charset: r.cs, collation: r.co })),
    relations: relations.map((r) => ({ schema: r.s, name: r.n, type: r.t })),
    autoIncrement: await autoIncrementColumns(s, databases),
    routines: routines.map((r) => ({ schema: r.s, name: r.n, type: r.t, deterministic: r.d === 'YES', dataAccess: r.a })),
    triggers: triggers.map((r) => ({ schema: r.s, table: r.t, name: r.n })),
    events: events.map((r) => ({ schema: r.s, name: r.n })),
  };
}

/** MAX(column) of each table in one round trip, as decimal text; null for an empty table. */
export async function columnMaxima(s: Session, tables: Array<{ schema: string; table: string; column: string }>): Promise<Map<string, string | null>> {
  if (tables.length === 0) return new Map();
  const sql = tables.map((t, i) => `SELECT ${i} AS i, MAX(${q(t.column)}) AS m FROM ${qq(t.schema, t.table)}`).join(' UNION ALL ');
  const rows = await s.query<{ i: number | string; m: unknown }>(sql);
  return new Map(
    rows.map((r) => {
      const t = tables[Number(r.i)]!;
      return [tableKey(t.schema, t.table), r.m === null ? null : String(r.m)];
    }),
  );
}
