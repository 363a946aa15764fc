/**
 * The sandbox's real full load: when the sandbox RDS instance is mapped to a real local
 * database, the simulated DMS task copies the selected tables there for real, so `verify`
 * later compares real data. Same-family copies only (MySQL/MariaDB → MySQL/MariaDB,
 * PostgreSQL → PostgreSQL), which is all promigrate migrates.
 *
 * It leaves behind what DMS leaves behind: a missing target table is created with its
 * columns and primary key only (mysql-table.ts, postgres-table.ts), each table is prepared
 * as FullLoadSettings.TargetTablePrepMode says, one table at a time, and limited LOB mode
 * cuts LOBs at TargetMetadata.LobMaxSize (lob.ts).
 */
import type { ConnectionSpec } from '../../../db/types.js';
import { TABLE_PREP_MODES, type TablePrepMode } from './prep-mode.js';

export interface TableRef {
  schema: string;
  table: string;
}

export interface TableProgress extends TableRef {
  rows: number;
  done: boolean;
}

export type { TablePrepMode } from './prep-mode.js';

export interface CopyOptions {
  source: ConnectionSpec;
  target: ConnectionSpec;
  tables: TableRef[];
  /**
   * What happens to each target table before its load ("Full-load task settings"):
   * DROP_AND_CREATE drops it and creates the bare DMS table; TRUNCATE_BEFORE_LOAD empties it
   * (one table at a time); DO_NOTHING leaves it and its rows alone. A missing table is
   * created in every mode.
   */
  prepMode: TablePrepMode;
  /**
   * Limited LOB mode: TargetMetadata.LobMaxSize in KB; every LOB value larger than that is
   * cut to it. Absent: LOBs are copied whole (full and inline LOB modes).
   */
  lobMaxSizeKb?: number;
  /** Rows per read and per multi-row INSERT (default 1000). */
  batchRows?: number;
  /**
   * The target schema of a source schema. Default: MySQL/MariaDB → the target connection's
   * database (a sandbox targetUrl names one); PostgreSQL → the same schema name.
   */
  targetSchema?(schema: string): string;
  onTable?(progress: TableProgress): void;
}

/** LOB values of one column that limited LOB mode cut to `maxBytes`. */
export interface LobTruncation {
  column: string;
  /** How many values were cut. */
  values: number;
  /** The size they were cut to, in the bytes DMS counts (NCLOB: 2 bytes a character). */
  maxBytes: number;
}

export interface CopiedTable extends TableRef {
  rows: number;
  /** Columns whose LOBs were cut (limited LOB mode); empty when none was. */
  truncatedLobs: LobTruncation[];
}

export const DEFAULT_BATCH_ROWS = 1000;

const family = (engine: ConnectionSpec['engine']) => (engine === 'postgres' ? 'postgres' : 'mysql');

/** Copies every table's rows from source to target; returns the rows copied per table. */
export async function copyTables(opts: CopyOptions): Promise<CopiedTable[]> {
  const from = family(opts.source.engine);
  if (from !== family(opts.target.engine)) {
    throw new Error(
      `The sandbox full load copies between engines of one family only; ${opts.source.label} is ${opts.source.engine}, ${opts.target.label} is ${opts.target.engine}.`,
    );
  }
  if (!TABLE_PREP_MODES.includes(opts.prepMode)) {
    throw new Error(`prepMode must be one of ${TABLE_PREP_MODES.join(', ')}, got ${String(opts.prepMode)}.`);
  }
  if (opts.lobMaxSizeKb !== undefined && !(Number.isInteger(opts.lobMaxSizeKb) && opts.lobMaxSizeKb > 0)) {
    throw new Error(`lobMaxSizeKb must be a positive integer, got ${opts.lobMaxSizeKb}.`);
  }
  if (opts.batchRows !== undefined && !(Number.isInteger(opts.batchRows) && opts.batchRows > 0)) {
    throw new Error(`batchRows must be a positive integer, got ${opts.batchRows}.`);
  }
  if (from === 'postgres') {
    const { copyPostgres } = await import('./copy-postgres.js');
    return copyPostgres(opts);
  }
  const { copyMysql } = await import('./copy-mysql.js');
  return copyMysql(opts);
}

/** An Error naming the table and both databases, keeping the driver's error as the cause. */
export function tableError(opts: CopyOptions, ref: TableRef, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`Full load of ${ref.schema}.${ref.table} from ${opts.source.label} to ${opts.target.label} failed: ${detail}`, {
    cause: err,
  });
}

/** Rough bytes of a row, to keep one INSERT well below max_allowed_packet with large LOBs. */
export function rowBytes(row: unknown[]): number {
  let n = 8;
  for (const v of row) n += v === null || v === undefined ? 4 : Buffer.isBuffer(v) ? v.length * 2 + 3 : String(v).length * 4 + 3;
  return n;
}

/** Maximum bytes of one multi-row INSERT statement. */
export const MAX_INSERT_BYTES = 4 * 1024 * 1024;

/**
 * Writes a page of rows as INSERTs no larger than `maxBytes` (and, when given, no more
 * than `maxRows` rows — PostgreSQL's bind-parameter limit), in order.
 */
export async function insertInBatches(
  rows: unknown[][],
  limits: { maxBytes: number; maxRows?: number },
  insert: (batch: unknown[][]) => Promise<void>,
): Promise<void> {
  let pending: unknown[][] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = rowBytes(row);
    const full = (limits.maxRows !== undefined && pending.length >= limits.maxRows) || (pending.length > 0 && bytes + size > limits.maxBytes);
    if (full) {
      await insert(pending);
      pending = [];
      bytes = 0;
    }
    pending.push(row);
    bytes += size;
  }
  if (pending.length > 0) await insert(pending);
}
