/**
 * Every column type of each engine goes through the row hash without an SQL error, equal data
 * compares equal, and keys of awkward types (BIGINT beyond 2^53, binary, decimal, datetime,
 * uuid, timestamptz) round-trip as chunk bounds.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables, type TableResult } from '../../../src/db/compare/index.js';
import { openPair, type Engine, type Pair } from './harness.js';

interface TypeCase {
  table: string;
  ddl: string;
  /** INSERT … VALUES tuples (SQL literals), the first column being the key. */
  values: string[];
  /** Run on the target; the key it changes. */
  change: string;
  changed: string[];
}

const mariadb: TypeCase[] = [
  {
    table: 'all_types',
    ddl: `id BIGINT UNSIGNED PRIMARY KEY, ti TINYINT UNSIGNED, de DECIMAL(30,10), fl FLOAT, db DOUBLE, bi BIT(5), d DATE, dt DATETIME(6),
          ts TIMESTAMP(3) NULL, t TIME(2), y YEAR, c CHAR(5), vc VARCHAR(20), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
          bn BINARY(4), vb VARBINARY(8), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB, e ENUM('a','b'), s SET('x','y'), j JSON,
          g POINT, u UUID, ip INET6`,
    values: [
      `(18446744073709551615, 255, 12345678901234567890.0123456789, 3.4e38, 1.7976931348623157e308, b'10101', '2021-02-28', '2021-02-28 23:59:59.999999',
        '2038-01-19 03:14:07.999', '-838:59:59.99', 2155, 'abc', 'vc', 'tt', 'tx', 'mt', 'lt', X'00010203', X'FF', X'', X'00', X'AB', X'CD', 'b', 'x,y', '{"a": [1, null]}',
        POINT(1, 2), '123e4567-e89b-12d3-a456-426614174000', '::1')`,
      `(9007199254740993, 0, -0.0000000001, -1.17549e-38, 5e-324, b'0', '1000-01-01', '1000-01-01 00:00:00', NULL, '00:00:00', 1901, '', '', '', '', '', '',
        X'', X'', NULL, NULL, NULL, NULL, 'a', '', 'null', NULL, NULL, NULL)`,
      `(9007199254740992, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ],
    change: `UPDATE all_types SET s = 'y' WHERE id = 18446744073709551615`,
    changed: ['18446744073709551615'],
  },
  {
    table: 'binary_key',
    ddl: 'k VARBINARY(8) PRIMARY KEY, v INT',
    values: Array.from({ length: 30 }, (_, i) => `(X'${(i * 7).toString(16).padStart(2, '0')}FF00', ${i})`),
    change: `UPDATE binary_key SET v = -1 WHERE k = X'${(21 * 7).toString(16)}FF00'`,
    changed: [`${(21 * 7).toString(16).toUpperCase()}FF00`],
  },
  {
    table: 'decimal_datetime_key',
    ddl: 'a DECIMAL(20,4) NOT NULL, b DATETIME(3) NOT NULL, v INT, PRIMARY KEY (a, b)',
    values: Array.from({ length: 30 }, (_, i) => `(${i % 4}.5000, '2021-01-01 00:00:${String(i).padStart(2, '0')}.125', ${i})`),
    change: `UPDATE decimal_datetime_key SET v = -1 WHERE a = 1.5 AND b = '2021-01-01 00:00:13.125'`,
    changed: ['1.5000', '2021-01-01 00:00:13.125'],
  },
  {
    // ENUM keys sort by index, not by label: bounds are the index, and so is the reported key.
    table: 'enum_key',
    ddl: "e ENUM('z', 'a', 'm') NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (e, n)",
    values: Array.from({ length: 30 }, (_, i) => `('${'zam'[i % 3]}', ${i}, ${i})`),
    change: `UPDATE enum_key SET v = -1 WHERE e = 'a' AND n = 13`,
    changed: ['2', '13'],
  },
];

const postgres: TypeCase[] = [
  {
    table: 'all_types',
    ddl: `id bigint PRIMARY KEY, si smallint, nu numeric(30,10), r real, dp double precision, b boolean, d date, t time, tz timetz,
          ts timestamp(3), tstz timestamptz, iv interval, u uuid, j json, jb jsonb, x xml, by bytea, ta text[], ia int[], mood mood,
          ip inet, ci cidr, mac macaddr, m money, bt bit(5), vb varbit, pt point, tv tsvector, ch char(5), dom positive, ui name`,
    values: [
      `(9223372036854775807, 32767, 12345678901234567890.0123456789, 'Infinity', 'NaN', true, '2021-02-28', '23:59:59.999999', '12:00+02',
        '2021-02-28 23:59:59.999', '2021-02-28 23:59:59+05', '1 year 2 mons 3 days 04:05:06', '123e4567-e89b-12d3-a456-426614174000',
        '{"a": [1, null]}', '{"b": 1, "a": 2}', '<a>x|y</a>', '\\x00ff', '{"a|b","c"}', '{1,2}', 'happy', '10.0.0.1/8', '10.0.0.0/8',
        '08:00:2b:01:02:03', 12.34, B'10101', B'1', '(1,2)', 'a fat cat', 'ab', 5, 'n')`,
      `(9007199254740993, 0, -0.0000000001, -1.17549e-38, 5e-324, false, '4713-01-01 BC', '00:00', '00:00+00', '1970-01-01', '1970-01-01 00:00:00+00',
        '-1 day', '00000000-0000-0000-0000-000000000000', 'null', '[]', '<a/>', '\\x', '{}', '{}', 'sad', '::1', '::/0', '00:00:00:00:00:00', 0, B'00000', B'',
        '(0,0)', '', '', 1, '')`,
      `(9007199254740992, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ],
    change: `UPDATE all_types SET ta = '{"a|b","c","d"}' WHERE id = 9223372036854775807`,
    changed: ['9223372036854775807'],
  },
  {
    table: 'uuid_key',
    ddl: 'k uuid PRIMARY KEY, v int',
    values: Array.from({ length: 30 }, (_, i) => `('00000000-0000-0000-0000-${String(i).padStart(12, '0')}', ${i})`),
    change: `UPDATE uuid_key SET v = -1 WHERE k = '00000000-0000-0000-0000-000000000021'`,
    changed: ['00000000-0000-0000-0000-000000000021'],
  },
  {
    table: 'bytea_tstz_key',
    ddl: 'a bytea NOT NULL, b timestamptz NOT NULL, v int, PRIMARY KEY (a, b)',
    values: Array.from({ length: 30 }, (_, i) => `('\\x0${i % 4}ff', '2021-01-01 00:00:${String(i).padStart(2, '0')}.125+02', ${i})`),
    change: `UPDATE bytea_tstz_key SET v = -1 WHERE a = '\\x01ff' AND b = '2021-01-01 00:00:13.125+02'`,
    changed: ['\\x01ff', '2020-12-31 22:00:13.125+00'],
  },
];

describe.each(['mariadb', 'postgres'] as Engine[])('compareTables — column and key types on %s', (engine) => {
  const cases = engine === 'mariadb' ? mariadb : postgres;
  let pair: Pair;
  const compare = async (): Promise<TableResult[]> =>
    (
      await compareTables({
        source: pair.spec('source'),
        target: pair.spec('target'),
        tables: cases.map((c) => ({ schema: pair.schema.source, table: c.table, targetSchema: pair.schema.target })),
        chunkRows: 2,
        leafRows: 1,
        recheck: { delayMs: 0, attempts: 0 },
      })
    ).tables;

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_types');
    for (const which of ['source', 'target'] as const) {
      if (engine === 'postgres') {
        await pair.run(which, `CREATE TYPE mood AS ENUM ('sad', 'happy')`);
        await pair.run(which, `CREATE DOMAIN positive AS integer CHECK (VALUE > 0)`);
      }
      for (const c of cases) {
        await pair.run(which, `CREATE TABLE ${c.table} (${c.ddl})`);
        await pair.run(which, `INSERT INTO ${c.table} VALUES ${c.values.join(', ')}`);
      }
    }
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('hashes every type and finds equal data equal', async () => {
    for (const t of await compare()) expect({ table: t.table, status: t.status, diff: t.mismatches }).toMatchObject({ table: t.table, status: 'equal' });
  });

  it('finds a change under keys of every type, with the key as the server prints it', async () => {
    for (const c of cases) await pair.run('target', c.change);
    const results = await compare();
    for (const c of cases) {
      const t = results.find((r) => r.table === c.table)!;
      expect({ table: c.table, changed: t.mismatches.changed.keys, missing: t.mismatches.missing.count, extra: t.mismatches.extra.count }).toEqual({
        table: c.table,
        changed: [c.changed],
        missing: 0,
        extra: 0,
      });
    }
  });
});
