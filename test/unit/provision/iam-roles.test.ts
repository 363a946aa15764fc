/**
 * provision's DMS service roles (steps/provision/iam-roles.ts) against a mocked IAM: found
 * and ours, found and external, missing → created with tags and its managed policy,
 * AccessDenied → one clear message; destroy only what this project made and no other DMS
 * subnet group still needs.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  type Role,
} from '@aws-sdk/client-iam';
import { DatabaseMigrationServiceClient, DescribeReplicationSubnetGroupsCommand } from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { dmsTrustPolicy } from '../../../src/aws/dms/service-roles.js';
import { destroyTargets } from '../../../src/engine/resources/destroy.js';
import type { ResourceTask } from '../../../src/engine/resources/task.js';
import { UsageError } from '../../../src/errors.js';
import { iamRoleTasks } from '../../../src/steps/provision/iam-roles.js';
import { TestIoHost } from '../../helpers/test-io-host.js';
import { awsError } from './db-dms-fixtures.js';
import { applyTasks, destroyTasks, instantClock, makeTaskContext, testConfig, type Harness } from './harness.js';

let iam = mockClient(IAMClient);
let dms = mockClient(DatabaseMigrationServiceClient);
const VPC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole';
const LOGS_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole';
const OURS = [{ Key: 'promigrate:project', Value: 'shop' }];

beforeEach(() => {
  iam = mockClient(IAMClient);
  dms = mockClient(DatabaseMigrationServiceClient);
});
afterEach(() => {
  iam.restore();
  dms.restore();
});

function harness(region = 'us-east-1'): Harness & { host: TestIoHost } {
  const host = new TestIoHost({ interactive: false, assumeYes: true });
  const h = makeTaskContext({ config: testConfig({ aws: { region } }), clients: createAwsClients({ region, dryRun: false }), clock: instantClock(), io: host });
  return { ...h, host };
}
const vpcRole = (): ResourceTask => iamRoleTasks().find((x) => x.key === 'iam.role.dms-vpc')!;
const noSuchRole = (name: string) => new NoSuchEntityException({ message: `The role with name ${name} cannot be found.`, $metadata: { httpStatusCode: 404 } });

function role(name: string, over: Partial<Role> = {}): Role {
  return {
    Path: '/', RoleName: name, RoleId: 'AROAEXAMPLE0000000001', Arn: `arn:aws:iam::123456789012:role/${name}`, CreateDate: new Date(0),
    AssumeRolePolicyDocument: encodeURIComponent(dmsTrustPolicy()), ...over,
  };
}

describe('the DMS service role tasks', () => {
  it('come first, one per account-wide role, at path / with the managed policy DMS documents', () => {
    const h = harness();
    const [vpc, logs] = iamRoleTasks();
    expect([vpc!.key, logs!.key]).toEqual(['iam.role.dms-vpc', 'iam.role.dms-cloudwatch-logs']);
    expect(vpc!.planCreate(h.t)).toEqual([
      {
        operation: 'iam:CreateRole',
        params: {
          RoleName: 'dms-vpc-role', Path: '/', AssumeRolePolicyDocument: dmsTrustPolicy(),
          Description: 'AWS DMS service role (account-wide), created by promigrate project shop',
          Tags: [
            { Key: 'promigrate:project', Value: 'shop' }, { Key: 'promigrate:step', Value: 'provision' },
            { Key: 'promigrate:key', Value: 'iam.role.dms-vpc' }, { Key: 'Name', Value: 'dms-vpc-role' },
          ],
        },
      },
      { operation: 'iam:AttachRolePolicy', params: { RoleName: 'dms-vpc-role', PolicyArn: VPC_POLICY } },
    ]);
    expect(logs!.planCreate(h.t)[1]!.params).toEqual({ RoleName: 'dms-cloudwatch-logs-role', PolicyArn: LOGS_POLICY });
    // The partition follows the region.
    expect(vpcRole().planCreate(harness('cn-north-1').t)[1]!.params.PolicyArn).toBe('arn:aws-cn:iam::aws:policy/service-role/AmazonDMSVPCManagementRole');
  });

  it('missing → CreateRole with the tags and the DMS trust policy, then AttachRolePolicy, recorded as owned', async () => {
    const h = harness();
    iam.on(GetRoleCommand, { RoleName: 'dms-vpc-role' }).rejectsOnce(noSuchRole('dms-vpc-role')).resolves({ Role: role('dms-vpc-role', { Tags: OURS }) });
    iam.on(CreateRoleCommand).resolves({ Role: role('dms-vpc-role', { Tags: OURS }) });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
    iam.on(AttachRolePolicyCommand).resolves({});
    const made = await applyTasks(h, [vpcRole()]);
    expect(iam.commandCalls(CreateRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleName: 'dms-vpc-role', Path: '/', Tags: expect.arrayContaining([{ Key: 'promigrate:project', Value: 'shop' }, { Key: 'promigrate:key', Value: 'iam.role.dms-vpc' }]),
    });
    expect(JSON.parse(iam.commandCalls(CreateRoleCommand)[0]!.args[0].input.AssumeRolePolicyDocument!).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'dms.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(iam.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'dms-vpc-role', PolicyArn: VPC_POLICY }]);
    expect(made.get('iam.role.dms-vpc')).toMatchObject({ id: 'dms-vpc-role', arn: 'arn:aws:iam::123456789012:role/dms-vpc-role' });
    expect(h.state.resources['iam.role.dms-vpc']).toMatchObject({ type: 'iam:role', id: 'dms-vpc-role' });
    expect(h.state.resources['iam.role.dms-vpc']!.adopted).toBeUndefined();
  });

  it('exists and ours (a crash after CreateRole): no second CreateRole, the missing policy is attached', async () => {
    const h = harness();
    iam.on(GetRoleCommand).resolves({ Role: role('dms-vpc-role', { Tags: OURS }) });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
    iam.on(AttachRolePolicyCommand).resolves({});
    await applyTasks(h, [vpcRole()]);
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
    // With the policy there already, a re-run changes nothing.
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AmazonDMSVPCManagementRole', PolicyArn: VPC_POLICY }], IsTruncated: false });
    await applyTasks(harness(), [vpcRole()]);
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
  });

  it('exists without this project’s tag: adopted as external, never modified, never destroyed; a warning when DMS could not use it', async () => {
    const h = harness();
    iam.on(GetRoleCommand).resolves({ Role: role('dms-vpc-role', { AssumeRolePolicyDocument: encodeURIComponent(dmsTrustPolicy().replace('dms.amazonaws.com', 'ec2.amazonaws.com')) }) });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
    const made = await applyTasks(h, [vpcRole()]);
    expect(made.get('iam.role.dms-vpc')).toMatchObject({ adopted: true, outputs: { external: expect.stringContaining('not created by promigrate') } });
    expect(h.state.resources['iam.role.dms-vpc']!.adopted).toBe(true);
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    const warning = h.host.messages.find((m) => m.code === 'provision.iam-role')!;
    expect(warning.message).toContain('does not let dms.amazonaws.com assume it');
    expect(warning.message).toContain('does not have the managed policy AmazonDMSVPCManagementRole');
    expect(await destroyTargets(h.t, [vpcRole()])).toEqual({ targets: [], notInventoried: [] });
  });

  it('AccessDenied on GetRole is one clear usage error naming the role and the permission', async () => {
    const h = harness();
    iam.on(GetRoleCommand).rejects(Object.assign(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: iam:GetRole on resource: role dms-vpc-role'), { $metadata: { httpStatusCode: 403 } }));
    const err = await vpcRole().find(h.t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^AWS refused iam:GetRole on the IAM role dms-vpc-role \(.*not authorized to perform: iam:GetRole.*\)\.$/);
    expect((err as UsageError).hint).toContain('promigrate iam-policy');
  });

  it('destroy: policies detached and deleted, then the role — unless another DMS subnet group in the region still needs it', async () => {
    const h = harness();
    iam.on(GetRoleCommand).resolves({ Role: role('dms-vpc-role', { Tags: OURS }) });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AmazonDMSVPCManagementRole', PolicyArn: VPC_POLICY }], IsTruncated: false });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['added-later'], IsTruncated: false });
    dms.on(DescribeReplicationSubnetGroupsCommand).resolves({ ReplicationSubnetGroups: [{ ReplicationSubnetGroupIdentifier: 'shop-dms' }, { ReplicationSubnetGroupIdentifier: 'crm-dms' }] });
    await destroyTasks(h, [vpcRole()]);
    expect(iam.commandCalls(DeleteRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(DetachRolePolicyCommand)).toHaveLength(0);
    expect(h.host.messages.find((m) => m.code === 'provision.destroy.shared')?.message).toContain('left in place: DMS replication subnet group(s) crm-dms in us-east-1');

    dms.on(DescribeReplicationSubnetGroupsCommand).resolves({ ReplicationSubnetGroups: [{ ReplicationSubnetGroupIdentifier: 'shop-dms' }] });
    iam.on(DetachRolePolicyCommand).resolves({});
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});
    await destroyTasks(harness(), [vpcRole()]);
    const order = iam.calls().map((c) => (c.args[0] as object).constructor.name).filter((n) => !/^(Get|List)/.test(n));
    expect(order).toEqual(['DetachRolePolicyCommand', 'DeleteRolePolicyCommand', 'DeleteRoleCommand']);
    expect(iam.commandCalls(DeleteRoleCommand)[0]!.args[0].input).toEqual({ RoleName: 'dms-vpc-role' });
  });
});
