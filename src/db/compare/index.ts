/**
 * The data comparison engine of `promigrate verify`: compareTables() compares tables between a
 * source and a target server of the same family with server-side chunk digests, bisects the
 * chunks that differ down to their rows, and reports per table what is missing, extra and
 * changed. Read-only on both servers (SELECTs only, read-only sessions, no helper tables).
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../clock.js';
import { UsageError } from '../../errors.js';
import type { ConnectionSpec } from '../types.js';
import { compareTable, type TableSettings } from './compare-table.js';
import { DEFAULT_CHUNK_ROWS, DEFAULT_CHUNK_TIME_MS, DEFAULT_LEAF_ROWS, DEFAULT_RECHECK, DEFAULT_SAMPLE_KEYS, positive } from './settings.js';
import { family, openSide } from './sides.js';
import type { CompareOptions, CompareResult, Side, TableCheckpoint, TableRef, TableResult } from './types.js';

export type * from './types.js';
export { DOUBLE_SIGNIFICANT_DIGITS, FLOAT_SIGNIFICANT_DIGITS } from './types.js';
export { DIGEST_ALGORITHM } from './compare-table.js';
export { checksumTable, type TableChecksum } from './checksum.js';

export { DEFAULT_CHUNK_ROWS, DEFAULT_CHUNK_TIME_MS, DEFAULT_LEAF_ROWS, DEFAULT_RECHECK, DEFAULT_SAMPLE_KEYS } from './settings.js';

const sameTable = (cp: TableCheckpoint, ref: TableRef): boolean =>
  cp.schema === ref.schema && cp.table === ref.table && cp.targetSchema === (ref.targetSchema ?? ref.schema);

function settingsOf(opts: CompareOptions, signal: AbortSignal): TableSettings {
  const recheck = opts.recheck ?? DEFAULT_RECHECK;
  return {
    chunkRows: positive('chunkRows', opts.chunkRows, DEFAULT_CHUNK_ROWS, 2),
    chunkTimeMs: positive('chunkTimeMs', opts.chunkTimeMs, DEFAULT_CHUNK_TIME_MS, 0),
    leafRows: positive('leafRows', opts.leafRows, DEFAULT_LEAF_ROWS),
    sampleKeys: positive('sampleKeys', opts.sampleKeys, DEFAULT_SAMPLE_KEYS, 0),
    recheck: { delayMs: positive('recheck.delayMs', recheck.delayMs, DEFAULT_RECHECK.delayMs, 0), attempts: positive('recheck.attempts', recheck.attempts, 1, 0) },
    clock: opts.clock ?? systemClock,
    signal,
    ...(opts.onCheckpoint ? { onCheckpoint: opts.onCheckpoint } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };
}

/**
 * Compares every table in `opts.tables` and returns one result per table, in that order. A
 * table missing on one side is a result (all its rows missing or extra), not an error; a table
 * on neither side, a failed connection or a failed query throws a PromigrateError with a hint.
 * Resume: pass the last checkpoint of each table (from `onCheckpoint`) as `resume`.
 */
export async function compareTables(opts: CompareOptions): Promise<CompareResult> {
  if (family(opts.source) !== family(opts.target)) {
    throw new UsageError(`Cannot compare ${opts.source.engine} with ${opts.target.engine}: the source and target must be the same family.`, {
      hint: 'Compare MySQL/MariaDB with MySQL/MariaDB, or PostgreSQL with PostgreSQL.',
    });
  }
  const started = performance.now();
  // One table failing stops the others; so does the caller's signal (Ctrl-C).
  const abort = new AbortController();
  const signal = abort.signal;
  const settings = settingsOf(opts, signal);
  const workers = Math.max(1, Math.min(positive('concurrency', opts.concurrency, 1), opts.tables.length));
  opts.signal?.throwIfAborted();
  const onAbort = () => abort.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const results: TableResult[] = new Array(opts.tables.length);
  let next = 0;

  // Each worker has one connection per side and takes tables off the list in turn.
  const worker = async (): Promise<void> => {
    let sides: { source: Side; target: Side } | undefined;
    try {
      const [source, target] = await Promise.allSettled([openSide(opts.source), openSide(opts.target)]);
      if (source.status === 'rejected' || target.status === 'rejected') {
        if (source.status === 'fulfilled') await source.value.close();
        if (target.status === 'fulfilled') await target.value.close();
        throw source.status === 'rejected' ? source.reason : (target as PromiseRejectedResult).reason;
      }
      sides = { source: source.value, target: target.value };
      while (next < opts.tables.length) {
        signal.throwIfAborted();
        const index = next++;
        const ref = opts.tables[index]!;
        const resume = opts.resume?.find((cp) => sameTable(cp, ref));
        results[index] = await compareTable(sides, ref, settings, resume);
      }
    } catch (err) {
      abort.abort(err);
      throw err;
    } finally {
      await Promise.all([sides?.source.close(), sides?.target.close()]);
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: workers }, worker));
  opts.signal?.removeEventListener('abort', onAbort);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw opts.signal?.aborted ? opts.signal.reason : failed.reason;

  const stats = { queries: 0, rowsFetched: 0, maxRowsPerQuery: 0, scanMs: 0 };
  for (const r of results) {
    stats.queries += r.stats.queries;
    stats.rowsFetched += r.stats.rowsFetched;
    stats.maxRowsPerQuery = Math.max(stats.maxRowsPerQuery, r.stats.maxRowsPerQuery);
    stats.scanMs += r.stats.scanMs;
  }
  return { tables: results, differs: results.some((r) => r.status !== 'equal'), durationMs: Math.round(performance.now() - started), stats };
}
