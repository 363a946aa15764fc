/**
 * `promigrate cutover` and `promigrate rollback` end to end: the built CLI against the
 * sandbox after a real sync. The source is a MariaDB server of this file's own (the write
 * freeze sets a global read_only, which must not reach other test files' server); a local
 * HTTP server stands in for the new web tier (sandbox.appAddress).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { adminConnection, startMariadb } from '../helpers/db/mariadb.js';
import type { DbServer } from '../helpers/db/server.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const SRC_PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const APP_PASSWORD = `App-${randomBytes(8).toString('hex')}`;
const PROJECT = 'cut-e2e';
const ORIGINAL: ResourceRecordSet = { Name: 'www.example.com.', Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '203.0.113.10' }] };

let server: DbServer;
let admin: Connection;
let app: Server;
/** Requests the stand-in web tier answers with 200 before it starts failing (503). */
let healthyRequests = Number.POSITIVE_INFINITY;
let requests = 0;
let base: string;

function config(dns: string, freeze = { user: server.adminUser, passwordEnv: 'ADMIN_PW' }): string {
  return `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${server.port}
  user: dms_cut
  databases: [shop]
  passwordEnv: SRC_PW
  freezeUser: ${freeze.user}
  freezePasswordEnv: ${freeze.passwordEnv}
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
${dns}`;
}

const SIMPLE = '  newTarget: alias:shop-alb-123456789.us-east-1.elb.amazonaws.com\n';
const WEIGHTED = '  newTarget: 198.51.100.7\n  strategy: weighted\n  weights: [10, 50, 100]\n  holdSeconds: 60\n  checkIntervalSeconds: 30\n';

const cli = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: SRC_PASSWORD, ADMIN_PW: server.adminPassword, PROMIGRATE_SANDBOX_SEED: '5', ...env } });

const stateOf = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
const auditText = (cwd: string) => (existsSync(join(cwd, '.promigrate/audit.jsonl')) ? readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8') : '');
const audit = (cwd: string): Array<{ step: string; operation: string; params?: Record<string, unknown> }> =>
  auditText(cwd).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const changes = (cwd: string) => audit(cwd).filter((e) => e.operation === 'route53:ChangeResourceRecordSets');

async function recordNow(cwd: string, name = 'www.example.com.'): Promise<ResourceRecordSet[]> {
  const { sandbox, clients } = await makeSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json') });
  try {
    const r53 = await clients.route53;
    const zone = (await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' }))).HostedZones![0]!;
    const sets = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }))).ResourceRecordSets ?? [];
    return sets.filter((r) => r.Name === name);
  } finally {
    await sandbox.close();
  }
}

/** The operator's zone gets an apex A record (as many do), so a cutover of the apex has something to switch. */
async function addApexRecord(cwd: string): Promise<void> {
  const { sandbox, clients } = await makeSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json') });
  try {
    const r53 = await clients.route53;
    const zone = (await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.com' }))).HostedZones![0]!;
    await r53.send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.Id,
      ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: 'example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '203.0.113.10' }] } }] },
    }));
  } finally {
    await sandbox.close();
  }
}

function workspace(dns: string, freeze?: Parameters<typeof config>[1]): string {
  const cwd = tempDir();
  cpSync(base, cwd, { recursive: true });
  writeFileSync(join(cwd, 'promigrate.yaml'), config(dns, freeze));
  return cwd;
}

interface DbLine { step?: string; operation: string; params?: { source?: string; statements?: string[]; lifted?: boolean }; outcome: string; error?: string; callId?: string }
/** The audit lines of writes to the source (the freeze and its undo are audited like AWS calls). */
const dbLines = (cwd: string): DbLine[] => (audit(cwd) as unknown as DbLine[]).filter((e) => e.operation.startsWith('db:source:'));

beforeAll(async () => {
  app = createServer((_req, res) => {
    requests++;
    if (requests > healthyRequests) res.writeHead(503).end('down');
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Shop</h1>');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  server = await startMariadb();
  admin = await adminConnection(server);
  await admin.query(`CREATE DATABASE shop; CREATE DATABASE shop_target; USE shop;
    CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, amount DECIMAL(10,2));
    INSERT INTO orders (amount) SELECT seq FROM seq_1_to_500;
    CREATE USER 'dms_cut'@'%' IDENTIFIED BY '${SRC_PASSWORD}';
    GRANT SELECT ON shop.* TO 'dms_cut'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_cut'@'%';
    CREATE USER 'app'@'%' IDENTIFIED BY '${APP_PASSWORD}'; GRANT SELECT, INSERT ON shop.* TO 'app'@'%';`);
  base = tempDir();
  writeFileSync(join(base, 'promigrate.yaml'), config(SIMPLE));
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

describe('promigrate cutover (sandbox)', () => {
  it('--dry-run prints the timeline (gate values, every batch, the rollback) and changes nothing', async () => {
    const cwd = workspace(SIMPLE);
    const world = readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8');
    const before = auditText(cwd);
    const r = await cli(cwd, ['cutover', '--dry-run', '--freeze-writes']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('lowering the TTL to 60 s');
    expect(out).toMatch(/✓ CDC latency ≤ 5 s for 3 samples: source [\d.]+ s, target [\d.]+ s; 3\/3 samples within/);
    expect(out).toMatch(/✓ the new target answers the smoke test: HTTP 200 in \d+ ms \(Host www\.example\.com → 127\.0\.0\.1:\d+\)/);
    expect(out).toContain('SET GLOBAL read_only = ON');
    expect(out).toContain('"HostedZoneId": "Z35SXDOTRQ7X7K"');
    expect(out).toContain('rollback restores: A 203.0.113.10 (TTL 3600)');
    expect(readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8')).toBe(world);
    expect(auditText(cwd)).toBe(before);
    const [[ro]] = (await admin.query('SELECT @@GLOBAL.read_only AS v')) as unknown as [[{ v: number }]];
    expect(Number(ro.v)).toBe(0);
  });

  it('without --yes and no terminal: exit 4 before any change', async () => {
    const cwd = workspace(SIMPLE);
    const before = auditText(cwd);
    const r = await cli(cwd, ['cutover']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('needs a confirmation (cutover.confirm)');
    expect(auditText(cwd)).toBe(before);
    expect(stateOf(cwd).steps.cutover).toMatchObject({ status: 'pending' }); // not a failure: nothing was asked
    expect(stateOf(cwd).steps.cutover.error).toBeUndefined();
  });

  it('simple: image saved, TTL lowered and waited out (simulated), gate, switch, INSYNC; rollback restores the image exactly', async () => {
    const cwd = workspace(SIMPLE);
    const r = await cli(cwd, ['cutover', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('waiting for the old TTL to expire in resolver caches: 60 minutes left');
    expect(out).toContain('in sync on every Route 53 server');
    const state = stateOf(cwd);
    expect(state.steps.cutover.status).toBe('done');
    expect(state.steps.cutover.checkpoints.prepare.image.recordSets).toEqual([ORIGINAL]);
    expect(await recordNow(cwd)).toEqual([
      { Name: 'www.example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'shop-alb-123456789.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true } },
    ]);
    expect(changes(cwd)).toHaveLength(2); // TTL, switch

    const again = await cli(cwd, ['cutover', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(changes(cwd)).toHaveLength(2); // done is done: nothing sent again

    const destroy = await cli(cwd, ['destroy', '--yes']);
    expect(destroy.code, destroy.stderr).toBe(2);
    expect(destroy.stderr).toContain('Cutover switched www.example.com to this stack: destroying it would take the site down.');
    expect(changes(cwd)).toHaveLength(2);

    const back = await cli(cwd, ['rollback', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await recordNow(cwd)).toEqual([ORIGINAL]);
    expect(audit(cwd).filter((e) => e.operation === 'promigrate:rollback')).toHaveLength(1);
    const after = stateOf(cwd);
    expect(after.steps.cutover.status).toBe('pending');
    expect(after.steps.cutover.outputs.rolledBack.reason).toMatch(/requested by the operator/);
    const nothing = await cli(cwd, ['rollback', '--dry-run']);
    expect(nothing.stdout + nothing.stderr).toContain('already matches the saved image');
  });

  it('weighted: a failing smoke test at 50 % rolls back automatically to the saved records', async () => {
    const cwd = workspace(WEIGHTED);
    requests = 0;
    healthyRequests = 3; // the gate, then two checks while holding 10 %
    try {
      const r = await cli(cwd, ['cutover', '--yes']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('Cutover rolled back automatically: the smoke test of the new target failed at 50 %');
      expect(r.stderr).toContain('answered HTTP 503, expected 200');
    } finally {
      healthyRequests = Number.POSITIVE_INFINITY;
    }
    expect(await recordNow(cwd)).toEqual([ORIGINAL]);
    const weights = changes(cwd).map((c) => (c.params?.ChangeBatch as { Comment?: string }).Comment);
    expect(weights).toEqual([
      'promigrate cutover: lower the TTL of www.example.com to 60 s',
      'promigrate cutover: www.example.com → 10% A 198.51.100.7',
      'promigrate cutover: www.example.com → 50% A 198.51.100.7',
      'promigrate rollback: restore www.example.com',
    ]);
  });

  it('weighted: kill -9 right after the 10 % change, resume → the ramp continues, no batch sent twice', async () => {
    const cwd = workspace(WEIGHTED);
    const crashed = await cli(cwd, ['cutover', '--yes'], { PROMIGRATE_SANDBOX_CRASH_AFTER: '2' }); // TTL, 10 %
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    const resumed = await cli(cwd, ['cutover', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await recordNow(cwd)).toEqual([{ Name: 'www.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] }]);
    // The 10 % change was made, then the kill came before its audit line: the resumed run wrote
    // it from its journal note as interrupted. Sent after: 50 % and 100 %, once each.
    const comments = changes(cwd).map((c) => (c.params?.ChangeBatch as { Comment?: string }).Comment);
    expect(changes(cwd).filter((c) => (c as { outcome?: string }).outcome === 'interrupted').map((c) => (c.params?.ChangeBatch as { Comment?: string }).Comment)).toEqual([
      expect.stringContaining('→ 10%'),
    ]);
    expect(comments.filter((c) => c?.includes('→ 10%'))).toHaveLength(1);
    expect(comments.filter((c) => c?.includes('→ 50%'))).toHaveLength(1);
    expect(comments.filter((c) => c?.includes('→ 100%'))).toHaveLength(1);
  });

  it('--freeze-writes: the source refuses writes during and after the switch; rollback lifts the freeze', async () => {
    const cwd = workspace(SIMPLE);
    const appConn = await createConnection({ host: '127.0.0.1', port: server.port, user: 'app', password: APP_PASSWORD, database: 'shop' });
    try {
      const r = await cli(cwd, ['cutover', '--yes', '--freeze-writes', '--ignore-ttl']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toContain('The source now refuses writes');
      await expect(appConn.query('INSERT INTO orders (amount) VALUES (1)')).rejects.toThrow(/read-only|READ.ONLY/i);
      expect(stateOf(cwd).steps.cutover.checkpoints.freeze.record.set).toEqual(['read_only']);
      const [frozen, ...rest] = dbLines(cwd);
      expect(rest).toEqual([]);
      expect(frozen).toMatchObject({ step: 'cutover', operation: 'db:source:freeze-writes', outcome: 'ok' });
      expect(frozen!.params!.source).toBe(`source database ${server.adminUser}@127.0.0.1:${server.port}/shop`);
      expect(frozen!.params!.statements).toEqual(['SET SESSION lock_wait_timeout = 30', 'SET GLOBAL read_only = ON']);
      expect(frozen!.callId).toMatch(/^[0-9a-f-]{36}$/);

      const back = await cli(cwd, ['rollback', '--yes']);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout + back.stderr).toContain('the source accepts writes again');
      await appConn.query('INSERT INTO orders (amount) VALUES (1)');
      const lines = dbLines(cwd);
      expect(lines.map((e) => e.operation)).toEqual(['db:source:freeze-writes', 'db:source:unfreeze-writes']);
      expect(lines[1]).toMatchObject({ step: 'cutover', outcome: 'ok', params: { statements: ['SET GLOBAL read_only = OFF'], lifted: true } });
      expect(auditText(cwd)).not.toContain(server.adminPassword);
      expect(auditText(cwd)).not.toContain(SRC_PASSWORD);
      expect(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).not.toContain(server.adminPassword);
    } finally {
      await admin.query('SET GLOBAL read_only = OFF');
      await appConn.end();
    }
  });

  it('--freeze-writes that the server refuses: an audit error line (what was attempted, and why), nothing frozen', async () => {
    // The migration user may not SET GLOBAL: the freeze fails before anything was frozen.
    const cwd = workspace(SIMPLE, { user: 'dms_cut', passwordEnv: 'SRC_PW' });
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

  it('a new name (dns.createIfMissing) aliased to an endpoint promigrate cannot derive (dns.aliasHostedZoneId): created, then deleted by rollback', async () => {
    const API = '  newTarget: alias:d-abc123xyz.execute-api.us-east-1.amazonaws.com\n  aliasHostedZoneId: Z1UJRXOUMOOFQ8\n';
    const yaml = (extra: string) => config(API + extra).replace('record: www.example.com', 'record: shop.example.com');
    const cwd = workspace(API);
    writeFileSync(join(cwd, 'promigrate.yaml'), yaml(''));
    const before = auditText(cwd);
    const refused = await cli(cwd, ['cutover', '--yes']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('error: shop.example.com has no A, AAAA or CNAME record in the hosted zone example.com: there is nothing to cut over from.');
    expect(auditText(cwd)).toBe(before);

    writeFileSync(join(cwd, 'promigrate.yaml'), yaml('  createIfMissing: true\n'));
    const r = await cli(cwd, ['cutover', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(stateOf(cwd).steps.cutover.checkpoints.prepare.image.recordSets).toEqual([]);
    expect(await recordNow(cwd, 'shop.example.com.')).toEqual([
      { Name: 'shop.example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z1UJRXOUMOOFQ8', DNSName: 'd-abc123xyz.execute-api.us-east-1.amazonaws.com.', EvaluateTargetHealth: false } },
    ]);
    expect(changes(cwd)).toHaveLength(1); // nothing to lower: just the switch

    const back = await cli(cwd, ['rollback', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await recordNow(cwd, 'shop.example.com.')).toEqual([]);
  });

  it('bad input: a missing hosted zone and a CNAME at the apex → exit 2, one sentence, nothing changed', async () => {
    const missing = workspace(SIMPLE);
    writeFileSync(join(missing, 'promigrate.yaml'), config(SIMPLE).replace('hostedZone: example.com', 'hostedZone: example.org').replace('record: www.example.com', 'record: www.example.org'));
    const before = auditText(missing);
    const r = await cli(missing, ['cutover', '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: The hosted zone example\.org was not found in this AWS account/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(auditText(missing)).toBe(before);

    const apex = workspace('  newTarget: shop-alb.example.net\n');
    writeFileSync(join(apex, 'promigrate.yaml'), config('  newTarget: shop-alb.example.net\n').replace('record: www.example.com', 'record: example.com'));
    await addApexRecord(apex);
    const before2 = auditText(apex);
    const world2 = readFileSync(join(apex, '.promigrate/sandbox.json'), 'utf8');
    const r2 = await cli(apex, ['cutover', '--yes']);
    expect(r2.code, r2.stderr).toBe(2);
    expect(r2.stderr).toContain('error: example.com is the zone apex, where DNS forbids a CNAME, so it cannot point at the host name shop-alb.example.net.');
    expect(auditText(apex)).toBe(before2);
    expect(JSON.parse(readFileSync(join(apex, '.promigrate/sandbox.json'), 'utf8')).slices).toEqual(JSON.parse(world2).slices);
  });
});
