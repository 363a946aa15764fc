/**
 * Narrows a chunk whose digests differ down to the differing rows without loading it: the
 * range is split at the key halfway through it (on the side with more rows), the left half is
 * digested on both servers (the right half's digest is the parent's minus the left's), and
 * only halves that still differ are split further: about as many rows are hashed again as the
 * chunk holds, in log2(rows / leafRows) round trips. A range
 * with at most `leafRows` rows on each side is listed as (key, MD5) pairs from both sides and
 * classified in Node; a range empty on one side is classified from the other side's count and
 * its first keys. Node never holds more than ~2 × leafRows rows of a table at a time.
 */
import { keyId } from './chunks.js';
import { digestsEqual, subtractDigest, type MismatchSink } from './mismatches.js';
import type { Digest, KeyRange, RowHash, TableReader } from './types.js';

export interface BisectContext {
  source: TableReader;
  target: TableReader;
  leafRows: number;
  sink: MismatchSink;
}

/** Rows can still arrive while CDC runs; a range that grew past this is split again instead. */
const MAX_DEPTH = 200;

function classify(sink: MismatchSink, source: RowHash[], target: RowHash[]): void {
  const onTarget = new Map(target.map((r) => [keyId(r.key), r]));
  for (const row of source) {
    const id = keyId(row.key);
    const other = onTarget.get(id);
    if (!other) sink.add('missing', 1, [row.key]);
    else {
      if (other.hash !== row.hash) sink.add('changed', 1, [row.key]);
      onTarget.delete(id);
    }
  }
  for (const row of onTarget.values()) sink.add('extra', 1, [row.key]);
}

async function digestBoth(ctx: BisectContext, range: KeyRange): Promise<[Digest, Digest]> {
  return Promise.all([ctx.source.digest(range), ctx.target.digest(range)]);
}

export async function bisect(ctx: BisectContext, range: KeyRange, source: Digest, target: Digest, depth = 0): Promise<void> {
  if (digestsEqual(source, target)) return;
  if (depth > MAX_DEPTH) throw new Error('bisection did not converge (the table keeps changing under the comparison)');
  const { sink } = ctx;
  if (source.rows === 0 || target.rows === 0) {
    const [kind, side, rows] = source.rows === 0 ? (['extra', ctx.target, target.rows] as const) : (['missing', ctx.source, source.rows] as const);
    sink.add(kind, rows, await side.firstKeys(range, sink.room(kind)));
    return;
  }
  const most = Math.max(source.rows, target.rows);
  if (most <= ctx.leafRows) {
    const limit = ctx.leafRows * 2;
    const [a, b] = await Promise.all([ctx.source.rowHashes(range, limit), ctx.target.rowHashes(range, limit)]);
    if (a.length < limit && b.length < limit) {
      classify(sink, a, b);
      return;
    }
    // The range grew since it was digested: digest it again and split.
    const [s, t] = await digestBoth(ctx, range);
    return bisect(ctx, range, s, t, depth + 1);
  }
  const [side, rows] = source.rows >= target.rows ? [ctx.source, source.rows] : [ctx.target, target.rows];
  const mid = await side.keyAt(range, Math.floor(rows / 2) - 1);
  if (!mid) {
    const [s, t] = await digestBoth(ctx, range);
    return bisect(ctx, range, s, t, depth + 1);
  }
  const left: KeyRange = { lower: range.lower, upper: mid };
  const right: KeyRange = { lower: mid, upper: range.upper };
  // Only the left half is digested: digests are exact sums, so the right half's is the rest.
  const [sl, tl] = await digestBoth(ctx, left);
  const [sr, tr] = [subtractDigest(source, sl), subtractDigest(target, tl)];
  await bisect(ctx, left, sl, tl, depth + 1);
  await bisect(ctx, right, sr, tr, depth + 1);
}
