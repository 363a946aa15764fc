import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const HYBRIDBTS_MYSQL = readFileSync(new URL('../fixtures/sql/hybridbts-mysql.sql', import.meta.url), 'utf8');
const HYBRIDBTS_PG = readFileSync(new URL('../fixtures/sql/hybridbts-postgres.sql', import.meta.url), 'utf8');
const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const mariadb = inject('mariadb');
const postgres = inject('postgres');

function configFor(engine: 'mariadb' | 'postgres', port: number, database: string, user = 'dms_e2e'): string {
  return `project:
  name: assess-e2e
aws:
  mode: sandbox
source:
  engine: ${engine}
  host: 127.0.0.1
  port: ${port}
  user: ${user}
  databases: [${database}]
  passwordEnv: SRC_PW
  tls:
    mode: disable
dns:
  hostedZone: example.com
  record: www.example.com
`;
}

function workspace(config: string): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'promigrate.yaml'), config);
  return cwd;
}

const assess = (cwd: string, args: string[] = [], env: Record<string, string | undefined> = { SRC_PW: PASSWORD }): Promise<CliResult> =>
  runCli(['assess', ...args], { cwd, env });

/** Every file promigrate wrote under the state dir, and its output, must be free of the password. */
function expectNoSecret(cwd: string, result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of existsSync(join(cwd, '.promigrate')) ? walk(join(cwd, '.promigrate')) : []) {
    expect(readFileSync(file, 'utf8'), file).not.toContain(PASSWORD);
  }
}

beforeAll(async () => {
  const admin = await adminConnection(mariadb);
  try {
    await admin.query(`DROP DATABASE IF EXISTS shop_e2e; CREATE DATABASE shop_e2e; USE shop_e2e; ${HYBRIDBTS_MYSQL}`);
    await admin.query(`CREATE OR REPLACE USER 'dms_e2e'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_e2e.* TO 'dms_e2e'@'%';
      GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_e2e'@'%';
      CREATE OR REPLACE USER 'weak_e2e'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_e2e.* TO 'weak_e2e'@'%';`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.adminUser, password: postgres.adminPassword, database: 'postgres' });
  await client.connect();
  try {
    await client.query('DROP DATABASE IF EXISTS shop_e2e');
    await client.query('CREATE DATABASE shop_e2e');
    await client.query(`DROP ROLE IF EXISTS dms_e2e; CREATE ROLE dms_e2e LOGIN REPLICATION SUPERUSER PASSWORD '${PASSWORD}'`);
  } finally {
    await client.end();
  }
  const shop = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.adminUser, password: postgres.adminPassword, database: 'shop_e2e' });
  await shop.connect();
  try {
    await shop.query(HYBRIDBTS_PG);
  } finally {
    await shop.end();
  }
});
afterAll(removeTempDirs);

describe('promigrate assess against a real MariaDB source', () => {
  it('a ready source: exit 0, the report on stdout (--json) and in reports/, no password anywhere', async () => {
    const cwd = workspace(configFor('mariadb', mariadb.port, 'shop_e2e'));
    const result = await assess(cwd, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.summary.verdict).toBe('ready');
    expect(report.inventory.tables.map((t: { name: string }) => t.name).sort()).toEqual(['board', 'members']);
    expect(report.source.label).toBe(`source database dms_e2e@127.0.0.1:${mariadb.port}/shop_e2e`);
    expect(report.aws.record).toMatchObject({ type: 'A', ttl: 3600 });
    const saved = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/assess.json'), 'utf8'));
    expect(saved.summary).toEqual(report.summary);
    expect(readFileSync(join(cwd, '.promigrate/reports/assess.md'), 'utf8')).toContain('| shop_e2e.members |');
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.steps.assess).toMatchObject({ status: 'done', outputs: { verdict: 'ready', suggestedDmsInstanceClass: 'dms.t3.medium' } });
    expectNoSecret(cwd, result);
  });

  it('a user without replication privileges: exit 1, the blockers named, a GRANT script with --fix-script', async () => {
    const cwd = workspace(configFor('mariadb', mariadb.port, 'shop_e2e', 'weak_e2e'));
    const result = await assess(cwd, ['--fix-script', 'fixes.txt']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/BLOCKED — \d+ blocker/);
    expect(result.stderr).toContain('mysql.privilege.');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const fixes = readFileSync(join(cwd, 'fixes.txt'), 'utf8');
    expect(fixes).toMatch(/GRANT .*REPLICATION SLAVE.* TO 'weak_e2e'@'%'/);
    expect(fixes).toContain('promigrate never changes the source itself');
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.steps.assess.status).toBe('failed');
    expectNoSecret(cwd, result);
  });

  it('--accept-risk for every blocker lets it pass, recorded in state and the report', async () => {
    const cwd = workspace(configFor('mariadb', mariadb.port, 'shop_e2e', 'weak_e2e'));
    const first = JSON.parse((await assess(cwd, ['--json'])).stdout.trim().split('\n').pop()!);
    const blockers: string[] = first.summary.unacceptedBlockers;
    expect(blockers.length).toBeGreaterThan(0);
    const accepted = await assess(cwd, ['--json', '--accept-risk', ...blockers]);
    expect(accepted.code, accepted.stderr).toBe(0);
    const report = JSON.parse(accepted.stdout.trim().split('\n').pop()!);
    expect(report.summary).toMatchObject({ verdict: 'ready-with-accepted-risks', acceptedRisks: blockers, unacceptedBlockers: [] });
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.acceptedRisks).toEqual(blockers);
  });

  it.each([
    ['a wrong password', { SRC_PW: 'not-the-password' }, 'dms_e2e', /password|access denied/i],
    ['a missing password variable', { SRC_PW: undefined }, 'dms_e2e', /SRC_PW is not set/],
    ['an unknown database', { SRC_PW: PASSWORD }, 'dms_e2e', /no_such_db.*(does not exist|may not use)/i],
  ] as const)('%s: exit 2, one sentence, no stack trace, no report written', async (_name, env, user, says) => {
    const db = _name === 'an unknown database' ? 'no_such_db' : 'shop_e2e';
    const cwd = workspace(configFor('mariadb', mariadb.port, db, user));
    const result = await assess(cwd, [], env);
    expect(result.code).toBe(2);
    const [first, ...rest] = result.stderr.trim().split('\n');
    expect(first).toMatch(/^error: /);
    expect(first).toMatch(says);
    expect(rest.length, 'one sentence and one hint').toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, '.promigrate/reports'))).toBe(false);
    expect(JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).steps.assess.status).toBe('failed');
    expectNoSecret(cwd, result);
  });

  it('nothing listening on the port: exit 2 naming host and port', async () => {
    const { freePort } = await import('../helpers/db/server.js');
    const cwd = workspace(configFor('mariadb', await freePort(), 'shop_e2e'));
    const result = await assess(cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('127.0.0.1');
  });

  it('reaches the source through source.connectVia (an SSH tunnel or VPN address)', async () => {
    // host is what DMS will use from inside the VPC (unreachable from here); connectVia is
    // where promigrate itself connects.
    const config = configFor('mariadb', 3306, 'shop_e2e').replace(
      '  host: 127.0.0.1\n  port: 3306\n',
      `  host: 10.255.255.1\n  port: 3306\n  connectVia: { host: 127.0.0.1, port: ${mariadb.port} }\n  connectTimeoutMs: 2000\n`,
    );
    expect(config).toContain('connectVia');
    const cwd = workspace(config);
    const result = await assess(cwd, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.source.label).toBe(`source database dms_e2e@127.0.0.1:${mariadb.port}/shop_e2e`);
  });

  it('--dry-run shows the plan and connects to nothing, writes nothing', async () => {
    const cwd = workspace(configFor('mariadb', mariadb.port, 'shop_e2e'));
    const result = await assess(cwd, ['--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(plan) would check source: connect to mariadb');
    expect(readdirSync(cwd)).toEqual(['promigrate.yaml']);
  });
});

describe('promigrate assess against a real PostgreSQL source', () => {
  it('inventories the shop and reports what DMS cannot carry', async () => {
    const cwd = workspace(configFor('postgres', postgres.port, 'shop_e2e'));
    const result = await assess(cwd, ['--json']);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.source.engine).toBe('postgres');
    expect(report.inventory.tables.length).toBeGreaterThanOrEqual(4);
    // The fixture carries an ENUM, an INET column and a table without a primary key.
    expect(report.summary.unacceptedBlockers.sort()).toEqual([
      'column.unsupported-type:public.orders.client_ip',
      'column.unsupported-type:public.orders.status',
      'table.no-primary-key:public.access_log',
    ]);
    expect(report.findings.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['postgres.logical-decoding-plugin', 'aws.identity']));
    expect(result.code).toBe(1);
    expectNoSecret(cwd, result);
  });
});
