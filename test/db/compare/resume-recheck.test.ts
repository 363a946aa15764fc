import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables, DIGEST_ALGORITHM, type CompareOptions, type CompareProgress, type TableCheckpoint } from '../../../src/db/compare/index.js';
import { fakeClock, openPair, type Engine, type Pair } from './harness.js';

describe.each(['mariadb', 'postgres'] as Engine[])('resume and CDC re-check on %s', (engine) => {
  let pair: Pair;
  const INT = engine === 'mariadb' ? 'INT' : 'integer';
  const options = (tables: string[], extra: Partial<CompareOptions> = {}): CompareOptions => ({
    source: pair.spec('source'),
    target: pair.spec('target'),
    tables: tables.map((table) => ({ schema: pair.schema.source, table, targetSchema: pair.schema.target })),
    chunkRows: 10,
    leafRows: 4,
    recheck: { delayMs: 0, attempts: 0 },
    ...extra,
  });

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_resume');
    const rows = Array.from({ length: 100 }, (_, i) => [i + 1, `v${i + 1}`]);
    for (const which of ['source', 'target'] as const) {
      for (const table of ['resumable', 'lagging', 'lagging_nokey']) {
        await pair.run(which, `CREATE TABLE ${table} (id ${INT} ${table === 'lagging_nokey' ? '' : 'PRIMARY KEY'}, v varchar(20))`);
        await pair.insert(which, table, ['id', 'v'], rows);
      }
    }
    await pair.run('target', `UPDATE resumable SET v = 'changed' WHERE id = 85`);
    await pair.run('target', `DELETE FROM resumable WHERE id = 3`);
  });

  afterAll(async () => {
    await pair?.close();
  });

  it('resumes from the checkpoint of a killed run, skipping the finished chunks', async () => {
    const whole = (await compareTables(options(['resumable']))).tables[0]!;
    expect(whole.mismatches.changed.keys).toEqual([['85']]);
    expect(whole.mismatches.missing.keys).toEqual([['3']]);

    const saved: TableCheckpoint[] = [];
    const killed = compareTables(
      options(['resumable'], {
        onCheckpoint: (cp) => {
          saved.push(cp);
          if (cp.chunks === 4) throw new Error('killed');
        },
      }),
    );
    await expect(killed).rejects.toThrow('killed');
    const last = saved.at(-1)!;
    expect(last).toMatchObject({ phase: 'scan', chunks: 4, lastKey: ['40'] });
    expect(last.pending).toHaveLength(1);
    // What a caller persists is plain JSON.
    const persisted = JSON.parse(JSON.stringify(last)) as TableCheckpoint;

    const progress: CompareProgress[] = [];
    const resumed = (await compareTables(options(['resumable'], { resume: [persisted], onProgress: (p) => progress.push(p) }))).tables[0]!;
    expect(progress.find((p) => p.phase === 'scan')?.chunks).toBe(5);
    expect(resumed.resumed).toBe(true);
    expect(resumed.mismatches).toEqual(whole.mismatches);
    expect(resumed.rows).toEqual(whole.rows);
    expect(resumed.chunks).toEqual(whole.chunks);
    expect(resumed.stats.queries).toBeLessThan(whole.stats.queries);

    // A finished table's checkpoint is its result: nothing is read again.
    const done: TableCheckpoint[] = [];
    await compareTables(options(['resumable'], { onCheckpoint: (cp) => void done.push(cp) }));
    const again = (await compareTables(options(['resumable'], { resume: [done.at(-1)!] }))).tables[0]!;
    expect(again.stats.queries).toBe(0);
    expect(again.mismatches).toEqual(whole.mismatches);
  });

  it('starts afresh from a checkpoint of another digest algorithm (or of a version before the field)', async () => {
    const saved: TableCheckpoint[] = [];
    await expect(
      compareTables(
        options(['resumable'], {
          onCheckpoint: (cp) => {
            saved.push(cp);
            if (cp.chunks === 4) throw new Error('killed');
          },
        }),
      ),
    ).rejects.toThrow('killed');
    expect(saved.at(-1)!.digest).toBe(DIGEST_ALGORITHM);
    const { digest: _digest, ...old } = saved.at(-1)!;
    for (const cp of [old, { ...old, digest: DIGEST_ALGORITHM + 1 }]) {
      const t = (await compareTables(options(['resumable'], { resume: [cp as TableCheckpoint] }))).tables[0]!;
      expect(t.resumed).toBe(false);
      expect(t.notes.join(' ')).toMatch(/another version of the comparison/);
      expect(t.mismatches.changed.keys).toEqual([['85']]);
      expect(t.mismatches.missing.keys).toEqual([['3']]);
      expect(t.chunks.total).toBe(10);
    }
  });

  it('does not report a chunk that differs at first and matches after the re-check delay', async () => {
    await pair.run('target', `DELETE FROM lagging WHERE id = 7`);
    await pair.run('target', `UPDATE lagging SET v = 'late' WHERE id = 55`);
    // "CDC" delivers row 7 while the comparison waits; row 55 stays different.
    const clock = fakeClock(async () => {
      await pair.run('target', [`INSERT INTO lagging (id, v) VALUES (?, ?)`, [7, 'v7']]);
    });
    const t = (await compareTables(options(['lagging'], { recheck: { delayMs: 3000, attempts: 1 }, clock }))).tables[0]!;
    expect(clock.sleeps).toEqual([3000]);
    expect(t.mismatches.missing.count).toBe(0);
    expect(t.mismatches.changed.keys).toEqual([['55']]);
    expect(t.chunks).toMatchObject({ mismatched: 1, equalOnRecheck: 1 });
    expect(t.rows).toEqual({ source: 100, target: 100 });
    expect(t.notes.join(' ')).toMatch(/1 chunk\(s\) differed at first and matched when re-checked after 3000 ms/);
  });

  it('re-checks a table without a key as a whole, and reports lag when re-checking is off', async () => {
    await pair.run('target', `DELETE FROM lagging_nokey WHERE id = 9`);
    const noRecheck = (await compareTables(options(['lagging_nokey']))).tables[0]!;
    expect(noRecheck.status).toBe('different');
    expect(noRecheck.mismatches.missing.count).toBe(1);

    const clock = fakeClock(async () => {
      await pair.run('target', [`INSERT INTO lagging_nokey (id, v) VALUES (?, ?)`, [9, 'v9']]);
    });
    const t = (await compareTables(options(['lagging_nokey'], { recheck: { delayMs: 10, attempts: 2 }, clock }))).tables[0]!;
    expect(clock.sleeps).toEqual([10]);
    expect(t.status).toBe('equal');
    expect(t.chunks).toMatchObject({ total: 1, mismatched: 0, equalOnRecheck: 1 });
  });
});
