/**
 * The RDS, DMS and Route 53 simulators through the real SDK v3 clients (makeSandbox): output
 * shapes deserialize as a caller expects and errors arrive as the SDK's modelled classes.
 */
import {
  CreateEndpointCommand, CreateReplicationInstanceCommand, CreateReplicationTaskCommand,
  DescribeReplicationTasksCommand, DescribeTableStatisticsCommand, InvalidResourceStateFault,
  ResourceNotFoundFault, StartReplicationTaskCommand, TestConnectionCommand, DescribeConnectionsCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  CreateDBInstanceCommand, CreateDBSubnetGroupCommand, DBInstanceAlreadyExistsFault, DBInstanceNotFoundFault,
  DBSubnetGroupAlreadyExistsFault, DeleteDBInstanceCommand, DescribeDBInstancesCommand, InvalidDBInstanceStateFault,
  ModifyDBInstanceCommand, RDSServiceException, DBParameterGroupNotFoundFault, DescribeDBParametersCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, GetChangeCommand, HostedZoneAlreadyExists,
  InvalidChangeBatch, ListResourceRecordSetsCommand, NoSuchHostedZone, GetHostedZoneCommand,
} from '@aws-sdk/client-route-53';
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { makeSandbox } from '../../helpers/sandbox.js';

const MIN = 60_000;
const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } });

describe('simulators through the real SDK clients', () => {
  it('RDS: create, wait on the clock, errors as modelled classes', async () => {
    const { sandbox, clients } = await makeSandbox();
    const [ec2, rds] = [await clients.ec2, await clients.rds];
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnets = await Promise.all(['a', 'b'].map(async (az, i) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!));
    await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'shop', DBSubnetGroupDescription: 'shop', SubnetIds: subnets }));
    const dup = await rejection(rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'shop', DBSubnetGroupDescription: 'shop', SubnetIds: subnets })));
    expect(dup).toBeInstanceOf(DBSubnetGroupAlreadyExistsFault);

    const input = {
      DBInstanceIdentifier: 'shop-db', Engine: 'mariadb', EngineVersion: '10.11.11', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20,
      MasterUsername: 'admin', ManageMasterUserPassword: true, DBSubnetGroupName: 'shop', MultiAZ: true, StorageEncrypted: true, DeletionProtection: true,
      Tags: [{ Key: 'promigrate:project', Value: 'shop' }],
    };
    const created = (await rds.send(new CreateDBInstanceCommand(input))).DBInstance!;
    expect(created).toMatchObject({ DBInstanceStatus: 'creating', MultiAZ: true, DeletionProtection: true });
    expect(created.MasterUserSecret?.SecretArn).toContain(':secret:rds!db-');
    const exists = await rejection(rds.send(new CreateDBInstanceCommand(input)));
    expect(exists).toBeInstanceOf(DBInstanceAlreadyExistsFault);
    expect(exists.name).toBe('DBInstanceAlreadyExistsFault');
    expect(exists.$fault).toBe('client');

    sandbox.clock.advance(18 * MIN);
    const [db] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-db' }))).DBInstances!;
    expect(db!.DBInstanceStatus).toBe('available');
    expect(db!.Endpoint?.Port).toBe(3306);
    expect(db!.InstanceCreateTime).toBeInstanceOf(Date);
    expect(db!.DBSubnetGroup?.VpcId).toBe(vpc);
    expect(db!.TagList).toEqual([{ Key: 'promigrate:project', Value: 'shop' }]);

    const protectedErr = await rejection(rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'shop-db', SkipFinalSnapshot: true })));
    expect(protectedErr).toBeInstanceOf(RDSServiceException);
    expect(protectedErr.name).toBe('InvalidParameterCombination');
    expect(protectedErr.message).toBe('Cannot delete protected DB Instance, please disable deletion protection and try again.');
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'shop-db', DeletionProtection: false, ApplyImmediately: true }));
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'shop-db', SkipFinalSnapshot: true }));
    const deleting = await rejection(rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'shop-db', DeletionProtection: true })));
    expect(deleting).toBeInstanceOf(InvalidDBInstanceStateFault);
    sandbox.clock.advance(6 * MIN);
    const gone = await rejection(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-db' })));
    expect(gone).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(gone.$metadata?.httpStatusCode).toBe(404);
    const noGroup = await rejection(rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'missing' })));
    expect(noGroup).toBeInstanceOf(DBParameterGroupNotFoundFault);
    await sandbox.close();
  });

  it('DMS: endpoints, connection test, task start with per-table statistics', async () => {
    const { sandbox, clients } = await makeSandbox({ hooks: { sourceTables: () => [{ schema: 'shop', table: 'members', rows: 1_000_000 }] } });
    const dms = await clients.dms;
    const ri = (await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceClass: 'dms.t3.medium' }))).ReplicationInstance!;
    expect(ri.InstanceCreateTime).toBeInstanceOf(Date);
    sandbox.clock.advance(10 * MIN);
    const endpoint = async (id: string, type: 'source' | 'target') =>
      (await dms.send(new CreateEndpointCommand({ EndpointIdentifier: id, EndpointType: type, EngineName: 'mysql', ServerName: `${id}.example.com`, Port: 3306, Username: 'u', Password: 'p4ssword' }))).Endpoint!;
    const [source, target] = [await endpoint('src', 'source'), await endpoint('dst', 'target')];
    expect(source.EndpointType).toBe('SOURCE');
    await dms.send(new TestConnectionCommand({ ReplicationInstanceArn: ri.ReplicationInstanceArn, EndpointArn: source.EndpointArn }));
    sandbox.clock.advance(MIN);
    const conns = (await dms.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [source.EndpointArn!] }] }))).Connections!;
    expect(conns[0]!.Status).toBe('successful');

    const task = (await dms.send(new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: 'shop-sync', SourceEndpointArn: source.EndpointArn, TargetEndpointArn: target.EndpointArn,
      ReplicationInstanceArn: ri.ReplicationInstanceArn, MigrationType: 'full-load-and-cdc',
      TableMappings: JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'shop', 'table-name': '%' }, 'rule-action': 'include' }] }),
    }))).ReplicationTask!;
    expect(task.ReplicationTaskCreationDate).toBeInstanceOf(Date);
    sandbox.clock.advance(MIN);
    await dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn, StartReplicationTaskType: 'start-replication' }));
    sandbox.clock.advance(MIN + 10_000);
    const [running] = (await dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: ['shop-sync'] }] }))).ReplicationTasks!;
    expect(running!.Status).toBe('running');
    expect(running!.ReplicationTaskStats?.TablesLoading).toBe(1);
    expect(running!.ReplicationTaskStats?.StartDate).toBeInstanceOf(Date);
    const stats = (await dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: task.ReplicationTaskArn }))).TableStatistics!;
    expect(stats[0]).toMatchObject({ SchemaName: 'shop', TableName: 'members', TableState: 'Full load' });
    expect(stats[0]!.FullLoadRows).toBeGreaterThan(0);

    const again = await rejection(dms.send(new StartReplicationTaskCommand({ ReplicationTaskArn: task.ReplicationTaskArn, StartReplicationTaskType: 'start-replication' })));
    expect(again).toBeInstanceOf(InvalidResourceStateFault);
    expect(again.message).toBe('Replication Task cannot be started, invalid state');
    const none = await rejection(dms.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-id', Values: ['nope'] }] })));
    expect(none).toBeInstanceOf(ResourceNotFoundFault);
    const badMapping = await rejection(dms.send(new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: 'bad', SourceEndpointArn: source.EndpointArn, TargetEndpointArn: target.EndpointArn,
      ReplicationInstanceArn: ri.ReplicationInstanceArn, MigrationType: 'full-load', TableMappings: '{"rules": }',
    })));
    expect(badMapping.name).toBe('InvalidParameterValueException');
    await sandbox.close();
  });

  it('Route 53: zone, change batch, INSYNC, InvalidChangeBatch', async () => {
    const { sandbox, clients } = await makeSandbox();
    const r53 = await clients.route53;
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'shop.example', CallerReference: 'promigrate-1' }));
    expect(zone.DelegationSet?.NameServers).toHaveLength(4);
    expect(zone.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
    const dupe = await rejection(r53.send(new CreateHostedZoneCommand({ Name: 'shop.example', CallerReference: 'promigrate-1' })));
    expect(dupe).toBeInstanceOf(HostedZoneAlreadyExists);
    const zoneId = zone.HostedZone!.Id!;
    const www = { Name: 'www.shop.example', Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '192.0.2.10' }] };
    const { ChangeInfo } = await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: www }] } }));
    expect(ChangeInfo?.Status).toBe('PENDING');
    sandbox.clock.advance(MIN);
    expect((await r53.send(new GetChangeCommand({ Id: ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('INSYNC');
    const invalid = await rejection(r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: www }] } })));
    expect(invalid).toBeInstanceOf(InvalidChangeBatch);
    expect(invalid.message).toBe("[Tried to create resource record set [name='www.shop.example.', type='A'] but it already exists]");
    const list = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'www.shop.example', StartRecordType: 'A', MaxItems: 1 }));
    expect(list.ResourceRecordSets).toEqual([{ Name: 'www.shop.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.10' }] }]);
    expect(list.IsTruncated).toBe(false);
    const missing = await rejection(r53.send(new GetHostedZoneCommand({ Id: 'Z0000000000000000000' })));
    expect(missing).toBeInstanceOf(NoSuchHostedZone);
    await sandbox.close();
  });
});
