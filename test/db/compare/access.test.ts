import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compareTables } from '../../../src/db/compare/index.js';
import { PromigrateError, UsageError } from '../../../src/errors.js';
import { openPair, type Engine, type Pair } from './harness.js';

describe.each(['mariadb', 'postgres'] as Engine[])('compareTables — access and errors on %s', (engine) => {
  let pair: Pair;
  const reader = `cmp_ro_${randomBytes(3).toString('hex')}`;
  const readerPassword = `pw-${randomBytes(8).toString('hex')}`;
  const ref = (table: string) => ({ schema: pair.schema.source, table, targetSchema: pair.schema.target });

  beforeAll(async () => {
    pair = await openPair(engine, inject(engine), 'cmp_access');
    for (const which of ['source', 'target'] as const) {
      await pair.run(which, `CREATE TABLE items (id integer PRIMARY KEY, name varchar(20))`);
      await pair.insert(which, 'items', ['id', 'name'], [[1, 'a'], [2, 'b'], [3, 'c']]);
    }
    await pair.run('target', `UPDATE items SET name = 'B' WHERE id = 2`);
    if (engine === 'mariadb') {
      await pair.run('source', `CREATE USER '${reader}'@'%' IDENTIFIED BY '${readerPassword}'`);
      await pair.run('source', `GRANT SELECT ON \`${pair.schema.source}\`.* TO '${reader}'@'%'`);
      await pair.run('source', `GRANT SELECT ON \`${pair.schema.target}\`.* TO '${reader}'@'%'`);
    } else {
      await pair.run('source', `CREATE ROLE ${reader} LOGIN PASSWORD '${readerPassword}'`);
      for (const which of ['source', 'target'] as const) {
        await pair.run(which, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
      }
    }
  });

  afterAll(async () => {
    if (engine === 'mariadb') await pair?.run('source', `DROP USER IF EXISTS '${reader}'@'%'`);
    else {
      for (const which of ['source', 'target'] as const) await pair?.run(which, `DROP OWNED BY ${reader}`);
      await pair?.run('source', `DROP ROLE IF EXISTS ${reader}`);
    }
    await pair?.close();
  });

  it('needs nothing but SELECT on both sides', async () => {
    const as = (which: 'source' | 'target') => ({ ...pair.spec(which), user: reader, password: readerPassword });
    const result = await compareTables({ source: as('source'), target: as('target'), tables: [ref('items')], recheck: { delayMs: 0, attempts: 0 } });
    expect(result.tables[0]!.mismatches.changed.keys).toEqual([['2']]);
    expect(result.differs).toBe(true);
  });

  it('names the connection on a wrong password, without the password', async () => {
    const wrong = 'not-the-password-4711';
    const err = await compareTables({
      source: pair.spec('source'),
      target: { ...pair.spec('target'), password: wrong },
      tables: [ref('items')],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain(pair.spec('target').label);
    expect((err as UsageError).hint ?? '').not.toBe('');
    expect(JSON.stringify({ m: (err as Error).message, h: (err as UsageError).hint })).not.toContain(wrong);
  });

  it('refuses a table that exists on neither side, and two engine families', async () => {
    const none = compareTables({ source: pair.spec('source'), target: pair.spec('target'), tables: [ref('nope')] });
    await expect(none).rejects.toBeInstanceOf(UsageError);
    await expect(none).rejects.toThrow(/exists on neither/);
    const other = engine === 'mariadb' ? 'postgres' : 'mariadb';
    await expect(
      compareTables({ source: pair.spec('source'), target: { ...pair.spec('target'), engine: other }, tables: [ref('items')] }),
    ).rejects.toThrow(/same family/);
  });

  it('turns a refused read into an error with a hint to grant SELECT', async () => {
    if (engine === 'mariadb') await pair.run('source', `REVOKE SELECT ON \`${pair.schema.target}\`.* FROM '${reader}'@'%'`);
    else await pair.run('target', `REVOKE SELECT ON items FROM ${reader}`);
    const as = (which: 'source' | 'target') => ({ ...pair.spec(which), user: reader, password: readerPassword });
    const err = await compareTables({ source: as('source'), target: as('target'), tables: [ref('items')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromigrateError);
    expect(`${(err as PromigrateError).message} ${(err as PromigrateError).hint}`).toMatch(/SELECT/);
    expect((err as Error).message).not.toContain(readerPassword);
  });
});
