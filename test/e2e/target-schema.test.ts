/**
 * The target schema end to end (issue 15), on both engines, through the built CLI against the
 * sandbox — whose DMS, like real DMS, creates only bare tables (columns + primary key):
 * assess → provision → sync (schema pre-data, full load, indexes in DMS's pause after the
 * full load) → cutover --freeze-writes (foreign keys, triggers, events, positions) → verify.
 * Real servers from the harness: the source on a server of its own (the freeze changes
 * server-wide settings), the target a real database behind sandbox.targetUrl.
 *
 * - With the schema phase: verify finds the schema identical, and an INSERT on the target
 *   without an id gets one above the source's MAX.
 * - Without it (the test-only switch): verify exits 1 naming the missing index and sequence.
 * - kill -9 between schema statements: resumed runs end with the same schema, no duplicate
 *   object and no failed statement in the audit log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { adminConnection, startMariadb } from '../helpers/db/mariadb.js';
import { startPostgres } from '../helpers/db/postgres.js';
import type { DbServer } from '../helpers/db/server.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const SRC_PW = `Pw-${randomBytes(8).toString('hex')}`;
const MYSQL_FIXTURE = readFileSync(new URL('../fixtures/sql/schema-rich-mysql.sql', import.meta.url), 'utf8');
const PG_FIXTURE = ['hybridbts-postgres.sql', 'schema-rich-postgres.sql'].map((f) => readFileSync(new URL(`../fixtures/sql/${f}`, import.meta.url), 'utf8')).join('\n');

let app: Server;
const appPort = () => (app.address() as AddressInfo).port;

interface Target {
  url: string;
  password: string;
  /** Inserts a `members` row on the target without an id; returns the id it got. */
  insertWithoutId(): Promise<number>;
  /** What RDS itself provides without promigrate's schema phase (PostgreSQL: the DBName database). */
  provideDatabase(): Promise<void>;
}

interface Engine {
  name: 'mariadb' | 'postgres';
  /** Findings the fixture carries on purpose (DMS's limits on some column types), accepted. */
  acceptedRisks: string[];
  sourcePort: number;
  sourceDatabase: string;
  freezeUser: string;
  freezePassword: string;
  /** A fresh, empty target for one workspace. */
  newTarget(): Promise<Target>;
  /** The source's MAX of `members.num` (AUTO_INCREMENT / serial). */
  sourceMax(): Promise<number>;
}

function config(e: Engine, project: string, target: Target): string {
  return `project:
  name: ${project}
aws:
  mode: sandbox
source:
  engine: ${e.name}
  host: 127.0.0.1
  port: ${e.sourcePort}
  user: dms_schema
  databases: [${e.sourceDatabase}]
  passwordEnv: SRC_PW
  freezeUser: ${e.freezeUser}
  freezePasswordEnv: FREEZE_PW
  tls: { mode: disable }
target:
  engine: ${e.name}
  passwordEnv: TGT_PW
sandbox:
  targetUrl: ${target.url}
  appAddress: 127.0.0.1:${appPort()}
dns:
  hostedZone: example.com
  record: www.example.com
  newTarget: 198.51.100.7
`;
}

interface AuditLine { step?: string; operation: string; outcome?: string; params?: { statement?: string; sql?: string } }
const auditOf = (cwd: string): AuditLine[] => {
  const file = join(cwd, '.promigrate/audit.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine) : [];
};
const verifyReport = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.promigrate/reports/verify.json'), 'utf8'));

async function workspace(e: Engine, project: string): Promise<{ cwd: string; env: Record<string, string>; target: Target }> {
  const cwd = tempDir();
  const target = await e.newTarget();
  writeFileSync(join(cwd, 'promigrate.yaml'), config(e, project, target));
  return { cwd, target, env: { SRC_PW, TGT_PW: target.password, FREEZE_PW: e.freezePassword, PROMIGRATE_SANDBOX_SEED: '3' } };
}

const run = (cwd: string, args: string[], env: Record<string, string>): Promise<CliResult> => runCli(args, { cwd, env });

const assess = (e: Engine): string[] => ['assess', ...(e.acceptedRisks.length ? ['--accept-risk', ...e.acceptedRisks] : [])];

async function through(cwd: string, env: Record<string, string>, steps: string[][]): Promise<void> {
  for (const args of steps) {
    const r = await run(cwd, [...args, '--yes'], env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
}

beforeAll(async () => {
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Shop</h1>'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => app?.close(resolve));
  removeTempDirs();
});

/**
 * Each run dies after its n-th statement: n = 1 kills at every statement of both phases (dozens
 * of runs), larger n at every n-th — 11 points per engine under `npm run test:crash`; `npm test`
 * samples one of the cheaper points of one engine.
 */
const ENGINES = ['MariaDB', 'PostgreSQL'] as const;
const crashPoints = (ns: number[]) => ENGINES.flatMap((engine) => ns.map((n) => ({ engine, n })));
const CRASHES = crashMatrix('target-schema', [crashPoints([1, 2, 3, 4]), crashPoints([5, 6, 8, 10, 13, 16, 20])], [0, 1]);
// The run without the schema phase (a whole pipeline each): one engine under `npm test`, drawn
// from its seed; both under `npm run test:crash`.
const BARE = crashMatrix('target-schema-bare', [ENGINES], [1]);

function engineSuite(label: (typeof ENGINES)[number], setUp: () => Promise<{ engine: Engine; stop(): Promise<void> }>) {
  describe(`target schema end to end: ${label}`, () => {
    let engine: Engine;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      ({ engine, stop } = await setUp());
    }, 120_000);
    afterAll(async () => stop?.());

    it('sync builds the schema, cutover finishes it from the frozen source, verify finds it identical; an INSERT gets an id above the source\'s', async () => {
      const { cwd, env, target } = await workspace(engine, `schema-${engine.name}`);
      const dry = await run(cwd, ['sync', '--dry-run'], env);
      expect(dry.code, dry.stderr).toBe(0);
      await through(cwd, env, [assess(engine), ['provision']]);
      const plan = await run(cwd, ['sync', '--dry-run'], env);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/CREATE TABLE IF NOT EXISTS/);
      expect(plan.stdout).toMatch(/schema phase post-load/);
      await through(cwd, env, [['sync'], ['cutover', '--freeze-writes', '--ignore-ttl']]);
      const verified = await run(cwd, ['verify', '--yes'], env);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/^ {2}schema: identical — \d+ table\(s\), \d+ view\(s\)\/routine\(s\)\/trigger\(s\)\/event\(s\), \d+ sequence\(s\)$/m);
      const report = verifyReport(cwd);
      expect(report.schema.differences).toEqual([]);
      expect(report.schema.pendingCutover).toEqual([]);
      expect(report.schema.tables).toBeGreaterThan(2);
      expect(report.verdict).toBe('verified');
      const lines = auditOf(cwd).filter((l) => l.operation.startsWith('db:target:'));
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.filter((l) => l.outcome !== 'ok')).toEqual([]);
      expect(lines.some((l) => l.step === 'cutover' && /sequence-position|auto-increment/.test(l.operation))).toBe(true);
      // The app's first write on the new database: no collision, an id past the old ones.
      const max = await engine.sourceMax();
      expect(await target.insertWithoutId()).toBeGreaterThan(max);
      // Done is done: a second cutover does not move the positions again.
      const before = auditOf(cwd).length;
      await through(cwd, env, [['cutover', '--ignore-ttl']]);
      expect(auditOf(cwd).slice(before).filter((l) => l.operation.startsWith('db:target:'))).toEqual([]);
    });

    it.skipIf(!BARE.points.includes(label))(`without the schema phase (test-only switch) verify exits 1 naming the missing index and the sequence (${BARE.label})`, async () => {
      const { cwd, env, target } = await workspace(engine, `bare-${engine.name}`);
      const bare = { ...env, PROMIGRATE_TEST_SKIP_SCHEMA: '1' };
      await target.provideDatabase();
      await through(cwd, bare, [assess(engine), ['provision'], ['sync'], ['cutover', '--ignore-ttl']]);
      const r = await run(cwd, ['verify', '--yes'], bare);
      expect(r.code, r.stderr).toBe(1);
      const report = verifyReport(cwd);
      expect(report.verdict).toBe('differences');
      const objects = report.schema.differences.map((d: { object: string }) => d.object).join('\n');
      expect(objects).toMatch(/^index /m);
      expect(objects).toMatch(/^sequence .*members/m);
      expect(r.stderr).toMatch(/Schema: index \S+ is missing on the target/);
      // All three reports carry it.
      const md = readFileSync(join(cwd, '.promigrate/reports/verify.md'), 'utf8');
      expect(md).toMatch(/## Schema\n\n.*: \d+ difference\(s\)\./);
      expect(md).toMatch(/^- index \S+ is missing on the target/m);
      expect(md).toMatch(/^- sequence .*members.* (is missing|is behind) on the target/m);
      const html = readFileSync(join(cwd, '.promigrate/reports/verify.html'), 'utf8');
      expect(html).toContain('<h2>Schema</h2>');
      expect(html).toMatch(/<li>index \S+ is missing on the target/);
    });

    const points = CRASHES.points.filter((p) => p.engine === label).map((p) => p.n);
    it.skipIf(points.length === 0)(`kill -9 after schema statement N (sync and cutover), resume → identical schema, no failed statement (${CRASHES.label})`, async () => {
      for (const n of points) {
        const { cwd, env } = await workspace(engine, `crash-${engine.name}-${n}`);
        await through(cwd, env, [assess(engine), ['provision']]);
        let kills = 0;
        for (const args of [['sync'], ['cutover', '--freeze-writes', '--ignore-ttl']]) {
          // Each run dies after its n-th statement, until one has fewer than n left to run.
          for (let runs = 0; ; runs++) {
            expect(runs, 'every resumed run gets further').toBeLessThan(100);
            const r = await run(cwd, [...args, '--yes'], { ...env, PROMIGRATE_CRASH_AFTER_DDL: String(n) });
            if (r.signal === 'SIGKILL') {
              kills++;
              continue;
            }
            expect(r.code, `${args.join(' ')} after ${kills} kill(s): ${r.stderr}`).toBe(0);
            break;
          }
        }
        expect(kills, `n=${n}`).toBeGreaterThan(0);
        await through(cwd, env, [['verify']]);
        expect(verifyReport(cwd).schema.differences).toEqual([]);
        const failed = auditOf(cwd).filter((l) => l.operation.startsWith('db:target:') && l.outcome === 'error');
        expect(failed).toEqual([]);
      }
    }, 1_200_000);
  });
}

engineSuite('MariaDB', async () => {
  const server = await startMariadb();
  const admin = await adminConnection(server);
  // The fixture's definer stands for the application's own user.
  await admin.query(`CREATE USER 'shop_owner'@'localhost'; CREATE DATABASE shop_schema; GRANT ALL ON shop_schema.* TO 'shop_owner'@'localhost';
    USE shop_schema; ${MYSQL_FIXTURE}`);
  await admin.query(`CREATE USER 'dms_schema'@'%' IDENTIFIED BY '${SRC_PW}';
    GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON shop_schema.* TO 'dms_schema'@'%';
    GRANT SELECT ON mysql.proc TO 'dms_schema'@'%';
    GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_schema'@'%';`);
  let targets = 0;
  const engine: Engine = {
    name: 'mariadb',
    acceptedRisks: [],
    sourcePort: server.port,
    sourceDatabase: 'shop_schema',
    freezeUser: server.adminUser,
    freezePassword: server.adminPassword,
    async newTarget() {
      const database = `shop_schema_target_${++targets}`;
      await admin.query(`CREATE DATABASE ${database}`);
      return {
        url: `mysql://${server.adminUser}@127.0.0.1:${server.port}/${database}`,
        password: server.adminPassword,
        provideDatabase: async () => undefined, // the stand-in database exists already
        async insertWithoutId() {
          const [res] = await admin.query<ResultSetHeader>(`INSERT INTO ${database}.members (id, pass, name) VALUES ('new1', 'pw', 'New')`);
          return res.insertId;
        },
      };
    },
    async sourceMax() {
      const [[row]] = await admin.query<RowDataPacket[]>('SELECT MAX(num) AS m FROM shop_schema.members');
      return Number(row!.m);
    },
  };
  return {
    engine,
    async stop() {
      await admin.end();
      await server.stop();
    },
  };
});

engineSuite('PostgreSQL', async () => {
  const server = await startPostgres();
  const sourceDatabase = 'shop_schema';
  const connect = async (s: DbServer, database: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port: s.port, user: s.adminUser, password: s.adminPassword, database });
    await c.connect();
    return c;
  };
  const admin = await connect(server, 'postgres');
  await admin.query(`CREATE DATABASE ${sourceDatabase}`);
  await admin.query(`CREATE ROLE dms_schema LOGIN REPLICATION PASSWORD '${SRC_PW}'`);
  await admin.end();
  const shop = await connect(server, sourceDatabase);
  await shop.query(PG_FIXTURE);
  const schemas = (await shop.query<{ n: string }>("SELECT nspname AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")).rows.map((r) => r.n);
  for (const n of schemas) await shop.query(`GRANT USAGE ON SCHEMA "${n}" TO dms_schema; GRANT SELECT ON ALL TABLES IN SCHEMA "${n}" TO dms_schema; GRANT SELECT ON ALL SEQUENCES IN SCHEMA "${n}" TO dms_schema`);
  await shop.end();
  // One target server, emptied for each workspace (the tests run one after the other): the
  // sandbox's PostgreSQL target keeps the database's name, as RDS does, and the schema phase
  // creates it there (CREATE DATABASE).
  let targetServer: DbServer | undefined;
  const engine: Engine = {
    name: 'postgres',
    acceptedRisks: [
      'column.unsupported-type:crm.bookings.during', 'column.unsupported-type:crm.bookings.score', 'column.unsupported-type:crm.contacts.address',
      'column.unsupported-type:crm.tickets.channel', 'column.unsupported-type:public.orders.client_ip', 'column.unsupported-type:public.orders.status',
      'table.no-primary-key:public.access_log',
    ],
    sourcePort: server.port,
    sourceDatabase,
    freezeUser: server.adminUser,
    freezePassword: server.adminPassword,
    async newTarget() {
      targetServer ??= await startPostgres();
      const t = targetServer;
      const maintenance = await connect(t, 'postgres');
      await maintenance.query(`DROP DATABASE IF EXISTS ${sourceDatabase} WITH (FORCE)`);
      await maintenance.end();
      return {
        url: `postgres://${t.adminUser}@127.0.0.1:${t.port}/postgres`,
        password: t.adminPassword,
        async provideDatabase() {
          const c = await connect(t, 'postgres');
          await c.query(`CREATE DATABASE ${sourceDatabase}`);
          await c.end();
        },
        async insertWithoutId() {
          const c = await connect(t, sourceDatabase);
          try {
            return Number((await c.query("INSERT INTO public.members (id, pass, name) VALUES ('new1', 'pw', 'New') RETURNING num")).rows[0].num);
          } finally {
            await c.end();
          }
        },
      };
    },
    async sourceMax() {
      const c = await connect(server, sourceDatabase);
      try {
        return Number((await c.query('SELECT MAX(num) AS m FROM public.members')).rows[0].m);
      } finally {
        await c.end();
      }
    },
  };
  return {
    engine,
    async stop() {
      await targetServer?.stop();
      await server.stop();
    },
  };
});
