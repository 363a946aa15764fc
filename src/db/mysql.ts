/**
 * The MySQL/MariaDB adapter (mysql2): connection with TLS modes and clear connect errors,
 * the engine-neutral inventory, and the server reads the MySQL source checks need
 * (variables, grants, replica status, RDS binlog retention, largest LOB sizes).
 */
import type { Connection } from 'mysql2/promise';
import { UsageError, scrubSecret } from '../errors.js';
import { openMysqlConnection } from './mysql-connect.js';
import { errorCode } from './mysql-errors.js';
import { parseGrants, type Grant } from './mysql-grants.js';
import { mysqlInventory } from './mysql-inventory.js';
import { parseMysqlVersion, versionAtLeast } from './mysql-version.js';
import type { ConnectionSpec, Database, Engine, Inventory, ServerVersion } from './types.js';

export type { Grant, GrantScope } from './mysql-grants.js';
export type { MysqlColumn } from './mysql-inventory.js';
export { parseMysqlVersion, versionAtLeast } from './mysql-version.js';

export interface LobColumnRef {
  schema: string;
  table: string;
  column: string;
  /**
   * MEDIUMTEXT/LONGTEXT: DMS moves them as NCLOB, 2 bytes a character (DMS user guide,
   * "Source data types for MySQL"), so their size is measured the way DMS counts it.
   */
  nclob?: boolean;
}

/** Tables measured per LOB-size statement: one statement per 200 tables that have LOB columns. */
const LOB_TABLES_PER_QUERY = 200;

const quoteId = (name: string) => `\`${name.replace(/`/g, '``')}\``;
export const lobKey = (ref: LobColumnRef) => `${ref.schema}.${ref.table}.${ref.column}`;

export class MysqlDatabase implements Database {
  readonly engine: Engine;
  readonly label: string;
  #queries = 0;
  #identity: Promise<{ version: ServerVersion; account: string }> | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly spec: ConnectionSpec,
  ) {
    this.engine = spec.engine;
    this.label = spec.label;
  }

  get queryCount(): number {
    return this.#queries;
  }

  /** One round trip; every query the adapter makes goes through here. */
  async rows<T>(sql: string, params?: unknown[]): Promise<T[]> {
    this.#queries++;
    try {
      const [rows] = await this.conn.query(sql, params);
      return rows as T[];
    } catch (err) {
      const detail = err instanceof Error ? scrubSecret(err.message, this.spec.password) : String(err);
      throw Object.assign(new Error(`${this.label}: ${detail}`), { code: errorCode(err) });
    }
  }

  #identify(): Promise<{ version: ServerVersion; account: string }> {
    this.#identity ??= this.rows<{ v: string; u: string }>('SELECT VERSION() AS v, CURRENT_USER() AS u').then(([row]) => ({
      version: parseMysqlVersion(row!.v),
      account: row!.u,
    }));
    return this.#identity;
  }

  async version(): Promise<ServerVersion> {
    return (await this.#identify()).version;
  }

  /** The account the server authenticated us as, e.g. `dms@%`. */
  async currentAccount(): Promise<{ user: string; host: string }> {
    const account = (await this.#identify()).account;
    const at = account.lastIndexOf('@');
    return { user: account.slice(0, at), host: account.slice(at + 1) };
  }

  async inventory(databases: string[]): Promise<Inventory> {
    const version = await this.version();
    const { inventory, missing } = await mysqlInventory((sql, params) => this.rows(sql, params), version, databases);
    if (missing.length > 0) {
      throw new UsageError(`The ${this.label} has no database ${missing.join(', ')} (or user ${this.spec.user} has no privilege on it).`, {
        hint: 'Check source.databases (names are case-sensitive on Linux servers) and the grants of the user; `SHOW DATABASES` lists what it can see.',
      });
    }
    return inventory;
  }

  /** Global variables by lower-case name, in one `SHOW GLOBAL VARIABLES`; absent ones are undefined. */
  async variables(names: string[]): Promise<Record<string, string | undefined>> {
    const rows = await this.rows<{ Variable_name: string; Value: string }>('SHOW GLOBAL VARIABLES WHERE Variable_name IN (?)', [names]);
    const out: Record<string, string | undefined> = {};
    for (const row of rows) out[row.Variable_name.toLowerCase()] = row.Value;
    return out;
  }

  /** Grants of the current user, or of another account (needs SELECT on the mysql schema). */
  async grants(account?: { user: string; host: string }): Promise<Grant[]> {
    const rows = account
      ? await this.rows<Record<string, string>>('SHOW GRANTS FOR ?@?', [account.user, account.host])
      : await this.rows<Record<string, string>>('SHOW GRANTS FOR CURRENT_USER()');
    return parseGrants(rows.map((row) => String(Object.values(row)[0])));
  }

  /** Whether the server replicates from another (so CDC needs log_slave_updates); undefined when not allowed to ask. */
  async isReplica(): Promise<boolean | undefined> {
    const v = await this.version();
    const sql =
      v.flavor === 'mariadb' ? 'SHOW ALL SLAVES STATUS' : versionAtLeast(v, 8, 0, 22) ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
    try {
      return (await this.rows(sql)).length > 0;
    } catch (err) {
      if (/ACCESS_DENIED|SPECIFIC_ACCESS_DENIED/.test(errorCode(err) ?? '')) return undefined;
      throw err;
    }
  }

  /**
   * RDS's `binlog retention hours`: a number; null when RDS runs with the default (binlogs
   * purged as soon as possible); undefined when the server is not RDS (no such procedure).
   */
  async rdsBinlogRetentionHours(): Promise<number | null | undefined> {
    let result: unknown[];
    try {
      result = await this.rows('CALL mysql.rds_show_configuration');
    } catch (err) {
      if (/SP_DOES_NOT_EXIST|ACCESS_DENIED|PROCACCESS_DENIED|NO_SUCH_TABLE/.test(errorCode(err) ?? '')) return undefined;
      throw err;
    }
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ name?: string; value?: string | null }>;
    const row = rows.find((r) => r.name?.toLowerCase() === 'binlog retention hours');
    return row?.value === null || row?.value === undefined || row.value === '' ? null : Number(row.value);
  }

  /**
   * The largest value of each LOB column in the bytes DMS moves (stored bytes; NCLOB
   * columns 2 a character). One full scan per table that has
   * LOB columns, all of a table's columns in the same scan, up to 200 tables per statement:
   * the query count grows only with the number of LOB-bearing tables, by one per 200.
   */
  async largestLobBytes(columns: LobColumnRef[]): Promise<Map<string, number>> {
    const byTable = new Map<string, LobColumnRef[]>();
    for (const ref of columns) {
      const k = `${ref.schema}\u0000${ref.table}`;
      byTable.set(k, [...(byTable.get(k) ?? []), ref]);
    }
    const groups = [...byTable.values()];
    const out = new Map<string, number>();
    for (let i = 0; i < groups.length; i += LOB_TABLES_PER_QUERY) {
      const chunk = groups.slice(i, i + LOB_TABLES_PER_QUERY);
      const selects = chunk.map((refs, n) => {
        const maxima = refs.map((r) => `COALESCE(MAX(${r.nclob ? `CHAR_LENGTH(${quoteId(r.column)}) * 2` : `LENGTH(${quoteId(r.column)})`}), 0)`).join(', ');
        return `SELECT ${n} AS g, CONCAT_WS(',', ${maxima}) AS m FROM ${quoteId(refs[0]!.schema)}.${quoteId(refs[0]!.table)}`;
      });
      const rows = await this.rows<{ g: number | string; m: string }>(selects.join('\nUNION ALL\n'));
      for (const row of rows) {
        const refs = chunk[Number(row.g)]!;
        String(row.m).split(',').forEach((value, idx) => out.set(lobKey(refs[idx]!), Number(value)));
      }
    }
    return out;
  }

  async close(): Promise<void> {
    try {
      await this.conn.end();
    } catch {
      this.conn.destroy();
    }
  }
}

export async function connectMysql(spec: ConnectionSpec): Promise<MysqlDatabase> {
  const conn = await openMysqlConnection(spec, { supportBigNumbers: true, dateStrings: true, multipleStatements: false });
  return new MysqlDatabase(conn, spec);
}
