import {
  CreateEndpointCommand,
  DatabaseMigrationServiceClient,
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsFault,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { UsageError } from '../../../src/errors.js';
import { dmsTasks } from '../../../src/steps/provision/dms.js';
import { iamRoleTasks } from '../../../src/steps/provision/iam-roles.js';
import {
  ConnectionTestError,
  endpointTasks,
  sourceEndpointParams,
  sourceEndpointTask,
  targetEndpointParams,
  targetEndpointTask,
} from '../../../src/steps/sync/endpoints.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { sandboxNetwork, withNetwork } from '../provision/db-dms-fixtures.js';
import { applyTasks, destroyTasks, instantClock, makeTaskContext, testConfig, type Harness } from '../provision/harness.js';

const REP = 'arn:aws:dms:us-east-1:123456789012:rep:REPLICATIONINSTANCE';
const EP = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCEENDPOINT';
const MANAGED = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf';
const DB = { address: 'shop-db.c0ffee.us-east-1.rds.amazonaws.com', port: 3306, masterUserSecretArn: MANAGED };

let dms = mockClient(DatabaseMigrationServiceClient);
let secrets = mockClient(SecretsManagerClient);
beforeEach(() => {
  dms = mockClient(DatabaseMigrationServiceClient);
  secrets = mockClient(SecretsManagerClient);
  process.env.SRC_PW = 's3cret-source';
});
afterEach(() => {
  dms.restore();
  secrets.restore();
  delete process.env.SRC_PW;
});

function harness(overrides: Parameters<typeof testConfig>[0] = {}): Harness {
  const h = makeTaskContext({ config: testConfig(overrides), clients: createAwsClients({ region: 'us-east-1', dryRun: false }), clock: instantClock(), stepId: 'sync' });
  h.found.set('dms.instance', { id: 'shop-dms', arn: REP, outputs: { arn: REP, privateIps: ['10.0.10.20'] } });
  h.found.set('db.instance', { id: 'shop-db', outputs: DB });
  return withNetwork(h);
}

describe('endpoint parameters', () => {
  it('source: source.host (not connectVia), SslMode none for MySQL without an imported CA (warned), password only at call time, tagged', async () => {
    const h = harness({ source: { connectVia: { host: '127.0.0.1', port: 13306 } } });
    expect(sourceEndpointParams(h.t).warnings.join()).toMatch(/only with SslMode verify-ca or verify-full.*source\.tls\.certificateArn/);
    const task = sourceEndpointTask();
    const plan = task.planCreate(h.t);
    expect(JSON.stringify(plan)).not.toContain('s3cret-source');
    expect(plan[0]!.params).toMatchObject({ ServerName: '10.20.0.5', Port: 3306, Password: '(from env SRC_PW)' });

    dms.on(CreateEndpointCommand).resolves({ Endpoint: { EndpointIdentifier: 'shop-source', EndpointArn: EP, ServerName: '10.20.0.5', Port: 3306 } });
    const found = await task.create(h.t);
    expect(found).toMatchObject({ id: 'shop-source', arn: EP });
    const input = dms.commandCalls(CreateEndpointCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      EndpointIdentifier: 'shop-source', EndpointType: 'source', EngineName: 'mysql',
      ServerName: '10.20.0.5', Port: 3306, Username: 'dms', Password: 's3cret-source', SslMode: 'none',
    });
    expect(input.DatabaseName).toBeUndefined();
    expect(input.Tags).toEqual(expect.arrayContaining([{ Key: 'promigrate:project', Value: 'shop' }, { Key: 'promigrate:key', Value: 'sync.endpoint.source' }]));
  });

  it('source: postgres gets its database; tls disable → none with a warning; a secret with an access role goes to DMS', () => {
    const h = harness({ source: { engine: 'postgres', databases: ['shop'], tls: { mode: 'disable' } } });
    const p = sourceEndpointParams(h.t);
    expect(p.input).toMatchObject({ EngineName: 'postgres', Port: 5432, DatabaseName: 'shop', SslMode: 'none' });
    expect(p.warnings.join()).toMatch(/without SSL/);

    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/source';
    const s = harness({ source: { passwordEnv: undefined, secretArn: arn, tls: { mode: 'prefer' } } as never });
    const viaDms = sourceEndpointParams(s.t, { secretsAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' });
    expect(viaDms.password).toBeUndefined();
    expect(viaDms.input.ServerName).toBeUndefined();
    expect(viaDms.input.MySQLSettings).toEqual({ SecretsManagerSecretId: arn, SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' });
    expect(viaDms.input.SslMode).toBe('none');
    expect(viaDms.warnings.join()).toMatch(/certificateArn/);
    const noRole = sourceEndpointParams(s.t);
    expect(noRole.password?.shown).toBe(`(from secret ${arn})`);
    expect(noRole.warnings.join()).toMatch(/no Secrets Manager access role/);
    expect(viaDms.warnings.join()).not.toMatch(/VPC endpoint/);
    const noNat = harness({ source: { passwordEnv: undefined, secretArn: arn }, network: { natGateways: 'none' } } as never);
    expect(sourceEndpointParams(noNat.t, { secretsAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets' }).warnings.join()).toMatch(/natGateways none.*Secrets Manager VPC endpoint/);
  });

  it('SslMode per engine ("Using SSL with AWS DMS"): MySQL/MariaDB never require; verify-* with the imported CA; PostgreSQL require by default', () => {
    const cert = 'arn:aws:dms:us-east-1:123456789012:cert:SOURCECA';
    const mode = (engine: string, tls: Record<string, unknown>) => sourceEndpointParams(harness({ source: { engine, tls } } as never).t, tls.certificateArn ? { certificateArn: cert } : {}).input;
    expect(mode('mysql', { mode: 'prefer', certificateArn: cert })).toMatchObject({ SslMode: 'verify-ca', CertificateArn: cert });
    expect(mode('mariadb', { mode: 'verify-full', certificateArn: cert })).toMatchObject({ SslMode: 'verify-full', CertificateArn: cert });
    expect(() => mode('mysql', { mode: 'require' })).toThrow(UsageError);
    expect(() => mode('mysql', { mode: 'verify-full' })).toThrow(/needs source\.tls\.certificateArn/);
    expect(mode('postgres', { mode: 'prefer' })).toMatchObject({ SslMode: 'require' });
    expect(mode('postgres', { mode: 'verify-full', certificateArn: cert })).toMatchObject({ SslMode: 'verify-full', CertificateArn: cert });
    expect(mode('postgres', { mode: 'verify-full' }).SslMode).toBe('require');
  });

  it('target: the RDS address, master user, RDS-managed password read at call time, FK checks off', async () => {
    const h = harness();
    expect(targetEndpointParams(h.t).password?.shown).toBe(`(from the RDS-managed secret ${MANAGED})`);
    secrets.on(GetSecretValueCommand, { SecretId: MANAGED }).resolves({ SecretString: '{"username":"promigrate_admin","password":"rds-generated"}' });
    dms.on(CreateEndpointCommand).resolves({ Endpoint: { EndpointIdentifier: 'shop-target', EndpointArn: EP } });
    await targetEndpointTask().create(h.t);
    expect(dms.commandCalls(CreateEndpointCommand)[0]!.args[0].input).toMatchObject({
      EndpointIdentifier: 'shop-target', EndpointType: 'target', EngineName: 'mysql', ServerName: DB.address, Port: 3306,
      Username: 'promigrate_admin', Password: 'rds-generated', SslMode: 'none', MySQLSettings: { AfterConnectScript: 'SET FOREIGN_KEY_CHECKS=0' },
    });
    const early = harness();
    early.found.delete('db.instance');
    await expect(targetEndpointTask().create(early.t)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/RDS instance's address is not known/) });
    expect(dms.commandCalls(CreateEndpointCommand)).toHaveLength(1);
    const pg = harness({ source: { engine: 'postgres' } });
    expect(targetEndpointParams(h.t).warnings.join()).toMatch(/RDS CA imported into DMS/);
    expect(targetEndpointParams(pg.t)).toMatchObject({ warnings: [] });
    expect(targetEndpointParams(pg.t).input).toMatchObject({ SslMode: 'require', DatabaseName: 'shop', PostgreSQLSettings: { AfterConnectScript: "SET session_replication_role='replica'" } });
  });

  it('an existing endpoint of another project is refused (UsageError)', async () => {
    const h = harness();
    dms.on(CreateEndpointCommand).rejects(new ResourceAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    dms.on(DescribeEndpointsCommand).resolves({ Endpoints: [{ EndpointIdentifier: 'shop-source', EndpointArn: EP, EngineName: 'mysql', EndpointType: 'SOURCE' as never /* DMS answers in upper case */, ServerName: '10.20.0.5' }] });
    dms.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'promigrate:project', Value: 'other' }] });
    const err = await sourceEndpointTask().create(h.t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/shop-source .*belongs to promigrate project "other"/);
  });
});

describe('connection tests', () => {
  it('a failed test → exit 1 with DMS\'s message and the fix (sg.dms egress / credentials)', async () => {
    const h = harness();
    dms.on(TestConnectionCommand).resolves({ Connection: { Status: 'testing' } });
    const network = "Can't connect to MySQL server on '10.20.0.5' (110)";
    dms.on(DescribeConnectionsCommand).resolvesOnce({ Connections: [{ Status: 'testing' }] }).resolves({ Connections: [{ Status: 'failed', LastFailureMessage: network }] });
    const err = (await sourceEndpointTask().waitReady!(h.t, { id: 'shop-source', arn: EP }).catch((e: unknown) => e)) as ConnectionTestError;
    expect(err).toBeInstanceOf(ConnectionTestError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain(network);
    expect(err.hint).toMatch(/egress from security group sg-0d0500000000000002 .*10\.0\.10\.20/);
    expect(dms.commandCalls(TestConnectionCommand)[0]!.args[0].input).toEqual({ ReplicationInstanceArn: REP, EndpointArn: EP });

    dms.on(DescribeConnectionsCommand).resolves({ Connections: [{ Status: 'failed', LastFailureMessage: "Access denied for user 'dms'@'10.0.10.20' (using password: YES)" }] });
    const creds = (await sourceEndpointTask().waitReady!(h.t, { id: 'shop-source', arn: EP }).catch((e: unknown) => e)) as ConnectionTestError;
    expect(creds.hint).toMatch(/source\.user and its password \(from env SRC_PW\)/);
  });
});

describe('against the sandbox', () => {
  it('replication instance + both endpoints: connections successful, no password stored; `.invalid` fails with the fix', async () => {
    dms.restore(); // the class-wide mocks would answer the sandbox's clients too
    secrets.restore();
    const { sandbox, clients } = await makeSandbox();
    const network = await sandboxNetwork(clients);
    process.env.TGT_PW = 'target-pw';
    try {
      const config = testConfig({ target: { passwordEnv: 'TGT_PW' } });
      const h = withNetwork(makeTaskContext({ config, clients, clock: sandbox.clock, stepId: 'sync' }), network);
      const made = await applyTasks(h, [...iamRoleTasks(), ...dmsTasks(config)]);
      h.found.set('db.instance', { id: 'shop-db', outputs: DB });
      const started = sandbox.clock.now();
      const endpoints = await applyTasks(h, endpointTasks());
      expect(sandbox.clock.now() - started).toBeGreaterThanOrEqual(30_000);
      const api = await clients.dms;
      const conns = (await api.send(new DescribeConnectionsCommand({}))).Connections ?? [];
      expect(conns.map((c) => [c.EndpointIdentifier, c.Status]).sort()).toEqual([['shop-source', 'successful'], ['shop-target', 'successful']]);
      expect(endpoints.get('sync.endpoint.target')!.outputs).toMatchObject({ serverName: DB.address });
      const world = JSON.stringify(sandbox.world.data);
      expect(world).not.toContain('s3cret-source');
      expect(world).not.toContain('target-pw');

      // A resumed run finds both endpoints: no second CreateEndpoint.
      const calls = sandbox.world.data.faults.mutatingCalls;
      const again = withNetwork(makeTaskContext({ config, clients, clock: sandbox.clock, state: h.state, stepId: 'sync' }), network);
      again.found.set('db.instance', { id: 'shop-db', outputs: DB });
      for (const task of endpointTasks()) expect(await task.find(again.t)).toMatchObject({ id: `shop-${task.key.split('.').pop()}` });
      expect(sandbox.world.data.faults.mutatingCalls).toBe(calls);

      const bad = testConfig({ project: { name: 'bad' }, source: { host: 'db.unreachable.invalid' } });
      const b = withNetwork(makeTaskContext({ config: bad, clients, clock: sandbox.clock, stepId: 'sync' }), network);
      b.found.set('dms.instance', made.get('dms.instance')!);
      const err = (await applyTasks(b, [sourceEndpointTask()]).catch((e: unknown) => e)) as ConnectionTestError;
      expect(err).toBeInstanceOf(ConnectionTestError);
      expect(err.message).toMatch(/bad-source.*Can't connect to MySQL server on 'db\.unreachable\.invalid'/);
      expect(err.hint).toMatch(/cannot reach db\.unreachable\.invalid:3306: allow egress from security group sg-/);

      expect(await destroyTasks(h, endpointTasks())).toEqual(expect.arrayContaining(['shop-source', 'shop-target']));
      expect(await sourceEndpointTask().findAll!(h.t)).toEqual([]);
    } finally {
      delete process.env.TGT_PW;
    }
  });
});
