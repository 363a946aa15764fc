/**
 * The sandbox full load leaves behind what AWS DMS leaves behind: bare tables (columns and
 * primary key only), each TargetTablePrepMode, table-by-table truncation, and limited LOB
 * mode's cut at LobMaxSize — against the harness's real MariaDB and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyTables } from '../../../src/aws/sandbox/copy/full-load.js';
import { realDataHooks } from '../../../src/aws/sandbox/copy/hooks.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { ConnectionSpec } from '../../../src/db/types.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';

const suffix = () => randomBytes(4).toString('hex');

describe('the sandbox full load is as strict as DMS — MariaDB', () => {
  const server = inject('mariadb');
  const src = `strict_src_${suffix()}`;
  const dst = `strict_dst_${suffix()}`;
  let admin: Connection;
  const spec = (database: string): ConnectionSpec => mariadbSpec(server, { database, label: `database ${database}` });
  const rows = async (sql: string, values: unknown[] = []) => (await admin.query<any[]>(sql, values))[0];

  beforeAll(async () => {
    admin = await adminConnection(server);
    await admin.query(`CREATE DATABASE ${src}; CREATE DATABASE ${dst}; USE ${src};
      CREATE TABLE members (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(80) COLLATE utf8mb4_bin NOT NULL UNIQUE,
        visits MEDIUMINT UNSIGNED NOT NULL DEFAULT 0, seen TIMESTAMP NULL DEFAULT NULL, kind ENUM('a', 'bbb') DEFAULT 'a',
        flag BIT(1), born YEAR, doubled INT AS (visits * 2) STORED, note VARCHAR(20) COMMENT 'a comment',
        KEY by_seen (seen), CONSTRAINT visits_ok CHECK (visits < 1000000)) DEFAULT CHARSET=utf8mb4;
      CREATE TABLE orders (id INT PRIMARY KEY, member_id INT NOT NULL, FOREIGN KEY (member_id) REFERENCES members (id)) ENGINE=InnoDB;
      INSERT INTO members (email, visits, seen, kind, flag, born, note) VALUES
        ('a@x', 3, '2021-01-02 03:04:05', 'bbb', b'1', 1999, 'first'), ('b@x', 0, NULL, 'a', b'0', NULL, NULL);
      INSERT INTO orders VALUES (10, 1), (11, 2);
      CREATE TABLE lobs (id INT PRIMARY KEY, lb LONGBLOB, lt LONGTEXT, t TEXT, b BLOB) DEFAULT CHARSET=utf8mb4;`);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
    await admin.query(`INSERT INTO ${src}.lobs VALUES ?`, [[
      [1, bytes(1500), 'é'.repeat(600), 'x'.repeat(2000), bytes(2000)],
      [2, bytes(1024), 'a'.repeat(512), null, null],
      [3, null, `${'a'.repeat(511)}😀`, null, null],
    ]]);
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${src}; DROP DATABASE IF EXISTS ${dst}`);
    await admin?.end();
  });

  it('creates a missing table with its columns and primary key only, in DMS types, and copies the values', async () => {
    const [members, orders] = await copyTables({
      source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'members' }, { schema: src, table: 'orders' }], prepMode: 'DROP_AND_CREATE',
    });
    expect([members?.rows, orders?.rows]).toEqual([2, 2]);
    const indexes = await rows('SELECT DISTINCT TABLE_NAME AS t, INDEX_NAME AS i FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2', [dst]);
    expect(indexes).toEqual([{ t: 'members', i: 'PRIMARY' }, { t: 'orders', i: 'PRIMARY' }]);
    expect(await rows('SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND CONSTRAINT_TYPE <> ?', [dst, 'PRIMARY KEY'])).toEqual([]);
    const cols = await rows(
      `SELECT COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS n, COLUMN_DEFAULT AS d, EXTRA AS x, COLLATION_NAME AS coll, COLUMN_COMMENT AS cm
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'members' ORDER BY ORDINAL_POSITION`, [dst]);
    expect(cols.map((c: any) => [c.c, c.type, c.n])).toEqual([
      ['id', 'int(11)', 'NO'], ['email', 'varchar(80)', 'NO'], ['visits', 'int(10) unsigned', 'NO'], ['seen', 'datetime', 'YES'],
      ['kind', 'varchar(3)', 'YES'], ['flag', 'tinyint(1)', 'YES'], ['born', 'smallint(6)', 'YES'], ['doubled', 'int(11)', 'YES'],
      ['note', 'varchar(20)', 'YES'],
    ]);
    // No default, AUTO_INCREMENT, generation expression, comment or non-default collation.
    expect(cols.filter((c: any) => (c.d !== null && c.d !== 'NULL') || c.x !== '' || c.cm !== '')).toEqual([]);
    expect(cols.find((c: any) => c.c === 'email').coll).toBe('utf8mb4_general_ci');
    expect((await rows('SELECT ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [dst, 'members']))[0].e).toBe('InnoDB');
    expect(await rows(`SELECT id, email, visits, CAST(seen AS CHAR) AS seen, kind, flag, born, doubled, note FROM ${dst}.members ORDER BY id`)).toEqual([
      { id: 1, email: 'a@x', visits: 3, seen: '2021-01-02 03:04:05', kind: 'bbb', flag: 1, born: 1999, doubled: 6, note: 'first' },
      { id: 2, email: 'b@x', visits: 0, seen: null, kind: 'a', flag: 0, born: null, doubled: 0, note: null },
    ]);
  });

  it('honours each TargetTablePrepMode on an existing table', async () => {
    const table = [{ schema: src, table: 'orders' }];
    const reset = () => admin.query(`DROP TABLE IF EXISTS ${dst}.orders;
      CREATE TABLE ${dst}.orders (id INT PRIMARY KEY, member_id INT NOT NULL, KEY by_member (member_id)); INSERT INTO ${dst}.orders VALUES (99, 7)`);
    const state = async () => ({
      ids: (await rows(`SELECT id FROM ${dst}.orders ORDER BY id`)).map((r: any) => r.id),
      indexes: (await rows('SELECT DISTINCT INDEX_NAME AS i FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY 1', [dst, 'orders'])).map((r: any) => r.i),
    });
    await reset();
    await copyTables({ source: spec(src), target: spec(dst), tables: table, prepMode: 'DO_NOTHING' });
    expect(await state()).toEqual({ ids: [10, 11, 99], indexes: ['by_member', 'PRIMARY'] });
    await reset();
    await copyTables({ source: spec(src), target: spec(dst), tables: table, prepMode: 'TRUNCATE_BEFORE_LOAD' });
    expect(await state()).toEqual({ ids: [10, 11], indexes: ['by_member', 'PRIMARY'] });
    await reset();
    await copyTables({ source: spec(src), target: spec(dst), tables: table, prepMode: 'DROP_AND_CREATE' });
    expect(await state()).toEqual({ ids: [10, 11], indexes: ['PRIMARY'] });
    await admin.query(`DROP TABLE ${dst}.orders`);
    await copyTables({ source: spec(src), target: spec(dst), tables: table, prepMode: 'DO_NOTHING' });
    expect(await state()).toEqual({ ids: [10, 11], indexes: ['PRIMARY'] });
  });

  it('cuts MEDIUM/LONG BLOB and TEXT values at LobMaxSize in limited LOB mode (TEXT and BLOB are no LOBs for DMS)', async () => {
    const [copied] = await copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'lobs' }], prepMode: 'DROP_AND_CREATE', lobMaxSizeKb: 1 });
    expect(copied?.truncatedLobs).toEqual([{ column: 'lb', values: 1, maxBytes: 1024 }, { column: 'lt', values: 2, maxBytes: 1024 }]);
    const sizes = await rows(`SELECT id, LENGTH(lb) AS lb, CHAR_LENGTH(lt) AS lt, RIGHT(lt, 1) AS last, LENGTH(t) AS t, LENGTH(b) AS b FROM ${dst}.lobs ORDER BY id`);
    expect(sizes).toEqual([
      // A LONGTEXT is an NCLOB: 2 bytes a character, so 512 characters fit in 1 KB.
      { id: 1, lb: 1024, lt: 512, last: 'é', t: 2000, b: 2000 },
      { id: 2, lb: 1024, lt: 512, last: 'a', t: null, b: null },
      // The emoji is a surrogate pair: the cut leaves it out whole rather than split it.
      { id: 3, lb: null, lt: 511, last: 'a', t: null, b: null },
    ]);
    const [same] = await rows(`SELECT (SELECT lb FROM ${dst}.lobs WHERE id = 1) = (SELECT LEFT(lb, 1024) FROM ${src}.lobs WHERE id = 1) AS prefix`);
    expect(same.prefix).toBe(1);
  });

  it('copies LOBs whole in full and inline LOB modes', async () => {
    const [copied] = await copyTables({ source: spec(src), target: spec(dst), tables: [{ schema: src, table: 'lobs' }], prepMode: 'DROP_AND_CREATE' });
    expect(copied?.truncatedLobs).toEqual([]);
    const digest = (db: string) => rows(`SELECT id, MD5(lb) AS lb, MD5(lt) AS lt FROM ${db}.lobs ORDER BY id`);
    expect(await digest(dst)).toEqual(await digest(src));
  });
});

describe('the sandbox full load is as strict as DMS — PostgreSQL', () => {
  const server = inject('postgres');
  const src = `strict_src_${suffix()}`;
  const dst = `strict_dst_${suffix()}`;
  const spec = (database: string): ConnectionSpec => ({
    engine: 'postgres', host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword,
    database, tls: { mode: 'disable' }, connectTimeoutMs: 5000, label: `database ${database}`,
  });
  async function sql<T extends pg.QueryResultRow = any>(database: string, text: string): Promise<T[]> {
    const client = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }
  const pub = (...names: string[]) => names.map((table) => ({ schema: 'public', table }));

  beforeAll(async () => {
    await sql('postgres', `CREATE DATABASE ${src}`);
    await sql('postgres', `CREATE DATABASE ${dst}`);
    await sql(src, `
      CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE TABLE parent (id serial PRIMARY KEY, code text NOT NULL UNIQUE DEFAULT 'x', m mood, n int GENERATED ALWAYS AS IDENTITY,
        twice int GENERATED ALWAYS AS (id * 2) STORED, label varchar(10) COLLATE "C", CHECK (length(code) < 50));
      CREATE INDEX parent_label ON parent (label);
      CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id));
      INSERT INTO parent (code, m, label) VALUES ('a', 'sad', 'l1'), ('b', NULL, NULL);
      INSERT INTO child VALUES (1, 1), (2, 2);
      CREATE TABLE lobs (id int PRIMARY KEY, t text, b bytea, j jsonb);
      INSERT INTO lobs VALUES (1, repeat('é', 600), decode(repeat('ab', 1500), 'hex'), '{"k": 1}'),
                              (2, repeat('a', 512), decode(repeat('cd', 1024), 'hex'), NULL);`);
  });

  afterAll(async () => {
    await sql('postgres', `DROP DATABASE IF EXISTS ${src} WITH (FORCE)`);
    await sql('postgres', `DROP DATABASE IF EXISTS ${dst} WITH (FORCE)`);
  });

  it('creates a missing table with its columns and primary key only: user-defined types as character varying, no sequence', async () => {
    const copied = await copyTables({ source: spec(src), target: spec(dst), tables: pub('parent', 'child'), prepMode: 'DROP_AND_CREATE' });
    expect(copied.map((c) => c.rows)).toEqual([2, 2]);
    expect(await sql(dst, "SELECT conrelid::regclass::text AS t, contype FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1")).toEqual([
      { t: 'child', contype: 'p' }, { t: 'parent', contype: 'p' },
    ]);
    expect(await sql(dst, "SELECT indexrelid::regclass::text AS i FROM pg_index WHERE indrelid IN ('parent'::regclass, 'child'::regclass) ORDER BY 1")).toEqual([
      { i: 'child_pkey' }, { i: 'parent_pkey' },
    ]);
    const cols = await sql(dst, `SELECT attname AS c, format_type(atttypid, atttypmod) AS type, attnotnull AS nn, attidentity AS idn, attgenerated AS gen,
        (SELECT count(*)::int FROM pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum) AS defaults, attcollation <> 0 AND attcollation <> 100 AS collated
      FROM pg_attribute a WHERE attrelid = 'parent'::regclass AND attnum > 0 ORDER BY attnum`);
    expect(cols).toEqual([
      { c: 'id', type: 'integer', nn: true, idn: '', gen: '', defaults: 0, collated: false },
      { c: 'code', type: 'text', nn: true, idn: '', gen: '', defaults: 0, collated: false },
      { c: 'm', type: 'character varying', nn: false, idn: '', gen: '', defaults: 0, collated: false },
      { c: 'n', type: 'integer', nn: true, idn: '', gen: '', defaults: 0, collated: false },
      { c: 'twice', type: 'integer', nn: false, idn: '', gen: '', defaults: 0, collated: false },
      { c: 'label', type: 'character varying(10)', nn: false, idn: '', gen: '', defaults: 0, collated: false },
    ]);
    expect(await sql(dst, "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S'")).toEqual([{ n: 0 }]);
    expect(await sql(dst, 'SELECT id, code, m, n, twice, label FROM parent ORDER BY id')).toEqual([
      { id: 1, code: 'a', m: 'sad', n: 1, twice: 2, label: 'l1' }, { id: 2, code: 'b', m: null, n: 2, twice: 4, label: null },
    ]);
  });

  it('truncates table by table: a table another table references fails with PostgreSQL\'s own error, as does dropping it', async () => {
    await sql(dst, 'ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id)');
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: pub('child', 'parent'), prepMode: 'TRUNCATE_BEFORE_LOAD' })).rejects.toThrow(
      `Full load of public.parent from database ${src} to database ${dst} failed: cannot truncate a table referenced in a foreign key constraint`,
    );
    // child was truncated and loaded again before parent failed.
    expect(await sql(dst, 'SELECT count(*)::int AS n FROM child')).toEqual([{ n: 2 }]);
    await expect(copyTables({ source: spec(src), target: spec(dst), tables: pub('parent'), prepMode: 'DROP_AND_CREATE' })).rejects.toThrow(
      /Full load of public\.parent .* failed: cannot drop table parent because other objects depend on it/,
    );
    const again = await copyTables({ source: spec(src), target: spec(dst), tables: pub('child'), prepMode: 'TRUNCATE_BEFORE_LOAD' });
    expect(again[0]?.rows).toBe(2);
  });

  it('cuts text (NCLOB: 2 bytes a character) and bytea at LobMaxSize in limited LOB mode, and copies whole otherwise', async () => {
    const [cut] = await copyTables({ source: spec(src), target: spec(dst), tables: pub('lobs'), prepMode: 'DROP_AND_CREATE', lobMaxSizeKb: 1 });
    expect(cut?.truncatedLobs).toEqual([{ column: 't', values: 1, maxBytes: 1024 }, { column: 'b', values: 1, maxBytes: 1024 }]);
    const sizes = "SELECT id, char_length(t) AS t, octet_length(b) AS b, j::text AS j FROM lobs ORDER BY id";
    expect(await sql(dst, sizes)).toEqual([{ id: 1, t: 512, b: 1024, j: '{"k": 1}' }, { id: 2, t: 512, b: 1024, j: null }]);
    expect(await sql(dst, "SELECT b = decode(repeat('ab', 1024), 'hex') AS prefix FROM lobs WHERE id = 1")).toEqual([{ prefix: true }]);
    const [whole] = await copyTables({ source: spec(src), target: spec(dst), tables: pub('lobs'), prepMode: 'TRUNCATE_BEFORE_LOAD' });
    expect(whole?.truncatedLobs).toEqual([]);
    expect(await sql(dst, sizes)).toEqual(await sql(src, sizes));
  });

  it('answers TestConnection\'s question from the real server: does the endpoint\'s database exist', async () => {
    process.env.PROMIGRATE_TEST_STRICT_PG_PW = server.adminPassword;
    const config = parseConfigText(JSON.stringify({
      project: { name: 'shop' },
      aws: { mode: 'sandbox', region: 'eu-central-1' },
      source: { engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'app', passwordEnv: 'PROMIGRATE_TEST_STRICT_PG_PW', databases: ['shop'] },
      target: { engine: 'postgres', passwordEnv: 'PROMIGRATE_TEST_STRICT_PG_PW' },
      sandbox: { targetUrl: `postgres://${server.adminUser}@${server.host}:${server.port}/${dst}` },
    }), 'test config', 'json');
    const hooks = realDataHooks(config, '/nonexistent-state-dir');
    const ask = (databaseName: string) => hooks.targetDatabaseExists!({ engineName: 'postgres', serverName: server.host, port: server.port, databaseName });
    expect(await ask(src)).toBe(true);
    expect(await ask(`${src}_missing`)).toBe(false);
    expect(hooks.targetDatabaseExists!({ engineName: 'mysql', databaseName: 'x' })).toBeUndefined();
  });
});
