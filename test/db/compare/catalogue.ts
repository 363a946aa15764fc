/**
 * The divergence catalogue: one table per case, seeded identically on both sides, then changed
 * on the target (or not, for the no-false-positive cases), with the classification the
 * comparison must report. Written once for both engines; `m`/`p` pick MariaDB or PostgreSQL SQL.
 */
import type { Key, SchemaDifference, TableStatus } from '../../../src/db/compare/index.js';
import type { Engine, Pair, Stmt } from './harness.js';

export interface Expectation {
  status: TableStatus;
  missing?: Key[];
  extra?: Key[];
  changed?: Key[];
  /** Row counts, for tables without a key (rows are identified by hash there). */
  counts?: { missing: number; extra: number };
  schema?: Array<Partial<SchemaDifference>>;
}

export interface CatalogueCase {
  table: string;
  about: string;
  /** The column definitions (inside CREATE TABLE ( … )). */
  columns: string;
  targetColumns?: string;
  insert: string[];
  rows: unknown[][];
  /** Rows seeded on the target instead of `rows` (e.g. the same rows in another order). */
  targetRows?: unknown[][];
  only?: 'source' | 'target';
  /** Run on the target after seeding. */
  diverge?: Stmt[];
  /** Run on the source after seeding. */
  sourceSetup?: Stmt[];
  expect: Expectation;
}

const N = 40;
const ids = (n = N) => Array.from({ length: n }, (_, i) => i + 1);

export function catalogue(engine: Engine): CatalogueCase[] {
  const my = engine === 'mariadb';
  const t = (m: string, p: string) => (my ? m : p);
  const INT = t('INT', 'integer');
  const VARCHAR = t('VARCHAR(60)', 'varchar(60)');
  const FLOAT = t('FLOAT', 'real');
  const DOUBLE = t('DOUBLE', 'double precision');
  const TS = t('TIMESTAMP NULL DEFAULT NULL', 'timestamptz');
  const BIN = t('VARBINARY(16)', 'bytea');
  const BIGTEXT = t('LONGTEXT', 'text');
  const DEC = t('DECIMAL(12,2)', 'numeric(12,2)');
  const tzSession = (offset: string) => (my ? `SET time_zone = '${offset}'` : `SET TimeZone = '${offset === '+00:00' ? 'UTC' : `UTC${offset.startsWith('+') ? '-' : '+'}${offset.slice(1, 3)}`}'`);

  const base = (table: string, about: string, diverge: Stmt[], expect: Expectation): CatalogueCase => ({
    table,
    about,
    columns: `id ${INT} PRIMARY KEY, name ${VARCHAR}, qty ${INT}`,
    insert: ['id', 'name', 'qty'],
    rows: ids().map((i) => [i, `name ${i}`, i * 10]),
    diverge,
    expect,
  });

  const cases: CatalogueCase[] = [
    {
      table: 'identical',
      about: 'identical tables with many types and NULLs → no difference',
      columns: `id ${INT} PRIMARY KEY, name ${VARCHAR}, amount ${DEC}, f ${FLOAT}, d ${DOUBLE}, ts ${TS}, note ${BIGTEXT}, b ${BIN}, e ${VARCHAR}`,
      insert: ['id', 'name', 'amount', 'f', 'd', 'ts', 'note', 'b', 'e'],
      rows: ids(100).map((i) => [
        i, i % 7 === 0 ? null : `näme ${i} 😀`, i % 5 === 0 ? null : `${i}.25`, i / 7, i / 3, i % 4 === 0 ? null : `2021-03-${String((i % 28) + 1).padStart(2, '0')} 10:00:0${i % 10}`,
        i % 3 === 0 ? '' : 'x'.repeat(i), i % 6 === 0 ? null : Buffer.from([i, 0, 255]), i % 2 === 0 ? '' : null,
      ]),
      expect: { status: 'equal' },
    },
    base('changed_value', 'one value changed', [`UPDATE changed_value SET qty = 371 WHERE id = 37`], { status: 'different', changed: [['37']] }),
    {
      ...base('null_vs_empty', "NULL vs ''", [`UPDATE null_vs_empty SET name = '' WHERE id = 5`, `UPDATE null_vs_empty SET name = NULL WHERE id = 9`], {
        status: 'different',
        changed: [['5'], ['9']],
      }),
      rows: ids().map((i) => [i, i === 5 ? null : i === 9 ? '' : `name ${i}`, i]),
    },
    base('missing_first', 'row missing at the first key', [`DELETE FROM missing_first WHERE id = 1`], { status: 'different', missing: [['1']] }),
    base('missing_last', 'row missing at the last key', [`DELETE FROM missing_last WHERE id = ${N}`], { status: 'different', missing: [[String(N)]] }),
    base('extra_rows', 'extra rows before the first key, inside and after the last key', [], {
      status: 'different',
      extra: [['0'], ['20'], [String(N + 1)], [String(N + 2)]],
    }),
    {
      table: 'float_beyond',
      about: 'FLOAT changed in its 5th significant digit → detected',
      columns: `id ${INT} PRIMARY KEY, f ${FLOAT}`,
      insert: ['id', 'f'],
      rows: ids().map((i) => [i, 1.23456 + i]),
      diverge: [`UPDATE float_beyond SET f = 4.23466 WHERE id = 3`],
      expect: { status: 'different', changed: [['3']] },
    },
    {
      // A CRC is linear: the same change at the same place of two rows of equal length changes
      // both rows' CRC32 by the same bits; scrambled by a second CRC32 and summed (not XORed),
      // the two changes do not cancel.
      table: 'same_change_twice',
      about: 'the same change in the last column of two rows of equal length in one chunk',
      columns: `id ${INT} PRIMARY KEY, qty ${INT}, status ${VARCHAR}`,
      insert: ['id', 'qty', 'status'],
      rows: ids().map((i) => [i + 10, 7, 'A']),
      diverge: [`UPDATE same_change_twice SET status = 'B' WHERE id IN (12, 13)`],
      expect: { status: 'different', changed: [['12'], ['13']] },
    },
    {
      table: 'float_edges',
      about: 'FLOAT/DOUBLE zero, negative zero, negatives, tiny and huge values equal; one sign flipped',
      columns: `id ${INT} PRIMARY KEY, f ${FLOAT}, d ${DOUBLE}`,
      insert: ['id', 'f', 'd'],
      rows: ids(12).map((i) => [i, [0, -0, -1.5, 1e-40, -3.4e38, 3.4e38, 1.17549e-38, 999999.9, 1000000, -0.0012345678, 7, 8][i - 1], [0, -0, -1.5, 1e-300, -1.7e308, 5e-324, 2.2250738585072014e-308, 0.1, 1e15, -1 / 3, 7, 8][i - 1]]),
      diverge: [`UPDATE float_edges SET f = -f, d = -d WHERE id = 12`],
      expect: { status: 'different', changed: [['12']] },
    },
    {
      table: 'float_within',
      about: 'FLOAT differing beyond 6 significant digits → not a difference',
      columns: `id ${INT} PRIMARY KEY, f ${FLOAT}`,
      insert: ['id', 'f'],
      rows: ids().map((i) => [i, i === 3 ? 1.2345678 : i === 4 ? 3.1415927 : i / 9]),
      diverge: [`UPDATE float_within SET f = 1.2345679 WHERE id = 3`, `UPDATE float_within SET f = 3.1415926 WHERE id = 4`],
      expect: { status: 'equal' },
    },
    {
      table: 'double_beyond',
      about: 'DOUBLE changed in its 14th significant digit → detected',
      columns: `id ${INT} PRIMARY KEY, d ${DOUBLE}`,
      insert: ['id', 'd'],
      rows: ids().map((i) => [i, i / 10]),
      diverge: [`UPDATE double_beyond SET d = 0.10000000000001 WHERE id = 1`],
      expect: { status: 'different', changed: [['1']] },
    },
    {
      table: 'double_within',
      about: 'DOUBLE differing beyond 15 significant digits → not a difference',
      columns: `id ${INT} PRIMARY KEY, d ${DOUBLE}`,
      insert: ['id', 'd'],
      rows: ids().map((i) => [i, i === 2 ? 1 / 3 : i === 3 ? 2.0000000000000004 : i / 10]),
      diverge: [`UPDATE double_within SET d = 0.333333333333333 WHERE id = 2`, `UPDATE double_within SET d = 2 WHERE id = 3`],
      expect: { status: 'equal' },
    },
    base('trailing_space', 'trailing space added (PAD SPACE collation on MariaDB)', [`UPDATE trailing_space SET name = 'name 12 ' WHERE id = 12`], {
      status: 'different',
      changed: [['12']],
    }),
    base('case_change', "case changed under a case-insensitive collation", [`UPDATE case_change SET name = 'NAME 13' WHERE id = 13`], {
      status: 'different',
      changed: [['13']],
    }),
    {
      ...base('emoji', 'emoji (4-byte utf8mb4) changed', [`UPDATE emoji SET name = 'smile 😃' WHERE id = 8`], { status: 'different', changed: [['8']] }),
      rows: ids().map((i) => [i, `smile ${i === 8 ? '😀' : '🙂'}`, i]),
    },
    {
      table: 'binary_col',
      about: 'binary column: one byte changed',
      columns: `id ${INT} PRIMARY KEY, b ${BIN}`,
      insert: ['id', 'b'],
      rows: ids().map((i) => [i, Buffer.from([0, i, 0xff, 0x20])]),
      diverge: [[`UPDATE binary_col SET b = ? WHERE id = 30`, [Buffer.from([0, 30, 0xff, 0x21])]]],
      expect: { status: 'different', changed: [['30']] },
    },
    {
      table: 'nopk_aab_abb',
      about: 'no primary key: {A,A,B} vs {A,B,B}',
      columns: `a ${INT}, b ${VARCHAR}`,
      insert: ['a', 'b'],
      rows: [[1, 'A'], [1, 'A'], [2, 'B']],
      targetRows: [[1, 'A'], [2, 'B'], [2, 'B']],
      expect: { status: 'different', counts: { missing: 1, extra: 1 } },
    },
    {
      table: 'nopk_aab_bcc',
      about: 'no primary key: {A,A,B} vs {B,C,C} (equal under BIT_XOR)',
      columns: `a ${INT}, b ${VARCHAR}`,
      insert: ['a', 'b'],
      rows: [[1, 'A'], [1, 'A'], [2, 'B']],
      targetRows: [[2, 'B'], [3, 'C'], [3, 'C']],
      expect: { status: 'different', counts: { missing: 2, extra: 2 } },
    },
    {
      table: 'swapped_nulls',
      about: "(1, NULL, 'a') vs (1, 'a', NULL)",
      columns: `id ${INT} PRIMARY KEY, x ${VARCHAR}, y ${VARCHAR}`,
      insert: ['id', 'x', 'y'],
      rows: ids().map((i) => [i, i === 1 ? null : 'x', i === 1 ? 'a' : 'y']),
      diverge: [`UPDATE swapped_nulls SET x = 'a', y = NULL WHERE id = 1`],
      expect: { status: 'different', changed: [['1']] },
    },
    {
      table: 'tz_shift',
      about: 'timestamp written in another time zone (shifted by 2 h)',
      columns: `id ${INT} PRIMARY KEY, ts ${TS}`,
      insert: ['id', 'ts'],
      rows: ids().map((i) => [i, '2021-06-01 10:00:00']),
      diverge: [tzSession('+02:00'), `UPDATE tz_shift SET ts = '2021-06-01 10:00:00' WHERE id = 2`, tzSession('+00:00')],
      expect: { status: 'different', changed: [['2']] },
    },
    {
      table: 'tz_same_instant',
      about: 'the same instant written in two session time zones → not a difference',
      columns: `id ${INT} PRIMARY KEY, ts ${TS}`,
      insert: ['id', 'ts'],
      rows: ids().map((i) => [i, '2021-06-01 10:00:00']),
      diverge: [tzSession('+02:00'), `UPDATE tz_same_instant SET ts = '2021-06-01 12:00:00' WHERE id = 2`, tzSession('+00:00')],
      expect: { status: 'equal' },
    },
    {
      table: 'big_text',
      about: 'TEXT of 1.5 MB changed in its last byte',
      columns: `id ${INT} PRIMARY KEY, body ${BIGTEXT}`,
      insert: ['id', 'body'],
      rows: [1, 2, 3].map((i) => [i, `${'é'.repeat(100)}${'x'.repeat(1_500_000)}${i}`]),
      diverge: [[`UPDATE big_text SET body = ? WHERE id = 2`, [`${'é'.repeat(100)}${'x'.repeat(1_500_000)}9`]]],
      expect: { status: 'different', changed: [['2']] },
    },
    {
      table: 'composite_pk',
      about: 'composite primary key: one changed, one missing, one extra',
      columns: `a ${INT} NOT NULL, b ${VARCHAR} NOT NULL, v ${INT}, PRIMARY KEY (a, b)`,
      insert: ['a', 'b', 'v'],
      rows: ids(60).map((i) => [i % 5, `k${i}`, i]),
      diverge: [`UPDATE composite_pk SET v = 0 WHERE a = 2 AND b = 'k7'`, `DELETE FROM composite_pk WHERE a = 0 AND b = 'k10'`, `INSERT INTO composite_pk VALUES (9, 'zz', 1)`],
      expect: { status: 'different', changed: [['2', 'k7']], missing: [['0', 'k10']], extra: [['9', 'zz']] },
    },
    {
      table: 'unique_key',
      about: 'no primary key, a NOT NULL unique key: chunked by it',
      columns: `code ${VARCHAR} NOT NULL UNIQUE, v ${INT}`,
      insert: ['code', 'v'],
      rows: ids().map((i) => [`c${String(i).padStart(3, '0')}`, i]),
      diverge: [`UPDATE unique_key SET v = -1 WHERE code = 'c017'`],
      expect: { status: 'different', changed: [['c017']] },
    },
    {
      ...base('equal_reordered', 'equal rows written in reverse order → not a difference', [], { status: 'equal' }),
      targetRows: ids().reverse().map((i) => [i, `name ${i}`, i * 10]),
    },
    {
      table: 'nopk_equal_reordered',
      about: 'no primary key, equal multiset with duplicates in another order → not a difference',
      columns: `a ${INT}, b ${VARCHAR}`,
      insert: ['a', 'b'],
      rows: ids(30).map((i) => [i % 4, `v${i % 3}`]),
      targetRows: ids(30).reverse().map((i) => [i % 4, `v${i % 3}`]),
      expect: { status: 'equal' },
    },
    {
      ...base('only_on_source', 'table missing on the target → all rows missing', [], { status: 'missing-on-target' }),
      only: 'source',
    },
    {
      ...base('only_on_target', 'table missing on the source → all rows extra', [], { status: 'missing-on-source' }),
      only: 'target',
    },
    {
      table: 'collation_diff',
      about: 'collation differs, data equal → reported, not a row difference',
      columns: `id ${INT} PRIMARY KEY, name ${t('VARCHAR(60) COLLATE utf8mb4_general_ci', 'varchar(60)')}`,
      targetColumns: `id ${INT} PRIMARY KEY, name ${t('VARCHAR(60) COLLATE utf8mb4_bin', 'varchar(60) COLLATE "und-x-icu"')}`,
      insert: ['id', 'name'],
      rows: ids().map((i) => [i, `Name ${i}`]),
      expect: { status: 'equal', schema: [{ kind: 'collation', column: 'name' }] },
    },
  ];

  // extra_rows: 0, N+1 and N+2 are inserted on the target, 20 is deleted on the source.
  const extra = cases.find((c) => c.table === 'extra_rows')!;
  extra.sourceSetup = [`DELETE FROM extra_rows WHERE id = 20`];
  extra.diverge = [`INSERT INTO extra_rows VALUES (0, 'zero', 0), (${N + 1}, 'n1', 1), (${N + 2}, 'n2', 2)`];

  if (my) {
    cases.push({
      table: 'charset_diff',
      about: 'latin1 on the source, utf8mb4 on the target, same text → equal, charset reported',
      columns: `id ${INT} PRIMARY KEY, name VARCHAR(60) CHARACTER SET latin1`,
      targetColumns: `id ${INT} PRIMARY KEY, name VARCHAR(60) CHARACTER SET utf8mb4`,
      insert: ['id', 'name'],
      rows: ids().map((i) => [i, `café ${i}`]),
      expect: { status: 'equal', schema: [{ kind: 'charset', column: 'name', source: 'latin1', target: 'utf8mb4' }] },
    });
  }
  return cases;
}

export async function seed(pair: Pair, cases: CatalogueCase[]): Promise<void> {
  const suffix = pair.engine === 'mariadb' ? ' DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci' : '';
  for (const c of cases) {
    for (const which of ['source', 'target'] as const) {
      if (c.only && c.only !== which) continue;
      const cols = which === 'target' ? (c.targetColumns ?? c.columns) : c.columns;
      await pair.run(which, `CREATE TABLE ${c.table} (${cols})${suffix}`);
      const rows = which === 'target' ? (c.targetRows ?? c.rows) : c.rows;
      if (rows.length > 0) await pair.insert(which, c.table, c.insert, rows);
    }
    for (const stmt of c.sourceSetup ?? []) await pair.run('source', stmt);
    for (const stmt of c.diverge ?? []) await pair.run('target', stmt);
  }
}
