/**
 * Types of the data comparison engine (issue 8, "Data comparison"): the public options and
 * results of compareTables(), and the per-engine TableReader contract the generic chunking,
 * bisection and no-key code is written against.
 */
import type { Clock } from '../../clock.js';
import type { ConnectionSpec } from '../types.js';

/**
 * Significant digits FLOAT/real and DOUBLE/double precision values are rounded to before
 * hashing: differences beyond them are legitimate noise (a value that went through a text
 * form with fewer digits), differences within them are reported.
 */
export const FLOAT_SIGNIFICANT_DIGITS = 6;
export const DOUBLE_SIGNIFICANT_DIGITS = 15;

export interface TableRef {
  /** MySQL/MariaDB: the database; PostgreSQL: the schema. */
  schema: string;
  table: string;
  /** Where the table lives on the target when its schema/database name differs. */
  targetSchema?: string;
}

/** A primary-key (or unique-key) value, one text value per key column. */
export type Key = string[];

export interface RowDiff {
  count: number;
  /** The first keys (in key order), at most `sampleKeys`. */
  keys: Key[];
  /** Tables without a usable key: the first differing row hashes and how many copies differ. */
  rowHashes?: Array<{ hash: string; copies: number }>;
}

export interface Mismatches {
  /** On the source, not on the target. */
  missing: RowDiff;
  /** On the target, not on the source. */
  extra: RowDiff;
  /** Same key on both sides, different content. */
  changed: RowDiff;
}

export interface SchemaDifference {
  kind: 'collation' | 'charset' | 'type' | 'missing-on-target' | 'missing-on-source' | 'key';
  column?: string;
  source?: string;
  target?: string;
}

export type TableStatus = 'equal' | 'different' | 'missing-on-target' | 'missing-on-source';

export interface CompareStats {
  /** Round trips to either server. */
  queries: number;
  /** Rows received by Node from either server (digests, boundaries, key/hash lists). */
  rowsFetched: number;
  /** The most rows one query returned: stays ≤ ~2 × leafRows however large a chunk is. */
  maxRowsPerQuery: number;
  /** Milliseconds this run spent scanning chunks (both sides at once), not re-checking or bisecting. */
  scanMs: number;
}

export interface TableResult {
  schema: string;
  table: string;
  targetSchema: string;
  status: TableStatus;
  /** The key chunks are ranges of: the primary key, else a unique key over NOT NULL columns. */
  key: { kind: 'primary' | 'unique' | 'none'; columns: string[] };
  rows: { source: number; target: number };
  chunks: {
    total: number;
    /** Chunks whose digests still differed after the re-checks. */
    mismatched: number;
    /** Chunks that differed at first and were equal on a re-check (replication lag). */
    equalOnRecheck: number;
  };
  mismatches: Mismatches;
  /** Collation, charset, type and column-set differences: reported, never normalised away. */
  schemaDifferences: SchemaDifference[];
  notes: string[];
  durationMs: number;
  stats: CompareStats;
  /** True when this run continued from a checkpoint. */
  resumed: boolean;
}

export interface CompareResult {
  tables: TableResult[];
  /** True when any table is not `equal`. */
  differs: boolean;
  durationMs: number;
  stats: CompareStats;
}

export interface RecheckOptions {
  /** Wait before re-computing mismatched chunks, so CDC can catch up. */
  delayMs: number;
  /** Re-checks before a chunk is called different; 0 turns re-checking off. */
  attempts: number;
}

export interface CompareProgress {
  schema: string;
  table: string;
  phase: 'scan' | 'recheck' | 'bisect' | 'done';
  chunks: number;
  rowsSource: number;
  rowsTarget: number;
}

/** A finished chunk whose digests differed, waiting for its re-check and bisection. */
export interface PendingChunk {
  lower: Key | null;
  upper: Key | null;
  source: Digest;
  target: Digest;
}

/**
 * Everything needed to continue one table after a crash: JSON-serialisable, emitted after
 * every finished chunk. `lastKey` is the upper bound of the last chunk scanned (null: none
 * yet); chunks that differed are kept in `pending` until they are re-checked and bisected.
 */
export interface TableCheckpoint {
  version: 1;
  /**
   * The chunk digest's algorithm (DIGEST_ALGORITHM). Digests of another algorithm (or of a
   * checkpoint without this field, written before it existed) cannot be compared with new
   * ones: such a checkpoint is not continued.
   */
  digest?: number;
  schema: string;
  table: string;
  targetSchema: string;
  phase: 'scan' | 'verify' | 'done';
  lastKey: Key | null;
  chunks: number;
  rows: { source: number; target: number };
  pending: PendingChunk[];
  /** Re-check rounds done over `pending`. */
  rechecks: number;
  mismatchedChunks: number;
  equalOnRecheck: number;
  mismatches: Mismatches;
  elapsedMs: number;
}

export interface CompareOptions {
  source: ConnectionSpec;
  target: ConnectionSpec;
  tables: TableRef[];
  /**
   * The most rows a chunk holds on the source (default 1 000 000). The first chunk has 10 000
   * (or chunkRows when smaller); while chunks match, the next ones are sized by `chunkTimeMs`;
   * after one that differs (narrowing it down costs about its size again) they start at 10 000
   * again.
   */
  chunkRows?: number;
  /**
   * Adaptive chunk size: the rows of the next chunk are scaled so a chunk takes about this long
   * on the slower side, between 1 % of the first chunk and `chunkRows` (default 500 ms, as
   * pt-table-checksum's --chunk-time; 0 keeps every chunk at `chunkRows`).
   */
  chunkTimeMs?: number;
  /** A differing range is split until it holds at most this many rows, then listed (default 64). */
  leafRows?: number;
  /** Keys kept per category (missing, extra, changed) and table (default 10). */
  sampleKeys?: number;
  /** Default: one re-check after 5 s. */
  recheck?: RecheckOptions;
  /** Waits go through this clock (tests inject one whose sleep changes data). */
  clock?: Clock;
  /** Tables compared at once; each uses one connection per side (default 1). */
  concurrency?: number;
  /** Checkpoints from an earlier run; a table with one continues from it. */
  resume?: TableCheckpoint[];
  onCheckpoint?: (checkpoint: TableCheckpoint) => void | Promise<void>;
  onProgress?: (progress: CompareProgress) => void;
  signal?: AbortSignal;
}

// ---- the engine contract ----

export interface ColumnInfo {
  name: string;
  /** Lower-case base type: MySQL DATA_TYPE (`varchar`, `float`), PostgreSQL typname (`float4`, `bytea`). */
  dataType: string;
  /** The full declared type, for reporting (`varchar(40)`, `numeric(12,2)`). */
  columnType: string;
  nullable: boolean;
  collation?: string;
  charset?: string;
  /** PostgreSQL typcategory (S string, N numeric, A array, …). */
  category?: string;
}

export interface TableShape {
  schema: string;
  table: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Unique keys whose columns are all NOT NULL (usable for chunking when there is no primary key). */
  uniqueKeys: string[][];
}

/** What both sides hash: the same columns in the same order, decided from both shapes. */
export interface TablePlan {
  columns: ColumnInfo[];
  /** Columns NULL may appear in on either side: each gets a bit in the row's NULL bitmap. */
  nullable: Set<string>;
  key: ColumnInfo[];
  /** PostgreSQL: hash UTF-8 bytes (convert_to) because the two databases' encodings differ. */
  convertToUtf8?: boolean;
}

export interface Digest {
  rows: number;
  /** Exact sum of the rows' hashes, as decimal text. */
  sum: string;
  /** Tables without a key: exact sum of squares of another 28-bit hash piece. */
  squares?: string;
}

/** Lower bound exclusive, upper bound inclusive; null means unbounded. */
export interface KeyRange {
  lower: Key | null;
  upper: Key | null;
}

export interface RowHash {
  key: Key;
  hash: string;
}

/** One side's read-only queries on one table (implemented per engine in digest-*.ts). */
export interface TableReader {
  readonly label: string;
  digest(range: KeyRange): Promise<Digest>;
  count(): Promise<number>;
  /** The key `offset` rows into the range, in key order; null when the range is shorter. */
  keyAt(range: KeyRange, offset: number): Promise<Key | null>;
  /** The table's last key in key order; null when it is empty. */
  lastKey(): Promise<Key | null>;
  firstKeys(range: KeyRange, limit: number): Promise<Key[]>;
  rowHashes(range: KeyRange, limit: number): Promise<RowHash[]>;
  /** Tables without a key: (row hash, copies) for the whole table, ascending by hash, streamed. */
  hashGroups(): AsyncIterable<{ hash: string; copies: number }>;
}

/** One connection to one server, able to describe tables and read them. */
export interface Side {
  readonly label: string;
  describe(schema: string, table: string): Promise<TableShape | null>;
  /** PostgreSQL server_encoding; undefined on MySQL (strings are converted to utf8mb4 there). */
  encoding(): Promise<string | undefined>;
  reader(plan: TablePlan, schema: string, table: string, stats: CompareStats): TableReader;
  close(): Promise<void>;
}
