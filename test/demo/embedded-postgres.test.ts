import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../src/db/postgres.js';
import type { ConnectionSpec } from '../../src/db/types.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/demo/embedded-postgres.js';
import { LOB_MIN_BYTES, SHOP_ROWS, SHOP_TABLES, SHOP_TOTAL_ROWS, pgTarget, pgliteTarget, seedShop, shopSeedVersion } from '../../src/demo/seed-shop.js';
import { checkPostgresSource } from '../../src/steps/assess/postgres-checks.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** What the demo's source needs to pass the DMS settings checks. */
const SETTINGS = { wal_level: 'logical' };

const specOf = (s: EmbeddedPostgres): ConnectionSpec => ({
  engine: 'postgres',
  host: s.host,
  port: s.port,
  user: s.user,
  password: 'anything',
  database: s.database,
  tls: { mode: 'disable' },
  connectTimeoutMs: 5_000,
  label: `demo source ${s.user}@${s.host}:${s.port}/${s.database}`,
});

async function client(s: EmbeddedPostgres): Promise<pg.Client> {
  const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: 'ignored', database: s.database });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

const count = async (c: pg.Client, table: string): Promise<number> => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? -1;

function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** One template cache for the file: initdb runs once. */
const cache = tempDir('promigrate-pglite-cache-');
afterAll(() => removeTempDirs());

describe('embedded PostgreSQL (PGlite over the wire protocol) with the demo shop', () => {
  const dataDir = join(tempDir('promigrate-demo-db-'), 'source');
  let server: EmbeddedPostgres;
  let seedMs = 0;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    const started = performance.now();
    server = await startEmbeddedPostgres({ dataDir, templateCache: cache, settings: SETTINGS });
    const seeded = await seedShop(pgliteTarget(server.db));
    expect(seeded.seeded).toBe(true);
    seedMs = performance.now() - started;
    clients.push(await client(server), await client(server));
  });

  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await server?.stop();
  });

  it('listens on a free loopback port and accepts any user name and password', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`);
    const other = new pg.Client({ host: server.host, port: server.port, user: 'shop_app', password: 'wrong', database: 'shop' });
    await other.connect();
    const { rows } = await other.query('SELECT current_user AS u, current_database() AS d');
    await other.end();
    expect(rows[0]).toEqual({ u: 'postgres', d: 'postgres' });
  });

  it(`holds the shop: ${SHOP_TOTAL_ROWS} rows in ${SHOP_TABLES.length} tables, read over two connections at once`, async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    // Half the tables on each connection; the two connections at once, each one query at a time.
    const countAll = async (c: pg.Client, tables: string[]) => {
      const out: Array<[string, number]> = [];
      for (const t of tables) out.push([t, await count(c, t)]);
      return out;
    };
    const halves = await Promise.all([countAll(a, SHOP_TABLES.filter((_, i) => i % 2 === 0)), countAll(b, SHOP_TABLES.filter((_, i) => i % 2 === 1))]);
    expect(Object.fromEntries(halves.flat())).toEqual(SHOP_ROWS);
    expect(SHOP_TOTAL_ROWS).toBe(100_000);
    console.info(`[demo db] start + seed of ${SHOP_TOTAL_ROWS} rows: ${Math.round(seedMs)} ms; rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  });

  it('has a table without a primary key (with duplicate rows) and LOB values over 32 KB', async () => {
    const [a] = clients as [pg.Client];
    const { rows: keys } = await a.query("SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'access_log'::regclass AND (indisprimary OR indisunique)");
    expect(keys[0].n).toBe(0);
    const { rows: dup } = await a.query('SELECT count(*)::int - (SELECT count(*)::int FROM (SELECT DISTINCT * FROM access_log) d) AS n FROM access_log');
    expect(dup[0].n).toBeGreaterThan(50);
    const { rows: lobs } = await a.query(
      `SELECT (SELECT count(*)::int FROM board WHERE octet_length(content) > $1) AS posts,
              (SELECT count(*)::int FROM products WHERE octet_length(image) > $1) AS images`,
      [LOB_MIN_BYTES - 1],
    );
    expect(lobs[0]).toEqual({ posts: 30, images: 40 });
  });

  it('keeps the HYBRID-BTS sample rows and the legacy quirks (text regist_day, non-unique members.id)', async () => {
    const [a] = clients as [pg.Client];
    const { rows } = await a.query("SELECT trim(id) AS id, trim(name) AS name, trim(regist_day) AS day FROM members WHERE num = 1");
    expect(rows[0]).toEqual({ id: 'hjs6558', name: '황재성', day: '2021-10-25 (12:09)' });
    const { rows: dups } = await a.query('SELECT count(*)::int AS n FROM (SELECT id FROM members GROUP BY id HAVING count(*) > 1) d');
    expect(dups[0].n).toBeGreaterThan(0);
    const { rows: totals } = await a.query('SELECT count(*)::int AS n FROM orders o JOIN order_totals t USING (id) WHERE o.total <> t.total');
    expect(totals[0].n).toBe(0);
  });

  it('seeding a seeded database is a no-op, also over the wire', async () => {
    const [a] = clients as [pg.Client];
    expect(await shopSeedVersion(pgTarget(a))).toBe(1);
    const again = await seedShop(pgTarget(a));
    expect(again).toMatchObject({ seeded: false, version: 1 });
    expect(await count(a, 'order_items')).toBe(SHOP_ROWS.order_items);
  });

  it('runs interleaved statements of several clients correctly', async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    const c = await client(server);
    // Each client runs its own statements one after another; the three run at once.
    const run = async (n: number, one: (i: number) => Promise<boolean>) => {
      let ok = 0;
      for (let i = 1; i <= n; i++) if (await one(i)) ok++;
      return ok;
    };
    try {
      const results = await Promise.all([
        run(100, (i) => a.query('SELECT $1::int * 2 AS v', [i]).then((r) => r.rows[0].v === i * 2)),
        run(100, (i) => b.query('SELECT num AS v FROM members WHERE num = $1', [i]).then((r) => r.rows[0].v === i)),
        run(100, (i) => c.query("SELECT $1::text || '!' AS v", [`s${i}`]).then((r) => r.rows[0].v === `s${i}!`)),
      ]);
      expect(results).toEqual([100, 100, 100]);
    } finally {
      await c.end();
    }
  });

  it("holds other clients back while one is inside a transaction, and they never see its uncommitted rows", async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    await a.query('BEGIN');
    await a.query("INSERT INTO access_log (logged_at, method, path, status) VALUES (now(), 'GET', '/tx-test', 200)");
    let seen: number | undefined;
    const waiting = count(b, 'access_log').then((n) => (seen = n));
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toBeUndefined();
    await a.query('ROLLBACK');
    await waiting;
    expect(seen).toBe(SHOP_ROWS.access_log);
  });

  it('discards session state left by clients that have gone', async () => {
    const c = await client(server);
    await c.query("SET search_path = pg_catalog; SET TimeZone = 'Asia/Seoul'");
    await c.end();
    // The other clients are still connected (they share the session): close them first.
    for (const x of clients.splice(0)) await x.end();
    await new Promise((r) => setTimeout(r, 100));
    const d = await client(server);
    clients.push(d);
    const { rows } = await d.query("SELECT current_setting('search_path') AS path, current_setting('TimeZone') AS tz");
    expect(rows[0]).toEqual({ path: 'public', tz: 'UTC' });
    clients.push(await client(server));
  });

  it("is read by the PostgreSQL adapter's inventory, with a constant number of queries", async () => {
    const db = await connectPostgres(specOf(server));
    try {
      const inv = await db.inventory([server.database]);
      expect(inv.version).toMatchObject({ flavor: 'postgres', major: 18 });
      expect(inv.schemas).toEqual(['public']);
      expect(inv.tables.map((t) => t.name).sort()).toEqual([...SHOP_TABLES].sort());
      expect(inv.totals.rows).toBe(SHOP_TOTAL_ROWS);
      const table = (name: string) => inv.tables.find((t) => t.name === name);
      expect(table('access_log')?.primaryKey).toBeUndefined();
      expect(table('order_items')?.primaryKey).toEqual(['order_id', 'product_id']);
      expect(table('board')?.columns.find((c) => c.name === 'content')?.isLob).toBe(true);
      expect(table('products')?.columns.find((c) => c.name === 'image')).toMatchObject({ dataType: 'bytea', isLob: true });
      expect(inv.views).toEqual([{ schema: 'public', name: 'order_totals' }]);
      expect(inv.triggers).toEqual([{ schema: 'public', table: 'order_items', name: 'order_items_total' }]);
      expect(inv.routines).toEqual([{ schema: 'public', name: 'recalc_order_total', type: 'FUNCTION' }]);
      expect(inv.foreignKeys).toHaveLength(5);
      expect(db.queryCount).toBe(8);
    } finally {
      await db.close();
    }
  });

  it('gives the assessment real findings: no primary key, LOBs over the limit; nothing fails', async () => {
    const db = await connectPostgres(specOf(server));
    try {
      const inv = await db.inventory([server.database]);
      const options = { lobMode: 'limited', migrationUser: 'postgres' } as const;
      const strict = await checkPostgresSource(db, inv, { ...options, lobMaxSizeKb: 32 });
      const blockers = strict.filter((f) => f.severity === 'blocker').map((f) => f.id).sort();
      expect(blockers).toEqual([
        'column.lob-truncated:public.board.content',
        'column.lob-truncated:public.products.image',
        'table.no-primary-key:public.access_log',
      ]);
      const roomy = await checkPostgresSource(db, inv, { ...options, lobMaxSizeKb: 256 });
      expect(roomy.filter((f) => f.severity === 'blocker').map((f) => f.id)).toEqual(['table.no-primary-key:public.access_log']);
      expect(roomy.map((f) => f.id)).toContain('postgres.lob-columns');
    } finally {
      await db.close();
    }
  });

  it('starts a second, in-memory server from the cached template next to the first', async () => {
    const target = await startEmbeddedPostgres({ templateCache: cache });
    try {
      expect(target.port).not.toBe(server.port);
      const c = await client(target);
      expect(await shopSeedVersion(pgTarget(c))).toBeUndefined();
      expect((await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n).toBe(0);
      await c.end();
    } finally {
      await target.stop();
    }
  });

  it('stops idempotently, releases the port, and reopens the data dir with the data (once at a time)', async () => {
    const port = server.port;
    const c = clients[0] as pg.Client;
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(await portIsFree(port)).toBe(true);
    await expect(c.query('SELECT 1')).rejects.toThrow();
    clients.splice(0);

    server = await startEmbeddedPostgres({ dataDir, templateCache: cache, settings: SETTINGS });
    await expect(startEmbeddedPostgres({ dataDir, templateCache: cache })).rejects.toThrow(/is open in another process/);
    const again = await seedShop(pgliteTarget(server.db));
    expect(again.seeded).toBe(false);
    const d = await client(server);
    clients.push(d);
    expect(await count(d, 'members')).toBe(SHOP_ROWS.members);
    expect((await d.query("SELECT current_setting('wal_level') AS w")).rows[0].w).toBe('logical');
  });
});

/**
 * A script (bundled once) that starts an embedded server on the data dir argv[2], makes a table,
 * prints its port and keeps serving — or, with argv[4] = 'exit', calls process.exit(0).
 */
let holdServer: Promise<string> | undefined;
function holdServerScript(): Promise<string> {
  holdServer ??= (async () => {
    const dir = join(REPO, 'node_modules', '.cache', 'promigrate-demo-test');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'hold-server.mjs');
    const contents = [
      "import { startEmbeddedPostgres } from './src/demo/embedded-postgres.ts';",
      'const s = await startEmbeddedPostgres({ dataDir: process.argv[2], templateCache: process.argv[3] });',
      "await s.db.exec('CREATE TABLE IF NOT EXISTS kept (x int); INSERT INTO kept VALUES (1)');",
      'console.log(JSON.stringify({ port: s.port }));',
      "if (process.argv[4] === 'exit') process.exit(0);",
    ].join('\n');
    await build({
      stdin: { contents, resolveDir: REPO, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: script,
      logLevel: 'silent',
    });
    return script;
  })();
  return holdServer;
}

describe('embedded PostgreSQL in a process that gets Ctrl-C', () => {
  it('stops its servers and dies of SIGINT; the data dir reopens', async () => {
    const script = await holdServerScript();
    const dataDir = join(tempDir('promigrate-demo-db-'), 'pg');
    const child = spawn(process.execPath, [script, dataDir, cache], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = /\{"port":(\d+)\}/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
    });
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    c.on('error', () => undefined);
    await c.connect();
    expect((await c.query('SELECT count(*)::int AS n FROM kept')).rows[0].n).toBe(1);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill("SIGINT");
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
    await c.end().catch(() => undefined);
    expect(await portIsFree(port)).toBe(true);

    const reopened = await startEmbeddedPostgres({ dataDir, templateCache: cache });
    try {
      expect((await reopened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kept')).rows[0]?.n).toBe(1);
    } finally {
      await reopened.stop();
    }
  });

  it('releases the data-dir lock when the process exits without stopping', async () => {
    const script = await holdServerScript();
    const dataDir = join(tempDir('promigrate-demo-db-'), 'pg');
    const child = spawn(process.execPath, [script, dataDir, cache, 'exit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  });
});
