/**
 * PostgreSQL side of the comparison: one read-only session in UTC, the catalog read of a
 * table, and the chunk queries — count(*) plus the exact (numeric) sum of each row's 64-bit
 * hash (the first 16 hex digits of md5() of the normalised row, as bit(64) → bigint), key
 * boundaries, and key + md5 lists of small ranges. Only SELECTs (and a read-only cursor).
 */
import type pg from 'pg';
import { UsageError } from '../../errors.js';
import { openPgClient } from '../postgres-connect.js';
import type { ConnectionSpec } from '../types.js';
import { rangeWhere, type KeyDialect } from './chunks.js';
import { queryError } from './errors.js';
import { pgRowMd5, quotePg as q } from './normalize.js';
import type { ColumnInfo, CompareStats, Digest, Key, KeyRange, RowHash, Side, TablePlan, TableReader, TableShape } from './types.js';

/** Every value as the server's text output: keys go back to the server as bounds unchanged. */
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const dialect: KeyDialect = { quote: q, param: (_c, n) => `$${n + 1}`, rowConstructors: true };

const GROUPS_PER_FETCH = 1000;

const count = (stats: CompareStats, rows: number): void => {
  stats.queries++;
  stats.rowsFetched += rows;
  stats.maxRowsPerQuery = Math.max(stats.maxRowsPerQuery, rows);
};

class PgReader implements TableReader {
  readonly label: string;
  readonly #from: string;
  readonly #keys: string;
  readonly #md5: string;

  constructor(
    private readonly client: pg.Client,
    private readonly spec: ConnectionSpec,
    private readonly plan: TablePlan,
    private readonly schema: string,
    private readonly table: string,
    private readonly stats: CompareStats,
  ) {
    this.label = spec.label;
    this.#from = `${q(schema)}.${q(table)}`;
    this.#keys = plan.key.map((c) => q(c.name)).join(', ');
    this.#md5 = pgRowMd5(plan);
  }

  async #raw(text: string, values: unknown[] = []): Promise<string[][]> {
    try {
      return (await this.client.query({ text, values, rowMode: 'array', types: asText })).rows as string[][];
    } catch (err) {
      throw queryError(err, this.spec, `${this.schema}.${this.table}`);
    }
  }

  async #rows(text: string, values: unknown[] = []): Promise<string[][]> {
    const rows = await this.#raw(text, values);
    count(this.stats, rows.length);
    return rows;
  }

  #order(): string {
    return this.#keys;
  }

  async digest(range: KeyRange): Promise<Digest> {
    const w = rangeWhere(dialect, this.plan.key, range);
    const h64 = (m: string) => `('x' || left(${m}, 16))::bit(64)::bigint`;
    if (this.plan.key.length > 0) {
      const [row] = await this.#rows(`SELECT count(*), coalesce(sum(${h64(this.#md5)}), 0) FROM ${this.#from} WHERE ${w.sql}`, w.params);
      return { rows: Number(row![0]), sum: row![1]! };
    }
    // Without a key: also the sum of squares of another 28-bit piece of the md5 (see nopk.ts).
    // OFFSET 0 keeps the planner from inlining the subquery, so md5() runs once per row.
    const [row] = await this.#rows(
      `SELECT count(*), coalesce(sum(h), 0), coalesce(sum(p * p), 0)
         FROM (SELECT ${h64('m')} AS h, ('x' || substr(m, 17, 7))::bit(28)::bigint AS p
                 FROM (SELECT ${this.#md5} AS m FROM ${this.#from} WHERE ${w.sql} OFFSET 0) AS rowhashes) AS pieces`,
      w.params,
    );
    return { rows: Number(row![0]), sum: row![1]!, squares: row![2]! };
  }

  async count(): Promise<number> {
    const [row] = await this.#rows(`SELECT count(*) FROM ${this.#from}`);
    return Number(row![0]);
  }

  async keyAt(range: KeyRange, offset: number): Promise<Key | null> {
    const w = rangeWhere(dialect, this.plan.key, range);
    const rows = await this.#rows(`SELECT ${this.#keys} FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`, w.params);
    return rows[0] ?? null;
  }

  async lastKey(): Promise<Key | null> {
    const desc = this.plan.key.map((c) => `${q(c.name)} DESC`).join(', ');
    const rows = await this.#rows(`SELECT ${this.#keys} FROM ${this.#from} ORDER BY ${desc} LIMIT 1`);
    return rows[0] ?? null;
  }

  async firstKeys(range: KeyRange, limit: number): Promise<Key[]> {
    if (limit <= 0) return [];
    const w = rangeWhere(dialect, this.plan.key, range);
    return this.#rows(`SELECT ${this.#keys} FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT ${Math.floor(limit)}`, w.params);
  }

  async rowHashes(range: KeyRange, limit: number): Promise<RowHash[]> {
    const w = rangeWhere(dialect, this.plan.key, range);
    const rows = await this.#rows(
      `SELECT ${this.#keys}, ${this.#md5} FROM ${this.#from} WHERE ${w.sql} ORDER BY ${this.#order()} LIMIT ${Math.floor(limit)}`,
      w.params,
    );
    const n = this.plan.key.length;
    return rows.map((r) => ({ key: r.slice(0, n), hash: r[n]! }));
  }

  async *hashGroups(): AsyncIterable<{ hash: string; copies: number }> {
    this.stats.queries++;
    // A cursor in a read-only transaction: Node holds one FETCH of groups at a time.
    await this.#raw('BEGIN READ ONLY');
    try {
      await this.#raw(
        `DECLARE promigrate_groups NO SCROLL CURSOR FOR
           SELECT h, count(*) FROM (SELECT ${this.#md5} AS h FROM ${this.#from}) AS rowhashes GROUP BY h ORDER BY h COLLATE "C"`,
      );
      for (;;) {
        const rows = await this.#raw(`FETCH FORWARD ${GROUPS_PER_FETCH} FROM promigrate_groups`);
        this.stats.rowsFetched += rows.length;
        for (const r of rows) yield { hash: r[0]!, copies: Number(r[1]) };
        if (rows.length < GROUPS_PER_FETCH) break;
      }
    } finally {
      await this.client.query('ROLLBACK').catch(() => undefined);
    }
  }
}

class PgSide implements Side {
  readonly label: string;
  constructor(
    private readonly client: pg.Client,
    private readonly spec: ConnectionSpec,
  ) {
    this.label = spec.label;
  }

  async #query<T extends pg.QueryResultRow>(text: string, values: unknown[], what: string): Promise<T[]> {
    try {
      return (await this.client.query<T>(text, values)).rows;
    } catch (err) {
      throw queryError(err, this.spec, what);
    }
  }

  async describe(schema: string, table: string): Promise<TableShape | null> {
    const what = `${schema}.${table}`;
    const [rel] = await this.#query<{ oid: number }>(
      `SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      [schema, table],
      what,
    );
    if (!rel) return null;
    const cols = await this.#query<{ name: string; dataType: string; columnType: string; nullable: boolean; collation: string | null; category: string }>(
      `SELECT a.attname AS name, bt.typname AS "dataType", pg_catalog.format_type(a.atttypid, a.atttypmod) AS "columnType",
              NOT a.attnotnull AS nullable, bt.typcategory AS category,
              CASE WHEN a.attcollation = 0 THEN NULL
                   WHEN co.collname = 'default' THEN (SELECT datcollate FROM pg_catalog.pg_database WHERE datname = current_database())
                   ELSE co.collname END AS collation
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
         LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [rel.oid],
      what,
    );
    const idx = await this.#query<{ primary: boolean; cols: string[] }>(
      `SELECT i.indisprimary AS primary,
              ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum
                     WHERE u.ord <= i.indnkeyatts ORDER BY u.ord) AS cols
         FROM pg_catalog.pg_index i
        WHERE i.indrelid = $1 AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
        ORDER BY i.indisprimary DESC, i.indexrelid`,
      [rel.oid],
      what,
    );
    const columns: ColumnInfo[] = cols.map((c) => ({
      name: c.name,
      dataType: c.dataType,
      columnType: c.columnType,
      nullable: c.nullable,
      category: c.category,
      ...(c.collation ? { collation: c.collation } : {}),
    }));
    const notNull = new Set(columns.filter((c) => !c.nullable).map((c) => c.name));
    return {
      schema,
      table,
      columns,
      primaryKey: idx.find((i) => i.primary)?.cols ?? [],
      uniqueKeys: idx.filter((i) => !i.primary && i.cols.every((c) => notNull.has(c))).map((i) => i.cols),
    };
  }

  async encoding(): Promise<string | undefined> {
    const [row] = await this.#query<{ e: string }>('SELECT pg_catalog.current_setting($1) AS e', ['server_encoding'], 'the server encoding');
    return row?.e;
  }

  reader(plan: TablePlan, schema: string, table: string, stats: CompareStats): TableReader {
    return new PgReader(this.client, this.spec, plan, schema, table, stats);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** A read-only session in UTC with fixed date, interval and bytea output styles. */
export async function openPostgresSide(spec: ConnectionSpec): Promise<Side> {
  let client: pg.Client;
  try {
    client = await openPgClient(spec);
  } catch (err) {
    // The adapter's messages carry the fix in the sentence; verify's operator also gets a hint.
    if (err instanceof UsageError && err.hint === undefined) {
      throw new UsageError(err.message, { hint: `Fix the connection settings of the ${spec.label} (host, port, user, password, database, TLS), then run verify again.` });
    }
    throw err;
  }
  try {
    await client.query(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'; " +
        'SET extra_float_digits = 1; SET default_transaction_read_only = on',
    );
  } catch (err) {
    await client.end().catch(() => undefined);
    throw queryError(err, spec, 'the session set-up');
  }
  return new PgSide(client, spec);
}
