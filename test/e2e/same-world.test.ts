/**
 * Same config, same world: one provision against the sandbox and one against moto (a
 * third-party AWS emulator promigrate did not write) must leave the same resources —
 * kinds, counts, tags, and the attributes that matter (encryption, public access, Multi-AZ,
 * CIDRs, routes, security-group rules) — as each side's own Describe calls report them.
 * Where the two differed, the AWS API reference decided which side was wrong, and it was
 * fixed there (the moto corrections are in test/fixtures/moto/server.py and MOTO_GAPS).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { openSandbox } from '../../src/aws/sandbox/index.js';
import { describeProjectWorld, type ProjectWorld } from '../helpers/aws-world.js';
import { runCli } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { MOTO_CREDENTIALS, MOTO_MISSING, motoAvailable, seedOperatorZone, startMoto, type Moto } from '../helpers/moto.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const mariadb = inject('mariadb');
const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const TARGET_PASSWORD = `Tg-${randomBytes(8).toString('hex')}`;
const REGION = 'us-east-1';

interface Shape {
  target?: string;
  network: string;
  app?: string;
}

const DEFAULT_SHAPE: Shape = { network: 'natGateways: single' };
/** The web tier (app:): load balancer, certificate, Auto Scaling group, alarms. */
const APP_SHAPE: Shape = { network: 'natGateways: single', app: 'minSize: 2\n  maxSize: 3\n  alarmEmails: [ops@example.com]' };
const LARGE_SHAPE: Shape = {
  target: 'multiAz: true\n  readReplica: true\n  passwordEnv: TARGET_PW',
  network: 'natGateways: per-az\n  bastion: true\n  adminCidr: 203.0.113.7/32',
};

const config = (project: string, mode: 'sandbox' | 'aws', shape: Shape): string => `project:
  name: ${project}
aws:
  mode: ${mode}
  region: ${REGION}
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_world
  databases: [shop_world]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb${shape.target ? `\n  ${shape.target}` : ''}
network:
  ${shape.network}
dns:
  hostedZone: example.com
  record: www.example.com
${shape.app ? `app:\n  ${shape.app}\n` : ''}`;

/** One moto per case: each case is its own account, as each sandbox workspace is its own world. */
const motos: Moto[] = [];
const runs = motoAvailable();
if (!runs && process.env.CI !== 'true') console.warn(`skipped: the sandbox/moto resource comparison — ${MOTO_MISSING}`);

beforeAll(async () => {
  if (!runs) {
    if (process.env.CI === 'true') throw new Error(MOTO_MISSING);
    return;
  }
  const admin = await adminConnection(mariadb);
  try {
    await admin.query(`DROP DATABASE IF EXISTS shop_world; CREATE DATABASE shop_world; USE shop_world;
      CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(200) NOT NULL UNIQUE);
      INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com');`);
    await admin.query(`CREATE OR REPLACE USER 'dms_world'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop_world.* TO 'dms_world'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_world'@'%';`);
  } finally {
    await admin.end();
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(motos.map((m) => m.stop()));
  removeTempDirs();
});

/** The CLI's environment against moto: its endpoint, fake credentials, no operator AWS config. */
function motoEnv(moto: Moto): Record<string, string> {
  const home = tempDir('promigrate-moto-home-');
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    PROMIGRATE_TEST_CLOCK: 'virtual',
  };
}

/** assess + provision in a fresh workspace; returns the workspace. */
async function provisioned(yaml: string, env: Record<string, string>): Promise<string> {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'promigrate.yaml'), yaml);
  const fullEnv = { SRC_PW: PASSWORD, TARGET_PW: TARGET_PASSWORD, PROMIGRATE_SANDBOX_SEED: '7', ...env };
  for (const args of [['assess'], ['provision', '--yes']]) {
    const result = await runCli(args, { cwd, env: fullEnv });
    expect(result.code, `${args.join(' ')} in ${yaml.includes('mode: sandbox') ? 'the sandbox' : 'moto'}: ${result.stderr}${result.stdout}`).toBe(0);
  }
  return cwd;
}

async function sandboxWorld(cwd: string, project: string): Promise<ProjectWorld> {
  const sandbox = await openSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json'), persist: false, region: REGION, faults: {} });
  const aws = createAwsClients({ region: REGION, dryRun: true, sandbox });
  try {
    return await describeProjectWorld(aws, project);
  } finally {
    aws.destroy();
  }
}

async function motoWorld(moto: Moto, project: string): Promise<ProjectWorld> {
  // The factory's clients take the default credential chain outside the sandbox: give it
  // moto's fake keys (this file runs in its own worker process).
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  const aws = createAwsClients({ region: REGION, dryRun: true, endpointUrl: moto.endpoint });
  try {
    return await describeProjectWorld(aws, project);
  } finally {
    aws.destroy();
  }
}

/** The world as `key.attribute` → value lines, for a readable diff. */
function comparable(world: ProjectWorld): Record<string, unknown> {
  const out: Record<string, unknown> = { duplicates: world.duplicates };
  for (const [key, r] of Object.entries(world.resources)) {
    out[`${key} kind`] = r.kind;
    out[`${key} tags`] = r.tags;
    for (const [name, value] of Object.entries(r.attributes)) out[`${key}.${name}`] = value;
  }
  return out;
}

describe.skipIf(!runs && process.env.CI !== 'true')('same config, same world: the sandbox and moto', { timeout: 240_000 }, () => {
  // Each comparison provisions twice and starts its own moto (~45 s of CPU): `npm test` draws
  // one of them from the run's seed, `npm run test:crash` (and so .ci/run) runs all three.
  const configs = crashMatrix('same-world', [[
    ['the default config', 'world-default', DEFAULT_SHAPE],
    ['Multi-AZ + read replica + bastion + a NAT gateway per AZ', 'world-large', LARGE_SHAPE],
    ['the web tier (app:)', 'world-app', APP_SHAPE],
  ] as const], [1]);
  it.concurrent.each(configs.points)(`%s: provision leaves the same resources (${configs.label})`, async (_name, project, shape) => {
    const moto = await startMoto({ region: REGION });
    motos.push(moto);
    await seedOperatorZone(moto, { zone: 'example.com', record: 'www.example.com', address: '198.51.100.10', ttl: 300 });
    const [sandboxCwd] = await Promise.all([provisioned(config(project, 'sandbox', shape), {}), provisioned(config(project, 'aws', shape), motoEnv(moto))]);
    const [fromSandbox, fromMoto] = [await sandboxWorld(sandboxCwd, project), await motoWorld(moto, project)];
    expect(Object.keys(fromSandbox.resources).length, 'the sandbox world has the project').toBeGreaterThan(15);
    if (shape.app) {
      expect(Object.keys(fromSandbox.resources)).toEqual(expect.arrayContaining([
        'app.load-balancer', 'app.listener.http', 'app.listener.https', 'app.target-group', 'app.certificate',
        'app.launch-template', 'app.auto-scaling-group', 'app.alarm-topic', 'app.alarm.5xx', 'app.alarm.unhealthy-hosts', 'app.alarm.cpu',
      ]));
    }
    expect(comparable(fromMoto)).toEqual(comparable(fromSandbox));
});
});
