import { describe, expect, it } from 'vitest';
import { rangeWhere, type KeyDialect } from '../../../src/db/compare/chunks.js';
import { subtractDigest } from '../../../src/db/compare/mismatches.js';
import { mysqlRow, pgRow } from '../../../src/db/compare/normalize.js';
import type { ColumnInfo, TablePlan } from '../../../src/db/compare/types.js';

const col = (name: string, dataType: string, nullable = false): ColumnInfo => ({ name, dataType, columnType: dataType, nullable });

describe('key range conditions', () => {
  const key = [col('a', 'int'), col('b', 'varchar')];
  const mysql: KeyDialect = { quote: (n) => `\`${n}\``, param: (c) => (c.dataType === 'int' ? 'CAST(? AS SIGNED)' : '?'), rowConstructors: false };
  const pg: KeyDialect = { quote: (n) => `"${n}"`, param: (_c, n) => `$${n + 1}`, rowConstructors: true };

  it('expands composite bounds for MySQL, with a leading range the optimiser can use', () => {
    const w = rangeWhere(mysql, key, { lower: ['1', 'x'], upper: ['5', 'y'] });
    expect(w.sql).toBe(
      '(`a` >= CAST(? AS SIGNED) AND (`a` > CAST(? AS SIGNED) OR (`a` = CAST(? AS SIGNED) AND `b` > ?))) AND ' +
        '(`a` <= CAST(? AS SIGNED) AND (`a` < CAST(? AS SIGNED) OR (`a` = CAST(? AS SIGNED) AND `b` <= ?)))',
    );
    expect(w.params).toEqual(['1', '1', '1', 'x', '5', '5', '5', 'y']);
  });

  it('uses row constructors on PostgreSQL and nothing for an unbounded range', () => {
    expect(rangeWhere(pg, key, { lower: ['1', 'x'], upper: null })).toEqual({ sql: '(("a", "b") > ($1, $2))', params: ['1', 'x'] });
    expect(rangeWhere(pg, key.slice(0, 1), { lower: null, upper: ['9'] })).toEqual({ sql: '("a" <= $1)', params: ['9'] });
    expect(rangeWhere(pg, key, { lower: null, upper: null })).toEqual({ sql: '1 = 1', params: [] });
  });
});

describe('row strings', () => {
  const plan: TablePlan = {
    columns: [col('id', 'int'), col('s', 'varchar', true), col('f', 'float', true), col('b', 'longblob', true)],
    nullable: new Set(['s', 'f', 'b']),
    key: [col('id', 'int')],
  };

  it('start with a NULL bitmap of the nullable columns', () => {
    expect(mysqlRow(plan)).toMatch(/^CONCAT_WS\(X'FF', CONCAT\(ISNULL\(`s`\), ISNULL\(`f`\), ISNULL\(`b`\)\), `id`, CAST\(CONVERT\(`s` USING utf8mb4\) AS BINARY\)/);
    expect(mysqlRow(plan)).toContain('MD5(`b`)');
    // Up to 6 TEXT/BLOB columns inline; more are hashed one by one to stay below max_allowed_packet.
    const lobs = (n: number): TablePlan => ({ columns: Array.from({ length: n }, (_, i) => col(`t${i}`, i % 2 ? 'text' : 'blob')), nullable: new Set(), key: [] });
    expect(mysqlRow(lobs(6))).not.toContain('MD5');
    expect(mysqlRow(lobs(7))).toContain('MD5(CONVERT(`t1` USING utf8mb4))');
    expect(mysqlRow(lobs(7))).toContain('MD5(`t0`)');
    const pgPlan = { ...plan, columns: [col('id', 'int4'), col('s', 'text', true), col('f', 'float8', true)], nullable: new Set(['s', 'f']) };
    expect(pgRow(pgPlan)).toMatch(/^concat_ws\('\|', \("s" IS NULL\)::int::text \|\| \("f" IS NULL\)::int::text, "id"::text, length\("s"::text\) \|\| ':' \|\| "s"::text, /);
    expect(pgRow(pgPlan)).toContain(`to_char("f", '9.${'9'.repeat(14)}EEEE')`);
  });
});

describe('digest arithmetic', () => {
  it('subtracts exactly, beyond 2^64 and below zero', () => {
    expect(subtractDigest({ rows: 10, sum: '36893488147419103232', squares: '5' }, { rows: 4, sum: '-18446744073709551616', squares: '7' })).toEqual({
      rows: 6,
      sum: '55340232221128654848',
      squares: '-2',
    });
  });
});
