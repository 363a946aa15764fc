import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checksumTable, compareTables } from '../../../src/db/compare/index.js';
import { openPair, type Engine, type Pair } from './harness.js';

/**
 * Integer keys are chunked by value once the key density is known (no index walk per chunk):
 * gaps, sparse stretches, negative keys and keys near the type's limits must still put every
 * row in exactly one chunk on both sides.
 */
const range = (from: bigint, n: number, step = 1n) => Array.from({ length: n }, (_, i) => from + BigInt(i) * step);
const KEYS = [
  ...range(-500n, 500), // negative keys
  ...range(1n, 3000), // dense
  ...range(1_000_000_000_000n, 500, 1000n), // after a gap, sparse (every 1000th)
  ...range(4_000_000_000_000_000_000n, 1000), // dense again, near 2^62
  9_223_372_036_854_775_807n, // the largest BIGINT
];

describe.each(['mariadb', 'postgres'] as Engine[])('compareTables — integer keys stepped by value on %s', (engine) => {
  let pair: Pair;
  const ref = (table: string) => ({ schema: pair.schema.source, table, targetSchema: pair.schema.target });
  const compare = (table: string, chunkRows: number) =>
    compareTables({ source: pair.spec('source'), target: pair.spec('target'), tables: [ref(table)], chunkRows, chunkTimeMs: 0, sampleKeys: 20, recheck: { delayMs: 0, attempts: 0 } });

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_step');
    for (const which of ['source', 'target'] as const) {
      await pair.run(which, 'CREATE TABLE wide (id bigint PRIMARY KEY, v varchar(20) NOT NULL)');
      await pair.insert(which, 'wide', ['id', 'v'], KEYS.map((k) => [k.toString(), `v${k % 97n}`]));
    }
    await pair.run('target', `INSERT INTO wide (id, v) VALUES (-1000, 'before'), (500000000000, 'gap'), (4000000000000005000, 'beyond')`);
    await pair.run('target', `DELETE FROM wide WHERE id IN (-500, 1000000250000, 9223372036854775807)`);
    await pair.run('target', `UPDATE wide SET v = 'changed' WHERE id IN (2999, 4000000000000000500)`);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
  });

  it.each([100, 777, 4000])('finds every difference and nothing else with chunks of %i rows', async (chunkRows) => {
    const t = (await compare('wide', chunkRows)).tables[0]!;
    const keys = (kind: 'missing' | 'extra' | 'changed') => t.mismatches[kind].keys.map((k) => k[0]).sort();
    expect(keys('missing')).toEqual(['-500', '1000000250000', '9223372036854775807']);
    expect(keys('extra')).toEqual(['-1000', '4000000000000005000', '500000000000'].sort());
    expect(keys('changed')).toEqual(['2999', '4000000000000000500']);
    expect(t.rows).toEqual({ source: KEYS.length, target: KEYS.length });
  });

  it('gives the same table digest however it is chunked', async () => {
    const sums = await Promise.all([100, 777, 100_000].map((chunkRows) => checksumTable(pair.spec('source'), { schema: pair.schema.source, table: 'wide' }, { chunkRows, chunkTimeMs: 0 })));
    expect(new Set(sums.map((s) => s.sum)).size).toBe(1);
    expect(sums.map((s) => s.rows)).toEqual([KEYS.length, KEYS.length, KEYS.length]);
  });

  it.runIf(engine === 'mariadb')('steps through BIGINT UNSIGNED keys up to 2^64 − 1', async () => {
    const max = 18_446_744_073_709_551_615n;
    for (const which of ['source', 'target'] as const) {
      await pair.run(which, 'CREATE TABLE unsigned_keys (id bigint unsigned PRIMARY KEY, v int NOT NULL)');
      await pair.insert(which, 'unsigned_keys', ['id', 'v'], [...range(0n, 1500), ...range(max - 1499n, 1500)].map((k) => [k.toString(), Number(k % 1000n)]));
    }
    await pair.run('target', `DELETE FROM unsigned_keys WHERE id = ${max}`);
    await pair.run('target', `UPDATE unsigned_keys SET v = -1 WHERE id = 700`);
    const t = (await compare('unsigned_keys', 100)).tables[0]!;
    expect(t.mismatches.missing.keys).toEqual([[max.toString()]]);
    expect(t.mismatches.changed.keys).toEqual([['700']]);
    expect(t.mismatches.extra.count).toBe(0);
  });
});
