/**
 * `promigrate verify` end to end after a real sync and cutover in the sandbox: a MariaDB
 * source and a real target database (sandbox.targetUrl), a local web server as the new tier.
 * The config has a bastion and no target.connectVia, so every connection promigrate makes
 * to the target (sync's schema phases, cutover's positions, verify) goes through an SSH
 * tunnel to the sandbox bastion's SSH server, keyed by EC2 Instance Connect; the failures
 * of that tunnel are tested at the end.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
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
import { changeWorld } from '../helpers/sandbox-world.js';

const mariadb = inject('mariadb');
const SRC_PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const PROJECT = 'verify-e2e';
const ROWS = 30_000;
let admin: Connection;
let app: Server;
let base: string;

const config = (targetDb: string, sandboxExtra = '') => `project:
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
network:
  bastion: true
  adminCidr: 203.0.113.7/32
sandbox:
  targetUrl: mysql://${mariadb.adminUser}@127.0.0.1:${mariadb.port}/${targetDb}
  appAddress: 127.0.0.1:${(app.address() as AddressInfo).port}
${sandboxExtra}
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

const cli = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: SRC_PASSWORD, TGT_PW: mariadb.adminPassword, PROMIGRATE_SANDBOX_SEED: '3', ...env } });

interface SshLogEntry {
  event: string;
  instance: string;
  to?: string;
  reason?: string;
}
const sshLog = (cwd: string): SshLogEntry[] =>
  readFileSync(join(cwd, '.promigrate/sandbox-ssh.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SshLogEntry);

/** The loopback ports the run's tunnels listened on, from its own notice. */
const tunnelPorts = (out: string): number[] => [...out.matchAll(/SSH tunnel 127\.0\.0\.1:(\d+) → bastion/g)].map((m) => Number(m[1]));

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** One sentence on stderr, exit code as asked, no stack trace. */
function expectOneSentence(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

let copies = 0;
/** The migrated workspace with its own copy of the target database. */
async function workspace(sandboxExtra = '', opts: { readOnly?: boolean } = {}): Promise<{ cwd: string; db: string }> {
  // A test that only reads the target (verify never writes it) uses the migrated one itself.
  const db = opts.readOnly ? 'verify_tgt_0' : `verify_tgt_${++copies}`;
  if (!opts.readOnly) {
    await admin.query(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}`);
    for (const t of ['orders', 'members', 'board']) await admin.query(`CREATE TABLE ${db}.${t} LIKE verify_tgt_0.${t}; INSERT INTO ${db}.${t} SELECT * FROM verify_tgt_0.${t}`);
  }
  const cwd = tempDir();
  cpSync(base, cwd, { recursive: true });
  writeFileSync(join(cwd, 'promigrate.yaml'), config(db, sandboxExtra));
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
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.steps.verify).toMatchObject({ status: 'done', outputs: { verdict: 'verified' } });

    // Through the tunnel: the RDS endpoint is private (nothing maps it to the real database),
    // each step that reached the target pushed a key and the bastion's SSH server took it.
    const rds = state.steps.provision.outputs.resources['db.instance'];
    expect(rds.address).toMatch(/\.rds\.amazonaws\.com$/);
    const bastion = state.steps.provision.outputs.resources['bastion.instance'].id as string;
    const audit = readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const pushes = audit.filter((e) => e.operation === 'ec2-instance-connect:SendSSHPublicKey');
    expect(new Set(pushes.map((e) => e.step))).toEqual(new Set(['sync', 'cutover', 'verify']));
    expect(pushes.every((e) => e.params.InstanceId === bastion && e.params.InstanceOSUser === 'ec2-user' && /^ssh-ed25519 /.test(e.params.SSHPublicKey))).toBe(true);
    const log = sshLog(cwd);
    expect(log.filter((e) => e.event === 'auth')).toHaveLength(pushes.length);
    expect(log.filter((e) => e.event === 'forward').length).toBeGreaterThanOrEqual(pushes.length);
    expect(log.filter((e) => e.event === 'forward').every((e) => e.instance === bastion && e.to === `${rds.address}:${rds.port}`)).toBe(true);
    expect(state.hostKeys[bastion].fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const status = await cli(cwd, ['status', '--json']);
    expect(JSON.parse(status.stdout).hostKeys).toEqual([{ instanceId: bastion, ...state.hostKeys[bastion] }]);
    expect(out).toMatch(/SSH tunnel 127\.0\.0\.1:\d+ → bastion i-[0-9a-f]+ \(ec2-user@[\d.]+, key pushed with EC2 Instance Connect\) → .+\.rds\.amazonaws\.com:3306/);
    for (const port of tunnelPorts(out)) expect(await listening(port)).toBe(false);
    // The ephemeral key lived in memory only: no private key (PEM, or OpenSSH's openssh-key-v1
    // body in base64) anywhere in the workspace or the state dir.
    for (const file of filesUnder(cwd)) expect(readFileSync(file, 'latin1'), file).not.toMatch(/PRIVATE KEY|b3BlbnNzaC1rZXktdjE/);
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
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    // The tunnel lived in the killed process: its listener went with it.
    const ports = tunnelPorts(killed.stdout + killed.stderr);
    expect(ports).toHaveLength(1);
    expect(await listening(ports[0]!)).toBe(false);
    const saved = JSON.parse(readFileSync(state, 'utf8')).steps.verify.checkpoints.data.tables['verify_src.orders'];
    expect(saved.chunks).toBeGreaterThanOrEqual(10);

    const resumed = await cli(cwd, ['verify', '--data-only', '--tables', 'verify_src.orders']);
    expect(resumed.code, `${resumed.stderr}${resumed.stdout}`).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/verify.json'), 'utf8'));
    expect(report.data.resumedTables).toBe(1);
    expect(report.data.tables[0]).toMatchObject({ status: 'equal', resumed: true, rows: { source: ROWS, target: ROWS } });
    expect(resumed.stdout).toContain('resumed 1 table(s) from a checkpoint');
    expect(tunnelPorts(resumed.stdout + resumed.stderr)).toHaveLength(1);
    for (const port of tunnelPorts(resumed.stdout + resumed.stderr)) expect(await listening(port)).toBe(false);
  });
});

describe('the tunnel through the bastion: failures, each one sentence with its fix', () => {
  const VERIFY = ['verify', '--data-only', '--tables', 'verify_src.orders'];
  const bastionOf = (cwd: string): string =>
    JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).steps.provision.outputs.resources['bastion.instance'].id;

  it('the bastion was terminated: exit 2, provision builds a new one', async () => {
    const { cwd } = await workspace('', { readOnly: true });
    const id = bastionOf(cwd);
    await changeWorld(join(cwd, '.promigrate'), (sandbox) => {
      const ec2 = sandbox.context().slice<{ instances: Record<string, { terminatedAt?: number }> }>('ec2', () => ({ instances: {} }));
      ec2.instances[id]!.terminatedAt = sandbox.clock.now() - 3_600_000;
    });
    const r = await cli(cwd, VERIFY);
    expectOneSentence(r, 2, new RegExp(`The bastion ${id} is terminated, so the private RDS instance cannot be reached through it\\.[\\s\\S]*promigrate provision`));
  });

  it('its security group has no SSH from this machine\'s address: exit 2, names the address AWS sees and network.adminCidr', async () => {
    const { cwd } = await workspace('  operatorAddress: 198.51.100.44', { readOnly: true });
    const r = await cli(cwd, VERIFY);
    expectOneSentence(r, 2, /Cannot reach the bastion i-[0-9a-f]+ at [\d.]+:22 \(timed out\): its security group sg-[0-9a-f]+ allows SSH only from network\.adminCidr 203\.0\.113\.7\/32, and AWS sees this machine as 198\.51\.100\.44\.[\s\S]*Set network\.adminCidr to 198\.51\.100\.44\/32 and run `promigrate provision`/);
    expect(sshLog(cwd).at(-1)).toMatchObject({ event: 'dial-dropped', reason: 'no security group rule allows TCP 22 from this address' });
  });

  it('the key was rejected (an image without the EC2 Instance Connect agent): exit 2', async () => {
    const { cwd } = await workspace('', { readOnly: true });
    const id = bastionOf(cwd);
    await changeWorld(join(cwd, '.promigrate'), async (sandbox) => {
      const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
      const { createAwsClients } = await import('../../src/aws/clients.js');
      const aws = createAwsClients({ region: 'us-east-1', dryRun: true, sandbox });
      const images = (await (await aws.ec2).send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-minimal-*-x86_64'] }] }))).Images!;
      aws.destroy();
      const ec2 = sandbox.context().slice<{ instances: Record<string, { imageId: string }> }>('ec2', () => ({ instances: {} }));
      ec2.instances[id]!.imageId = images[0]!.ImageId!;
    });
    const r = await cli(cwd, VERIFY);
    expectOneSentence(r, 2, new RegExp(`The bastion ${id} refused the SSH key pushed with EC2 Instance Connect for ec2-user: its image ami-[0-9a-f]+ does not run the EC2 Instance Connect agent`));
    expect(sshLog(cwd).at(-1)).toMatchObject({ event: 'auth-rejected', instance: id });
  });

  it('a changed host key stops the run; trusting the new fingerprint explicitly pins it', async () => {
    const { cwd } = await workspace('', { readOnly: true });
    const id = bastionOf(cwd);
    const statePath = join(cwd, '.promigrate/state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    const real = state.hostKeys[id].fingerprint as string;
    state.hostKeys[id].fingerprint = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    writeFileSync(statePath, JSON.stringify(state));
    const r = await cli(cwd, VERIFY);
    expectOneSentence(r, 2, new RegExp(`The bastion ${id} presented the SSH host key ${real.replace(/[+/]/g, '\\$&')}, not SHA256:A{43} pinned in state`));
    const trusted = await cli(cwd, VERIFY, { PROMIGRATE_TRUST_HOST_KEY: real });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).hostKeys[id].fingerprint).toBe(real);
  });

  it('the tunnel drops mid-verify: exit 1 naming it; the next run resumes from the last chunk', async () => {
    const { cwd } = await workspace('', { readOnly: true });
    const r = await cli(cwd, VERIFY, { PROMIGRATE_SANDBOX_SSH_DROP_AFTER_BYTES: '8000' });
    expectOneSentence(r, 1, /error: the SSH tunnel through the bastion i-[0-9a-f]+ dropped mid-step \(the SSH connection to the bastion closed\): Comparing [\s\S]*it continues from the last finished chunk/);
    expect(sshLog(cwd).some((e) => e.event === 'dropped')).toBe(true);
    const saved = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).steps.verify.checkpoints.data.tables['verify_src.orders'];
    expect(saved.chunks).toBeGreaterThan(0);
    const resumed = await cli(cwd, VERIFY);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, '.promigrate/reports/verify.json'), 'utf8'));
    expect(report.data.tables[0]).toMatchObject({ status: 'equal', resumed: true, rows: { source: ROWS, target: ROWS } });
  });
});
