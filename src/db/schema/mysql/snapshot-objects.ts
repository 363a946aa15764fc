/**
 * Views, routines, triggers and events of one side as normalised text (definer left out,
 * qualifiers read back as source names: SideNames.back), and the
 * AUTO_INCREMENT counters of the selected tables.
 */
import type { SequenceShape } from '../types.js';
import { columnMaxima, tableKey } from './catalog.js';
import type { Session } from './session.js';
import { mapSchemaQualifiers } from './sql-text.js';
import type { SideNames, Wanted } from './snapshot-tables.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Lines `label: value`, then the body: one comparable text per object. */
const describe = (fields: Array<[string, unknown]>, body: string) => `${fields.map(([k, v]) => `${k}: ${str(v)}`).join('\n')}\n${body.trim()}`;

export interface ObjectsInput {
  schemas: string[];
  names: SideNames;
  wanted: Wanted;
  /** `schema.name` (lower case) of every table, view and routine on this side: qualifier guard. */
  known: Set<string>;
}

export async function objectTexts(s: Session, { schemas, names, wanted, known }: ObjectsInput): Promise<Record<string, string>> {
  const dbs = [schemas];
  const here = new Set(schemas);
  const normalise = (body: unknown, sqlMode?: unknown) =>
    mapSchemaQualifiers(str(body), {
      rename: (db) => (names.back(db) === db ? undefined : names.back(db)),
      // Only this side's databases are listed; a name outside them is taken as a database.
      isObject: (db, name) => !here.has(db) || known.has(`${db}.${name}`.toLowerCase()),
      ansiQuotes: /\bANSI_QUOTES\b/.test(str(sqlMode)),
    });
  const objects: Record<string, string> = {};

  // SELECT *: ALGORITHM is MariaDB's only.
  for (const r of await s.query<Row>('SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?)', dbs)) {
    objects[`view ${names.back(str(r.TABLE_SCHEMA))}.${str(r.TABLE_NAME)}`] = describe(
      [
        ['check option', r.CHECK_OPTION],
        ['security', r.SECURITY_TYPE],
        ['algorithm', r.ALGORITHM ?? 'n/a'],
      ],
      normalise(r.VIEW_DEFINITION),
    );
  }

  const params = new Map<string, string[]>();
  for (const p of await s.query<Row>(
    `SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER FROM information_schema.PARAMETERS
      WHERE SPECIFIC_SCHEMA IN (?) AND ORDINAL_POSITION > 0 ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION`,
    dbs,
  )) {
    const k = `${str(p.ROUTINE_TYPE)} ${str(p.SPECIFIC_SCHEMA)}.${str(p.SPECIFIC_NAME)}`;
    params.set(k, [...(params.get(k) ?? []), `${str(p.PARAMETER_MODE)} ${str(p.PARAMETER_NAME)} ${str(p.DTD_IDENTIFIER)}`.trim()]);
  }
  for (const r of await s.query<Row>(
    `SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, IS_DETERMINISTIC, SQL_DATA_ACCESS,
            SECURITY_TYPE, SQL_MODE, ROUTINE_COMMENT
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?) AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')`,
    dbs,
  )) {
    const type = str(r.ROUTINE_TYPE);
    objects[`${type.toLowerCase()} ${names.back(str(r.ROUTINE_SCHEMA))}.${str(r.ROUTINE_NAME)}`] = describe(
      [
        ['parameters', (params.get(`${type} ${str(r.ROUTINE_SCHEMA)}.${str(r.ROUTINE_NAME)}`) ?? []).join(', ')],
        ['returns', r.DTD_IDENTIFIER],
        ['deterministic', r.IS_DETERMINISTIC],
        ['data access', r.SQL_DATA_ACCESS],
        ['security', r.SECURITY_TYPE],
        ['sql_mode', r.SQL_MODE],
        ['comment', r.ROUTINE_COMMENT],
      ],
      normalise(r.ROUTINE_DEFINITION, r.SQL_MODE),
    );
  }

  for (const r of await s.query<Row>(
    `SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT, SQL_MODE
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?)`,
    dbs,
  )) {
    if (!wanted.has(tableKey(str(r.TRIGGER_SCHEMA), str(r.EVENT_OBJECT_TABLE)))) continue;
    objects[`trigger ${names.back(str(r.TRIGGER_SCHEMA))}.${str(r.TRIGGER_NAME)}`] = describe(
      [
        ['on', `${str(r.ACTION_TIMING)} ${str(r.EVENT_MANIPULATION)} ${str(r.EVENT_OBJECT_TABLE)}`],
        ['order', r.ACTION_ORDER],
        ['sql_mode', r.SQL_MODE],
      ],
      normalise(r.ACTION_STATEMENT, r.SQL_MODE),
    );
  }

  for (const r of await s.query<Row>(
    `SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE, INTERVAL_FIELD, STARTS, ENDS,
            ON_COMPLETION, STATUS, EVENT_COMMENT, SQL_MODE, TIME_ZONE
       FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (?)`,
    dbs,
  )) {
    const schedule = r.EVENT_TYPE === 'ONE TIME' ? `AT ${str(r.EXECUTE_AT)}` : `EVERY ${str(r.INTERVAL_VALUE)} ${str(r.INTERVAL_FIELD)} STARTS ${str(r.STARTS)} ENDS ${str(r.ENDS) || '-'}`;
    objects[`event ${names.back(str(r.EVENT_SCHEMA))}.${str(r.EVENT_NAME)}`] = describe(
      [
        ['schedule', schedule],
        ['time zone', r.TIME_ZONE],
        ['on completion', r.ON_COMPLETION],
        ['status', r.STATUS],
        ['comment', r.EVENT_COMMENT],
        ['sql_mode', r.SQL_MODE],
      ],
      normalise(r.EVENT_DEFINITION, r.SQL_MODE),
    );
  }
  return objects;
}

/** One SequenceShape per selected table with an AUTO_INCREMENT column: its counter and MAX. */
export async function counters(s: Session, schemas: string[], wanted: Wanted, names: SideNames): Promise<SequenceShape[]> {
  const columns = await s.query<{ s: string; t: string; c: string }>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA IN (?) AND EXTRA LIKE '%auto_increment%' ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    [schemas],
  );
  const tables = columns.filter((c) => wanted.has(tableKey(c.s, c.t))).map((c) => ({ schema: c.s, table: c.t, column: c.c }));
  if (tables.length === 0) return [];
  const next = new Map(
    (await s.query<{ s: string; t: string; a: unknown }>('SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, AUTO_INCREMENT AS a FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)', [schemas])).map(
      (r) => [tableKey(r.s, r.t), r.a],
    ),
  );
  const maxima = await columnMaxima(s, tables);
  return tables
    .map((t) => {
      const k = tableKey(t.schema, t.table);
      return { schema: names.back(t.schema), name: t.table, next: str(next.get(k) ?? '1'), table: t.table, column: t.column, columnMax: maxima.get(k) ?? null };
    })
    .sort((a, b) => tableKey(a.schema, a.name).localeCompare(tableKey(b.schema, b.name)));
}
