import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, ConfirmationRequiredError, UsageError } from '../../../src/errors.js';
import { TestIoHost } from '../../helpers/test-io-host.js';
import { removeTempDirs } from '../../helpers/tmp.js';
import { initRun } from './init-helpers.js';

afterEach(() => removeTempDirs());

const SANDBOX_FLAGS = { project: 'shop', source: 'postgres://app@127.0.0.1:5432/shop', sourcePasswordEnv: 'PGPASSWORD' };
const REQUIRED = { ...SANDBOX_FLAGS, region: 'ap-northeast-2' };
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;

describe('promigrate init from flags (no terminal)', () => {
  it('--sandbox --yes with the README flags writes a config and a state', async () => {
    const t = initRun();
    expect(await t.run(SANDBOX_FLAGS, { sandbox: true, yes: true })).toBe(0);
    const { config, hash } = await loadConfig(t.configPath);
    expect(config.project.name).toBe('shop');
    expect(config.aws).toMatchObject({ mode: 'sandbox', region: 'us-east-1' });
    expect(config.source).toMatchObject({ engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'app', databases: ['shop'], passwordEnv: 'PGPASSWORD' });
    expect(config.dns).toMatchObject({ hostedZone: 'example.com', record: 'www.example.com', currentTarget: '203.0.113.10', strategy: 'simple' });
    expect(config.target).toMatchObject({ engine: 'postgres', engineVersion: '16', manageMasterUserPassword: true });
    const state = readJson(t.statePath);
    expect(state).toMatchObject({ project: 'shop', configHash: hash, serial: 0 });
    expect(t.io.questions).toEqual([]);
    expect(t.io.results).toHaveLength(1);
    expect(t.io.results[0]!.document).toEqual({ config: t.configPath, state: t.statePath, project: 'shop' });
    expect(t.io.results[0]!.human).toContain('promigrate plan');
    expect(t.configText()).not.toMatch(/password:/i);
  });

  it('takes optional defaults silently once every required flag is given (no --yes)', async () => {
    const t = initRun();
    expect(await t.run({ ...REQUIRED, multiAz: true, vpcCidr: '10.20.0.0/16', dnsStrategy: 'weighted', hostedZone: 'example.com', newTarget: 'alias:alb-1.ap-northeast-2.elb.amazonaws.com' })).toBe(0);
    const { config } = await loadConfig(t.configPath);
    expect(config.aws).toMatchObject({ mode: 'aws', region: 'ap-northeast-2' });
    expect(config.target.multiAz).toBe(true);
    expect(config.network.vpcCidr).toBe('10.20.0.0/16');
    expect(config.dns).toMatchObject({ record: 'www.example.com', strategy: 'weighted', newTarget: 'alias:alb-1.ap-northeast-2.elb.amazonaws.com' });
    expect(config.dns?.currentTarget).toBeUndefined();
    expect(config.verify.url).toBe('https://www.example.com/');
  });

  it('maps every other flag into the config', async () => {
    const t = initRun(new TestIoHost({ interactive: false }), 'migration.json');
    const arn = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:src-AbC1';
    const code = await t.run(
      {
        project: 'bts-shop',
        source: 'mysql://dms@10.0.0.5:3307/members,board',
        sourceSecretArn: arn,
        targetEngineVersion: '8.0.36',
        targetInstanceClass: 'db.r6g.large',
        targetPasswordEnv: 'RDS_PW',
        vpcId: 'vpc-0a1b2c3d',
        hostedZone: 'Z0123456789ABC',
        record: 'www.bts.example',
        currentTarget: '198.51.100.7',
        verifyUrl: 'https://www.bts.example/health',
      },
      { region: 'ap-northeast-2', profile: 'ops', endpointUrl: 'http://localhost:4566' },
    );
    expect(code).toBe(0);
    expect(readJson(t.configPath).$schema).toMatch(/promigrate\.schema\.json$/);
    const { config } = await loadConfig(t.configPath);
    expect(config.aws).toMatchObject({ profile: 'ops', endpoint: 'http://localhost:4566' });
    expect(config.source).toMatchObject({ engine: 'mysql', port: 3307, databases: ['members', 'board'], secretArn: arn });
    expect(config.source.passwordEnv).toBeUndefined();
    expect(config.target).toMatchObject({ engineVersion: '8.0.36', instanceClass: 'db.r6g.large', passwordEnv: 'RDS_PW', manageMasterUserPassword: false });
    expect(config.network).toMatchObject({ vpcId: 'vpc-0a1b2c3d' });
    expect(config.network.vpcCidr).toBeUndefined();
    expect(config.dns).toMatchObject({ hostedZone: 'Z0123456789ABC', record: 'www.bts.example', currentTarget: '198.51.100.7' });
    expect(config.verify.url).toBe('https://www.bts.example/health');
  });

  it('without --yes names every missing flag in one sentence (exit 4) and writes nothing', async () => {
    const t = initRun();
    const err = await t.fail({ multiAz: true });
    expect(err).toBeInstanceOf(ConfirmationRequiredError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe(
      'This run is not interactive and promigrate init is missing --source, --source-password-env (or --source-secret-arn), --project, --region.',
    );
    expect(err.hint).toContain('--yes');
    expect(err.hint).toContain('--source has no default');
    expect(t.wroteNothing()).toBe(true);
  });

  it('without --yes lists the defaults --yes would take', async () => {
    const t = initRun();
    const err = await t.fail({ source: 'mysql://dms@db.local/shop_main' });
    expect(err.message).toMatch(/missing --source-password-env \(or --source-secret-arn\), --project, --region\.$/);
    expect(err.hint).toContain('--source-password-env MYSQL_PWD, --project shop-main, --region us-east-1');
    expect(t.wroteNothing()).toBe(true);
  });

  it('with --yes but no --source fails with exit 2 naming it', async () => {
    const t = initRun();
    const err = await t.fail({ project: 'shop' }, { yes: true });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('--source');
    expect(err.message).not.toContain('--project');
    expect(t.wroteNothing()).toBe(true);
  });

  it('refuses a password in --source (exit 2) without echoing it', async () => {
    const t = initRun();
    const err = await t.fail({ ...SANDBOX_FLAGS, source: 'postgres://app:Sup3rS3cret@127.0.0.1:5432/shop' }, { yes: true });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^--source: the URL contains a password; .*--source-password-env/);
    expect(`${err.message}${err.hint}`).not.toContain('Sup3rS3cret');
    expect(t.wroteNothing()).toBe(true);
  });

  it.each([
    [{ region: 'seoul' }, /^--region: expected an AWS region/],
    [{ source: 'oracle://u@h/db' }, /^--source: expected a mysql:\/\/, mariadb:\/\/ or postgres:\/\/ URL/],
    [{ source: 'mysql://h:3306/db' }, /^--source: expected a user name before @/],
    [{ source: 'mysql://u@h:3306' }, /^--source: expected a database name/],
    [{ sourcePasswordEnv: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' }, /^--source-password-env: expected the name of an environment variable/],
    [{ sourceSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' }, /^--source-password-env and --source-secret-arn: give only one/],
    [{ vpcCidr: '10.0.0.1/16' }, /^--vpc-cidr: expected the network address 10\.0\.0\.0\/16/],
    [{ dnsStrategy: 'canary' }, /^--dns-strategy: expected one of simple, weighted/],
    [{ project: 'Shop' }, /^--project: expected 1–40 lowercase/],
    [{ sandboxTarget: 'postgres://u:pw@127.0.0.1/x' }, /^--sandbox-target: must not contain a password/],
  ])('rejects a bad flag value %o with exit 2 naming the flag', async (bad, message) => {
    const t = initRun();
    const err = await t.fail({ ...REQUIRED, ...bad }, { sandbox: true });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(t.wroteNothing()).toBe(true);
  });

  it('reports a schema problem of the combined answers with the flag to fix', async () => {
    const t = initRun();
    const err = await t.fail({ ...REQUIRED, hostedZone: 'example.com', record: 'www.example.org' });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('promigrate init: dns.record: www.example.org is not inside the hosted zone example.com');
    expect(err.hint).toContain('--record');
    expect(t.wroteNothing()).toBe(true);
  });

  it('refuses to overwrite an existing config without --force (exit 2) and leaves it unchanged', async () => {
    const t = initRun();
    writeFileSync(t.configPath, 'project: {name: old}\n');
    const err = await t.fail(SANDBOX_FLAGS, { sandbox: true, yes: true });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('already exists');
    expect(err.hint).toContain('--force');
    expect(t.configText()).toBe('project: {name: old}\n');
  });

  it('with --force overwrites the config and keeps a state of the same project', async () => {
    const t = initRun();
    await t.run(SANDBOX_FLAGS, { sandbox: true, yes: true });
    const before = readJson(t.statePath);
    expect(await t.run({ ...SANDBOX_FLAGS, multiAz: true, force: true }, { sandbox: true, yes: true })).toBe(0);
    expect((await loadConfig(t.configPath)).config.target.multiAz).toBe(true);
    expect(readJson(t.statePath).lineage).toBe(before.lineage);
    expect(t.io.results[1]!.human).toContain('Kept the existing state');
  });

  it('refuses a state of another project even with --force, and any state without it', async () => {
    const t = initRun();
    await t.run(SANDBOX_FLAGS, { sandbox: true, yes: true });
    const text = t.configText();
    const other = await t.fail({ ...SANDBOX_FLAGS, project: 'blog', force: true }, { sandbox: true, yes: true });
    expect(other.exitCode).toBe(2);
    expect(other.message).toContain('belongs to project shop, not blog');
    expect(t.configText()).toBe(text);

    const u = initRun();
    mkdirSync(u.stateDir);
    writeFileSync(u.statePath, readFileSync(t.statePath));
    const noForce = await u.fail(SANDBOX_FLAGS, { sandbox: true, yes: true });
    expect(noForce.exitCode).toBe(2);
    expect(noForce.message).toContain('exists for project shop; nothing was written');
  });

  it('--dry-run shows the config and writes nothing', async () => {
    const t = initRun();
    expect(await t.run(SANDBOX_FLAGS, { sandbox: true, yes: true, dryRun: true })).toBe(0);
    expect(t.wroteNothing()).toBe(true);
    expect(t.io.results[0]!.document).toMatchObject({ dryRun: true, project: 'shop' });
    expect(t.io.results[0]!.human).toContain('(plan) would write');
    expect(t.io.results[0]!.human).toContain('engine: postgres');
  });
});
