/**
 * The write freeze is in the audit log like an AWS call: `cutover --freeze-writes` leaves a
 * line for the freeze, `rollback` one for lifting it, and a refused freeze an error line —
 * with the statements, never a password. The built CLI against the sandbox after a real sync;
 * the source is a MariaDB server of this file's own (the freeze sets a global read_only).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { adminConnection, startMariadb } from '../helpers/db/mariadb.js';
import type { DbServer } from '../helpers/db/server.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const SRC_PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;

let server: DbServer;
let admin: Connection;
let app: Server;
let base: string;

function config(freezeUser: string, freezePasswordEnv: string): string {
  return `project:
  name: freeze-audit
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${server.port}
  user: dms_fa
  databases: [shop]
  passwordEnv: SRC_PW
  freezeUser: ${freezeUser}
  freezePasswordEnv: ${freezePasswordEnv}
  tls: { mode: disable }
target:
  engine: mariadb
  passwordEnv: ADMIN_PW
sandbox:
  targetUrl: mysql://${server.adminUser}@127.0.0.1:${server.port}/shop_target
  appAddress: 127.0.0.1:${(app.address() as AddressInfo).port}
verify:
  url: http://www.example.com/
  bodyMatch: Shop
dns:
  hostedZone: example.com
  record: www.example.com
  newTarget: alias:shop-alb-123456789.us-east-1.elb.amazonaws.com
`;
}

const cli = (cwd: string, args: string[]): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: SRC_PASSWORD, ADMIN_PW: server.adminPassword, PROMIGRATE_SANDBOX_SEED: '5' } });

interface Line { step?: string; operation: string; params?: { source?: string; statements?: string[] }; outcome: string; error?: string; callId?: string }
const auditText = (cwd: string) => readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8');
const dbLines = (cwd: string): Line[] =>
  auditText(cwd).trim().split('\n').map((l) => JSON.parse(l) as Line).filter((e) => e.operation.startsWith('db:'));

function workspace(yaml: string): string {
  const cwd = tempDir();
  cpSync(base, cwd, { recursive: true });
  writeFileSync(join(cwd, 'promigrate.yaml'), yaml);
  return cwd;
}

beforeAll(async () => {
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Shop</h1>'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  server = await startMariadb();
  admin = await adminConnection(server);
  await admin.query(`CREATE DATABASE shop; CREATE DATABASE shop_target; USE shop;
    CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, amount DECIMAL(10,2));
    INSERT INTO orders (amount) SELECT seq FROM seq_1_to_20;
    CREATE USER 'dms_fa'@'%' IDENTIFIED BY '${SRC_PASSWORD}';
    GRANT SELECT ON shop.* TO 'dms_fa'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_fa'@'%';`);
  base = tempDir();
  writeFileSync(join(base, 'promigrate.yaml'), config(server.adminUser, 'ADMIN_PW'));
  for (const step of ['assess', 'provision', 'sync']) {
    const r = await cli(base, [step, '--yes']);
    expect(r.code, `${step}: ${r.stderr}`).toBe(0);
  }
}, 180_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
  await new Promise((resolve) => app?.close(resolve));
  removeTempDirs();
});

describe('the write freeze in the audit log', () => {
  it('cutover --freeze-writes audits the freeze, rollback the unfreeze: statements, outcome, no password', async () => {
    const cwd = workspace(config(server.adminUser, 'ADMIN_PW'));
    try {
      const r = await cli(cwd, ['cutover', '--yes', '--freeze-writes', '--ignore-ttl']);
      expect(r.code, r.stderr).toBe(0);
      const [frozen, ...rest] = dbLines(cwd);
      expect(rest).toEqual([]);
      expect(frozen).toMatchObject({ step: 'cutover', operation: 'db:source:freeze-writes', outcome: 'ok' });
      expect(frozen!.params!.source).toBe(`source database ${server.adminUser}@127.0.0.1:${server.port}/shop`);
      expect(frozen!.params!.statements).toEqual(['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON']);
      expect(frozen!.callId).toMatch(/^[0-9a-f-]{36}$/);

      const back = await cli(cwd, ['rollback', '--yes']);
      expect(back.code, back.stderr).toBe(0);
      const lines = dbLines(cwd);
      expect(lines.map((e) => e.operation)).toEqual(['db:source:freeze-writes', 'db:source:unfreeze-writes']);
      expect(lines[1]).toMatchObject({ step: 'cutover', outcome: 'ok', params: { statements: ['SET GLOBAL read_only = OFF'], lifted: true } });
      const text = auditText(cwd);
      expect(text).not.toContain(server.adminPassword);
      expect(text).not.toContain(SRC_PASSWORD);
      expect(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).not.toContain(server.adminPassword);
    } finally {
      await admin.query('SET GLOBAL read_only = OFF');
    }
  });

  it('a freeze the server refuses is an error line (what was attempted, and why)', async () => {
    // The migration user may not SET GLOBAL: the freeze fails before anything was frozen.
    const cwd = workspace(config('dms_fa', 'SRC_PW'));
    const r = await cli(cwd, ['cutover', '--yes', '--freeze-writes', '--ignore-ttl']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('may not set read_only');
    const lines = dbLines(cwd);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ operation: 'db:source:freeze-writes', outcome: 'error', params: { statements: ['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON'] } });
    expect(lines[0]!.error).toMatch(/may not set read_only/);
    expect(auditText(cwd)).not.toContain(SRC_PASSWORD);
    const [[row]] = (await admin.query('SELECT @@GLOBAL.read_only AS ro')) as unknown as [[{ ro: number }]];
    expect(row.ro).toBe(0);
  });
});
