import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, INVENTORY_QUERIES, type PostgresDatabase } from '../../../src/db/postgres.js';
import type { DbTable, Inventory } from '../../../src/db/types.js';
import { adminSql, createDatabase, sharedServer, specFor } from './support.js';

const FIXTURE = readFileSync(new URL('../../fixtures/sql/hybridbts-postgres.sql', import.meta.url), 'utf8');

describe('PostgreSQL inventory of the HYBRID-BTS schema', () => {
  const server = sharedServer();
  let db: PostgresDatabase;
  let inv: Inventory;
  const table = (name: string): DbTable => {
    const t = inv.tables.find((x) => x.name === name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  };
  const column = (t: string, c: string) => table(t).columns.find((x) => x.name === c);

  beforeAll(async () => {
    const name = await createDatabase(server, 'hybridbts', `${FIXTURE}\nANALYZE;`);
    db = await connectPostgres(specFor(server, name));
    inv = await db.inventory([name]);
  });
  afterAll(() => db?.close());

  it('lists the tables, views, routines and triggers, and no system or extension objects', () => {
    expect(inv.engine).toBe('postgres');
    expect(inv.version.major).toBeGreaterThanOrEqual(10);
    expect(inv.schemas).toEqual(['public']);
    expect(inv.tables.map((t) => `${t.schema}.${t.name}`)).toEqual([
      'public.access_log', 'public.board', 'public.members', 'public.order_items', 'public.orders', 'public.products',
    ]);
    expect(inv.views).toEqual([{ schema: 'public', name: 'order_totals' }]);
    expect(inv.routines).toEqual([{ schema: 'public', name: 'recalc_order_total', type: 'FUNCTION' }]);
    expect(inv.triggers).toEqual([{ schema: 'public', table: 'order_items', name: 'order_items_total' }]);
  });

  it('reads primary keys, unique keys, replica identity and foreign keys', () => {
    expect(table('members').primaryKey).toEqual(['num']);
    expect(table('members').uniqueKeys).toEqual([]);
    expect(table('order_items').primaryKey).toEqual(['order_id', 'product_id']);
    expect(table('products').uniqueKeys).toEqual([['sku']]);
    expect(table('access_log').primaryKey).toBeUndefined();
    expect(inv.tables.every((t) => t.replicaIdentity === 'default')).toBe(true);
    expect(inv.foreignKeys.map((f) => `${f.table}→${f.refSchema}.${f.refTable}`).sort()).toEqual([
      'order_items→public.orders', 'order_items→public.products', 'orders→public.members',
    ]);
  });

  it('types every column: base type, declared type, LOB, user-defined kinds', () => {
    expect(column('members', 'id')).toMatchObject({ dataType: 'character', columnType: 'character(15)', maxLength: 15, nullable: false, isLob: false });
    expect(column('members', 'email')).toMatchObject({ nullable: true });
    expect(column('board', 'content')).toMatchObject({ dataType: 'text', isLob: true });
    expect(column('products', 'sku')).toMatchObject({ dataType: 'character varying', columnType: 'character varying(32)', maxLength: 32 });
    expect(column('products', 'price')).toMatchObject({ dataType: 'numeric', columnType: 'numeric(10,2)', isLob: false });
    expect(column('products', 'image')).toMatchObject({ dataType: 'bytea', isLob: true });
    expect(column('products', 'tags')).toMatchObject({ dataType: 'array', columnType: 'text[]', udtKind: 'array', udtName: '_text', isLob: false });
    expect(column('orders', 'status')).toMatchObject({ dataType: 'user-defined', columnType: 'order_status', udtKind: 'enum', udtName: 'order_status' });
    expect(column('orders', 'client_ip')).toMatchObject({ dataType: 'inet', isLob: false });
    expect(column('orders', 'client_ip')?.udtKind).toBeUndefined();
    expect(column('orders', 'created_at')).toMatchObject({ dataType: 'timestamp with time zone' });
    expect(column('access_log', 'payload')).toMatchObject({ dataType: 'jsonb', isLob: true });
    expect(inv.totals.lobColumns).toBe(4);
  });

  it('reports serial/identity tables, estimated rows and bytes', () => {
    expect(inv.tables.filter((t) => t.autoIncrement).map((t) => t.name).sort()).toEqual(['board', 'members', 'orders', 'products']);
    expect(table('products').rows).toBe(3);
    expect(table('order_items').rows).toBe(3);
    expect(table('members').rows).toBe(1);
    expect(inv.tables.every((t) => t.bytes >= 8192)).toBe(true);
    expect(inv.totals).toMatchObject({ tables: 6, rows: 1 + 1 + 3 + 2 + 3 + 2 });
    expect(inv.totals.bytes).toBe(inv.tables.reduce((n, t) => n + t.bytes, 0));
  });

  it('excludes what an extension owns, and counts a never-analyzed table as 0 rows', async () => {
    const name = await createDatabase(server, 'extobj', 'CREATE EXTENSION pg_stat_statements; CREATE TABLE fresh (id int PRIMARY KEY); INSERT INTO fresh VALUES (1);');
    const other = await connectPostgres(specFor(server, name));
    try {
      const i = await other.inventory([name]);
      expect(i.tables.map((t) => t.name)).toEqual(['fresh']);
      expect(i.views).toEqual([]);
      expect(i.routines).toEqual([]);
      expect(i.tables[0]?.rows).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('covers every configured database, one connection each, schemas qualified by database', async () => {
    const a = await createDatabase(server, 'multi_a', 'CREATE TABLE t1 (id int PRIMARY KEY);');
    const b = await createDatabase(server, 'multi_b', 'CREATE SCHEMA sales; CREATE TABLE sales.t2 (id int); CREATE TABLE t3 (id int PRIMARY KEY);');
    const conn = await connectPostgres(specFor(server, a));
    try {
      const i = await conn.inventory([a, b]);
      expect(i.databases).toEqual([a, b]);
      expect(i.schemas).toEqual([`${a}.public`, `${b}.public`, `${b}.sales`]);
      expect(i.tables.map((t) => `${t.schema}.${t.name}`)).toEqual([`${a}.public.t1`, `${b}.public.t3`, `${b}.sales.t2`]);
      expect(conn.queryCount).toBe(1 + 2 * INVENTORY_QUERIES);
    } finally {
      await conn.close();
    }
    await adminSql(server, 'postgres', `DROP DATABASE ${b}`);
  });
});
