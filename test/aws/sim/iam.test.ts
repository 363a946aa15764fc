/**
 * The sandbox's IAM through the real IAMClient (awsQuery): shapes and errors as the IAM API
 * reference gives them (GetRole, CreateRole, AttachRolePolicy, DetachRolePolicy,
 * ListAttachedRolePolicies, PutRolePolicy, DeleteRolePolicy, ListRolePolicies, TagRole,
 * ListRoleTags, DeleteRole), and DMS refusing a subnet group without dms-vpc-role.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import { CreateReplicationSubnetGroupCommand } from '@aws-sdk/client-database-migration-service';
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { dmsTrustPolicy } from '../../../src/aws/dms/service-roles.js';
import { makeSandbox } from '../../helpers/sandbox.js';

const VPC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole';
const LOGS_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole';

describe('the sandbox IAM', () => {
  it('a fresh world has no role; CreateRole and GetRole return the real Role shape (trust policy URL-encoded)', async () => {
    const { sandbox, clients } = await makeSandbox({ region: 'eu-west-1' });
    const iam = await clients.iam;
    const missing = await iam.send(new GetRoleCommand({ RoleName: 'dms-vpc-role' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoSuchEntityException);
    expect(missing).toMatchObject({ message: 'The role with name dms-vpc-role cannot be found.', $metadata: { httpStatusCode: 404 } });

    const tags = [{ Key: 'promigrate:project', Value: 'shop' }];
    const created = (await iam.send(new CreateRoleCommand({ RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy(), Tags: tags }))).Role!;
    const account = sandbox.world.accountId;
    expect(created).toMatchObject({ Path: '/', RoleName: 'dms-vpc-role', Arn: `arn:aws:iam::${account}:role/dms-vpc-role`, MaxSessionDuration: 3600, Tags: tags });
    expect(created.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(created.CreateDate).toBeInstanceOf(Date);
    const got = (await iam.send(new GetRoleCommand({ RoleName: 'DMS-VPC-ROLE' }))).Role!;
    expect(got.RoleId).toBe(created.RoleId);
    expect(got.AssumeRolePolicyDocument).toBe(encodeURIComponent(dmsTrustPolicy()));
    expect(JSON.parse(decodeURIComponent(got.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({ Service: 'dms.amazonaws.com' });
    expect(got.Tags).toEqual(tags);

    // Names are unique regardless of case; the trust policy must be JSON.
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'DMS-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy() }))).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    const malformed = await iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: '{"Statement": [' })).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException);
    expect((malformed as Error).message).toBe('This policy contains invalid Json');
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'bad name', AssumeRolePolicyDocument: dmsTrustPolicy() }))).rejects.toMatchObject({ name: 'ValidationError' });
    const pathed = (await iam.send(new CreateRoleCommand({ RoleName: 'pathed', Path: '/service-role/', AssumeRolePolicyDocument: dmsTrustPolicy() }))).Role!;
    expect(pathed.Arn).toBe(`arn:aws:iam::${account}:role/service-role/pathed`);
  });

  it('attaches only managed policies that exist; DeleteRole conflicts until every policy is gone', async () => {
    const { clients } = await makeSandbox();
    const iam = await clients.iam;
    const RoleName = 'dms-cloudwatch-logs-role';
    await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: dmsTrustPolicy() }));
    const nope = await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: 'arn:aws:iam::aws:policy/service-role/NoSuchPolicy' })).catch((e: unknown) => e);
    expect(nope).toBeInstanceOf(NoSuchEntityException);
    expect((nope as Error).message).toBe('Policy arn:aws:iam::aws:policy/service-role/NoSuchPolicy does not exist or is not attachable.');
    await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'ghost', PolicyArn: LOGS_POLICY }))).rejects.toBeInstanceOf(NoSuchEntityException);
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: LOGS_POLICY }));
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: LOGS_POLICY }));
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies).toEqual([{ PolicyName: 'AmazonDMSCloudWatchLogsRole', PolicyArn: LOGS_POLICY }]);

    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 'extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] }) }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName }))).PolicyNames).toEqual(['extra']);

    const conflict = await iam.send(new DeleteRoleCommand({ RoleName })).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DeleteConflictException);
    expect(conflict).toMatchObject({ message: 'Cannot delete entity, must detach all policies first.', $metadata: { httpStatusCode: 409 } });
    await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: LOGS_POLICY }));
    await expect(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: LOGS_POLICY }))).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(iam.send(new DeleteRoleCommand({ RoleName }))).rejects.toMatchObject({ message: 'Cannot delete entity, must delete policies first.' });
    await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: 'extra' }));
    await iam.send(new DeleteRoleCommand({ RoleName }));
    await expect(iam.send(new GetRoleCommand({ RoleName }))).rejects.toBeInstanceOf(NoSuchEntityException);
  });

  it('tags: TagRole merges by key, ListRoleTags pages with Marker/IsTruncated', async () => {
    const { clients } = await makeSandbox();
    const iam = await clients.iam;
    const RoleName = 'r';
    await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: dmsTrustPolicy(), Tags: [{ Key: 'a', Value: '1' }] }));
    await iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] }));
    const first = await iam.send(new ListRoleTagsCommand({ RoleName, MaxItems: 1 }));
    expect(first).toMatchObject({ Tags: [{ Key: 'a', Value: '2' }], IsTruncated: true });
    const rest = await iam.send(new ListRoleTagsCommand({ RoleName, Marker: first.Marker }));
    expect(rest).toMatchObject({ Tags: [{ Key: 'b', Value: '3' }], IsTruncated: false });
    await expect(iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: 'c', Value: '1' }, { Key: 'C', Value: '2' }] }))).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('DMS refuses a replication subnet group until dms-vpc-role is there with its policy', async () => {
    const { sandbox, clients } = await makeSandbox();
    const ec2 = await clients.ec2;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnets = await Promise.all(['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet!.SubnetId!));
    const dms = await clients.dms;
    const create = () => dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'shop-dms', ReplicationSubnetGroupDescription: 'd', SubnetIds: subnets }));
    const refused = await create().catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'AccessDeniedFault', message: `The IAM Role arn:aws:iam::${sandbox.world.accountId}:role/dms-vpc-role is not configured properly.` });
    const iam = await clients.iam;
    await iam.send(new CreateRoleCommand({ RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy() }));
    await expect(create()).rejects.toMatchObject({ name: 'AccessDeniedFault' });
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'dms-vpc-role', PolicyArn: VPC_POLICY }));
    expect((await create()).ReplicationSubnetGroup?.ReplicationSubnetGroupIdentifier).toBe('shop-dms');
  });
});
