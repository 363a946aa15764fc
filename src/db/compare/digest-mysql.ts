/**
 * MySQL/MariaDB side of the comparison: one read-only session in UTC and utf8mb4, the catalog
 * read of a table, and the chunk queries — COUNT(*) plus the exact SUM of each row's hash
 * (a scrambled CRC32 of the normalised row, see mysqlRowHash; SUM of integers is an exact
 * DECIMAL in MySQL), key boundaries, and key + MD5 lists of small ranges. Only SELECTs.
 */
import type { Connection as CoreConnection } from 'mysql2';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { openMysqlConnection } from '../mysql-connect.js';
import type { ConnectionSpec } from '../types.js';
import { rangeWhere, type KeyDialect } from './chunks.js';
import { queryError } from './errors.js';
import { mysqlRow, mysqlRowHash, quoteMysql as q } from './normalize.js';
import type { ColumnInfo, CompareStats, Digest, Key, KeyRange, RowHash, Side, TablePlan, TableReader, TableShape } from './types.js';

const INTEGER = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** ENUM/SET sort by their index (bitmask), but compare with a string as strings: keyed by the number. */
const ORDINAL = new Set(['enum', 'set', 'bit']);

/** How a key column is read into text and given back as a bound. */
const keySelect = (c: ColumnInfo): string =>
  BINARY.has(c.dataType) ? `HEX(${q(c.name)})` : ORDINAL.has(c.dataType) ? `CAST(${q(c.name)} + 0 AS UNSIGNED)` : q(c.name);

/** Numbers are cast from their text exactly: a quoted BIGINT would be compared as a DOUBLE. */
function keyParam(c: ColumnInfo): string {
  if (INTEGER.has(c.dataType)) return /unsigned/i.test(c.columnType) ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
  if (c.dataType === 'decimal' || c.dataType === 'numeric') return 'CAST(? AS DECIMAL(65, 30))';
  if (ORDINAL.has(c.dataType)) return 'CAST(? AS UNSIGNED)';
  if (BINARY.has(c.dataType)) return 'UNHEX(?)';
  return '?';
}

const dialect: KeyDialect = { quote: q, param: (c) => keyParam(c), rowConstructors: false };

function connect(spec: ConnectionSpec): Promise<Connection> {
  return openMysqlConnection(spec, {
    charset: 'utf8mb4_general_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  });
}

const count = (stats: CompareStats, rows: number): void => {
  stats.queries++;
  stats.rowsFetched += rows;
  stats.maxRowsPerQuery = Math.max(stats.maxRowsPerQuery, rows);
};

const toKey = (row: unknown[], n: number): Key => row.slice(0, n).map((v) => String(v));

class MysqlReader implements TableReader {
  readonly label: string;
  readonly #from: string;
  readonly #keys: string;
  readonly #row: string;
  readonly #hash: string;

  constructor(
    private readonly conn: Connection,
    private readonly spec: ConnectionSpec,
    private readonly plan: TablePlan,
    private readonly schema: string,
    private readonly table: string,
    private readonly stats: CompareStats,
  ) {
    this.label = spec.label;
    this.#from = `${q(schema)}.${q(table)}`;
    this.#keys = plan.key.map(keySelect).join(', ');
    this.#row = mysqlRow(plan);
    this.#hash = mysqlRowHash(plan);
  }

  async #rows(sql: string, params: unknown[] = []): Promise<unknown[][]> {
    let rows: unknown[][];
    try {
      [rows] = (await this.conn.query<RowDataPacket[]>({ sql, rowsAsArray: true }, params)) as unknown as [unknown[][]];
    } catch (err) {
      throw queryError(err, this.spec, `${this.schema}.${this.table}`);
    }
    count(this.stats, rows.length);
    return rows;
  }

  #where(range: KeyRange): { sql: string; params: string[] } {
    return rangeWhere(dialect, this.plan.key, range);
  }

  #order(): string {
    return this.plan.key.map((c) => q(c.name)).join(', ');
  }

  async digest(range: KeyRange): Promise<Digest> {
    const w = this.#where(range);
    if (this.plan.key.length > 0) {
      const [row] = await this.#rows(`SELECT COUNT(*), COALESCE(SUM(${this.#hash}), 0) FROM ${this.#from} WHERE ${w.sql}`, w.params);
      return { rows: Number(row![0]), sum: String(row![1]) };
    }
    // Without a key: also the sum of squares of another 28-bit piece of the MD5 (see nopk.ts).
    const piece = 'CAST(CONV(SUBSTRING(m, 17, 7), 16, 10) AS UNSIGNED)';
    const [row] = await this.#rows(
      `SELECT COUNT(*), COALESCE(SUM(CAST(CONV(LEFT(m, 16), 16, 10) AS UNSIGNED)), 0), COALESCE(SUM(${piece} * ${piece}), 0)
         FROM (SELECT MD5(${this.#row}) AS m FROM ${this.#from} WHERE ${w.sql}) AS rowhashes`,
      w.params,
    );
    return { rows: Number(row![0]), sum: String(row![1]), squares: String(row![2]) };
  }

  async count(): Promise<number> {
    const [row] = await this.#rows(`SELECT COUNT(*) FROM ${this.#from}`);
    return Number(row![0]);
  }

  async keyAt(range: KeyRange, offset: number): Promise<Key | null> {
    const w = this.#where(range);
    const rows = await this.#rows(`SELECT ${this.#keys} FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`, w.params);
    return rows[0] ? toKey(rows[0], this.plan.key.length) : null;
  }

  async lastKey(): Promise<Key | null> {
    const desc = this.plan.key.map((c) => `${q(c.name)} DESC`).join(', ');
    const rows = await this.#rows(`SELECT ${this.#keys} FROM ${this.#from} ORDER BY ${desc} LIMIT 1`);
    return rows[0] ? toKey(rows[0], this.plan.key.length) : null;
  }

  async firstKeys(range: KeyRange, limit: number): Promise<Key[]> {
    if (limit <= 0) return [];
    const w = this.#where(range);
    const rows = await this.#rows(`SELECT ${this.#keys} FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT ${Math.floor(limit)}`, w.params);
    return rows.map((r) => toKey(r, this.plan.key.length));
  }

  async rowHashes(range: KeyRange, limit: number): Promise<RowHash[]> {
    const w = this.#where(range);
    const rows = await this.#rows(
      `SELECT ${this.#keys}, MD5(${this.#row}) FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT ${Math.floor(limit)}`,
      w.params,
    );
    const n = this.plan.key.length;
    return rows.map((r) => ({ key: toKey(r, n), hash: String(r[n]) }));
  }

  async *hashGroups(): AsyncIterable<{ hash: string; copies: number }> {
    const core = (this.conn as unknown as { connection: CoreConnection }).connection;
    const sql = `SELECT MD5(${this.#row}) AS h, COUNT(*) FROM ${this.#from} GROUP BY h ORDER BY h`;
    this.stats.queries++;
    // Streamed with back-pressure: Node holds one buffer of rows, whatever the table's size.
    const stream = core.query({ sql, rowsAsArray: true }).stream({ highWaterMark: 256 });
    try {
      for await (const row of stream as AsyncIterable<unknown[]>) {
        this.stats.rowsFetched++;
        yield { hash: String(row[0]), copies: Number(row[1]) };
      }
    } catch (err) {
      throw queryError(err, this.spec, `${this.schema}.${this.table}`);
    }
  }
}

interface ColumnRow extends RowDataPacket {
  name: string;
  dataType: string;
  columnType: string;
  nullable: string;
  collation: string | null;
  charset: string | null;
}

class MysqlSide implements Side {
  readonly label: string;
  constructor(
    private readonly conn: Connection,
    private readonly spec: ConnectionSpec,
  ) {
    this.label = spec.label;
  }

  async #query<T extends RowDataPacket>(sql: string, params: unknown[], what: string): Promise<T[]> {
    try {
      const [rows] = await this.conn.query<T[]>(sql, params);
      return rows;
    } catch (err) {
      throw queryError(err, this.spec, what);
    }
  }

  async describe(schema: string, table: string): Promise<TableShape | null> {
    const what = `${schema}.${table}`;
    const exists = await this.#query<RowDataPacket>(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')",
      [schema, table],
      what,
    );
    if (exists.length === 0) return null;
    const cols = await this.#query<ColumnRow>(
      `SELECT COLUMN_NAME AS name, LOWER(DATA_TYPE) AS dataType, LOWER(COLUMN_TYPE) AS columnType, IS_NULLABLE AS nullable,
              COLLATION_NAME AS collation, CHARACTER_SET_NAME AS charset
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [schema, table],
      what,
    );
    const idx = await this.#query<RowDataPacket>(
      `SELECT INDEX_NAME AS i, COLUMN_NAME AS c, SUB_PART AS p FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      [schema, table],
      what,
    );
    const columns: ColumnInfo[] = cols.map((c) => ({
      name: String(c.name),
      dataType: String(c.dataType),
      columnType: String(c.columnType),
      nullable: c.nullable === 'YES',
      ...(c.collation ? { collation: String(c.collation) } : {}),
      ...(c.charset ? { charset: String(c.charset) } : {}),
    }));
    const indexes = new Map<string, { cols: string[]; prefix: boolean }>();
    for (const r of idx) {
      const entry = indexes.get(String(r.i)) ?? { cols: [], prefix: false };
      entry.cols.push(String(r.c));
      if (r.p !== null) entry.prefix = true;
      indexes.set(String(r.i), entry);
    }
    const notNull = new Set(columns.filter((c) => !c.nullable).map((c) => c.name));
    const uniqueKeys = [...indexes.entries()]
      .filter(([name, e]) => name !== 'PRIMARY' && !e.prefix && e.cols.every((c) => notNull.has(c)))
      .map(([, e]) => e.cols);
    return { schema, table, columns, primaryKey: indexes.get('PRIMARY')?.cols ?? [], uniqueKeys };
  }

  async encoding(): Promise<string | undefined> {
    return undefined;
  }

  reader(plan: TablePlan, schema: string, table: string, stats: CompareStats): TableReader {
    return new MysqlReader(this.conn, this.spec, plan, schema, table, stats);
  }

  async close(): Promise<void> {
    // destroy(), not end(): end() would queue behind a half-read stream after an error.
    this.conn.destroy();
  }
}

/** A read-only session: UTC, utf8mb4, no sql_mode that changes what values read as. */
export async function openMysqlSide(spec: ConnectionSpec): Promise<Side> {
  const conn = await connect(spec);
  try {
    // PAD_CHAR_TO_FULL_LENGTH or ANSI_QUOTES on one side only would change the row strings.
    await conn.query("SET SESSION time_zone = '+00:00', sql_mode = ''");
    await conn.query('SET SESSION TRANSACTION READ ONLY');
  } catch (err) {
    conn.destroy();
    throw queryError(err, spec, 'the session set-up');
  }
  return new MysqlSide(conn, spec);
}
