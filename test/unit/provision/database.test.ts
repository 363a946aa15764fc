import {
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBParameterGroupCommand,
  CreateDBSubnetGroupCommand,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DeleteDBInstanceCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { auditParams } from '../../../src/aws/guards.js';
import { UsageError } from '../../../src/errors.js';
import { databaseTasks } from '../../../src/steps/provision/database.js';
import { instanceParams } from '../../../src/steps/provision/database-instance.js';
import { planGraph } from '../../../src/engine/resources/graph.js';
import type { ResourceTask } from '../../../src/engine/resources/task.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import type { TestIoHost } from '../../helpers/test-io-host.js';
import { PROMIGRATE_TAG_KEYS, sandboxNetwork, withNetwork } from './db-dms-fixtures.js';
import { applyTasks, destroyTasks, instantClock, makeTaskContext, testConfig } from './harness.js';

// Mocked per test and restored after it: the sandbox test below needs the real clients.
let rds = mockClient(RDSClient);
let secrets = mockClient(SecretsManagerClient);
const PASSWORD = 'Tg7-not-in-any-log';
const OURS = [{ Key: 'promigrate:project', Value: 'shop' }];

beforeEach(() => {
  rds = mockClient(RDSClient);
  secrets = mockClient(SecretsManagerClient);
  process.env.TARGET_PW = PASSWORD;
});
afterEach(() => {
  rds.restore();
  secrets.restore();
  delete process.env.TARGET_PW;
});

type Overrides = Parameters<typeof testConfig>[0];
function harness(overrides: Overrides = {}) {
  const config = testConfig(overrides);
  const h = makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: false }), clock: instantClock() });
  return withNetwork(h);
}
const task = (h: ReturnType<typeof harness>, key: string): ResourceTask => databaseTasks(h.config).find((x) => x.key === key)!;

function instance(over: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'shop-db',
    DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:shop-db',
    DBInstanceStatus: 'available',
    Engine: 'mysql',
    EngineVersion: '8.0.42',
    DBInstanceClass: 'db.t3.medium',
    StorageEncrypted: true,
    PubliclyAccessible: false,
    DeletionProtection: true,
    AvailabilityZone: 'us-east-1a',
    Endpoint: { Address: 'shop-db.abc.us-east-1.rds.amazonaws.com', Port: 3306 },
    DBSubnetGroup: { Subnets: [{ SubnetAvailabilityZone: { Name: 'us-east-1a' } }, { SubnetAvailabilityZone: { Name: 'us-east-1b' } }] },
    TagList: OURS,
    ...over,
  };
}
const notFound = () => new DBInstanceNotFoundFault({ message: 'DBInstance shop-db not found.', $metadata: {} });

describe('db.instance: create parameters', () => {
  it('encrypted, private, deletion-protected, backed up, tagged; RDS manages the password', async () => {
    const h = harness();
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: instance({ DBInstanceStatus: 'creating', Endpoint: undefined }) });
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [instance({ MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf' } })],
    });
    const db = task(h, 'db.instance');
    const found = await db.create(h.t);
    const input = rds.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      DBInstanceIdentifier: 'shop-db',
      Engine: 'mysql',
      EngineVersion: '8.0',
      DBInstanceClass: 'db.t3.medium',
      AllocatedStorage: 50,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      MultiAZ: false,
      BackupRetentionPeriod: 7,
      CopyTagsToSnapshot: true,
      AutoMinorVersionUpgrade: true,
      VpcSecurityGroupIds: ['sg-0db00000000000001'],
      DBSubnetGroupName: '<db.subnet-group>',
      DBParameterGroupName: '<db.parameter-group>',
      MasterUsername: 'promigrate_admin',
      ManageMasterUserPassword: true,
    });
    expect(input.MasterUserPassword).toBeUndefined();
    // MySQL databases come from the schema phase, each with its own character set.
    expect(input.DBName).toBeUndefined();
    expect(input.Tags!.map((tag) => tag.Key)).toEqual(PROMIGRATE_TAG_KEYS);
    expect(input.Tags).toContainEqual({ Key: 'promigrate:key', Value: 'db.instance' });
    expect(found).toMatchObject({ id: 'shop-db', arn: 'arn:aws:rds:us-east-1:123456789012:db:shop-db' });
    const outputs = await db.waitReady!(h.t, found);
    expect(outputs).toMatchObject({
      address: 'shop-db.abc.us-east-1.rds.amazonaws.com',
      port: 3306,
      engine: 'mysql',
      engineVersion: '8.0.42',
      masterUserSecretArn: expect.stringContaining('rds!db-'),
    });
    expect(db.planCreate(h.t)[0]!.params).toMatchObject({ ManageMasterUserPassword: true });
  });

  it('PostgreSQL: DBName creates the source database (RDS holds only postgres otherwise); a name RDS refuses is left to the schema phase', () => {
    const pg = (databases: string[]) => instanceParams(harness({ source: { engine: 'postgres', databases } } as never).t).DBName;
    expect(pg(['shop'])).toBe('shop');
    expect(pg(['shop-eu'])).toBeUndefined(); // DBName: letters, digits, underscores; a letter first
    expect(pg(['2shop'])).toBeUndefined();
    expect(pg(['postgres'])).toBeUndefined();
    expect(pg(['a'.repeat(64)])).toBeUndefined();
  });

  it('Multi-AZ and deletion protection as configured; backups stay on even at retention 0', async () => {
    const h = harness({ target: { multiAz: true, deletionProtection: false, backupRetentionDays: 0, passwordEnv: 'TARGET_PW' } });
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: instance() });
    await task(h, 'db.instance').create(h.t);
    expect(rds.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input).toMatchObject({ MultiAZ: true, DeletionProtection: false, BackupRetentionPeriod: 1 });
  });

  it('passwordEnv: the password reaches CreateDBInstance only — never the plan, outputs, state, audit line or messages', async () => {
    const h = harness({ target: { passwordEnv: 'TARGET_PW' } });
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: instance({ DBInstanceStatus: 'creating' }) });
    rds.on(DescribeDBInstancesCommand).rejectsOnce(notFound()).resolves({ DBInstances: [instance()] });
    const plan = task(h, 'db.instance').planCreate(h.t);
    expect(plan[0]!.params).toMatchObject({ MasterUserPassword: '(from env TARGET_PW)' });
    expect(plan[0]!.params.ManageMasterUserPassword).toBeUndefined();

    const done = await applyTasks(h, [task(h, 'db.instance')]);
    const input = rds.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input;
    expect(input.MasterUserPassword).toBe(PASSWORD);
    expect(input.ManageMasterUserPassword).toBeUndefined();
    const everywhere = JSON.stringify({ plan, done: [...done], state: h.state, audit: auditParams(input), io: h.io });
    expect(everywhere).not.toContain(PASSWORD);
  });

  it('secretArn: the password is read from Secrets Manager at call time', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/target';
    const h = harness({ target: { secretArn: arn } });
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ username: 'x', password: PASSWORD }) });
    rds.on(CreateDBInstanceCommand).resolves({ DBInstance: instance() });
    expect(task(h, 'db.instance').planCreate(h.t)[0]!.params).toMatchObject({ MasterUserPassword: `(from secret ${arn})` });
    await task(h, 'db.instance').create(h.t);
    expect(rds.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input.MasterUserPassword).toBe(PASSWORD);
  });
});

describe('db.instance: existing instances', () => {
  it('not found is absent; our matching instance is found (a resumed run makes nothing)', async () => {
    const h = harness();
    rds.on(DescribeDBInstancesCommand).rejectsOnce(notFound()).resolves({ DBInstances: [instance({ EngineVersion: '8.0.43' })] });
    expect(await task(h, 'db.instance').find(h.t)).toBeUndefined();
    expect(await task(h, 'db.instance').find(h.t)).toMatchObject({ id: 'shop-db', outputs: { port: 3306 } });
  });

  it('AlreadyExists from a lost race: ours and matching is accepted', async () => {
    const h = harness();
    rds.on(CreateDBInstanceCommand).rejects(new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: {} }));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
    expect(await task(h, 'db.instance').create(h.t)).toMatchObject({ id: 'shop-db' });
  });

  it('AlreadyExists: another project’s instance, or one not matching, is a clear usage error', async () => {
    const h = harness();
    rds.on(CreateDBInstanceCommand).rejects(new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: {} }));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ TagList: [{ Key: 'promigrate:project', Value: 'blog' }] })] });
    const err = await task(h, 'db.instance').create(h.t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(/RDS instance shop-db already exists.*promigrate project "blog"/);

    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ DBInstanceClass: 'db.r5.large', PubliclyAccessible: true, TagList: [] })] });
    const mismatch = (await task(h, 'db.instance').find(h.t).catch((e: unknown) => e)) as UsageError;
    expect(mismatch).toBeInstanceOf(UsageError);
    expect(mismatch.message).toContain('not created by promigrate');
    expect(mismatch.message).toContain('class is db.r5.large, not db.t3.medium');
    expect(mismatch.message).toContain('publicly accessible');
  });
});

describe('db.instance: destroy', () => {
  it('turns deletion protection off, takes a final snapshot, waits until gone', async () => {
    const h = harness();
    rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [instance()] })
      .resolvesOnce({ DBInstances: [instance()] })
      .resolvesOnce({ DBInstances: [instance({ DBInstanceStatus: 'deleting' })] })
      .rejects(notFound());
    await task(h, 'db.instance').destroy!(h.t, 'shop-db');
    expect(rds.commandCalls(ModifyDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'shop-db', DeletionProtection: false, ApplyImmediately: true });
    expect(rds.commandCalls(DeleteDBInstanceCommand)[0]!.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-db',
      SkipFinalSnapshot: false,
      FinalDBSnapshotIdentifier: 'shop-db-final-202501060900',
    });
    const order = rds.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('ModifyDBInstanceCommand')).toBeLessThan(order.indexOf('DeleteDBInstanceCommand'));
  });

  it('--skip-final-snapshot; without deletion protection nothing is modified; a foreign instance is left in place', async () => {
    const h = harness();
    Object.assign(h.t, { destroyOptions: { skipFinalSnapshot: true } });
    rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [instance({ DeletionProtection: false })] })
      .resolvesOnce({ DBInstances: [instance({ DeletionProtection: false })] })
      .rejects(notFound());
    await task(h, 'db.instance').destroy!(h.t, 'shop-db');
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    expect(rds.commandCalls(DeleteDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'shop-db', SkipFinalSnapshot: true });

    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ TagList: [] })] });
    // Destroy reports it (destroyResources) and leaves what stands on it for a re-run.
    await expect(task(h, 'db.instance').destroy!(h.t, 'shop-db')).rejects.toMatchObject({
      name: 'ResourceLeftInPlace',
      key: 'db.instance',
      id: 'shop-db',
      why: expect.stringMatching(/no promigrate:project tag/),
    });
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
    expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
  });
});

describe('db.replica', () => {
  it('only with readReplica; in another AZ than the primary, private, tagged', async () => {
    expect(task(harness(), 'db.replica').enabled!(harness().config)).toBe(false);
    const h = harness({ target: { readReplica: true, passwordEnv: 'TARGET_PW' } });
    const replica = task(h, 'db.replica');
    expect(replica.enabled!(h.config)).toBe(true);
    expect(replica.dependsOn).toEqual(['db.instance']);
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop-db' }).resolves({ DBInstances: [instance()] });
    rds.on(CreateDBInstanceReadReplicaCommand).resolves({ DBInstance: instance({ DBInstanceIdentifier: 'shop-db-replica', DBInstanceStatus: 'creating' }) });
    expect(await replica.create(h.t)).toMatchObject({ id: 'shop-db-replica' });
    const input = rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      DBInstanceIdentifier: 'shop-db-replica',
      SourceDBInstanceIdentifier: 'shop-db',
      AvailabilityZone: 'us-east-1b',
      PubliclyAccessible: false,
      VpcSecurityGroupIds: ['sg-0db00000000000001'],
      DeletionProtection: true,
    });
    expect(input.Tags).toContainEqual({ Key: 'promigrate:key', Value: 'db.replica' });
  });
});

describe('db.subnet-group and db.parameter-group', () => {
  it('the subnet group spans the private subnets; a foreign one is refused', async () => {
    const h = harness();
    const sg = task(h, 'db.subnet-group');
    expect(sg.dependsOn).toEqual(['network.subnet.private.0', 'network.subnet.private.1']);
    rds.on(CreateDBSubnetGroupCommand).resolves({ DBSubnetGroup: { DBSubnetGroupName: 'shop-db', DBSubnetGroupArn: 'arn:aws:rds:us-east-1:1:subgrp:shop-db' } });
    await sg.create(h.t);
    expect(rds.commandCalls(CreateDBSubnetGroupCommand)[0]!.args[0].input).toMatchObject({
      DBSubnetGroupName: 'shop-db',
      SubnetIds: ['subnet-0aaa0000000000001', 'subnet-0bbb0000000000002'],
    });
    rds.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [{ DBSubnetGroupName: 'shop-db', DBSubnetGroupArn: 'arn:x' }] });
    rds.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'promigrate:project', Value: 'blog' }] });
    await expect(sg.find(h.t)).rejects.toThrow(/DB subnet group shop-db already exists.*"blog"/);
    expect(await sg.findAll!(h.t)).toEqual([]);
  });

  it('PostgreSQL: family from RDS, rds.force_ssl=1; MySQL: log_bin_trust_function_creators=1', async () => {
    const pg = harness({ source: { engine: 'postgres' }, target: { engineVersion: '16' } });
    rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ DBParameterGroupFamily: 'postgres16' }] });
    rds.on(CreateDBParameterGroupCommand).resolves({ DBParameterGroup: { DBParameterGroupName: 'shop-db', DBParameterGroupFamily: 'postgres16' } });
    rds.on(DescribeDBParametersCommand).resolves({ Parameters: [] });
    const group = task(pg, 'db.parameter-group');
    const found = await group.create(pg.t);
    await group.waitReady!(pg.t, found);
    expect(rds.commandCalls(CreateDBParameterGroupCommand)[0]!.args[0].input).toMatchObject({ DBParameterGroupName: 'shop-db', DBParameterGroupFamily: 'postgres16' });
    expect(rds.commandCalls(ModifyDBParameterGroupCommand)[0]!.args[0].input.Parameters).toEqual([
      { ParameterName: 'rds.force_ssl', ParameterValue: '1', ApplyMethod: 'immediate' },
    ]);
    const my = harness();
    expect(task(my, 'db.parameter-group').planCreate(my.t).map((c) => c.params)).toEqual([
      expect.objectContaining({ DBParameterGroupFamily: 'mysql8.0' }),
      expect.objectContaining({ Parameters: [{ ParameterName: 'log_bin_trust_function_creators', ParameterValue: '1', ApplyMethod: 'immediate' }] }),
    ]);
    // Already set (a resumed run): nothing is modified.
    rds.reset();
    rds.on(DescribeDBParametersCommand).resolves({ Parameters: [{ ParameterName: 'rds.force_ssl', ParameterValue: '1' }] });
    await group.waitReady!(pg.t, found);
    expect(rds.commandCalls(ModifyDBParameterGroupCommand)).toHaveLength(0);
    expect(rds.commandCalls(DescribeDBParameterGroupsCommand)).toHaveLength(0);
  });
});

describe('RDS tasks against the sandbox', () => {
  beforeEach(() => {
    rds.restore();
    secrets.restore();
  });

  it('apply twice creates once; destroy leaves nothing but the final snapshot', async () => {
    const { sandbox, clients } = await makeSandbox();
    const network = await sandboxNetwork(clients);
    const config = testConfig({ target: { readReplica: true, passwordEnv: 'TARGET_PW' } });
    const run = () => withNetwork(makeTaskContext({ config, clients, clock: sandbox.clock }), network);
    const before = sandbox.world.data.faults.mutatingCalls;
    // The plan of a fresh account: every create with its parameters, the password only named.
    const dry = withNetwork(makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: true, sandbox }), clock: sandbox.clock, dryRun: true }), network);
    const plan = await planGraph(databaseTasks(config), dry.t, new Set(Object.keys(network)));
    expect(plan.map((c) => `${c.action} ${c.target}`)).toEqual(['create db.subnet-group', 'create db.parameter-group', 'create db.instance', 'create db.replica']);
    expect(JSON.stringify(plan)).toContain('(from env TARGET_PW)');
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
    expect(sandbox.world.data.faults.mutatingCalls).toBe(before);

    const first = run();
    const made = await applyTasks(first, databaseTasks(config));
    expect([...made.keys()].sort()).toEqual(['db.instance', 'db.parameter-group', 'db.replica', 'db.subnet-group']);
    expect(made.get('db.instance')!.outputs).toMatchObject({ port: 3306, address: expect.stringContaining('shop-db.') });
    const replicaAz = made.get('db.replica')!.outputs!.availabilityZone;
    expect(replicaAz).not.toBe(made.get('db.instance')!.outputs!.availabilityZone);

    const calls = sandbox.world.data.faults.mutatingCalls;
    const second = makeTaskContext({ config, clients, clock: sandbox.clock, state: first.state });
    withNetwork(second, network);
    const again = await applyTasks(second, databaseTasks(config));
    expect(sandbox.world.data.faults.mutatingCalls).toBe(calls);
    expect(again.get('db.instance')!.id).toBe('shop-db');

    await destroyTasks(second, databaseTasks(config));
    const api = await clients.rds;
    expect((await api.send(new DescribeDBInstancesCommand({}))).DBInstances).toEqual([]);
    expect((await api.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups).toEqual([]);
    await expect(api.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: 'shop-db' }))).rejects.toThrow(/not found/);
    const snapshots = (await api.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots!.map((s) => s.DBSnapshotIdentifier);
    expect(snapshots).toEqual([expect.stringMatching(/^shop-db-final-\d{12}$/)]);
    expect(second.state.resources).toEqual({});
  });
});
