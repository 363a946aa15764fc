/**
 * Primary-key range chunking, keyset style: a chunk is (lower, upper] in key order, the upper
 * bound is the key `chunkRows - 1` rows past the lower bound on the source (an index walk, no
 * OFFSET from the table start), and the last chunk is unbounded above so rows that exist only
 * on the target past the source's last key are still seen; the first is unbounded below for
 * the same reason.
 */
import type { ColumnInfo, Key, KeyRange, TableReader } from './types.js';

export interface KeyDialect {
  quote(name: string): string;
  /** The placeholder for the `n`-th parameter (0-based) of the statement, compared with column `c`. */
  param(c: ColumnInfo, n: number): string;
  /** PostgreSQL compares row constructors `(a, b) > ($1, $2)` natively and uses the index. */
  rowConstructors: boolean;
}

export const FULL_RANGE: KeyRange = { lower: null, upper: null };

/** A stable identity for a key, to match rows of both sides in Node. */
export const keyId = (key: Key): string => JSON.stringify(key);

export const sameKey = (a: Key | null, b: Key | null): boolean => (a === null || b === null ? a === b : keyId(a) === keyId(b));

function compare(d: KeyDialect, key: ColumnInfo[], op: '>' | '<=', bound: Key, params: string[]): string {
  const next = (c: ColumnInfo, value: string): string => {
    params.push(value);
    return d.param(c, params.length - 1);
  };
  if (d.rowConstructors || key.length === 1) {
    const cols = key.map((c) => d.quote(c.name));
    const vals = key.map((c, i) => next(c, bound[i]!));
    return key.length === 1 ? `${cols[0]} ${op} ${vals[0]}` : `(${cols.join(', ')}) ${op} (${vals.join(', ')})`;
  }
  // MySQL/MariaDB do not turn row-constructor inequalities into index ranges: expand them,
  // with a leading `a >= x` (or `a <= x`) the range optimiser can use.
  const strict = op === '>' ? '>' : '<';
  const build = (i: number): string => {
    const c = key[i]!;
    const col = d.quote(c.name);
    if (i === key.length - 1) return `${col} ${op} ${next(c, bound[i]!)}`;
    return `(${col} ${strict} ${next(c, bound[i]!)} OR (${col} = ${next(c, bound[i]!)} AND ${build(i + 1)}))`;
  };
  const first = key[0]!;
  const lead = `${d.quote(first.name)} ${op === '>' ? '>=' : '<='} ${next(first, bound[0]!)}`;
  return `${lead} AND ${build(0)}`;
}

/** The WHERE condition of a key range, with its parameters (text values, in order). */
export function rangeWhere(d: KeyDialect, key: ColumnInfo[], range: KeyRange): { sql: string; params: string[] } {
  const params: string[] = [];
  const parts: string[] = [];
  if (range.lower) parts.push(compare(d, key, '>', range.lower, params));
  if (range.upper) parts.push(compare(d, key, '<=', range.upper, params));
  return { sql: parts.length > 0 ? parts.map((p) => `(${p})`).join(' AND ') : '1 = 1', params };
}

/**
 * The next chunk after `lower` (null: from the start), sized on the source: its upper bound is
 * the key `chunkRows - 1` rows on, or null (unbounded) when fewer rows are left.
 */
export async function nextChunk(source: TableReader, lower: Key | null, chunkRows: number): Promise<KeyRange> {
  const upper = await source.keyAt({ lower, upper: null }, chunkRows - 1);
  return { lower, upper };
}
