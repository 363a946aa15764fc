/**
 * MySQL/MariaDB full load: `SHOW CREATE TABLE` replayed on the target, then reads paged by
 * primary key (one streamed SELECT when there is none) written back with multi-row INSERTs
 * sized below max_allowed_packet. Values stay as the server wrote them: dates, DECIMAL and BIGINT as
 * strings, JSON as text, binary as Buffers, both sessions in UTC.
 */
import type { Connection as CoreConnection } from 'mysql2';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { openMysqlConnection } from '../../../db/mysql-connect.js';
import type { ConnectionSpec } from '../../../db/types.js';
import {
  DEFAULT_BATCH_ROWS,
  MAX_INSERT_BYTES,
  insertInBatches,
  tableError,
  type CopiedTable,
  type CopyOptions,
  type TableRef,
} from './full-load.js';

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;

async function open(spec: ConnectionSpec): Promise<Connection> {
  try {
    return await openMysqlConnection(spec, {
      charset: 'utf8mb4_general_ci',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      // JSON (MySQL's type and MariaDB's json_valid LONGTEXT) as the stored text, not parsed objects.
      jsonStrings: true,
    });
  } catch (err) {
    throw new Error(`Cannot connect to ${spec.label}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

interface SourceTable {
  columns: string[];
  primaryKey: string[];
}

async function describe(conn: Connection, ref: TableRef): Promise<SourceTable> {
  const [tables] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [ref.schema, ref.table],
  );
  if (tables.length === 0) throw new Error(`the source has no table ${ref.schema}.${ref.table}`);
  if (tables[0]!.t !== 'BASE TABLE') throw new Error(`${ref.schema}.${ref.table} is a ${String(tables[0]!.t).toLowerCase()}, not a table`);
  const [cols] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c, EXTRA AS x FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [ref.schema, ref.table],
  );
  const [pk] = await conn.query<RowDataPacket[]>(
    "SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
    [ref.schema, ref.table],
  );
  return {
    // Generated columns are computed by the target itself and refuse explicit values.
    columns: cols.filter((r) => !/GENERATED/i.test(String(r.x ?? ''))).map((r) => String(r.c)),
    primaryKey: pk.map((r) => String(r.c)),
  };
}

async function createOnTarget(source: Connection, target: Connection, ref: TableRef, targetDb: string): Promise<void> {
  const [rows] = await source.query<RowDataPacket[]>(`SHOW CREATE TABLE ${q(ref.schema)}.${q(ref.table)}`);
  const ddl = String(rows[0]?.['Create Table']);
  const head = /^CREATE TABLE `(?:[^`]|``)+`/;
  if (!head.test(ddl)) throw new Error(`unexpected SHOW CREATE TABLE output: ${ddl.slice(0, 60)}`);
  await target.query(ddl.replace(head, `CREATE TABLE IF NOT EXISTS ${q(targetDb)}.${q(ref.table)}`));
}

/** Reads the table in pages; each page is handed to `write` before the next is read. */
async function readPages(conn: Connection, ref: TableRef, t: SourceTable, batch: number, write: (rows: unknown[][]) => Promise<void>) {
  const from = `SELECT ${t.columns.map(q).join(', ')} FROM ${q(ref.schema)}.${q(ref.table)}`;
  if (t.primaryKey.length === 0 || !t.primaryKey.every((c) => t.columns.includes(c))) {
    // No key to page by: one streamed SELECT (paused while a page is written) rather than
    // LIMIT/OFFSET, which rescans and, ordering TEXT/BLOB by a prefix only, can skip rows.
    const core = (conn as unknown as { connection: CoreConnection }).connection;
    let page: unknown[][] = [];
    for await (const row of core.query({ sql: from, rowsAsArray: true }).stream()) {
      page.push(row as unknown[]);
      if (page.length >= batch) {
        await write(page);
        page = [];
      }
    }
    if (page.length > 0) await write(page);
    return;
  }
  const order = t.primaryKey.map(q).join(', ');
  const keyAt = t.primaryKey.map((c) => t.columns.indexOf(c));
  const after = `${from} WHERE (${order}) > (${keyAt.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ${batch}`;
  let last: unknown[] | undefined;
  for (;;) {
    const sql = last ? after : `${from} ORDER BY ${order} LIMIT ${batch}`;
    const [rows] = await conn.query<RowDataPacket[]>({ sql, rowsAsArray: true }, last ? keyAt.map((i) => last![i]) : []);
    if (rows.length > 0) await write(rows as unknown[][]);
    if (rows.length < batch) return;
    last = rows[rows.length - 1] as unknown[];
  }
}

interface Target {
  conn: Connection;
  db: string;
  /** Bytes per INSERT: 4 MiB, or half the server's max_allowed_packet when that is smaller. */
  maxBytes: number;
}

async function copyOne(source: Connection, { conn: target, db: targetDb, maxBytes }: Target, opts: CopyOptions, ref: TableRef): Promise<number> {
  const t = await describe(source, ref);
  await createOnTarget(source, target, ref, targetDb);
  if (opts.truncate) await target.query(`TRUNCATE TABLE ${q(targetDb)}.${q(ref.table)}`);
  const insert = `INSERT INTO ${q(targetDb)}.${q(ref.table)} (${t.columns.map(q).join(', ')}) VALUES ?`;
  let copied = 0;
  const flush = async (rows: unknown[][]) => {
    if (rows.length > 0) await target.query(insert, [rows]);
  };
  // A consistent snapshot per table, as DMS reads each table at one point in time.
  await source.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  await readPages(source, ref, t, opts.batchRows ?? DEFAULT_BATCH_ROWS, async (rows) => {
    await insertInBatches(rows, { maxBytes }, flush);
    copied += rows.length;
    opts.onTable?.({ ...ref, rows: copied, done: false });
  });
  await source.query('COMMIT');
  return copied;
}

export async function copyMysql(opts: CopyOptions): Promise<CopiedTable[]> {
  const source = await open(opts.source);
  let target: Connection | undefined;
  try {
    target = await open(opts.target);
    // No ANSI_QUOTES (SHOW CREATE TABLE stays in backticks), no PAD_CHAR_TO_FULL_LENGTH.
    await source.query("SET SESSION time_zone = '+00:00', sql_quote_show_create = 1, sql_mode = ''");
    // UTC so TIMESTAMP strings are not shifted; no FK checks while tables fill in any order;
    // NO_AUTO_VALUE_ON_ZERO keeps an id 0 as 0; non-strict so zero dates load as they were.
    await target.query(
      "SET SESSION time_zone = '+00:00', foreign_key_checks = 0, sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
    );
    const [[packet]] = await target.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m');
    const maxBytes = Math.min(MAX_INSERT_BYTES, Math.floor(Number(packet?.m ?? 0) / 2) || MAX_INSERT_BYTES);
    const out: CopiedTable[] = [];
    for (const ref of opts.tables) {
      const db = opts.targetSchema?.(ref.schema) ?? opts.target.database;
      let rows: number;
      try {
        rows = await copyOne(source, { conn: target, db, maxBytes }, opts, ref);
      } catch (err) {
        throw tableError(opts, ref, err);
      }
      opts.onTable?.({ ...ref, rows, done: true });
      out.push({ ...ref, rows });
    }
    await source.end();
    await target.end();
    return out;
  } catch (err) {
    // destroy(), not end(): end() would queue behind a half-read streamed result and hang.
    source.destroy();
    target?.destroy();
    throw err;
  }
}
