import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables, type CompareResult, type TableResult } from '../../../src/db/compare/index.js';
import { catalogue, seed, type CatalogueCase } from './catalogue.js';
import { fakeClock, openPair, type Engine, type Pair } from './harness.js';

describe.each(['mariadb', 'postgres'] as Engine[])('compareTables — divergence catalogue on %s', (engine) => {
  const cases = catalogue(engine);
  let pair: Pair;
  let result: CompareResult;
  const clock = fakeClock();
  const byTable = (table: string): TableResult => result.tables.find((t) => t.table === table)!;

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_cat');
    await seed(pair, cases);
    result = await compareTables({
      source: pair.spec('source'),
      target: pair.spec('target'),
      tables: cases.map((c) => ({ schema: pair.schema.source, table: c.table, targetSchema: pair.schema.target })),
      // Small chunks and leaves so that 40 rows already take several chunks and bisection levels.
      chunkRows: 16,
      leafRows: 4,
      recheck: { delayMs: 1500, attempts: 1 },
      clock,
      concurrency: 2,
    });
  });

  afterAll(async () => {
    await pair?.close();
  });

  it.each(cases.map((c) => [c.table, c] as [string, CatalogueCase]))('%s', (_name, c) => {
    const r = byTable(c.table);
    const e = c.expect;
    expect(r.status, c.about).toBe(e.status);
    if (e.status === 'missing-on-target') {
      expect(r.mismatches.missing.count).toBe(r.rows.source);
      expect(r.mismatches.missing.keys).toEqual(Array.from({ length: 10 }, (_, i) => [String(i + 1)]));
      expect(r.rows.target).toBe(0);
      return;
    }
    if (e.status === 'missing-on-source') {
      expect(r.mismatches.extra.count).toBe(r.rows.target);
      expect(r.mismatches.extra.keys[0]).toEqual(['1']);
      return;
    }
    if (e.counts) {
      expect(r.key.kind).toBe('none');
      expect({ missing: r.mismatches.missing.count, extra: r.mismatches.extra.count }).toEqual(e.counts);
      expect(r.mismatches.missing.rowHashes?.reduce((n, h) => n + h.copies, 0)).toBe(e.counts.missing);
      expect(r.mismatches.changed.count).toBe(0);
      return;
    }
    for (const kind of ['missing', 'extra', 'changed'] as const) {
      expect(r.mismatches[kind].keys, `${kind} keys: ${c.about}`).toEqual(e[kind] ?? []);
      expect(r.mismatches[kind].count, `${kind} count: ${c.about}`).toBe((e[kind] ?? []).length);
    }
    if (e.schema) expect(r.schemaDifferences).toEqual(expect.arrayContaining(e.schema.map((d) => expect.objectContaining(d))));
  });

  it('reports the row counts and chunking of each side', () => {
    const r = byTable('extra_rows');
    expect(r.rows).toEqual({ source: 39, target: 43 });
    expect(r.key).toEqual({ kind: 'primary', columns: ['id'] });
    expect(r.chunks.total).toBeGreaterThanOrEqual(3);
    expect(byTable('identical').rows).toEqual({ source: 100, target: 100 });
    expect(byTable('identical').chunks).toMatchObject({ total: 7, mismatched: 0 });
    expect(byTable('unique_key').key).toEqual({ kind: 'unique', columns: ['code'] });
    expect(byTable('composite_pk').key).toEqual({ kind: 'primary', columns: ['a', 'b'] });
    expect(result.differs).toBe(true);
  });

  it('re-checked the differing chunks once, through the injected clock, and says so', () => {
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(clock.sleeps.every((ms) => ms === 1500)).toBe(true);
    expect(byTable('changed_value').notes.join(' ')).toMatch(/re-checked 1× after 1500 ms/);
  });
});
