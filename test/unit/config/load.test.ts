import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { applyOverrides, canonicalJson, detectFormat, loadConfig, parseConfigText } from '../../../src/config/load.js';
import { JSON_SCHEMA_URL, renderConfig, writeConfigFile } from '../../../src/config/save.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';
import { validInput } from './fixtures.js';

afterEach(() => removeTempDirs());

const MINIMAL = `
project: { name: shop }
source:
  engine: postgres
  host: db.internal
  user: app
  databases: [shop]
  passwordEnv: PGPASSWORD
`;

describe('defaults', () => {
  it('fills every default into a minimal config', () => {
    const config = parseConfigText(MINIMAL, 'm.yaml', 'yaml');
    expect(config.aws).toEqual({ region: 'us-east-1', mode: 'aws', maxAttempts: 5 });
    expect(config.source).toMatchObject({ port: 5432, tls: { mode: 'prefer' }, connectTimeoutMs: 10_000 });
    expect(config.target).toEqual({
      engine: 'postgres',
      engineVersion: '16',
      instanceClass: 'db.t3.medium',
      allocatedStorageGb: 50,
      multiAz: false,
      readReplica: false,
      deletionProtection: true,
      backupRetentionDays: 7,
      masterUsername: 'promigrate_admin',
      manageMasterUserPassword: true,
    });
    expect(config.network).toEqual({ vpcCidr: '10.0.0.0/16', azCount: 2, subnetNewBits: 8, natGateways: 'single', bastion: false });
    expect(config.dms).toEqual({
      allocatedStorageGb: 50,
      migrationType: 'full-load-and-cdc',
      tables: { include: [{ schema: '%', table: '%' }], exclude: [] },
      lobMode: 'limited',
      lobMaxSizeKb: 32,
      validation: true,
      cdcLatencyThresholdSeconds: 5,
      maxPendingValidationRecords: 0,
      cdcStableSamples: 3,
    });
    expect(config.dns).toBeUndefined();
    expect(config.verify).toEqual({ expectedStatus: 200, chunkRows: 1_000_000, parallelTables: 1, recheckDelaySeconds: 5 });
    expect(config.sandbox).toEqual({});
  });

  it('derives port and engine version from the engine', () => {
    const mysql = parseConfigText(MINIMAL.replace('postgres', 'mariadb'), 'm.yaml', 'yaml');
    expect(mysql.source.port).toBe(3306);
    expect(mysql.target).toMatchObject({ engine: 'mariadb', engineVersion: '10.11' });
    const cross = parseConfigText(`${MINIMAL.replace('postgres', 'mariadb')}target: { engine: mysql }\n`, 'm.yaml', 'yaml');
    expect(cross.target).toMatchObject({ engine: 'mysql', engineVersion: '8.0' });
  });

  it('refuses several PostgreSQL databases (one DMS endpoint reads one), keeps several MySQL ones', () => {
    const several = MINIMAL.replace('databases: [shop]', 'databases: [shop, crm]');
    expect(() => parseConfigText(several, 'm.yaml', 'yaml')).toThrow(/source\.databases.*lists 2 PostgreSQL databases, but a project migrates one/s);
    expect(parseConfigText(several.replace('postgres', 'mariadb'), 'm.yaml', 'yaml').source.databases).toEqual(['shop', 'crm']);
  });

  it('keeps an existing VPC without inventing a CIDR, and a given master password reference', () => {
    const config = parseConfigText(`${MINIMAL}network: { vpcId: vpc-0a1b2c3d }\ntarget: { passwordEnv: RDS_PW }\n`, 'm.yaml', 'yaml');
    expect(config.network.vpcId).toBe('vpc-0a1b2c3d');
    expect(config.network.vpcCidr).toBeUndefined();
    expect(config.target.manageMasterUserPassword).toBe(false);
  });

  it('normalises DNS names and accepts a zone id, the apex and alias targets', () => {
    const config = parseConfigText(`${MINIMAL}dns: { hostedZone: Example.COM., record: WWW.example.com., newTarget: "alias:my-alb.elb.amazonaws.com" }\n`, 'm.yaml', 'yaml');
    expect(config.dns).toMatchObject({ hostedZone: 'example.com', record: 'www.example.com', strategy: 'simple', weights: [10, 50, 100], ttl: 60 });
    const byId = parseConfigText(`${MINIMAL}dns: { hostedZone: Z0123456789ABC, record: shop.example.net }\n`, 'm.yaml', 'yaml');
    expect(byId.dns?.hostedZone).toBe('Z0123456789ABC');
    const apex = parseConfigText(`${MINIMAL}dns: { hostedZone: example.com, record: example.com }\n`, 'm.yaml', 'yaml');
    expect(apex.dns?.record).toBe('example.com');
  });

  it('accepts secret ARNs of any partition and an explicit subnet list inside the VPC', () => {
    const text = MINIMAL.replace('passwordEnv: PGPASSWORD', 'secretArn: arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbC1')
      + 'network: { vpcCidr: 10.1.0.0/16, subnets: [{tier: public, cidr: 10.1.0.0/24}, {tier: private, cidr: 10.1.1.0/24}] }\n';
    const config = parseConfigText(text, 'm.yaml', 'yaml');
    expect(config.source.secretArn).toContain('arn:aws-cn:');
    expect(config.network.subnets).toHaveLength(2);
  });
});

describe('formats and hash', () => {
  it('gives the same config and hash for the YAML and JSON forms', async () => {
    const dir = tempDir();
    const input = validInput();
    writeFileSync(join(dir, 'a.yaml'), stringify(input));
    // Different key order and the editor's $schema key must not change the hash.
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ $schema: 'x', ...reordered }, null, 2));
    const a = await loadConfig(join(dir, 'a.yaml'));
    const b = await loadConfig(join(dir, 'b.json'));
    expect(b.config).toEqual(a.config);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    writeFileSync(join(dir, 'c.yaml'), stringify({ ...input, target: { multiAz: true } }));
    expect((await loadConfig(join(dir, 'c.yaml'))).hash).not.toBe(a.hash);
  });

  it('sniffs the format of other extensions', () => {
    expect(detectFormat('x.conf', '  {"a": 1}')).toBe('json');
    expect(detectFormat('x.conf', 'a: 1')).toBe('yaml');
    expect(detectFormat('x.YML', '{}')).toBe('yaml');
  });

  it('sorts keys at every level in canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('reports a missing file with a hint to run init', async () => {
    const err = await loadConfig(join(tempDir(), 'nope.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).message).toContain('nope.yaml');
    expect((err as ConfigError).hint).toContain('promigrate init');
  });
});

describe('applyOverrides', () => {
  const config = parseConfigText(MINIMAL, 'm.yaml', 'yaml');

  it('applies region, profile, endpoint and --sandbox without touching the original', () => {
    const next = applyOverrides(config, { region: 'eu-west-1', profile: 'ops', endpointUrl: 'http://localhost:4566', sandbox: true });
    expect(next.aws).toEqual({ region: 'eu-west-1', profile: 'ops', endpoint: 'http://localhost:4566', mode: 'sandbox', maxAttempts: 5 });
    expect(config.aws.mode).toBe('aws');
    expect(applyOverrides(config, { sandbox: false }).aws.mode).toBe('aws');
  });

  it('rejects a bad region or endpoint as a usage error naming the flag', () => {
    expect(() => applyOverrides(config, { region: 'moon' })).toThrow(UsageError);
    expect(() => applyOverrides(config, { region: 'moon' })).toThrow(/^--region: /);
    expect(() => applyOverrides(config, { endpointUrl: 'nope' })).toThrow(/^--endpoint-url: /);
  });
});

describe('writeConfigFile', () => {
  it('writes YAML with the schema comment and JSON with $schema, both loadable', async () => {
    const dir = tempDir();
    await writeConfigFile(join(dir, 'p.yaml'), validInput() as never);
    const yamlText = readFileSync(join(dir, 'p.yaml'), 'utf8');
    expect(yamlText.split('\n')[0]).toBe(`# yaml-language-server: $schema=${JSON_SCHEMA_URL}`);
    await writeConfigFile(join(dir, 'sub', 'p.json'), validInput() as never);
    const json = JSON.parse(readFileSync(join(dir, 'sub', 'p.json'), 'utf8')) as Record<string, unknown>;
    expect(json.$schema).toBe(JSON_SCHEMA_URL);
    const [a, b] = await Promise.all([loadConfig(join(dir, 'p.yaml')), loadConfig(join(dir, 'sub', 'p.json'))]);
    expect(a.hash).toBe(b.hash);
  });

  it('quotes versions so YAML reads them back as text', () => {
    const text = renderConfig('p.yaml', { ...validInput(), target: { engineVersion: '8.0' } } as never);
    expect(parse(text).target.engineVersion).toBe('8.0');
  });

  it('refuses to overwrite without force (exit 2) and overwrites with it', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.yaml');
    writeFileSync(path, 'keep me\n');
    const err = await writeConfigFile(path, validInput() as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
    await writeConfigFile(path, validInput() as never, { force: true });
    expect(readFileSync(path, 'utf8')).toContain('project:');
  });
});
