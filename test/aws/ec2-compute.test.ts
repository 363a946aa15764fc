import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/aws/sandbox/index.js';
import { promigrateTags, tagSpecifications } from '../../src/aws/tags.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { localSimulators } from './local-simulators.js';

let sandbox: Sandbox;
let ec2: EC2Client;
let vpcId: string;
let subnetId: string;

beforeEach(async () => {
  const made = await makeSandbox({ simulators: localSimulators });
  sandbox = made.sandbox;
  ec2 = await made.clients.ec2;
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
});

async function failure(promise: Promise<unknown>): Promise<EC2ServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as EC2ServiceException;
  }
  throw new Error('expected the call to fail');
}

const group = async (name: string): Promise<string> =>
  (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;

const postgres = (peer: { CidrIp?: string; GroupId?: string }) => ({
  IpProtocol: 'tcp',
  FromPort: 5432,
  ToPort: 5432,
  ...(peer.CidrIp ? { IpRanges: [{ CidrIp: peer.CidrIp, Description: 'app' }] } : {}),
  ...(peer.GroupId ? { UserIdGroupPairs: [{ GroupId: peer.GroupId }] } : {}),
});

describe('EC2 security groups', () => {
  it('creates groups with an allow-all egress rule; a duplicate name in the VPC is InvalidGroup.Duplicate', async () => {
    const db = await group('db');
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [db] }));
    expect(described.SecurityGroups![0]!.IpPermissionsEgress).toEqual([
      expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
    ]);
    const dup = await failure(group('db'));
    expect([dup.name, dup.message]).toEqual(['InvalidGroup.Duplicate', `The security group 'db' already exists for VPC '${vpcId}'`]);
    expect((await failure(group('default'))).name).toBe('InvalidGroup.Duplicate');
    const byName = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['db'] }] }));
    expect(byName.SecurityGroups!.map((g) => g.GroupId)).toEqual([db]);
  });

  it('authorizes and revokes rules; a repeated rule is InvalidPermission.Duplicate', async () => {
    const app = await group('app');
    const db = await group('db');
    const added = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [postgres({ CidrIp: '10.0.0.0/16' }), postgres({ GroupId: app })] }));
    expect(added.Return).toBe(true);
    expect(added.SecurityGroupRules!.map((r) => [r.IsEgress, r.FromPort, r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId])).toEqual([
      [false, 5432, '10.0.0.0/16'],
      [false, 5432, app],
    ]);
    const dup = await failure(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [postgres({ CidrIp: '10.0.0.0/16' })] })));
    expect(dup.name).toBe('InvalidPermission.Duplicate');
    expect(dup.message).toBe('the specified rule "peer: 10.0.0.0/16, TCP, from port: 5432, to port: 5432, ALLOW" already exists');

    const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [db] }] }));
    expect(rules.SecurityGroupRules).toHaveLength(3); // two ingress + default egress
    const described = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [db] }))).SecurityGroups![0]!;
    expect(described.IpPermissions).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'app' }], UserIdGroupPairs: [expect.objectContaining({ GroupId: app })] }),
    ]);

    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [postgres({ CidrIp: '10.0.0.0/16' })] }));
    expect(revoked.Return).toBe(true);
    const unknown = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [postgres({ CidrIp: '10.9.0.0/16' })] }));
    expect(unknown.Return).toBe(false);
    expect(unknown.UnknownIpPermissions).toHaveLength(1);

    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const egress = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [db] }))).SecurityGroups![0]!.IpPermissionsEgress;
    expect(egress!.map((p) => p.FromPort)).toEqual([443]);
  });

  it('refuses to delete a group that is referenced or in use (DependencyViolation) or the default group', async () => {
    const app = await group('app');
    const db = await group('db');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [postgres({ GroupId: app })] }));
    const referenced = await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: app })));
    expect([referenced.name, referenced.message, referenced.$fault]).toEqual(['DependencyViolation', `resource ${app} has a dependent object`, 'client']);

    const web = await group('web');
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: subnetId, SecurityGroupIds: [web] }));
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: web })))).name).toBe('DependencyViolation');

    const defaults = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
    expect((await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaults.SecurityGroups![0]!.GroupId })))).name).toBe('CannotDelete');

    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: db }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app }));
    const gone = await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [app] })));
    expect([gone.name, gone.$fault, gone.$metadata.httpStatusCode]).toEqual(['InvalidGroup.NotFound', 'client', 400]);
  });
});

describe('EC2 instances', () => {
  const launch = (extra: Record<string, unknown> = {}) =>
    new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      ClientToken: 'web-1',
      TagSpecifications: tagSpecifications('instance', promigrateTags({ project: 'shop', step: 'provision', key: 'app.web' })),
      ...extra,
    });

  it('RunInstances with a ClientToken: same parameters return the same instance, changed ones fail', async () => {
    const first = await ec2.send(launch());
    const id = first.Instances![0]!.InstanceId!;
    expect(first.Instances![0]!.State).toEqual({ Code: 0, Name: 'pending' });
    expect(first.Instances![0]!.PrivateIpAddress).toBe('10.0.1.4');
    const again = await ec2.send(launch());
    expect(again.Instances!.map((i) => i.InstanceId)).toEqual([id]);
    expect(again.ReservationId).toBe(first.ReservationId);
    const mismatch = await failure(ec2.send(launch({ InstanceType: 't3.large' })));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    const all = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:promigrate:key', Values: ['app.web'] }] }));
    expect(all.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.InstanceId, i.ClientToken])).toEqual([[id, 'web-1']]);
  });

  it('goes pending → running → shutting-down → terminated on the simulated clock', async () => {
    const id = (await ec2.send(launch({ ClientToken: undefined }))).Instances![0]!.InstanceId!;
    const state = async (): Promise<string | undefined> =>
      (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name;
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect(await state()).toBe('running');
    const running = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    expect(running.Reservations).toHaveLength(1);
    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminated.TerminatingInstances![0]).toMatchObject({ PreviousState: { Name: 'running' }, CurrentState: { Name: 'shutting-down' } });
    sandbox.clock.advance(sandbox.durations.ec2InstanceStart);
    expect(await state()).toBe('terminated');
    // Terminating again is idempotent.
    expect((await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }))).TerminatingInstances![0]!.CurrentState!.Name).toBe('terminated');
  });

  it('reports unknown and malformed instance ids like EC2', async () => {
    const missing = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect([missing.name, missing.message]).toEqual(['InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist"]);
    expect((await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['web-1'] })))).name).toBe('InvalidInstanceID.Malformed');
    expect((await failure(ec2.send(launch({ SecurityGroupIds: ['sg-0123456789abcdef0'] })))).name).toBe('InvalidGroup.NotFound');
  });
});

describe('EC2 tags', () => {
  it('creates, describes and deletes tags; validates resource ids and reserved keys', async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [vpcId, subnetId], Tags: [{ Key: 'env', Value: 'rehearsal' }] }));
    const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['env'] }] }));
    expect(tags.Tags!.map((t) => [t.ResourceType, t.ResourceId, t.Value]).sort()).toEqual(
      [['subnet', subnetId, 'rehearsal'], ['vpc', vpcId, 'rehearsal']].sort(),
    );
    const vpcOnly = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['vpc'] }] }));
    expect(vpcOnly.Tags!.map((t) => t.ResourceId)).toEqual([vpcId]);
    await ec2.send(new DeleteTagsCommand({ Resources: [subnetId], Tags: [{ Key: 'env', Value: 'other' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [subnetId] }] }))).Tags).toHaveLength(1);
    await ec2.send(new DeleteTagsCommand({ Resources: [subnetId], Tags: [{ Key: 'env' }] }));
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [subnetId] }] }))).Tags).toHaveLength(0);

    expect((await failure(ec2.send(new CreateTagsCommand({ Resources: ['vpc-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })))).name).toBe('InvalidVpcID.NotFound');
    expect((await failure(ec2.send(new CreateTagsCommand({ Resources: ['bogus'], Tags: [{ Key: 'a', Value: 'b' }] })))).name).toBe('InvalidID');
    expect((await failure(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] })))).name).toBe('InvalidParameterValue');
    const wrongType = await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: tagSpecifications('subnet', []) })));
    expect(wrongType.name).toBe('InvalidParameterValue');
  });
});
