import { describe, expect, it } from 'vitest';
import { connectPostgres, INVENTORY_QUERIES } from '../../../src/db/postgres.js';
import { adminSql, createDatabase, sharedServer, specFor } from './support.js';

/** One DO block; it commits every 500 tables so 2,000 CREATEs fit the default lock table. */
const createTablesSql = (n: number): string => `DO $$
BEGIN
  FOR i IN 1..${n} LOOP
    EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, name text, created timestamptz)', i);
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END $$`;

describe('PostgreSQL inventory query count', () => {
  const server = sharedServer();

  async function measure(tables: number): Promise<{ inventory: number; lob: number; tables: number }> {
    const name = await createDatabase(server, `qc${tables}`);
    await adminSql(server, name, createTablesSql(tables));
    const db = await connectPostgres(specFor(server, name));
    try {
      await db.version();
      const start = db.queryCount;
      const inv = await db.inventory([name]);
      const afterInventory = db.queryCount;
      const lobColumns = inv.tables.flatMap((t) => t.columns.filter((c) => c.isLob).map((c) => ({ schema: t.schema, table: t.name, column: c.name, dataType: c.dataType })));
      await db.maxLobBytes(lobColumns, [name]);
      return { inventory: afterInventory - start, lob: db.queryCount - afterInventory, tables: inv.tables.length };
    } finally {
      await db.close();
    }
  }

  it('issues the same number of queries for 1 table and for 2,000 tables', async () => {
    const one = await measure(1);
    const many = await measure(2000);
    expect(one.tables).toBe(1);
    expect(many.tables).toBe(2000);
    expect(many.inventory).toBe(one.inventory);
    expect(one.inventory).toBe(INVENTORY_QUERIES);
    // The largest-LOB probe is one UNION ALL query per database, not one per column.
    expect(one.lob).toBe(1);
    expect(many.lob).toBe(1);
  });
});
