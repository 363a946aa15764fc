import { describe, expect, it } from 'vitest';
import { rangeWhere, type KeyDialect } from '../../../src/db/compare/chunks.js';
import { subtractDigest } from '../../../src/db/compare/mismatches.js';
import { adaptChunkRows, firstChunkRows } from '../../../src/db/compare/compare-table.js';
import { mysqlRow, mysqlRowHash, pgRow } from '../../../src/db/compare/normalize.js';
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
    expect(mysqlRow(plan)).toMatch(/^CONCAT_WS\(CAST\(X'FF' AS BINARY\), CONCAT\(ISNULL\(`s`\), ISNULL\(`f`\), ISNULL\(`b`\)\), `id`, CONVERT\(`s` USING utf8mb4\), /);
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

describe('MySQL string columns and floats', () => {
  const withCharset = (charset: string | undefined): TablePlan => ({
    columns: [col('id', 'int'), { ...col('s', 'varchar'), ...(charset ? { charset } : {}) }],
    nullable: new Set(),
    key: [col('id', 'int')],
  });

  it('reads UTF-8 columns as they are and converts the others (or an unknown charset) to utf8mb4', () => {
    for (const cs of ['utf8mb4', 'utf8mb3', 'utf8', 'ascii']) expect(mysqlRow(withCharset(cs))).toBe("CONCAT_WS(CAST(X'FF' AS BINARY), `id`, `s`)");
    for (const cs of ['latin1', 'cp1251', undefined]) expect(mysqlRow(withCharset(cs))).toBe("CONCAT_WS(CAST(X'FF' AS BINARY), `id`, CONVERT(`s` USING utf8mb4))");
  });

  it('rounds FLOAT and DOUBLE to one integer (mantissa × 1000 + exponent); only DOUBLE needs the tiny-value branch', () => {
    const floats: TablePlan = { columns: [col('f', 'float'), col('d', 'double')], nullable: new Set(), key: [] };
    const row = mysqlRow(floats);
    expect(row).toContain('CAST(IF(`f` = 0, 0, ROUND(`f` * POW(10, 5 - FLOOR(LOG10(ABS(`f`))))) * 1000 + FLOOR(LOG10(ABS(`f`)))) AS SIGNED)');
    expect(row).toContain("CASE WHEN `d` = 0 THEN 0 WHEN ABS(`d`) < 1e-290 THEN CONCAT('~', `d`) ELSE CAST(ROUND(`d` * POW(10, 14 - ");
  });

  it('builds the row string once per row and scrambles its CRC32 with a second one', () => {
    const h = mysqlRowHash(withCharset('utf8mb4'));
    expect(h).toBe("CRC32(CRC32(CONCAT_WS(CAST(X'FF' AS BINARY), `id`, `s`)))");
    expect(h.match(/CONCAT_WS/g)).toHaveLength(1);
  });
});

describe('adaptive chunk size', () => {
  const settings = { chunkRows: 10_000, chunkTimeMs: 500 };

  it('shrinks slow chunks towards the target time, at most tenfold at a time and never below 1 % of chunkRows', () => {
    expect(adaptChunkRows(10_000, 10_000, 1000, settings)).toBe(5000);
    expect(adaptChunkRows(10_000, 10_000, 60_000, settings)).toBe(1000);
    expect(adaptChunkRows(150, 150, 60_000, settings)).toBe(100);
  });

  it('grows fast chunks back, at most doubling, never above chunkRows', () => {
    expect(adaptChunkRows(1000, 1000, 100, settings)).toBe(2000);
    expect(adaptChunkRows(8000, 8000, 100, settings)).toBe(10_000);
    expect(adaptChunkRows(10_000, 10_000, 10, settings)).toBe(10_000);
  });

  it('starts at 10 000 rows (or chunkRows when smaller, or when sizing by time is off) and grows towards the time target up to chunkRows', () => {
    expect(firstChunkRows({ chunkRows: 1_000_000, chunkTimeMs: 500 })).toBe(10_000);
    expect(firstChunkRows({ chunkRows: 500, chunkTimeMs: 500 })).toBe(500);
    expect(firstChunkRows({ chunkRows: 1_000_000, chunkTimeMs: 0 })).toBe(1_000_000);
    const big = { chunkRows: 1_000_000, chunkTimeMs: 500 };
    expect(adaptChunkRows(10_000, 10_000, 8, big)).toBe(20_000);
    expect(adaptChunkRows(640_000, 640_000, 300, big)).toBe(1_000_000);
    expect(adaptChunkRows(400_000, 400_000, 400, big)).toBe(500_000);
    // Slow rows: down to 1 % of the first chunk, not of the much larger cap.
    expect(adaptChunkRows(1000, 1000, 60_000, big)).toBe(100);
  });

  it('keeps the size for empty or untimeable chunks, and when turned off', () => {
    expect(adaptChunkRows(3000, 0, 900, settings)).toBe(3000);
    expect(adaptChunkRows(3000, 3000, 0.2, settings)).toBe(3000);
    expect(adaptChunkRows(3000, 3000, 9000, { chunkRows: 10_000, chunkTimeMs: 0 })).toBe(3000);
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
