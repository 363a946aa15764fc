/**
 * The sequences that feed the selected tables — owned by a column (serial, OWNED BY), behind
 * an identity column, or called by a column's DEFAULT — and where they stand.
 */
import type pg from 'pg';
import { q } from './names.js';

export interface Sequence {
  oid: number;
  schema: string;
  name: string;
  /** format_type of the sequence's type (smallint, integer, bigint). */
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface Feed {
  sequence: number;
  table: number;
  column: string;
  /** The column's value can be compared with the sequence's (an integer or numeric column). */
  numeric: boolean;
  /** identity: behind an identity column; owned: OWNED BY the column (serial); default: only called by its DEFAULT. */
  via: 'identity' | 'owned' | 'default';
}

export interface Position {
  lastValue: string;
  isCalled: boolean;
}

const NUMERIC_TYPES = [20, 21, 23, 1700]; // int8, int2, int4, numeric
const RANK: Record<Feed['via'], number> = { identity: 0, owned: 1, default: 2 };

/** Each (sequence, table, column) once, the strongest link kept; ordered by table, column. */
export async function readFeeds(client: pg.Client, tables: number[]): Promise<Feed[]> {
  const { rows } = await client.query(
    `WITH links AS (
       SELECT d.objid AS seq, d.refobjid AS rel, d.refobjsubid AS attnum, CASE d.deptype WHEN 'i' THEN 'identity' ELSE 'owned' END AS via
         FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.refobjid = ANY($1::oid[]) AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
       UNION ALL
       SELECT d.refobjid, ad.adrelid, ad.adnum, 'default'
         FROM pg_attrdef ad
         JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
        WHERE ad.adrelid = ANY($1::oid[]))
     SELECT l.seq::int8 AS seq, l.rel::int8 AS rel, a.attname, l.via,
            (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)::int8 AS basetype
       FROM links l
       JOIN pg_class s ON s.oid = l.seq AND s.relkind = 'S'
       JOIN pg_attribute a ON a.attrelid = l.rel AND a.attnum = l.attnum
       JOIN pg_type t ON t.oid = a.atttypid
      ORDER BY l.rel, l.attnum`,
    [tables],
  );
  const feeds = new Map<string, Feed>();
  for (const r of rows) {
    const feed: Feed = {
      sequence: Number(r.seq),
      table: Number(r.rel),
      column: String(r.attname),
      numeric: NUMERIC_TYPES.includes(Number(r.basetype)),
      via: r.via as Feed['via'],
    };
    const key = `${feed.sequence}/${feed.table}/${feed.column}`;
    const had = feeds.get(key);
    if (!had || RANK[feed.via] < RANK[had.via]) feeds.set(key, feed);
  }
  return [...feeds.values()];
}

export async function readSequences(client: pg.Client, oids: number[]): Promise<Map<number, Sequence>> {
  const { rows } = await client.query(
    `SELECT s.seqrelid::int8 AS oid, n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type,
            s.seqstart::text AS start, s.seqincrement::text AS inc, s.seqmin::text AS min, s.seqmax::text AS max,
            s.seqcache::text AS cache, s.seqcycle
       FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE s.seqrelid = ANY($1::oid[])`,
    [oids],
  );
  return new Map(
    rows.map((r) => [
      Number(r.oid),
      {
        oid: Number(r.oid),
        schema: String(r.nspname),
        name: String(r.relname),
        type: String(r.type),
        start: String(r.start),
        increment: String(r.inc),
        min: String(r.min),
        max: String(r.max),
        cache: String(r.cache),
        cycle: Boolean(r.seqcycle),
      },
    ]),
  );
}

/** The sequence options as CREATE SEQUENCE and an identity column's `( … )` both accept them. */
export function sequenceOptions(s: Sequence): string {
  return `INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`;
}

/**
 * Each sequence's last_value/is_called and each feed's column MAX — or, with `toward:
 * 'sequence'`, MIN for a descending sequence — in one round trip. `tableName` gives a
 * table's `"schema"."name"`.
 */
export async function readPositions(
  client: pg.Client,
  sequences: Sequence[],
  feeds: Feed[],
  tableName: (oid: number) => string,
  toward: 'max' | 'sequence' = 'max',
): Promise<{ positions: Map<number, Position>; extremes: Map<Feed, string | null> }> {
  const parts = [
    ...sequences.map((s, i) => `SELECT 's' AS k, ${i} AS i, last_value::text AS v, is_called AS c FROM ${q(s.schema)}.${q(s.name)}`),
    ...feeds.map((f, i) => {
      const descending = toward === 'sequence' && (sequences.find((s) => s.oid === f.sequence)?.increment.startsWith('-') ?? false);
      const agg = f.numeric ? `${descending ? 'min' : 'max'}(${q(f.column)})::text` : 'NULL::text';
      return `SELECT 'f', ${i}, ${agg}, NULL::bool FROM ${tableName(f.table)}`;
    }),
  ];
  const positions = new Map<number, Position>();
  const extremes = new Map<Feed, string | null>();
  if (parts.length === 0) return { positions, extremes };
  const { rows } = await client.query(parts.join('\nUNION ALL\n'));
  for (const r of rows) {
    if (r.k === 's') positions.set(sequences[Number(r.i)]!.oid, { lastValue: String(r.v), isCalled: Boolean(r.c) });
    else extremes.set(feeds[Number(r.i)]!, (r.v as string | null) ?? null);
  }
  return { positions, extremes };
}

/** What nextval() would return next (the sequence's own arithmetic; no wrap-around). */
export function nextValue(s: Sequence, p: Position): string {
  return p.isCalled ? (BigInt(p.lastValue) + BigInt(s.increment)).toString() : p.lastValue;
}
