import { describe, expect, it, vi } from 'vitest';
import { rdsSimulator as rds } from '../../../src/aws/sandbox/services/rds.js';
import { MIN, expectSimError, makeSim, type TestSim } from './helpers.js';

const PASSWORD = 'S3cret-Passw0rd!';

function withSubnetGroup(sim: TestSim, name = 'db-subnets') {
  sim.call(rds, 'CreateDBSubnetGroup', {
    DBSubnetGroupName: name,
    DBSubnetGroupDescription: 'private subnets',
    SubnetIds: ['subnet-a', 'subnet-b'],
  });
}

function createDb(sim: TestSim, overrides: Record<string, unknown> = {}) {
  return sim.call(rds, 'CreateDBInstance', {
    DBInstanceIdentifier: 'shop-db',
    Engine: 'mysql',
    EngineVersion: '8.0.42',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 20,
    MasterUsername: 'admin',
    MasterUserPassword: PASSWORD,
    ...overrides,
  }).DBInstance;
}

const status = (sim: TestSim, id = 'shop-db') =>
  sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: id }).DBInstances[0].DBInstanceStatus;

describe('RDS DB subnet groups', () => {
  it('creates, describes and deletes a subnet group across two AZs', () => {
    const sim = makeSim();
    withSubnetGroup(sim, 'My-Subnets');
    const [g] = sim.call(rds, 'DescribeDBSubnetGroups', { DBSubnetGroupName: 'my-subnets' }).DBSubnetGroups;
    expect(g.DBSubnetGroupName).toBe('my-subnets');
    expect(g.Subnets.map((s: any) => s.SubnetAvailabilityZone.Name)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(g.DBSubnetGroupArn).toBe('arn:aws:rds:us-east-1:123456789012:subgrp:my-subnets');
    sim.call(rds, 'DeleteDBSubnetGroup', { DBSubnetGroupName: 'my-subnets' });
    expectSimError(() => sim.call(rds, 'DescribeDBSubnetGroups', { DBSubnetGroupName: 'my-subnets' }), 'DBSubnetGroupNotFoundFault');
  });

  it('refuses duplicates, unknown subnets, one-AZ groups and deleting a group in use', () => {
    const subnets: Record<string, { vpcId: string; availabilityZone: string }> = {
      'subnet-1': { vpcId: 'vpc-1', availabilityZone: 'us-east-1a' },
      'subnet-2': { vpcId: 'vpc-1', availabilityZone: 'us-east-1a' },
      'subnet-3': { vpcId: 'vpc-1', availabilityZone: 'us-east-1b' },
    };
    const sim = makeSim({ hooks: { subnetInfo: (id) => subnets[id] } });
    const create = (ids: string[], name = 'g') =>
      sim.call(rds, 'CreateDBSubnetGroup', { DBSubnetGroupName: name, DBSubnetGroupDescription: 'd', SubnetIds: ids });
    expectSimError(() => create(['subnet-1', 'subnet-x']), 'InvalidSubnet', /subnet-x/);
    expectSimError(() => create(['subnet-1', 'subnet-2']), 'DBSubnetGroupDoesNotCoverEnoughAZs', /Current AZ coverage: us-east-1a/);
    create(['subnet-1', 'subnet-3']);
    expect(sim.call(rds, 'DescribeDBSubnetGroups', {}).DBSubnetGroups[0].VpcId).toBe('vpc-1');
    expectSimError(() => create(['subnet-1', 'subnet-3']), 'DBSubnetGroupAlreadyExistsFault');
    createDb(sim, { DBSubnetGroupName: 'g' });
    expectSimError(() => sim.call(rds, 'DeleteDBSubnetGroup', { DBSubnetGroupName: 'g' }), 'InvalidDBSubnetGroupStateFault', /shop-db is still using it/);
  });
});

describe('RDS DB parameter groups', () => {
  it('creates, modifies and describes a custom group', () => {
    const sim = makeSim();
    const { DBParameterGroup } = sim.call(rds, 'CreateDBParameterGroup', {
      DBParameterGroupName: 'shop-mysql80', DBParameterGroupFamily: 'mysql8.0', Description: 'binlog for DMS',
    });
    expect(DBParameterGroup.DBParameterGroupArn).toBe('arn:aws:rds:us-east-1:123456789012:pg:shop-mysql80');
    expect(sim.call(rds, 'ModifyDBParameterGroup', {
      DBParameterGroupName: 'shop-mysql80',
      Parameters: [{ ParameterName: 'binlog_format', ParameterValue: 'ROW', ApplyMethod: 'immediate' }],
    })).toEqual({ DBParameterGroupName: 'shop-mysql80' });
    const user = sim.call(rds, 'DescribeDBParameters', { DBParameterGroupName: 'shop-mysql80', Source: 'user' }).Parameters;
    expect(user).toEqual([expect.objectContaining({ ParameterName: 'binlog_format', ParameterValue: 'ROW', Source: 'user', ApplyMethod: 'immediate' })]);
    const all = sim.call(rds, 'DescribeDBParameterGroups', {}).DBParameterGroups;
    expect(all.map((g: any) => g.DBParameterGroupName)).toEqual(['shop-mysql80']);
  });

  it('validates parameters like RDS', () => {
    const sim = makeSim();
    sim.call(rds, 'CreateDBParameterGroup', { DBParameterGroupName: 'pg', DBParameterGroupFamily: 'postgres16', Description: 'd' });
    const modify = (p: Record<string, unknown>) =>
      sim.call(rds, 'ModifyDBParameterGroup', { DBParameterGroupName: 'pg', Parameters: [p] });
    expectSimError(() => modify({ ParameterName: 'rds.logical_replication', ParameterValue: '1', ApplyMethod: 'immediate' }),
      'InvalidParameterCombination', 'cannot use immediate apply method for static parameter');
    expectSimError(() => modify({ ParameterName: 'nope', ParameterValue: '1' }), 'InvalidParameterValue', 'Could not find parameter with name: nope');
    expectSimError(() => modify({ ParameterName: 'session_replication_role', ParameterValue: 'bogus', ApplyMethod: 'immediate' }),
      'InvalidParameterValue', /allowed values are: origin,replica,local/);
    modify({ ParameterName: 'rds.logical_replication', ParameterValue: '1', ApplyMethod: 'pending-reboot' });
    expectSimError(() => sim.call(rds, 'CreateDBParameterGroup', { DBParameterGroupName: 'pg', DBParameterGroupFamily: 'postgres16', Description: 'd' }),
      'DBParameterGroupAlreadyExistsFault');
    expectSimError(() => sim.call(rds, 'CreateDBParameterGroup', { DBParameterGroupName: 'x', DBParameterGroupFamily: 'mysql5.1', Description: 'd' }),
      'InvalidParameterValue');
  });

  it('protects default groups and groups in use', () => {
    const sim = makeSim();
    expect(sim.call(rds, 'DescribeDBParameterGroups', { DBParameterGroupName: 'default.mysql8.0' }).DBParameterGroups[0].DBParameterGroupFamily).toBe('mysql8.0');
    expectSimError(() => sim.call(rds, 'ModifyDBParameterGroup', {
      DBParameterGroupName: 'default.mysql8.0', Parameters: [{ ParameterName: 'binlog_format', ParameterValue: 'ROW' }],
    }), 'InvalidParameterValue', 'Cannot modify a default parameter group.');
    expectSimError(() => sim.call(rds, 'DeleteDBParameterGroup', { DBParameterGroupName: 'default.mysql8.0' }), 'InvalidDBParameterGroupStateFault');
    sim.call(rds, 'CreateDBParameterGroup', { DBParameterGroupName: 'custom', DBParameterGroupFamily: 'mysql8.0', Description: 'd' });
    createDb(sim, { DBParameterGroupName: 'custom' });
    expectSimError(() => sim.call(rds, 'DeleteDBParameterGroup', { DBParameterGroupName: 'custom' }), 'InvalidDBParameterGroupStateFault');
    expectSimError(() => sim.call(rds, 'DescribeDBParameters', { DBParameterGroupName: 'missing' }), 'DBParameterGroupNotFoundFault', 'DBParameterGroup not found: missing');
  });
});

describe('RDS catalogue', () => {
  it('lists engine versions by engine, major version and default', () => {
    const sim = makeSim();
    const versions = (input: Record<string, unknown>) =>
      sim.call(rds, 'DescribeDBEngineVersions', input).DBEngineVersions.map((v: any) => v.EngineVersion);
    expect(versions({ Engine: 'mysql', EngineVersion: '8.4' })).toEqual(['8.4.4', '8.4.5', '8.4.6']);
    expect(versions({ Engine: 'postgres', DefaultOnly: true })).toEqual(['17.5']);
    expect(versions({ Engine: 'mariadb', EngineVersion: '10.6', DefaultOnly: true })).toEqual(['10.6.21']);
    const [pg] = sim.call(rds, 'DescribeDBEngineVersions', { Engine: 'postgres', EngineVersion: '16.9' }).DBEngineVersions;
    expect(pg).toMatchObject({ DBParameterGroupFamily: 'postgres16', MajorEngineVersion: '16', Status: 'available' });
  });

  it('lists orderable instance options, paged', () => {
    const sim = makeSim();
    expectSimError(() => sim.call(rds, 'DescribeOrderableDBInstanceOptions', {}), 'InvalidParameterValue');
    const one = sim.call(rds, 'DescribeOrderableDBInstanceOptions', { Engine: 'mariadb', EngineVersion: '10.11.11', DBInstanceClass: 'db.r6g.large' });
    expect(one.OrderableDBInstanceOptions.map((o: any) => o.StorageType)).toEqual(['gp2', 'gp3']);
    expect(one.OrderableDBInstanceOptions[0]).toMatchObject({ MultiAZCapable: true, SupportsStorageEncryption: true, MinStorageSize: 20 });
    const page1 = sim.call(rds, 'DescribeOrderableDBInstanceOptions', { Engine: 'postgres', MaxRecords: 20 });
    expect(page1.OrderableDBInstanceOptions).toHaveLength(20);
    const page2 = sim.call(rds, 'DescribeOrderableDBInstanceOptions', { Engine: 'postgres', MaxRecords: 20, Marker: page1.Marker });
    expect(page2.OrderableDBInstanceOptions[0]).not.toEqual(page1.OrderableDBInstanceOptions[0]);
  });
});

describe('RDS instances', () => {
  it('goes creating → backing-up → available on the clock, consistent after a reload', () => {
    const sim = makeSim();
    withSubnetGroup(sim);
    const created = createDb(sim, { DBSubnetGroupName: 'db-subnets', VpcSecurityGroupIds: ['sg-1'], StorageEncrypted: true, Tags: [{ Key: 'promigrate:project', Value: 'shop' }] });
    expect(created).toMatchObject({ DBInstanceStatus: 'creating', Endpoint: undefined, PubliclyAccessible: false, StorageEncrypted: true, StorageType: 'gp3' });
    expect(created.DBInstanceArn).toBe('arn:aws:rds:us-east-1:123456789012:db:shop-db');
    sim.advance(10 * MIN);
    sim.reload();
    expect(status(sim)).toBe('backing-up');
    sim.advance(2 * MIN);
    sim.reload();
    const [db] = sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: created.DBInstanceArn }).DBInstances;
    expect(db.DBInstanceStatus).toBe('available');
    expect(db.Endpoint.Address).toMatch(/^shop-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/);
    expect(db.Endpoint.Port).toBe(3306);
    expect(db.DBSubnetGroup.DBSubnetGroupName).toBe('db-subnets');
    expect(db.VpcSecurityGroups).toEqual([{ VpcSecurityGroupId: 'sg-1', Status: 'active' }]);
    expect(db.DBParameterGroups).toEqual([{ DBParameterGroupName: 'default.mysql8.0', ParameterApplyStatus: 'in-sync' }]);
    expect(db.InstanceCreateTime).toBeInstanceOf(Date);
    expect(db.TagList).toEqual([{ Key: 'promigrate:project', Value: 'shop' }]);
  });

  it('takes longer with MultiAZ and reports the secondary AZ', () => {
    const sim = makeSim();
    createDb(sim, { MultiAZ: true, Engine: 'postgres', EngineVersion: '16', MasterUsername: 'postgres' });
    sim.advance(13 * MIN);
    expect(status(sim)).toBe('creating');
    sim.advance(6 * MIN);
    const [db] = sim.call(rds, 'DescribeDBInstances', {}).DBInstances;
    expect(db).toMatchObject({ DBInstanceStatus: 'available', MultiAZ: true, EngineVersion: '16.9', SecondaryAvailabilityZone: 'us-east-1b' });
    expect(db.Endpoint.Port).toBe(5432);
  });

  it('never stores the master password; ManageMasterUserPassword reports an RDS-managed secret', () => {
    const created = vi.fn();
    const sim = makeSim({ hooks: { rdsManagedSecretCreated: created } });
    createDb(sim);
    const managed = createDb(sim, { DBInstanceIdentifier: 'managed', MasterUserPassword: undefined, ManageMasterUserPassword: true });
    expect(managed.MasterUserSecret.SecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-[0-9a-f-]{36}-[a-z0-9]{6}$/);
    expect(created).toHaveBeenCalledWith(expect.objectContaining({ username: 'admin', dbInstanceIdentifier: 'managed', secretArn: managed.MasterUserSecret.SecretArn }));
    expect(JSON.stringify([...sim.slices.values()])).not.toContain(PASSWORD);
  });

  it('points the endpoint at a mapped local database', () => {
    const sim = makeSim({ hooks: { rdsEndpointFor: (id) => (id === 'shop-db' ? { address: '127.0.0.1', port: 3307 } : undefined) } });
    createDb(sim);
    sim.advance(12 * MIN);
    expect(sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: 'shop-db' }).DBInstances[0].Endpoint).toMatchObject({ Address: '127.0.0.1', Port: 3307 });
  });

  it('validates CreateDBInstance like RDS', () => {
    const sim = makeSim();
    createDb(sim);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'SHOP-DB' }), 'DBInstanceAlreadyExistsFault', 'DB instance already exists');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: '1bad--id' }), 'InvalidParameterValue', /not a valid identifier/);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', EngineVersion: '5.7.44' }), 'InvalidParameterCombination', 'Cannot find version 5.7.44 for mysql');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', DBInstanceClass: 'db.t2.nano' }), 'InvalidParameterCombination', /DBInstanceClass=db.t2.nano, Engine=mysql/);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', Engine: 'oracle-ee' }), 'InvalidParameterValue', 'Invalid DB engine: oracle-ee');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', MasterUserPassword: undefined }), 'InvalidParameterValue', /MasterUserPassword must be provided/);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', MasterUserPassword: 'short' }), 'InvalidParameterValue', /shorter than 8 characters/);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', ManageMasterUserPassword: true }), 'InvalidParameterCombination');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', AllocatedStorage: 5 }), 'InvalidParameterCombination', /Invalid storage size/);
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', DBSubnetGroupName: 'none' }), 'DBSubnetGroupNotFoundFault');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', BackupRetentionPeriod: 36 }), 'InvalidParameterValue');
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', MultiAZ: true, AvailabilityZone: 'us-east-1a' }), 'InvalidParameterCombination');
    sim.call(rds, 'CreateDBParameterGroup', { DBParameterGroupName: 'pg84', DBParameterGroupFamily: 'mysql8.4', Description: 'd' });
    expectSimError(() => createDb(sim, { DBInstanceIdentifier: 'x', DBParameterGroupName: 'pg84' }), 'InvalidParameterCombination', /mysql8.0/);
  });

  it('describes by identifier or filters', () => {
    const sim = makeSim();
    createDb(sim);
    createDb(sim, { DBInstanceIdentifier: 'pg', Engine: 'postgres', EngineVersion: '17.5', MasterUsername: 'master' });
    expectSimError(() => sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: 'nope' }), 'DBInstanceNotFoundFault', 'DBInstance nope not found.');
    const byEngine = sim.call(rds, 'DescribeDBInstances', { Filters: [{ Name: 'engine', Values: ['postgres'] }] }).DBInstances;
    expect(byEngine.map((d: any) => d.DBInstanceIdentifier)).toEqual(['pg']);
    expect(sim.call(rds, 'DescribeDBInstances', { Filters: [{ Name: 'db-instance-id', Values: ['none'] }] }).DBInstances).toEqual([]);
    expectSimError(() => sim.call(rds, 'DescribeDBInstances', { Filters: [{ Name: 'bogus', Values: ['x'] }] }), 'InvalidParameterValue');
  });

  it('modifies: immediate flags, deferred changes, modifying for a while', () => {
    const sim = makeSim();
    createDb(sim, { DeletionProtection: true });
    expectSimError(() => sim.call(rds, 'ModifyDBInstance', { DBInstanceIdentifier: 'shop-db', DeletionProtection: false }),
      'InvalidDBInstanceStateFault', 'Instance shop-db is not in available state.');
    sim.advance(12 * MIN);
    const off = sim.call(rds, 'ModifyDBInstance', { DBInstanceIdentifier: 'shop-db', DeletionProtection: false }).DBInstance;
    expect(off).toMatchObject({ DeletionProtection: false, DBInstanceStatus: 'available' });
    const deferred = sim.call(rds, 'ModifyDBInstance', { DBInstanceIdentifier: 'shop-db', DBInstanceClass: 'db.t3.small' }).DBInstance;
    expect(deferred).toMatchObject({ DBInstanceClass: 'db.t3.micro', PendingModifiedValues: { DBInstanceClass: 'db.t3.small' } });
    const now = sim.call(rds, 'ModifyDBInstance', { DBInstanceIdentifier: 'shop-db', DBInstanceClass: 'db.t3.medium', ApplyImmediately: true }).DBInstance;
    expect(now).toMatchObject({ DBInstanceClass: 'db.t3.medium', DBInstanceStatus: 'modifying' });
    sim.advance(5 * MIN);
    expect(status(sim)).toBe('available');
  });

  it('deletes: protection, final snapshot rules, deleting then gone', () => {
    const sim = makeSim();
    createDb(sim, { DeletionProtection: true, Tags: [{ Key: 'k', Value: 'v' }], CopyTagsToSnapshot: true });
    sim.advance(12 * MIN);
    expectSimError(() => sim.call(rds, 'DeleteDBInstance', { DBInstanceIdentifier: 'shop-db', SkipFinalSnapshot: true }),
      'InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
    sim.call(rds, 'ModifyDBInstance', { DBInstanceIdentifier: 'shop-db', DeletionProtection: false });
    expectSimError(() => sim.call(rds, 'DeleteDBInstance', { DBInstanceIdentifier: 'shop-db' }),
      'InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
    const del = sim.call(rds, 'DeleteDBInstance', { DBInstanceIdentifier: 'shop-db', FinalDBSnapshotIdentifier: 'shop-final' }).DBInstance;
    expect(del.DBInstanceStatus).toBe('deleting');
    expectSimError(() => sim.call(rds, 'DeleteDBInstance', { DBInstanceIdentifier: 'shop-db', SkipFinalSnapshot: true }), 'InvalidDBInstanceStateFault');
    const [snap] = sim.call(rds, 'DescribeDBSnapshots', { DBInstanceIdentifier: 'shop-db' }).DBSnapshots;
    expect(snap).toMatchObject({ DBSnapshotIdentifier: 'shop-final', Status: 'creating', SnapshotType: 'manual', TagList: [{ Key: 'k', Value: 'v' }] });
    sim.advance(6 * MIN);
    sim.reload();
    expectSimError(() => status(sim), 'DBInstanceNotFoundFault');
    expect(sim.call(rds, 'DescribeDBSnapshots', { DBSnapshotIdentifier: 'shop-final' }).DBSnapshots[0].Status).toBe('available');
    expectSimError(() => sim.call(rds, 'DescribeDBSnapshots', { DBSnapshotIdentifier: 'nope' }), 'DBSnapshotNotFoundFault');
    createDb(sim, { DBInstanceIdentifier: 'again' });
    sim.advance(12 * MIN);
    expectSimError(() => sim.call(rds, 'DeleteDBInstance', { DBInstanceIdentifier: 'again', FinalDBSnapshotIdentifier: 'shop-final' }), 'DBSnapshotAlreadyExistsFault');
  });

  it('creates a read replica only from an available source with backups', () => {
    const sim = makeSim();
    createDb(sim);
    const replica = (input: Record<string, unknown> = {}) =>
      sim.call(rds, 'CreateDBInstanceReadReplica', { DBInstanceIdentifier: 'shop-replica', SourceDBInstanceIdentifier: 'shop-db', ...input }).DBInstance;
    expectSimError(() => replica(), 'InvalidDBInstanceStateFault', 'Instance shop-db is not in available state.');
    sim.advance(12 * MIN);
    expect(replica()).toMatchObject({ DBInstanceStatus: 'creating', ReadReplicaSourceDBInstanceIdentifier: 'shop-db', Engine: 'mysql' });
    expectSimError(() => replica(), 'DBInstanceAlreadyExistsFault');
    expect(sim.call(rds, 'DescribeDBInstances', { DBInstanceIdentifier: 'shop-db' }).DBInstances[0].ReadReplicaDBInstanceIdentifiers).toEqual(['shop-replica']);
    expectSimError(() => sim.call(rds, 'CreateDBInstanceReadReplica', { DBInstanceIdentifier: 'r2', SourceDBInstanceIdentifier: 'ghost' }), 'DBInstanceNotFoundFault');
    createDb(sim, { DBInstanceIdentifier: 'nobackup', BackupRetentionPeriod: 0 });
    sim.advance(12 * MIN);
    expectSimError(() => sim.call(rds, 'CreateDBInstanceReadReplica', { DBInstanceIdentifier: 'r3', SourceDBInstanceIdentifier: 'nobackup' }),
      'InvalidDBInstanceStateFault', /Automated backups are not enabled/);
  });

  it('tags resources by ARN', () => {
    const sim = makeSim();
    const arn = createDb(sim).DBInstanceArn;
    sim.call(rds, 'AddTagsToResource', { ResourceName: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
    sim.call(rds, 'AddTagsToResource', { ResourceName: arn, Tags: [{ Key: 'a', Value: '3' }] });
    sim.call(rds, 'RemoveTagsFromResource', { ResourceName: arn, TagKeys: ['b'] });
    expect(sim.call(rds, 'ListTagsForResource', { ResourceName: arn }).TagList).toEqual([{ Key: 'a', Value: '3' }]);
    expectSimError(() => sim.call(rds, 'ListTagsForResource', { ResourceName: 'arn:aws:rds:us-east-1:123456789012:db:ghost' }), 'DBInstanceNotFoundFault');
    expectSimError(() => sim.call(rds, 'ListTagsForResource', { ResourceName: 'arn:aws:rds:us-east-1:123456789012:pg:ghost' }), 'DBParameterGroupNotFoundFault');
  });
});
