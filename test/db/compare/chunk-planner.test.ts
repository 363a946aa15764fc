import { describe, expect, it } from 'vitest';
import { chunkPlanner } from '../../../src/db/compare/chunks.js';
import type { ColumnInfo, Key, KeyRange, TablePlan, TableReader } from '../../../src/db/compare/types.js';

/** A source whose sorted integer keys are in memory; counts the index walks. */
function fakeSource(keys: bigint[]) {
  const calls = { keyAt: 0, lastKey: 0 };
  const inRange = (r: KeyRange) => keys.filter((k) => (r.lower === null || k > BigInt(r.lower[0]!)) && (r.upper === null || k <= BigInt(r.upper[0]!)));
  const reader: Partial<TableReader> = {
    async keyAt(r: KeyRange, offset: number): Promise<Key | null> {
      calls.keyAt++;
      const k = inRange(r)[offset];
      return k === undefined ? null : [k.toString()];
    },
    async lastKey(): Promise<Key | null> {
      calls.lastKey++;
      return keys.length ? [keys.at(-1)!.toString()] : null;
    },
  };
  return { reader: reader as TableReader, calls, inRange };
}

const col = (dataType: string): ColumnInfo => ({ name: 'id', dataType, columnType: dataType, nullable: false });
const plan = (dataType: string): TablePlan => ({ columns: [col(dataType)], nullable: new Set(), key: [col(dataType)] });

/** Walks the whole key space like the scan does; returns the chunks and their source rows. */
async function walk(keys: bigint[], dataType = 'bigint', rows = 100) {
  const src = fakeSource(keys);
  const planner = chunkPlanner(plan(dataType), src.reader);
  const chunks: { range: KeyRange; rows: number }[] = [];
  let range: KeyRange | null = await planner.next(null, rows);
  while (range) {
    const n = src.inRange(range).length;
    chunks.push({ range, rows: n });
    planner.observe(range, n);
    range = range.upper === null ? null : await planner.next(range.upper, rows);
  }
  return { chunks, calls: src.calls };
}

const dense = (from: bigint, n: number) => Array.from({ length: n }, (_, i) => from + BigInt(i));

describe('chunk planner', () => {
  it('walks the first two chunks of an integer key, then steps by value without an index walk', async () => {
    const { chunks, calls } = await walk(dense(1n, 10_000));
    expect(calls.keyAt).toBe(2);
    expect(calls.lastKey).toBe(1);
    expect(chunks).toHaveLength(100);
    expect(chunks.every((c) => c.rows === 100)).toBe(true);
    expect(chunks.at(-1)!.range.upper).toBeNull();
  });

  it('covers every key exactly once across a gap, a sparse stretch and the last key, walking where keys are sparse', async () => {
    const keys = [...dense(-300n, 300), ...dense(1_000_000n, 1000).map((k) => k * 1000n), ...dense(9_223_372_036_854_770_000n, 500)];
    const { chunks, calls } = await walk(keys);
    expect(chunks.reduce((n, c) => n + c.rows, 0)).toBe(keys.length);
    // Contiguous: each chunk starts where the last ended, the first and last are unbounded.
    expect(chunks[0]!.range.lower).toBeNull();
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.range.lower).toEqual(chunks[i - 1]!.range.upper);
    expect(chunks.at(-1)!.range.upper).toBeNull();
    expect(Math.max(...chunks.map((c) => c.rows))).toBeLessThanOrEqual(100 * 4);
    expect(calls.keyAt).toBeGreaterThan(2);
    expect(calls.keyAt).toBeLessThan(chunks.length);
  });

  it('walks every chunk of a key that is not a single integer column', async () => {
    const { chunks, calls } = await walk(dense(1n, 1000), 'varchar');
    expect(calls.keyAt).toBe(chunks.length);
    expect(calls.lastKey).toBe(0);
  });

  it('gives an empty table one unbounded chunk', async () => {
    const { chunks } = await walk([]);
    expect(chunks).toEqual([{ range: { lower: null, upper: null }, rows: 0 }]);
  });
});
