import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables } from '../../../src/db/compare/index.js';
import { openPair, type Engine, type Pair } from './harness.js';

const ROWS = 50_000;

describe.each(['mariadb', 'postgres'] as Engine[])('bisection keeps memory flat on %s', (engine) => {
  let pair: Pair;
  const compare = (table: string) =>
    compareTables({
      source: pair.spec('source'),
      target: pair.spec('target'),
      tables: [{ schema: pair.schema.source, table, targetSchema: pair.schema.target }],
      chunkRows: ROWS,
      chunkTimeMs: 0, // one chunk of ROWS rows: the point is bisecting inside it
      leafRows: 64,
      recheck: { delayMs: 0, attempts: 0 },
    });

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_big');
    for (const which of ['source', 'target'] as const) {
      for (const table of ['one_change', 'block_gone']) {
        if (engine === 'mariadb') {
          await pair.run(which, `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(40), note TEXT) DEFAULT CHARSET=utf8mb4`);
          await pair.run(which, `INSERT INTO ${table} SELECT seq, CONCAT('row ', seq), REPEAT('n', seq % 200) FROM seq_1_to_${ROWS}`);
        } else {
          await pair.run(which, `CREATE TABLE ${table} (id integer PRIMARY KEY, name varchar(40), note text)`);
          await pair.run(which, `INSERT INTO ${table} SELECT g, 'row ' || g, repeat('n', g % 200) FROM generate_series(1, ${ROWS}) g`);
        }
      }
    }
    await pair.run('target', `UPDATE one_change SET note = 'changed' WHERE id = 31337`);
    await pair.run('target', `DELETE FROM block_gone WHERE id BETWEEN 20001 AND 30000`);
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('finds one changed row inside a 50k-row chunk while fetching a few hundred rows', async () => {
    const result = await compare('one_change');
    const t = result.tables[0]!;
    expect(t.mismatches.changed).toEqual({ count: 1, keys: [['31337']] });
    expect(t.mismatches.missing.count + t.mismatches.extra.count).toBe(0);
    expect(t.rows).toEqual({ source: ROWS, target: ROWS });
    // The scan is one chunk (plus the empty open-ended one after it); bisection narrows it in
    // ~10 halvings of a key lookup and one digest per side, then lists ≤ 64 rows per side.
    expect(t.chunks.total).toBeLessThanOrEqual(2);
    expect(t.stats.rowsFetched).toBeLessThan(300);
    expect(t.stats.maxRowsPerQuery).toBeLessThanOrEqual(64);
  });

  it('counts 10 000 rows missing from the middle of a chunk without listing them', async () => {
    const t = (await compare('block_gone')).tables[0]!;
    expect(t.mismatches.missing.count).toBe(10_000);
    expect(t.mismatches.missing.keys).toEqual(Array.from({ length: 10 }, (_, i) => [String(20_001 + i)]));
    expect(t.mismatches.changed.count + t.mismatches.extra.count).toBe(0);
    expect(t.stats.rowsFetched).toBeLessThan(1000);
    expect(t.stats.maxRowsPerQuery).toBeLessThanOrEqual(64);
  });
});
