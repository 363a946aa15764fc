import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { createTask, setup, start } from './dms-env.js';
import { iamSimulator as iam } from '../../../src/aws/sandbox/services/iam.js';
import { dmsTrustPolicy } from '../../../src/aws/dms/service-roles.js';
import { MIN, createDmsVpcRole, expectSimError, makeSim } from './helpers.js';

describe('DMS replication subnet groups and instances', () => {
  it('manages subnet groups', () => {
    const subnets: Record<string, { vpcId: string; availabilityZone: string }> = {
      'subnet-1': { vpcId: 'vpc-1', availabilityZone: 'us-east-1a' },
      'subnet-2': { vpcId: 'vpc-1', availabilityZone: 'us-east-1b' },
    };
    const sim = makeSim({ hooks: { subnetInfo: (id) => subnets[id] } });
    const create = (ids: string[]) => sim.call(dms, 'CreateReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'DMS-Subnets', ReplicationSubnetGroupDescription: 'dms', SubnetIds: ids,
    });
    createDmsVpcRole(sim);
    expectSimError(() => create(['subnet-1']), 'ReplicationSubnetGroupDoesNotCoverEnoughAZs');
    expectSimError(() => create(['subnet-1', 'subnet-9']), 'InvalidSubnet', /subnet-9/);
    expect(create(['subnet-1', 'subnet-2']).ReplicationSubnetGroup).toMatchObject({ ReplicationSubnetGroupIdentifier: 'dms-subnets', VpcId: 'vpc-1', SubnetGroupStatus: 'Complete' });
    expectSimError(() => create(['subnet-1', 'subnet-2']), 'ResourceAlreadyExistsFault');
    const found = sim.call(dms, 'DescribeReplicationSubnetGroups', { Filters: [{ Name: 'replication-subnet-group-id', Values: ['dms-subnets'] }] });
    expect(found.ReplicationSubnetGroups).toHaveLength(1);
    sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro', ReplicationSubnetGroupIdentifier: 'dms-subnets' });
    expectSimError(() => sim.call(dms, 'DeleteReplicationSubnetGroup', { ReplicationSubnetGroupIdentifier: 'dms-subnets' }), 'InvalidResourceStateFault');
    expectSimError(() => sim.call(dms, 'DescribeReplicationSubnetGroups', { Filters: [{ Name: 'replication-subnet-group-id', Values: ['x'] }] }), 'ResourceNotFoundFault');
  });

  it('refuses a subnet group until dms-vpc-role exists, trusts DMS and has AmazonDMSVPCManagementRole', () => {
    const sim = makeSim({ hooks: { subnetInfo: (id) => ({ vpcId: 'vpc-1', availabilityZone: id === 'subnet-1' ? 'us-east-1a' : 'us-east-1b' }) } });
    const create = () => sim.call(dms, 'CreateReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'shop-dms', ReplicationSubnetGroupDescription: 'dms', SubnetIds: ['subnet-1', 'subnet-2'],
    });
    const refused = 'The IAM Role arn:aws:iam::123456789012:role/dms-vpc-role is not configured properly.';
    expectSimError(create, 'AccessDeniedFault', refused);
    sim.call(iam, 'CreateRole', { RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy() });
    expectSimError(create, 'AccessDeniedFault', refused);
    sim.call(iam, 'AttachRolePolicy', { RoleName: 'dms-vpc-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole' });
    expect(create().ReplicationSubnetGroup.ReplicationSubnetGroupIdentifier).toBe('shop-dms');

    // The right name and policy, but trusting another service: still refused.
    const other = makeSim({ hooks: { subnetInfo: () => undefined } });
    other.call(iam, 'CreateRole', { RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy().replace('dms.amazonaws.com', 'ec2.amazonaws.com') });
    other.call(iam, 'AttachRolePolicy', { RoleName: 'dms-vpc-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole' });
    expectSimError(() => other.call(dms, 'CreateReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'shop-dms', ReplicationSubnetGroupDescription: 'dms', SubnetIds: ['subnet-1', 'subnet-2'],
    }), 'AccessDeniedFault', refused);
  });

  it('creates an instance that becomes available after dmsInstanceCreate', () => {
    const sim = makeSim();
    const { ReplicationInstance: ri } = sim.call(dms, 'CreateReplicationInstance', {
      ReplicationInstanceIdentifier: 'Shop-DMS', ReplicationInstanceClass: 'dms.c5.large', AllocatedStorage: 100, Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(ri).toMatchObject({ ReplicationInstanceIdentifier: 'shop-dms', ReplicationInstanceStatus: 'creating', EngineVersion: '3.5.4', ReplicationInstancePrivateIpAddresses: [] });
    expect(ri.ReplicationInstanceArn).toMatch(/^arn:aws:dms:us-east-1:123456789012:rep:[A-Z2-7]{26}$/);
    sim.advance(7 * MIN);
    sim.reload();
    const [now] = sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'replication-instance-id', Values: ['shop-dms'] }] }).ReplicationInstances;
    expect(now.ReplicationInstanceStatus).toBe('available');
    expect(now.ReplicationInstancePrivateIpAddress).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(sim.call(dms, 'ListTagsForResource', { ResourceArn: ri.ReplicationInstanceArn }).TagList).toEqual([{ Key: 'k', Value: 'v', ResourceArn: ri.ReplicationInstanceArn }]);
    expectSimError(() => sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'replication-instance-id', Values: ['nope'] }] }), 'ResourceNotFoundFault');
    expectSimError(() => sim.call(dms, 'DescribeReplicationInstances', { Filters: [{ Name: 'bogus', Values: ['x'] }] }), 'InvalidParameterValueException');
    sim.call(dms, 'DeleteReplicationInstance', { ReplicationInstanceArn: ri.ReplicationInstanceArn });
    expect(sim.call(dms, 'DescribeReplicationInstances', {}).ReplicationInstances[0].ReplicationInstanceStatus).toBe('deleting');
    sim.advance(3 * MIN);
    expect(sim.call(dms, 'DescribeReplicationInstances', {}).ReplicationInstances).toEqual([]);
  });

  it('validates instances against the orderable list', () => {
    const sim = makeSim();
    const orderable = sim.call(dms, 'DescribeOrderableReplicationInstances', { MaxRecords: 100 }).OrderableReplicationInstances;
    expect(orderable).toContainEqual(expect.objectContaining({ ReplicationInstanceClass: 'dms.t3.micro', MinAllocatedStorage: 5, MaxAllocatedStorage: 6144, IncludedAllocatedStorage: 50 }));
    const create = (input: Record<string, unknown>) =>
      sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro', ...input });
    expectSimError(() => create({ ReplicationInstanceClass: 'dms.t2.nano' }), 'InvalidParameterValueException');
    expectSimError(() => create({ AllocatedStorage: 7000 }), 'InvalidParameterValueException');
    expectSimError(() => create({ ReplicationInstanceIdentifier: 'bad--id' }), 'InvalidParameterValueException', /not a valid identifier/);
    expectSimError(() => create({ EngineVersion: '2.4.5' }), 'InvalidParameterValueException');
    expectSimError(() => create({ ReplicationSubnetGroupIdentifier: 'missing' }), 'ResourceNotFoundFault');
    create({});
    expectSimError(() => create({ ReplicationInstanceIdentifier: 'RI' }), 'ResourceAlreadyExistsFault');
  });

  it('refuses to delete an instance that still has tasks', () => {
    const env = setup();
    createTask(env);
    expectSimError(() => env.sim.call(dms, 'DeleteReplicationInstance', { ReplicationInstanceArn: env.instanceArn }), 'InvalidResourceStateFault');
  });
});

describe('DMS endpoints and connections', () => {
  it('never stores passwords and reports the endpoint as DMS does', () => {
    const env = setup();
    const [source] = env.sim.call(dms, 'DescribeEndpoints', { Filters: [{ Name: 'endpoint-type', Values: ['SOURCE'] }] }).Endpoints;
    expect(source).toMatchObject({ EndpointIdentifier: 'source', EndpointType: 'SOURCE', EngineDisplayName: 'MySQL', Status: 'active', SslMode: 'none' });
    expect(source.MySQLSettings).toMatchObject({ ServerName: 'source.example.com', Port: 3306, Username: 'dms' });
    expect(JSON.stringify([...env.sim.slices.values()])).not.toContain('hunter2-secret');
    expect(source).not.toHaveProperty('Password');
  });

  it('accepts Secrets Manager credentials in the engine settings', () => {
    const env = setup();
    const { Endpoint } = env.sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: 'rds-target', EndpointType: 'target', EngineName: 'postgres', SslMode: 'require',
      PostgreSQLSettings: { SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc', SecretsManagerAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-secrets', DatabaseName: 'shop' },
    });
    expect(Endpoint.PostgreSQLSettings.SecretsManagerSecretId).toContain('secret:db-abc');
    const create = (input: Record<string, unknown>) =>
      env.sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'e2', EndpointType: 'source', EngineName: 'mysql', ...input });
    expectSimError(() => create({ MySQLSettings: { SecretsManagerSecretId: 'x' } }), 'InvalidParameterCombinationException');
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u' }), 'InvalidParameterValueException', /Password must be provided/);
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u', Password: 'p', SslMode: 'verify-full' }), 'InvalidParameterCombinationException');
    expectSimError(() => create({ ServerName: 'h', Port: 3306, Username: 'u', Password: 'p', EngineName: 'db2000' }), 'InvalidParameterValueException');
    expectSimError(() => create({ EndpointIdentifier: 'source', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p' }), 'ResourceAlreadyExistsFault');
  });

  it('SslMode per engine ("Using SSL with AWS DMS"): MySQL/MariaDB not require; verify-ca/verify-full need a CertificateArn; PostgreSQL all four', () => {
    const env = setup();
    const create = (id: string, extra: Record<string, unknown>) => env.sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: id, EndpointType: 'source', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p', ...extra,
    }).Endpoint;
    for (const EngineName of ['mysql', 'mariadb']) {
      expectSimError(() => create(`${EngineName}-require`, { EngineName, SslMode: 'require' }), 'InvalidParameterValueException',
        `SslMode require is not supported for a ${EngineName === 'mysql' ? 'MySQL' : 'MariaDB'} endpoint; use one of none, verify-ca, verify-full.`);
      expectSimError(() => create(`${EngineName}-ca`, { EngineName, SslMode: 'verify-ca' }), 'InvalidParameterCombinationException', 'CertificateArn must be provided when SslMode is verify-ca.');
      expect(create(`${EngineName}-full`, { EngineName, SslMode: 'verify-full', CertificateArn: 'arn:aws:dms:us-east-1:123456789012:cert:CA' }).SslMode).toBe('verify-full');
    }
    expect(create('pg-require', { EngineName: 'postgres', Port: 5432, DatabaseName: 'shop', SslMode: 'require' }).SslMode).toBe('require');
    expectSimError(() => env.sim.call(dms, 'ModifyEndpoint', { EndpointArn: env.sourceArn, SslMode: 'require' }), 'InvalidParameterValueException', /^SslMode require is not supported for a MySQL endpoint/);
  });

  it('modifies and deletes endpoints; refuses while a task uses them', () => {
    const env = setup();
    const cert = 'arn:aws:dms:us-east-1:123456789012:cert:SOURCECA';
    const modified = env.sim.call(dms, 'ModifyEndpoint', { EndpointArn: env.sourceArn, ServerName: 'new.example.com', SslMode: 'verify-ca', CertificateArn: cert }).Endpoint;
    expect(modified).toMatchObject({ ServerName: 'new.example.com', SslMode: 'verify-ca', CertificateArn: cert });
    const t = createTask(env);
    expectSimError(() => env.sim.call(dms, 'DeleteEndpoint', { EndpointArn: env.sourceArn }), 'InvalidResourceStateFault', /shop-sync/);
    env.sim.advance(MIN);
    start(env, t.ReplicationTaskArn);
    expectSimError(() => env.sim.call(dms, 'ModifyEndpoint', { EndpointArn: env.sourceArn, Port: 3307 }), 'InvalidResourceStateFault');
    const spare = env.sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'spare', EndpointType: 'target', EngineName: 'mariadb', ServerName: 'h', Port: 3306, Username: 'u', Password: 'p' }).Endpoint;
    expect(env.sim.call(dms, 'DeleteEndpoint', { EndpointArn: spare.EndpointArn }).Endpoint.Status).toBe('deleting');
    expectSimError(() => env.sim.call(dms, 'DescribeEndpoints', { Filters: [{ Name: 'endpoint-id', Values: ['spare'] }] }), 'ResourceNotFoundFault', 'No Endpoints found matching provided filters');
  });

  it('tests connections: testing → successful, or failed with the ODBC message', () => {
    const env = setup();
    const bad = env.sim.call(dms, 'CreateEndpoint', {
      EndpointIdentifier: 'onprem', EndpointType: 'source', EngineName: 'mariadb', ServerName: 'unreachable.invalid', Port: 3306, Username: 'u', Password: 'p',
    }).Endpoint.EndpointArn;
    expect(env.sim.call(dms, 'TestConnection', { ReplicationInstanceArn: env.instanceArn, EndpointArn: env.sourceArn }).Connection.Status).toBe('testing');
    env.sim.call(dms, 'TestConnection', { ReplicationInstanceArn: env.instanceArn, EndpointArn: bad });
    env.sim.advance(30_000);
    env.sim.reload();
    const conns = env.sim.call(dms, 'DescribeConnections', { Filters: [{ Name: 'replication-instance-arn', Values: [env.instanceArn] }] }).Connections;
    expect(conns.find((c: any) => c.EndpointArn === env.sourceArn)).toMatchObject({ Status: 'successful', EndpointIdentifier: 'source', ReplicationInstanceIdentifier: 'shop-dms' });
    const failed = conns.find((c: any) => c.EndpointArn === bad);
    expect(failed.Status).toBe('failed');
    expect(failed.LastFailureMessage).toMatch(/Cannot connect to ODBC provider.*Can't connect to MySQL server on 'unreachable.invalid'/);
    const sim = makeSim();
    const ri = sim.call(dms, 'CreateReplicationInstance', { ReplicationInstanceIdentifier: 'ri', ReplicationInstanceClass: 'dms.t3.micro' }).ReplicationInstance.ReplicationInstanceArn;
    const ep = sim.call(dms, 'CreateEndpoint', { EndpointIdentifier: 'e', EndpointType: 'source', EngineName: 'mysql', ServerName: 'h', Port: 1, Username: 'u', Password: 'p' }).Endpoint.EndpointArn;
    expectSimError(() => sim.call(dms, 'TestConnection', { ReplicationInstanceArn: ri, EndpointArn: ep }), 'InvalidResourceStateFault');
  });
});
