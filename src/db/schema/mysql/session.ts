/**
 * The sessions the schema adapter works in, and the session settings a statement carries.
 *
 * Reading: backtick-quoted SHOW CREATE output (sql_quote_show_create = 1, an empty sql_mode:
 * no ANSI_QUOTES, no NO_TABLE_OPTIONS/NO_KEY_OPTIONS hiding parts of the definition), numbers
 * and dates as the server's text, and on MySQL 8 live rather than cached table statistics
 * (information_schema_stats_expiry, which otherwise serves a stale AUTO_INCREMENT).
 *
 * Writing: a routine, trigger or event keeps the sql_mode it was created with (it parses its
 * body and rules its execution — ANSI_QUOTES, strict mode…), and an event's schedule is read
 * in its time zone. DdlStatement has no field for either, so the statement text carries them
 * in a leading comment the server ignores and `execute()` applies:
 * `/* session sql_mode='…' time_zone='…' *\/`.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { openMysqlConnection } from '../../mysql-connect.js';
import type { ConnectionSpec } from '../../types.js';

export interface Session {
  query<T = RowDataPacket>(sql: string, params?: unknown[]): Promise<T[]>;
  /** SHOW CREATE … and other single-row answers; undefined when there is no row. */
  row(sql: string): Promise<RowDataPacket | undefined>;
  readonly conn: Connection;
  close(): Promise<void>;
}

/** A session for reading definitions, with no default database (every name is qualified). */
export async function openSession(spec: ConnectionSpec): Promise<Session> {
  const conn = await openMysqlConnection(
    { ...spec, database: '' },
    { charset: 'utf8mb4_general_ci', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true },
  );
  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    const [rows] = await conn.query<RowDataPacket[]>(sql, params);
    return rows as unknown as T[];
  };
  try {
    await conn.query("SET SESSION sql_quote_show_create = 1, sql_mode = ''");
    const [version] = await query<{ v: string }>('SELECT VERSION() AS v');
    if (!/mariadb/i.test(version?.v ?? '')) {
      // MySQL 8 only (5.7 has no such variable, nor cached statistics).
      await conn.query('SET SESSION information_schema_stats_expiry = 0').catch(() => undefined);
    }
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw err;
  }
  return {
    conn,
    query,
    row: async (sql) => (await query<RowDataPacket>(sql))[0],
    close: () => conn.end().catch(() => undefined),
  };
}

export interface SessionSettings {
  sqlMode?: string;
  timeZone?: string;
}

const SAFE = /^[A-Za-z0-9_,+:/.-]*$/;
const MARK = /^\/\* session((?: [a-z_]+='[^']*')+) \*\/\n/;

/** The statement with its session settings in front (values that could not be quoted safely are left out). */
export function withSession(sql: string, settings: SessionSettings): string {
  const parts: string[] = [];
  if (settings.sqlMode !== undefined && SAFE.test(settings.sqlMode)) parts.push(`sql_mode='${settings.sqlMode}'`);
  if (settings.timeZone !== undefined && settings.timeZone !== 'SYSTEM' && SAFE.test(settings.timeZone)) parts.push(`time_zone='${settings.timeZone}'`);
  return parts.length > 0 ? `/* session ${parts.join(' ')} */\n${sql}` : sql;
}

/** The settings `withSession` put in front of a statement. */
export function sessionOf(sql: string): SessionSettings {
  const m = MARK.exec(sql);
  if (!m) return {};
  const settings: SessionSettings = {};
  for (const [, key, value] of m[1]!.matchAll(/ ([a-z_]+)='([^']*)'/g)) {
    if (key === 'sql_mode') settings.sqlMode = value!;
    if (key === 'time_zone') settings.timeZone = value!;
  }
  return settings;
}

/** A column of a SHOW CREATE row as text (null when the server withheld it). */
export function text(row: RowDataPacket | undefined, column: string): string | null {
  const v = row?.[column];
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}
