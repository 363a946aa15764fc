/**
 * One server's side of the comparison on its own: the chunk walk and digest queries that
 * compareTables runs on each side, for one table on one server. The result is the table's
 * digest — COUNT(*) and the exact sum of the row hashes, i.e. the sum of its chunk digests, so it
 * does not depend on how the table was chunked: two servers' digests of the same table are
 * equal when the tables are (up to the digest's collision chance; see normalize.ts). The verify
 * benchmark times it against pt-table-checksum on the same server, one side against one side.
 */
import { performance } from 'node:perf_hooks';
import { UsageError } from '../../errors.js';
import type { ConnectionSpec } from '../types.js';
import { chunkPlanner, FULL_RANGE, type ChunkPlanner } from './chunks.js';
import { adaptChunkRows, firstChunkRows } from './compare-table.js';
import { planTable } from './plan.js';
import { DEFAULT_CHUNK_ROWS, DEFAULT_CHUNK_TIME_MS, positive } from './settings.js';
import { openSide } from './sides.js';
import type { CompareStats, Digest, KeyRange, TableReader } from './types.js';

export interface ChecksumOptions {
  /** As CompareOptions.chunkRows / chunkTimeMs. */
  chunkRows?: number;
  chunkTimeMs?: number;
  signal?: AbortSignal;
}

export interface TableChecksum {
  schema: string;
  table: string;
  /** The columns chunks range over; empty: the table has no usable key and is one digest. */
  key: string[];
  rows: number;
  /** Exact sum of the row hashes (decimal text); tables without a key also sum squares. */
  sum: string;
  squares?: string;
  chunks: number;
  durationMs: number;
  stats: CompareStats;
}

const add = (a: string, b: string): string => (BigInt(a) + BigInt(b)).toString();

async function walk(reader: TableReader, planner: ChunkPlanner, settings: { chunkRows: number; chunkTimeMs: number }, signal?: AbortSignal): Promise<{ total: Digest; chunks: number }> {
  const total: Digest = { rows: 0, sum: '0' };
  let chunks = 0;
  let size = firstChunkRows(settings);
  let range: KeyRange | null = await planner.next(null, size);
  while (range) {
    signal?.throwIfAborted();
    const started = performance.now();
    const digest = await reader.digest(range);
    size = adaptChunkRows(size, digest.rows, performance.now() - started, settings);
    planner.observe(range, digest.rows);
    total.rows += digest.rows;
    total.sum = add(total.sum, digest.sum);
    chunks++;
    range = range.upper === null ? null : await planner.next(range.upper, size);
  }
  return { total, chunks };
}

/** The digest of `schema.table` on the server of `spec`, read-only, chunk by chunk as compareTables reads it. */
export async function checksumTable(spec: ConnectionSpec, ref: { schema: string; table: string }, opts: ChecksumOptions = {}): Promise<TableChecksum> {
  const settings = {
    chunkRows: positive('chunkRows', opts.chunkRows, DEFAULT_CHUNK_ROWS, 2),
    chunkTimeMs: positive('chunkTimeMs', opts.chunkTimeMs, DEFAULT_CHUNK_TIME_MS, 0),
  };
  const started = performance.now();
  const side = await openSide(spec);
  try {
    const shape = await side.describe(ref.schema, ref.table);
    if (!shape) {
      throw new UsageError(`The table ${ref.schema}.${ref.table} does not exist on the ${side.label}.`, {
        hint: 'Check the table name (names are case-sensitive on most servers).',
      });
    }
    const { plan } = planTable(shape, shape);
    plan.convertToUtf8 = false;
    const stats: CompareStats = { queries: 0, rowsFetched: 0, maxRowsPerQuery: 0, scanMs: 0 };
    const reader = side.reader(plan, ref.schema, ref.table, stats);
    let total: Digest;
    let chunks = 1;
    const scanStarted = performance.now();
    if (plan.key.length === 0) total = await reader.digest(FULL_RANGE);
    else ({ total, chunks } = await walk(reader, chunkPlanner(plan, reader), settings, opts.signal));
    stats.scanMs = Math.round(performance.now() - scanStarted);
    return {
      schema: ref.schema,
      table: ref.table,
      key: plan.key.map((c) => c.name),
      rows: total.rows,
      sum: total.sum,
      ...(total.squares !== undefined ? { squares: total.squares } : {}),
      chunks,
      durationMs: Math.round(performance.now() - started),
      stats,
    };
  } finally {
    await side.close();
  }
}
