import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables } from '../../../src/db/compare/index.js';
import { mysqlRow } from '../../../src/db/compare/normalize.js';
import type { TablePlan } from '../../../src/db/compare/types.js';
import { openPair, type Pair } from './harness.js';

/**
 * CRC32 is linear, so the same change in two rows of equal length moves both rows' CRC32 by
 * the same XOR pattern. For some pairs of rows those moves are exact opposites and a plain
 * SUM(CRC32(row)) over the chunk does not change (BIT_XOR never does). The test finds such a
 * pair on the server itself, proves a plain sum would miss it, then checks the comparison —
 * whose summed value is the CRC32 scrambled by a second CRC32 — reports both rows.
 */
describe('compareTables — equal changes that cancel in a plain CRC32 sum (mariadb)', () => {
  let pair: Pair;
  const ref = () => ({ schema: pair.schema.source, table: 'lin', targetSchema: pair.schema.target });
  const col = (name: string, dataType: string) => ({ name, dataType, columnType: dataType, nullable: false, charset: 'utf8mb4' });
  const plan: TablePlan = { columns: [col('id', 'int'), col('code', 'char'), col('status', 'varchar')], nullable: new Set(), key: [col('id', 'int')] };
  const row = mysqlRow(plan);
  const changed = row.replace('`status`', "'B'");
  let ids: [number, number];

  beforeAll(async () => {
    pair = await openPair('mariadb', inject('mariadb'), 'cmp_lin');
    for (const which of ['source', 'target'] as const) {
      // code varies the rows' CRC32s over all bit patterns (ids alone span only a subspace).
      await pair.run(which, 'CREATE TABLE lin (id INT PRIMARY KEY, code CHAR(8) NOT NULL, status VARCHAR(1) NOT NULL)');
      await pair.run(which, "INSERT INTO lin SELECT seq, LEFT(MD5(seq), 8), 'A' FROM seq_10000_to_29999");
    }
    // δ(id) = CRC32 of the row with status 'B' minus with 'A'; a pair with δ(a) = −δ(b).
    const deltas = (await pair.run('source', `SELECT id, CAST(CRC32(${changed}) AS SIGNED) - CAST(CRC32(${row}) AS SIGNED) AS delta FROM lin ORDER BY id`)) as { id: number; delta: number }[];
    const byDelta = new Map<number, number>();
    const found: { a: number; b: number }[] = [];
    for (const d of deltas) {
      const other = byDelta.get(-d.delta);
      if (other !== undefined) {
        found.push({ a: other, b: d.id });
        break;
      }
      byDelta.set(Number(d.delta), d.id);
    }
    expect(found, 'no pair of rows whose CRC32 changes cancel (the row string changed?)').toHaveLength(1);
    ids = [found[0]!.a, found[0]!.b];
    await pair.run('target', [`UPDATE lin SET status = 'B' WHERE id IN (?, ?)`, ids]);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('a plain SUM(CRC32) of the chunk is blind to the pair', async () => {
    const sum = async (which: 'source' | 'target') => ((await pair.run(which, `SELECT CAST(SUM(CRC32(${row})) AS CHAR) AS s FROM lin`)) as { s: string }[])[0]!.s;
    expect(await sum('target')).toBe(await sum('source'));
  });

  it('the comparison reports both rows as changed', async () => {
    const result = await compareTables({ source: pair.spec('source'), target: pair.spec('target'), tables: [ref()], chunkRows: 100_000, chunkTimeMs: 0, recheck: { delayMs: 0, attempts: 0 } });
    const t = result.tables[0]!;
    expect(t.chunks.total).toBe(1);
    expect(t.mismatches.changed.keys).toEqual(ids.map((id) => [String(id)]));
    expect(result.differs).toBe(true);
  });
});
