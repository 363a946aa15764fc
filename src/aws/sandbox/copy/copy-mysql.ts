/**
 * MySQL/MariaDB full load: each target table is prepared as the task's TargetTablePrepMode
 * says (a missing one created as DMS creates it: mysql-table.ts), then the source is read in
 * pages by primary key (one streamed SELECT when there is none) and written back with
 * multi-row INSERTs sized below max_allowed_packet. Values stay as the server wrote them:
 * dates, DECIMAL and BIGINT as strings, JSON as text, binary as Buffers, both sessions in UTC;
 * only limited LOB mode cuts LOBs (lob.ts).
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
import { LobCutter } from './lob.js';
import { createMysqlTableSql, describeMysqlSource, mysqlTargetTable, type MysqlSourceTable } from './mysql-table.js';

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
      // Spatial values as the server's own bytes (SRID + WKB), which it takes back as they are;
      // mysql2 would otherwise parse them into {x, y} objects no INSERT accepts.
      typeCast: (field, next) => (field.type === 'GEOMETRY' ? field.buffer() : next()),
    });
  } catch (err) {
    throw new Error(`Cannot connect to ${spec.label}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** What is read and written: the source columns the target takes (not generated there), in source order. */
interface Plan {
  columns: string[];
  primaryKey: string[];
  /** Positions (in `columns`) of BIT(1) columns the target holds as BOOLEAN. */
  bitToNumber: number[];
  lobs: LobCutter | undefined;
}

/**
 * Prepares the target table ("Full-load task settings", TargetTablePrepMode) and returns
 * the columns the target generates itself. A missing table is created in every mode: the
 * guide's modes say what happens to an existing one only.
 */
async function prepare(target: Connection, db: string, ref: TableRef, t: MysqlSourceTable, mode: CopyOptions['prepMode']): Promise<Set<string>> {
  let existing = await mysqlTargetTable(target, db, ref.table);
  if (existing && mode === 'DROP_AND_CREATE') {
    await target.query(`DROP TABLE ${q(db)}.${q(ref.table)}`);
    existing = undefined;
  }
  if (!existing) {
    await target.query(createMysqlTableSql(db, ref.table, t));
    return new Set();
  }
  if (mode === 'TRUNCATE_BEFORE_LOAD') await target.query(`TRUNCATE TABLE ${q(db)}.${q(ref.table)}`);
  return existing.generated;
}

function plan(t: MysqlSourceTable, generatedOnTarget: Set<string>, opts: CopyOptions): Plan {
  const columns = t.columns.filter((c) => !generatedOnTarget.has(c.name));
  const bitToNumber = columns.flatMap((c, i) => (c.bitToNumber ? [i] : []));
  const lobs = opts.lobMaxSizeKb !== undefined
    ? new LobCutter(columns.map((c) => c.name), columns.map((c) => c.lob), opts.lobMaxSizeKb)
    : undefined;
  return { columns: columns.map((c) => c.name), primaryKey: t.primaryKey, bitToNumber, lobs };
}

/** Reads the table in pages; each page is handed to `write` before the next is read. */
async function readPages(conn: Connection, ref: TableRef, t: Plan, batch: number, write: (rows: unknown[][]) => Promise<void>) {
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

async function copyOne(source: Connection, { conn: target, db: targetDb, maxBytes }: Target, opts: CopyOptions, ref: TableRef): Promise<CopiedTable> {
  const described = await describeMysqlSource(source, ref);
  const p = plan(described, await prepare(target, targetDb, ref, described, opts.prepMode), opts);
  const insert = `INSERT INTO ${q(targetDb)}.${q(ref.table)} (${p.columns.map(q).join(', ')}) VALUES ?`;
  let copied = 0;
  const flush = async (rows: unknown[][]) => {
    if (rows.length > 0) await target.query(insert, [rows]);
  };
  // A consistent snapshot per table, as DMS reads each table at one point in time.
  await source.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  await readPages(source, ref, p, opts.batchRows ?? DEFAULT_BATCH_ROWS, async (rows) => {
    for (const row of rows) for (const i of p.bitToNumber) if (Buffer.isBuffer(row[i])) row[i] = (row[i] as Buffer).readUIntBE(0, 1);
    p.lobs?.apply(rows);
    await insertInBatches(rows, { maxBytes }, flush);
    copied += rows.length;
    opts.onTable?.({ ...ref, rows: copied, done: false });
  });
  await source.query('COMMIT');
  return { ...ref, rows: copied, truncatedLobs: p.lobs?.truncations() ?? [] };
}

export async function copyMysql(opts: CopyOptions): Promise<CopiedTable[]> {
  const source = await open(opts.source);
  let target: Connection | undefined;
  try {
    target = await open(opts.target);
    // No PAD_CHAR_TO_FULL_LENGTH: CHAR values are read as stored.
    await source.query("SET SESSION time_zone = '+00:00', sql_mode = ''");
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
      let copied: CopiedTable;
      try {
        copied = await copyOne(source, { conn: target, db, maxBytes }, opts, ref);
      } catch (err) {
        throw tableError(opts, ref, err);
      }
      opts.onTable?.({ ...ref, rows: copied.rows, done: true });
      out.push(copied);
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
