import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Connection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyTables, type TableProgress } from '../../../src/aws/sandbox/copy/full-load.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';
import type { DbServerInfo } from '../../helpers/db/server.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/sql/${name}`, import.meta.url), 'utf8');
const suffix = () => randomBytes(4).toString('hex');
const BIG = 5000;

describe('copyTables — MariaDB', () => {
  const server = inject('mariadb');
  const src = `copy_src_${suffix()}`;
  const dst = `copy_dst_${suffix()}`;
  const tables = ['members', 'board', 'extras', 'nokey', 'pairs', 'big', 'empty', 'zeros'].map((table) => ({ schema: src, table }));
  let admin: Connection;
  const spec = (database: string): ConnectionSpec => mariadbSpec(server, { database, label: `database ${database}` });

  beforeAll(async () => {
    admin = await adminConnection(server);
    await admin.query(`CREATE DATABASE ${src}; CREATE DATABASE ${dst}; USE ${src}`);
    await admin.query(fixture('hybridbts-mysql.sql'));
    await admin.query(`
      INSERT INTO board (id, name, subject, content, regist_day, hit) VALUES ('hjs6558', '황재성', '첫 글 🎉', '안녕하세요', '2021-10-26 (09:30)', 3);
      CREATE TABLE extras (
        id BIGINT UNSIGNED PRIMARY KEY, b BLOB, j JSON, d DECIMAL(30,10), dt DATETIME(6), ts TIMESTAMP NULL, dd DATE,
        t TIME(3), e VARCHAR(50), s VARCHAR(10) NULL, f DOUBLE, fl FLOAT, bits BIT(5), g BIGINT UNSIGNED AS (id DIV 2) STORED
      ) DEFAULT CHARSET=utf8mb4;
      CREATE TABLE nokey (at DATETIME NOT NULL, msg VARCHAR(20) NULL) DEFAULT CHARSET=utf8mb4;
      CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b));
      CREATE TABLE big (id INT NOT NULL PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2));
      CREATE TABLE empty (id INT PRIMARY KEY);
      CREATE TABLE zeros (id INT AUTO_INCREMENT PRIMARY KEY, d DATE, dt DATETIME, c CHAR(5));
      SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
      INSERT INTO zeros VALUES (0, '0000-00-00', '0000-00-00 00:00:00', 'a'), (1, '2021-02-00', NULL, '');
      SET SESSION sql_mode = DEFAULT;`);
    const blob = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await admin.query('INSERT INTO extras (id, b, j, d, dt, ts, dd, t, e, s, f, fl, bits) VALUES ?', [
      [
        [0, blob, '{"a": [1, 2, {"b": null}], "emoji": "😀"}', '12345678901234567890.0123456789', '2021-10-25 12:09:00.123456', '2021-03-28 02:30:00', '1999-12-31', '-838:59:59.000', '😀 황재성', '', 0.1, 0.1, Buffer.from([0x15])],
        [1, Buffer.alloc(0), 'null', '-0.0000000001', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '9999-12-31', '00:00:00.5', '', null, 1e308, -3.4e38, null],
        ['18446744073709551615', null, null, null, null, null, null, null, null, null, null, null, null],
      ],
    ]);
    const nokey = Array.from({ length: 700 }, (_, i) => [`2021-01-01 00:00:${String(i % 60).padStart(2, '0')}`, i % 3 === 0 ? null : i % 3 === 1 ? '' : `msg ${i % 10}`]);
    await admin.query('INSERT INTO nokey VALUES ?', [nokey]);
    await admin.query('INSERT INTO pairs VALUES ?', [Array.from({ length: 650 }, (_, i) => [i % 7, `k${i}`, i])]);
    await admin.query('INSERT INTO big VALUES ?', [Array.from({ length: BIG }, (_, i) => [i + 1, `row ${i + 1} ✓`, `${i}.25`])]);
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${src}; DROP DATABASE IF EXISTS ${dst}`);
    await admin?.end();
  });

  async function checksums(db: string): Promise<Record<string, string>> {
    const [rows] = await admin.query<any[]>(`CHECKSUM TABLE ${tables.map((t) => `${db}.${t.table}`).join(', ')}`);
    return Object.fromEntries(rows.map((r) => [String(r.Table).split('.')[1], String(r.Checksum)]));
  }

  /** The target tables as the source defines them, as promigrate's schema phase creates them before a DO_NOTHING load. */
  async function precreate(db: string, names: string[]): Promise<void> {
    for (const table of names) {
      const [[row]] = await admin.query<any[]>(`SHOW CREATE TABLE ${src}.${table}`);
      await admin.query(String(row['Create Table']).replace(/^CREATE TABLE `[^`]+`/, `CREATE TABLE ${db}.\`${table}\``));
    }
  }

  it('copies every table with identical content into pre-created tables (DO_NOTHING), in batches, reporting progress', async () => {
    await precreate(dst, tables.map((t) => t.table));
    const progress: TableProgress[] = [];
    const result = await copyTables({
      source: spec(src), target: spec(dst), tables, prepMode: 'DO_NOTHING', batchRows: 300, onTable: (p) => progress.push(p),
    });
    expect(result.map((r) => [r.table, r.rows])).toEqual([
      ['members', 1], ['board', 1], ['extras', 3], ['nokey', 700], ['pairs', 650], ['big', BIG], ['empty', 0], ['zeros', 2],
    ]);
    expect(await checksums(dst)).toEqual(await checksums(src));
    expect(progress.filter((p) => p.table === 'big' && !p.done).map((p) => p.rows).slice(0, 3)).toEqual([300, 600, 900]);
    expect(progress.filter((p) => p.done)).toHaveLength(tables.length);

    const [rows] = await admin.query<any[]>(`SELECT CAST(id AS CHAR) AS id, HEX(b) AS b, j, d, dt, e, s, g FROM ${dst}.extras ORDER BY id`);
    expect(rows[0]).toMatchObject({ b: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex').toUpperCase(), e: '😀 황재성', s: '', g: 0 });
    expect(rows[0].d).toBe('12345678901234567890.0123456789');
    expect(rows[1]).toMatchObject({ b: '', s: null });
    expect(String(rows[2].id)).toBe('18446744073709551615');
  });

  it('re-copies idempotently with TRUNCATE_BEFORE_LOAD, and refuses to load twice with DO_NOTHING', async () => {
    const before = await checksums(dst);
    const again = await copyTables({ source: spec(src), target: spec(dst), tables, prepMode: 'TRUNCATE_BEFORE_LOAD', batchRows: 1000 });
    expect(again.find((r) => r.table === 'big')?.rows).toBe(BIG);
    expect(await checksums(dst)).toEqual(before);
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'big' }], prepMode: 'DO_NOTHING' })).rejects.toThrow(
      new RegExp(`Full load of ${src}\\.big .*Duplicate entry`),
    );
  });

  it('splits INSERTs of large LOBs below max_allowed_packet', async () => {
    await admin.query(`CREATE TABLE ${src}.lobs (id INT PRIMARY KEY, data LONGBLOB)`);
    for (let i = 0; i < 6; i++) await admin.query(`INSERT INTO ${src}.lobs VALUES (?, ?)`, [i, randomBytes(1_500_000)]);
    const [result] = await copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'lobs' }], prepMode: 'TRUNCATE_BEFORE_LOAD' });
    expect(result?.rows).toBe(6);
    const [rows] = await admin.query<any[]>(`CHECKSUM TABLE ${src}.lobs, ${dst}.lobs`);
    expect(rows[1].Checksum).toBe(rows[0].Checksum);
  });

  it('fails fast, naming the table, when the target rejects rows of a streamed (keyless) table', async () => {
    const other = `copy_bad_${suffix()}`;
    await admin.query(`CREATE DATABASE ${other}; CREATE TABLE ${other}.nokey (at DATETIME NOT NULL, msg VARCHAR(20) NULL UNIQUE)`);
    try {
      await expect(
        copyTables({ source: spec(src), target: spec(other), tables: [{ schema: src, table: 'nokey' }], prepMode: 'DO_NOTHING', batchRows: 50 }),
      ).rejects.toThrow(new RegExp(`Full load of ${src}\\.nokey .*Duplicate entry`));
    } finally {
      await admin.query(`DROP DATABASE ${other}`);
    }
  });

  it('names a missing source table', async () => {
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'nope' }], prepMode: 'TRUNCATE_BEFORE_LOAD' })).rejects.toThrow(
      `Full load of ${src}.nope from database ${src} to database ${dst} failed: the source has no table ${src}.nope`,
    );
  });
});

describe('copyTables — PostgreSQL', () => {
  const server: DbServerInfo = inject('postgres');
  const src = `copy_src_${suffix()}`;
  const dst = `copy_dst_${suffix()}`;
  const names = ['members', 'board', 'products', 'orders', 'order_items', 'access_log', 'extras', 'big'];
  const tables = [...names.map((table) => ({ schema: 'public', table })), { schema: 'Shop', table: 'Item List' }];
  const spec = (database: string): ConnectionSpec => ({
    engine: 'postgres', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword,
    database, tls: { mode: 'disable' }, connectTimeoutMs: 5000, label: `database ${database}`,
  });

  async function sql<T extends pg.QueryResultRow = any>(database: string, text: string): Promise<T[]> {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database });
    await client.connect();
    try {
      await client.query("SET TimeZone = 'UTC'");
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }

  /** Row count and an md5 of the ordered text form of every row, per table. */
  async function digests(database: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const { schema, table } of tables) {
      const name = `"${schema}"."${table}"`;
      const [row] = await sql(database, `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS d FROM ${name} t`);
      out[`${schema}.${table}`] = row.d;
    }
    return out;
  }

  beforeAll(async () => {
    await sql('postgres', `CREATE DATABASE ${src}`);
    await sql('postgres', `CREATE DATABASE ${dst}`);
    await sql(src, fixture('hybridbts-postgres.sql'));
    await sql(src, `
      CREATE TABLE extras (
        id int PRIMARY KEY, b bytea, j jsonb, js json, n numeric(40,12), tz timestamptz, ts timestamp(6), d date,
        iv interval, e text, s text, arr int[], f float8, r real, st order_status[], g int GENERATED ALWAYS AS (id * 2) STORED
      );
      INSERT INTO extras (id, b, j, js, n, tz, ts, d, iv, e, s, arr, f, r, st) VALUES
        (0, '\\x00ff10', '{"a": [1, {"b": null}], "emoji": "😀"}', '{ "kept":  "as typed" }', '1234567890123456789012345678.123456789012',
         '2021-03-28 02:30:00.123456+09', '2021-10-25 12:09:00.654321', '1999-12-31', '1 year 2 mons 3 days 04:05:06.7', '😀 황재성', '', '{1,NULL,3}', 0.1, 0.1, '{paid,pending}'),
        (1, '', 'null', 'null', '-0.000000000001', 'infinity', '0001-01-01 00:00:00 BC', '-infinity', '-00:00:01', '', NULL, '{}', 'NaN', '-Infinity', '{}'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      CREATE TABLE big (id int PRIMARY KEY, name text, amount numeric(12,2));
      INSERT INTO big SELECT n, 'row ' || n || ' ✓', n * 1.25 FROM generate_series(1, ${BIG}) AS n;
      INSERT INTO access_log (logged_at, member_id, path, payload)
        SELECT '2021-01-01'::timestamptz + (n % 50) * interval '1 minute', 'hjs6558', CASE n % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE '/p' END, NULL
        FROM generate_series(1, 700) AS n;
      CREATE SCHEMA "Shop";
      CREATE TYPE "Shop"."Colour" AS ENUM ('red', 'it''s blue');
      CREATE TABLE "Shop"."Item List" ("Id" int, "select" text, c "Shop"."Colour"[], PRIMARY KEY ("Id"));
      INSERT INTO "Shop"."Item List" VALUES (1, 'quoted', '{red,"it''s blue"}'), (2, NULL, NULL);`);
  });

  afterAll(async () => {
    await sql('postgres', `DROP DATABASE IF EXISTS ${src} WITH (FORCE)`);
    await sql('postgres', `DROP DATABASE IF EXISTS ${dst} WITH (FORCE)`);
  });

  it('creates the tables as DMS does and copies every row exactly, in batches', async () => {
    const progress: TableProgress[] = [];
    const result = await copyTables({
      source: spec(src), target: spec(dst), tables, prepMode: 'DROP_AND_CREATE', batchRows: 300, onTable: (p) => progress.push(p),
    });
    expect(Object.fromEntries(result.map((r) => [`${r.schema}.${r.table}`, r.rows]))).toEqual({
      'public.members': 1, 'public.board': 1, 'public.products': 3, 'public.orders': 2, 'public.order_items': 3,
      'public.access_log': 702, 'public.extras': 3, 'public.big': BIG, 'Shop.Item List': 2,
    });
    expect(await digests(dst)).toEqual(await digests(src));
    expect(progress.filter((p) => p.table === 'access_log' && !p.done).map((p) => p.rows)).toEqual([300, 600, 702]);

    const [row] = await sql(dst, 'SELECT encode(b, \'hex\') AS b, js, n::text AS n, e, s, g FROM extras WHERE id = 0');
    expect(row).toEqual({ b: '00ff10', js: { kept: 'as typed' }, n: '1234567890123456789012345678.123456789012', e: '😀 황재성', s: '', g: 0 });
    const typeOf = async (rel: string, col: string) =>
      (await sql(dst, `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${rel}'::regclass AND attname = '${col}'`))[0].t;
    // User-defined types (and arrays of them) become character varying, holding the same text.
    expect(await typeOf('orders', 'status')).toBe('character varying');
    expect(await typeOf('extras', 'st')).toBe('character varying');
    expect(await typeOf('"Shop"."Item List"', 'c')).toBe('character varying');
    expect(await typeOf('products', 'price')).toBe('numeric(10,2)');
  });

  it('splits INSERTs of wide tables below the 65,535 bind parameters', async () => {
    const cols = Array.from({ length: 99 }, (_, i) => `c${i}`);
    await sql(src, `CREATE TABLE wide (id int PRIMARY KEY, ${cols.map((c) => `${c} int`).join(', ')});
      INSERT INTO wide SELECT n, ${cols.map((_, i) => `n + ${i}`).join(', ')} FROM generate_series(1, 1500) AS n`);
    const [result] = await copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: 'public', table: 'wide' }], prepMode: 'TRUNCATE_BEFORE_LOAD', batchRows: 1500 });
    expect(result?.rows).toBe(1500);
    const digest = "SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) AS d FROM wide t";
    expect((await sql(dst, digest))[0].d).toBe((await sql(src, digest))[0].d);
  });

  it('re-copies idempotently with TRUNCATE_BEFORE_LOAD', async () => {
    const before = await digests(dst);
    await copyTables({ source: spec(src), target: spec(dst), tables, prepMode: 'TRUNCATE_BEFORE_LOAD' });
    expect(await digests(dst)).toEqual(before);
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: 'public', table: 'big' }], prepMode: 'DO_NOTHING' })).rejects.toThrow(
      /Full load of public\.big from database .* failed: duplicate key/,
    );
  });

  it('names a missing source table', async () => {
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: 'public', table: 'nope' }], prepMode: 'TRUNCATE_BEFORE_LOAD' })).rejects.toThrow(
      `Full load of public.nope from database ${src} to database ${dst} failed: the source has no table public.nope`,
    );
  });
});

describe('copyTables — input checks', () => {
  it('refuses a cross-engine copy', async () => {
    const base = { host: '127.0.0.1', port: 1, user: 'u', database: 'd', tls: { mode: 'disable' as const }, connectTimeoutMs: 100 };
    await expect(
      copyTables({ source: { ...base, engine: 'mysql', label: 'a' }, target: { ...base, engine: 'postgres', label: 'b' }, tables: [], prepMode: 'DO_NOTHING' }),
    ).rejects.toThrow(/one family only/);
  });
});
