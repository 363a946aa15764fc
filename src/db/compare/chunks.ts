/**
 * Primary-key range chunking, keyset style: a chunk is (lower, upper] in key order, the upper
 * bound is the key `chunkRows - 1` rows past the lower bound on the source (an index walk, no
 * OFFSET from the table start) — or, for a single integer key column, the value that far on at
 * the key density seen so far (ChunkPlanner) — and the last chunk is unbounded above so rows
 * that exist only on the target past the source's last key are still seen; the first is
 * unbounded below for the same reason.
 */
import type { ColumnInfo, Key, KeyRange, TablePlan, TableReader } from './types.js';

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

/** Chooses each chunk's bounds on the source, told how many source rows each chunk held. */
export interface ChunkPlanner {
  /** The chunk after `lower` (null: from the start) meant to hold about `rows` source rows. */
  next(lower: Key | null, rows: number): Promise<KeyRange>;
  /** The source rows of a chunk just digested (sizes the next one). */
  observe(range: KeyRange, sourceRows: number): void;
}

const INTEGER_KEY_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'int2', 'int4', 'int8']);

/**
 * Below this many source rows per key value, chunks are walked (keys too sparse to step
 * through). It also bounds how far a step can overshoot: at most 1 / MIN_STEP_DENSITY times the
 * rows asked, when a sparse stretch is followed by a dense one.
 */
const MIN_STEP_DENSITY = 1 / 4;

/** Every bound found by an index walk (nextChunk): any key. */
class WalkPlanner implements ChunkPlanner {
  constructor(private readonly source: TableReader) {}
  next(lower: Key | null, rows: number): Promise<KeyRange> {
    return nextChunk(this.source, lower, rows);
  }
  observe(): void {}
}

/**
 * A single integer key column: the upper bound is computed, `lower + rows / density`, from the
 * source rows per key value of the last chunk, so a chunk costs its digest and no index walk
 * (the walk costs about a tenth of a digest per row). The first chunk, the first after a
 * resume, and any after a chunk whose keys were sparse (below MIN_STEP_DENSITY, e.g. a gap) are
 * walked. Past the source's last key (read once) the chunk is unbounded above. A density that
 * changes from one chunk to the next only makes a chunk bigger (at most 1 / MIN_STEP_DENSITY
 * times) or smaller than asked; the next one is sized from what this one held.
 */
class StepPlanner implements ChunkPlanner {
  #density: number | undefined;
  #last: bigint | null | undefined;
  constructor(private readonly source: TableReader) {}

  async next(lower: Key | null, rows: number): Promise<KeyRange> {
    if (this.#last === undefined) {
      const last = await this.source.lastKey();
      this.#last = last ? BigInt(last[0]!) : null;
    }
    if (lower === null || this.#last === null || this.#density === undefined || this.#density < MIN_STEP_DENSITY) return nextChunk(this.source, lower, rows);
    const upper = BigInt(lower[0]!) + BigInt(Math.max(1, Math.round(rows / this.#density)));
    return { lower, upper: upper >= this.#last ? null : [upper.toString()] };
  }

  observe(range: KeyRange, sourceRows: number): void {
    if (range.lower === null || range.upper === null) return;
    const span = Number(BigInt(range.upper[0]!) - BigInt(range.lower[0]!));
    this.#density = span > 0 ? sourceRows / span : undefined;
  }
}

/** Stepping by value for a single integer key column, index walks for any other key. */
export function chunkPlanner(plan: TablePlan, source: TableReader): ChunkPlanner {
  return plan.key.length === 1 && INTEGER_KEY_TYPES.has(plan.key[0]!.dataType) ? new StepPlanner(source) : new WalkPlanner(source);
}
