/**
 * Tables without a primary key or a NOT NULL unique key: there is no key to range over, so the
 * whole table is one chunk, and duplicates are legitimate rows that must be counted.
 *
 * The digest must not cancel duplicates. BIT_XOR does: x ⊕ x = 0, so {A,A,B} and {B,C,C} both
 * reduce to B. Our digest is COUNT(*), the exact (unbounded, never modular) SUM of each row's
 * 64-bit hash h, and the exact SUM of p² for another 28-bit piece p of the row's MD5 — the
 * first and a second moment of the multiset of row hashes. A duplicate adds its hash again
 * instead of removing it: {A,A,B} → 2a+b vs {A,B,B} → a+2b vs {B,C,C} → b+2c all differ unless
 * two rows' hashes are equal. Two different multisets with equal count, sum and sum of squares
 * need a coincidence of ~2^-64 on top of ~2^-56.
 *
 * When the digests differ, both servers stream `(row hash, copies)` GROUP BY hash ORDER BY
 * hash and Node merges the two sorted streams: a hash with more copies on the source is that
 * many missing rows, more on the target that many extra rows. Memory stays flat (one buffer
 * per stream); without a key a change cannot be told from a delete plus an insert, so there
 * are no "changed" rows, and rows are identified by their hash.
 */
import type { MismatchSink } from './mismatches.js';
import type { TableReader } from './types.js';

export async function compareGroups(source: TableReader, target: TableReader, sink: MismatchSink): Promise<void> {
  const a = source.hashGroups()[Symbol.asyncIterator]();
  const b = target.hashGroups()[Symbol.asyncIterator]();
  try {
    let [x, y] = await Promise.all([a.next(), b.next()]);
    while (!x.done || !y.done) {
      if (y.done || (!x.done && x.value.hash < y.value.hash)) {
        const g = x.value!;
        sink.addHash('missing', g.hash, g.copies);
        x = await a.next();
      } else if (x.done || y.value.hash < x.value.hash) {
        sink.addHash('extra', y.value.hash, y.value.copies);
        y = await b.next();
      } else {
        const diff = x.value.copies - y.value.copies;
        if (diff > 0) sink.addHash('missing', x.value.hash, diff);
        if (diff < 0) sink.addHash('extra', x.value.hash, -diff);
        [x, y] = await Promise.all([a.next(), b.next()]);
      }
    }
  } finally {
    await Promise.all([a.return?.(), b.return?.()]);
  }
}
