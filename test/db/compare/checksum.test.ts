import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checksumTable } from '../../../src/db/compare/index.js';
import { UsageError } from '../../../src/errors.js';
import { openPair, type Engine, type Pair } from './harness.js';

describe.each(['mariadb', 'postgres'] as Engine[])('checksumTable — one side on its own on %s', (engine) => {
  let pair: Pair;
  const rows = Array.from({ length: 2500 }, (_, i) => [i + 1, `item ${i + 1}`, i % 7 === 0 ? null : (i * 1.5).toFixed(2)]);
  const on = (which: 'source' | 'target', table: string, opts = {}) => checksumTable(pair.spec(which), { schema: pair.schema[which], table }, opts);

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_sum');
    for (const which of ['source', 'target'] as const) {
      await pair.run(which, 'CREATE TABLE items (id integer PRIMARY KEY, name varchar(40) NOT NULL, price decimal(10,2))');
      await pair.run(which, 'CREATE TABLE log (at integer NOT NULL, line varchar(40))');
      await pair.insert(which, 'items', ['id', 'name', 'price'], rows);
      await pair.insert(which, 'log', ['at', 'line'], [[1, 'a'], [1, 'a'], [2, null]]);
    }
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('gives equal tables on two servers the same digest, however they are chunked', async () => {
    const source = await on('source', 'items', { chunkRows: 100, chunkTimeMs: 0 });
    const target = await on('target', 'items', { chunkRows: 1000, chunkTimeMs: 0 });
    // Integer keys are stepped through by value: the chunk reaching the last key is unbounded.
    expect(source).toMatchObject({ key: ['id'], rows: 2500, chunks: 25 });
    expect(target).toMatchObject({ rows: 2500, chunks: 3 });
    expect(target.sum).toBe(source.sum);
    expect((await on('source', 'items')).sum).toBe(source.sum);
  });

  it('gives a table with one changed value another digest', async () => {
    await pair.run('target', `UPDATE items SET name = 'item 1234 ' WHERE id = 1234`);
    const [source, target] = await Promise.all([on('source', 'items'), on('target', 'items')]);
    expect(target.rows).toBe(source.rows);
    expect(target.sum).not.toBe(source.sum);
    await pair.run('target', `UPDATE items SET name = 'item 1234' WHERE id = 1234`);
  });

  it('digests a table without a key whole, duplicates counted', async () => {
    const source = await on('source', 'log');
    expect(source).toMatchObject({ key: [], rows: 3, chunks: 1 });
    expect(source.squares).toBeDefined();
    await pair.run('target', `DELETE FROM log WHERE line IS NULL`);
    await pair.insert('target', 'log', ['at', 'line'], [[1, 'a']]);
    const target = await on('target', 'log');
    expect(target.rows).toBe(3);
    expect([target.sum, target.squares]).not.toEqual([source.sum, source.squares]);
  });

  it('names a missing table', async () => {
    const err = await on('source', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('nope');
  });
});
