/**
 * `promigrate verify` end to end after a real sync and cutover in the sandbox: a MariaDB
 * source and a real target database (sandbox.targetUrl), a local web server as the new tier.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collect, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { waitForJson } from '../helpers/wait-for-file.js';

const mariadb = inject('mariadb');
const SRC_PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const PROJECT = 'verify-e2e';
const ROWS = 30_000;
let admin: Connection;
let app: Server;
let base: string;

const config = (targetDb: string) => `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_verify
  databases: [verify_src]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb
  passwordEnv: TGT_PW
sandbox:
  targetUrl: mysql://${mariadb.adminUser}@127.0.0.1:${mariadb.port}/${targetDb}
  appAddress: 127.0.0.1:${(app.address() as AddressInfo).port}
verify:
  url: http://www.example.com/
  bodyMatch: Shop
  chunkRows: 500
  parallelTables: 2
dns:
  hostedZone: example.com
  record: www.example.com
  newTarget: 198.51.100.7
`;

const cli = (cwd: string, args: string[]): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: SRC_PASSWORD, TGT_PW: mariadb.adminPassword, PROMIGRATE_SANDBOX_SEED: '3' } });

let copies = 0;
/** The migrated workspace with its own copy of the target database. */
async function workspace(): Promise<{ cwd: string; db: string }> {
  const db = `verify_tgt_${++copies}`;
  await admin.query(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`);
  for (const t of ['orders', 'members', 'board']) await admin.query(`CREATE TABLE ${db}.${t} LIKE verify_tgt_0.${t}; INSERT INTO ${db}.${t} SELECT * FROM verify_tgt_0.${t}`);
  const cwd = tempDir();
  cpSync(base, cwd, { recursive: true });
  writeFileSync(join(cwd, 'promigrate.yaml'), config(db));
  return { cwd, db };
}

beforeAll(async () => {
  app = createServer((_req, res) => res.writeHead(200).end('<h1>Shop</h1>'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  admin = await adminConnection(mariadb);
  const hybridbts = readFileSync(new URL('../fixtures/sql/hybridbts-mysql.sql', import.meta.url), 'utf8');
  await admin.query(`DROP DATABASE IF EXISTS verify_src; CREATE DATABASE verify_src; USE verify_src; ${hybridbts}
    CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(40), amount DECIMAL(10,2), note TEXT NULL) DEFAULT CHARSET=utf8mb4;
    INSERT INTO orders SELECT seq, CONCAT('c', seq), seq * 1.25, IF(seq % 7 = 0, NULL, REPEAT('ü', seq % 30)) FROM seq_1_to_${ROWS};
    DROP DATABASE IF EXISTS verify_tgt_0; CREATE DATABASE verify_tgt_0;
    CREATE OR REPLACE USER 'dms_verify'@'%' IDENTIFIED BY '${SRC_PASSWORD}';
    GRANT SELECT ON verify_src.* TO 'dms_verify'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_verify'@'%';`);
  base = tempDir();
  writeFileSync(join(base, 'promigrate.yaml'), config('verify_tgt_0'));
  for (const args of [['assess'], ['provision'], ['sync'], ['cutover', '--ignore-ttl']]) {
    const r = await cli(base, [...args, '--yes']);
    expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
  }
}, 180_000);

afterAll(async () => {
  for (let i = 0; i <= copies; i++) await admin?.query(`DROP DATABASE IF EXISTS verify_tgt_${i}`);
  await admin?.query('DROP DATABASE IF EXISTS verify_src');
  await admin?.end();
  await new Promise((resolve) => app?.close(resolve));
  removeTempDirs();
});

describe('promigrate verify (sandbox, after cutover)', () => {
  it('identical data, DNS and the app: verified; md, json and html reports agree and hold no secret', async () => {
    const { cwd } = await workspace();
    const r = await cli(cwd, ['verify', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('verify: VERIFIED: source and target are identical, DNS and the app check out');
    const dir = join(cwd, '.promigrate/reports');
    const report = JSON.parse(readFileSync(join(dir, 'verify.json'), 'utf8'));
    expect(report).toMatchObject({ verdict: 'verified', scope: 'full', problems: [], data: { identical: 3, different: 0 } });
    expect(report.dns.route53).toEqual({ ok: true, recordSets: ['A 198.51.100.7 (TTL 60)'] });
    expect(report.http.viaDns).toMatchObject({ ok: true, status: 200, via: 'dns', bodyMatched: true });
    expect(report.dms.task.status).toBe('running');
    const orders = report.data.tables.find((t: { table: string }) => t.table === 'orders');
    expect(orders).toMatchObject({ status: 'equal', rows: { source: ROWS, target: ROWS } });
    expect(orders.chunks.total).toBeGreaterThanOrEqual(ROWS / 500);
    const md = readFileSync(join(dir, 'verify.md'), 'utf8');
    const html = readFileSync(join(dir, 'verify.html'), 'utf8');
    expect(md).toContain(`| verify_src.orders | equal | ${ROWS.toLocaleString('en-US')} | ${ROWS.toLocaleString('en-US')} |`);
    expect(html).toContain('VERIFIED: source and target are identical');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link)\b|src="http/);
    for (const text of [md, html, JSON.stringify(report), out]) {
      expect(text).not.toContain(SRC_PASSWORD);
      expect(text).not.toContain(mariadb.adminPassword);
    }
    expect(JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).steps.verify).toMatchObject({ status: 'done', outputs: { verdict: 'verified' } });
  });

  it('a changed and a deleted target row: exit 1, the keys named in the report', async () => {
    const { cwd, db } = await workspace();
    await admin.query(`UPDATE ${db}.orders SET amount = amount + 0.01 WHERE id = 12345; DELETE FROM ${db}.orders WHERE id = ${ROWS}`);
    const r = await cli(cwd, ['verify', '--data-only', '--tables', 'verify_src.orders']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('verify: DIFFERENCES FOUND');
    const report = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/verify.json'), 'utf8'));
    expect(report.data.tables).toHaveLength(1);
    expect(report.data.tables[0].mismatches.changed).toEqual({ count: 1, keys: [['12345']] });
    expect(report.data.tables[0].mismatches.missing).toEqual({ count: 1, keys: [[String(ROWS)]] });
  });

  it('kill -9 mid-verify, then resume: continues from the last checkpointed chunk, same result', async () => {
    const { cwd } = await workspace();
    const state = join(cwd, '.promigrate/state.json');
    const child = spawnCli(['verify', '--data-only', '--tables', 'verify_src.orders'], { cwd, env: { SRC_PW: SRC_PASSWORD, TGT_PW: mariadb.adminPassword } });
    const done = collect(child);
    await waitForJson(state, (s) => (s.steps?.verify?.checkpoints?.data?.tables?.['verify_src.orders']?.chunks ?? 0) >= 10);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const saved = JSON.parse(readFileSync(state, 'utf8')).steps.verify.checkpoints.data.tables['verify_src.orders'];
    expect(saved.chunks).toBeGreaterThanOrEqual(10);

    const resumed = await cli(cwd, ['verify', '--data-only', '--tables', 'verify_src.orders']);
    expect(resumed.code, `${resumed.stderr}${resumed.stdout}`).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/verify.json'), 'utf8'));
    expect(report.data.resumedTables).toBe(1);
    expect(report.data.tables[0]).toMatchObject({ status: 'equal', resumed: true, rows: { source: ROWS, target: ROWS } });
    expect(resumed.stdout).toContain('resumed 1 table(s) from a checkpoint');
  });
});
