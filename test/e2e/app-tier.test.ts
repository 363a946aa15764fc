/**
 * The web tier (`app:`) end to end in the sandbox: provision builds the load balancer, its
 * listeners (443 with the DNS-validated certificate, 80 redirecting), the Auto Scaling group
 * at its desired capacity with healthy targets, the CPU policy, the alarms and their topic;
 * a re-run makes no call that changes anything; destroy leaves nothing of it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appInventory } from '../helpers/app-inventory.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { copyWorkspace } from '../helpers/workspace-copy.js';

const mariadb = inject('mariadb');
const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const PROJECT = 'app-e2e';

const CONFIG = `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_app
  databases: [shop_app]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb
network:
  natGateways: single
dns:
  hostedZone: example.com
  record: www.example.com
app:
  minSize: 2
  maxSize: 4
  healthCheckPath: /health
  alarmEmails: [ops@example.com]
`;

const APP_KEYS = [
  'app.alarm-topic', 'app.alarm.5xx', 'app.alarm.cpu', 'app.alarm.unhealthy-hosts', 'app.auto-scaling-group', 'app.certificate',
  'app.launch-template', 'app.listener.http', 'app.listener.https', 'app.load-balancer', 'app.target-group',
].sort();

const cli = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: PASSWORD, PROMIGRATE_SANDBOX_SEED: '21', ...env } });
const auditLines = (cwd: string): string[] =>
  existsSync(join(cwd, '.promigrate/audit.jsonl')) ? readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean) : [];

let template = '';

/** A copy of the workspace assess passed in. */
const assessed = (): string => copyWorkspace(template);

beforeAll(async () => {
  const admin = await adminConnection(mariadb);
  try {
    await admin.query(`DROP DATABASE IF EXISTS shop_app; CREATE DATABASE shop_app; USE shop_app; CREATE TABLE t (id INT PRIMARY KEY);
      CREATE OR REPLACE USER 'dms_app'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_app.* TO 'dms_app'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_app'@'%';`);
  } finally {
    await admin.end();
  }
  template = tempDir();
  writeFileSync(join(template, 'promigrate.yaml'), CONFIG);
  const result = await cli(template, ['assess']);
  expect(result.code, result.stderr).toBe(0);
});
afterAll(removeTempDirs);

describe.concurrent('the web tier (app:) in the sandbox', { timeout: 180_000 }, () => {
  it('provision builds it, a re-run changes nothing, cutover points the record at it (alias), destroy removes it', async () => {
    const cwd = assessed();
    const plan = await cli(cwd, ['provision', '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const creates = JSON.parse(plan.stdout.trim().split('\n').pop()!).steps[0].plan.filter((c: { action: string }) => c.action === 'create');
    const listener = creates.find((c: { target: string }) => c.target === 'app.listener.https').details.calls[0];
    expect(listener).toMatchObject({ operation: 'elasticloadbalancing:CreateListener', params: { Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } });

    const provisioned = await cli(cwd, ['provision']);
    expect(provisioned.code, provisioned.stderr + provisioned.stdout).toBe(0);
    const app = await appInventory(join(cwd, '.promigrate'), PROJECT);
    expect(app.keys).toEqual(APP_KEYS);
    expect(app.loadBalancer).toMatchObject({ state: 'active', scheme: 'internet-facing', dnsName: expect.stringMatching(/\.us-east-1\.elb\.amazonaws\.com$/) });
    expect(app.listeners.sort((a, b) => a.port! - b.port!)).toEqual([
      { port: 80, protocol: 'HTTP', sslPolicy: undefined, action: 'redirect' },
      { port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', action: 'forward' },
    ]);
    expect(app.certificateStatus).toBe('ISSUED');
    expect(app.group).toEqual({ desired: 2, inService: 2 });
    expect(app.healthyTargets).toBe(2);
    expect(app.policies).toBe(1);
    expect(app.alarms.sort()).toEqual([`promigrate-${PROJECT}-alb-5xx`, `promigrate-${PROJECT}-cpu`, `promigrate-${PROJECT}-unhealthy-hosts`]);
    expect(app.subscriptions).toBe(1);
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    expect(state.steps.provision.outputs.appLoadBalancer).toEqual({ dnsName: app.loadBalancer!.dnsName, canonicalHostedZoneId: 'Z35SXDOTRQ7X7K' });

    const calls = auditLines(cwd).length;
    const again = await cli(cwd, ['provision']);
    expect(again.code, again.stderr).toBe(0);
    expect(auditLines(cwd).slice(calls)).toEqual([]);

    // No dns.newTarget in the config: cutover points the record at the load balancer, by alias,
    // after the gate saw its healthy targets.
    for (const args of [['sync'], ['cutover', '--ignore-ttl']]) {
      const r = await cli(cwd, [...args, '--yes']);
      expect(r.code, `${args[0]}: ${r.stderr}${r.stdout}`).toBe(0);
      if (args[0] === 'cutover') expect(r.stdout).toContain('✓ the load balancer has healthy targets: 2 of 2 target(s) healthy (2 needed)');
    }
    const switched = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).steps.cutover.outputs;
    expect(JSON.stringify(switched)).toContain(`alias:${app.loadBalancer!.dnsName}`);
    const rolledBack = await cli(cwd, ['rollback', '--yes']);
    expect(rolledBack.code, rolledBack.stderr).toBe(0);

    const destroyed = await cli(cwd, ['destroy', '--yes', '--skip-final-snapshot']);
    expect(destroyed.code, destroyed.stderr + destroyed.stdout).toBe(0);
    const after = await appInventory(join(cwd, '.promigrate'), PROJECT);
    expect(after.keys).toEqual([]);
  });

  // The app tier's own mutating calls in a clean run of this config (of 57): the topic and its
  // subscription, the certificate, the target group, the launch template, the load balancer,
  // the group, the validation record, the alarms, the listeners and the policy. All under
  // `npm run test:crash`, one under `npm test`.
  const crashes = crashMatrix('app-tier', [[5, 8, 9, 17, 36, 41, 45, 47, 52, 53, 54, 55, 56, 57]], [1]);
  it.each(crashes.points)(`kill -9 after mutating call %i, resume → exactly one of each (${crashes.label})`, async (n) => {
    const cwd = assessed();
    const crashed = await cli(cwd, ['provision'], { PROMIGRATE_SANDBOX_CRASH_AFTER: String(n) });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const resumed = await cli(cwd, ['provision']);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const app = await appInventory(join(cwd, '.promigrate'), PROJECT);
    expect(app.keys).toEqual(APP_KEYS);
    expect(app.group).toEqual({ desired: 2, inService: 2 });
    expect(app.subscriptions).toBe(1);
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    // State also records the scaling policy (policies carry no tags, so the inventory cannot see it).
    expect(Object.keys(state.resources).filter((k) => k.startsWith('app.')).sort()).toEqual([...APP_KEYS, 'app.scaling-policy'].sort());
  });
});
