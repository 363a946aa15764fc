import {
  CreateReplicationInstanceCommand,
  CreateReplicationSubnetGroupCommand,
  DatabaseMigrationServiceClient,
  DeleteReplicationInstanceCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationSubnetGroupsCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  type ReplicationInstance,
} from '@aws-sdk/client-database-migration-service';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { UsageError } from '../../../src/errors.js';
import { databaseTasks } from '../../../src/steps/provision/database.js';
import { dmsTasks } from '../../../src/steps/provision/dms.js';
import { iamRoleTasks } from '../../../src/steps/provision/iam-roles.js';
import { planGraph } from '../../../src/engine/resources/graph.js';
import type { ResourceTask } from '../../../src/engine/resources/task.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { awsError, PROMIGRATE_TAG_KEYS, sandboxNetwork, withNetwork } from './db-dms-fixtures.js';
import { applyTasks, destroyTasks, enabledTasks, instantClock, makeTaskContext, testConfig, type Harness } from './harness.js';

let dms = mockClient(DatabaseMigrationServiceClient);
let sts = mockClient(STSClient);
const ARN = 'arn:aws:dms:us-east-1:123456789012:rep:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const OURS = [{ Key: 'promigrate:project', Value: 'shop' }];

beforeEach(() => {
  dms = mockClient(DatabaseMigrationServiceClient);
  sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
});
afterEach(() => {
  dms.restore();
  sts.restore();
});

type Overrides = Parameters<typeof testConfig>[0];
function harness(overrides: Overrides = {}, assess: Record<string, unknown> = {}): Harness {
  const h = makeTaskContext({ config: testConfig(overrides), clients: createAwsClients({ region: 'us-east-1', dryRun: false }), clock: instantClock() });
  h.state.steps.assess = { ...(h.state.steps.assess as object), status: 'done', outputs: assess, checkpoints: {} } as never;
  return withNetwork(h);
}
const task = (h: Harness, key: string): ResourceTask => dmsTasks(h.config).find((x) => x.key === key)!;

function replication(over: Partial<ReplicationInstance> = {}): ReplicationInstance {
  return {
    ReplicationInstanceIdentifier: 'shop-dms',
    ReplicationInstanceArn: ARN,
    ReplicationInstanceClass: 'dms.t3.medium',
    ReplicationInstanceStatus: 'available',
    PubliclyAccessible: false,
    ReplicationSubnetGroup: { ReplicationSubnetGroupIdentifier: 'shop-dms' },
    ReplicationInstancePrivateIpAddresses: ['10.0.10.20'],
    ...over,
  };
}
const notFound = () => new ResourceNotFoundFault({ message: 'No Replication Instances found matching provided filters', $metadata: {} });

describe('dms.instance', () => {
  it('exact create parameters: private, in sg.dms and the subnet group, single-AZ, tagged; waits for available', async () => {
    const h = harness();
    dms.on(CreateReplicationInstanceCommand).resolves({ ReplicationInstance: replication({ ReplicationInstanceStatus: 'creating' }) });
    dms.on(DescribeReplicationInstancesCommand).resolves({ ReplicationInstances: [replication()] });
    const instance = task(h, 'dms.instance');
    expect(instance.dependsOn).toEqual(['dms.subnet-group', 'sg.dms', 'iam.role.dms-cloudwatch-logs']);
    const found = await instance.create(h.t);
    const input = dms.commandCalls(CreateReplicationInstanceCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      ReplicationInstanceIdentifier: 'shop-dms',
      ReplicationInstanceClass: 'dms.t3.medium',
      AllocatedStorage: 50,
      ReplicationSubnetGroupIdentifier: '<dms.subnet-group>',
      VpcSecurityGroupIds: ['sg-0d0500000000000002'],
      MultiAZ: false,
      PubliclyAccessible: false,
    });
    expect(input.Tags!.map((tag) => tag.Key)).toEqual(PROMIGRATE_TAG_KEYS);
    expect(found).toMatchObject({ id: 'shop-dms', arn: ARN });
    expect(await instance.waitReady!(h.t, found)).toMatchObject({ arn: ARN, privateIps: ['10.0.10.20'] });
  });

  it('class: configured, else assess’s suggestion, else dms.t3.medium', () => {
    const cls = (h: Harness) => (task(h, 'dms.instance').planCreate(h.t)[0]!.params as { ReplicationInstanceClass: string }).ReplicationInstanceClass;
    expect(cls(harness({ dms: { instanceClass: 'dms.r5.large' } }, { suggestedDmsInstanceClass: 'dms.c5.large' }))).toBe('dms.r5.large');
    expect(cls(harness({}, { suggestedDmsInstanceClass: 'dms.c5.large' }))).toBe('dms.c5.large');
    expect(cls(harness())).toBe('dms.t3.medium');
  });

  it('AlreadyExists: ours is accepted; another project’s is a usage error naming it', async () => {
    const h = harness();
    dms.on(CreateReplicationInstanceCommand).rejects(new ResourceAlreadyExistsFault({ message: 'Replication instance shop-dms already exists', $metadata: {} }));
    dms.on(DescribeReplicationInstancesCommand).resolves({ ReplicationInstances: [replication()] });
    dms.on(ListTagsForResourceCommand).resolves({ TagList: OURS });
    expect(await task(h, 'dms.instance').create(h.t)).toMatchObject({ id: 'shop-dms', arn: ARN });

    dms.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'promigrate:project', Value: 'blog' }] });
    const err = (await task(h, 'dms.instance').create(h.t).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/DMS replication instance shop-dms already exists.*"blog"/);
  });

  it('find: absent on ResourceNotFoundFault; a public or configured-class mismatch is refused', async () => {
    const h = harness({ dms: { instanceClass: 'dms.c5.large' } });
    dms.on(DescribeReplicationInstancesCommand).rejectsOnce(notFound()).resolves({ ReplicationInstances: [replication({ PubliclyAccessible: true })] });
    dms.on(ListTagsForResourceCommand).resolves({ TagList: OURS });
    expect(await task(h, 'dms.instance').find(h.t)).toBeUndefined();
    await expect(task(h, 'dms.instance').find(h.t)).rejects.toThrow(/class is dms.t3.medium, not dms.c5.large; it is publicly accessible/);
  });

  it('destroy deletes by ARN and waits until gone; a missing dms-vpc-role becomes a hint', async () => {
    const h = harness();
    dms.on(DescribeReplicationInstancesCommand).resolvesOnce({ ReplicationInstances: [replication()] })
      .resolvesOnce({ ReplicationInstances: [replication({ ReplicationInstanceStatus: 'deleting' })] })
      .rejects(notFound());
    dms.on(ListTagsForResourceCommand).resolves({ TagList: OURS });
    await task(h, 'dms.instance').destroy!(h.t, 'shop-dms');
    expect(dms.commandCalls(DeleteReplicationInstanceCommand)[0]!.args[0].input).toEqual({ ReplicationInstanceArn: ARN });

    dms.on(CreateReplicationSubnetGroupCommand).rejects(
      awsError('AccessDeniedFault', 'The IAM Role arn:aws:iam::123456789012:role/dms-vpc-role is not configured properly.'),
    );
    const err = (await task(h, 'dms.subnet-group').create(h.t).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.hint).toContain('AmazonDMSVPCManagementRole');
  });
});

describe('dms.subnet-group', () => {
  it('over the private subnets, tagged; found only when ours (by its subgrp ARN)', async () => {
    const h = harness();
    const group = task(h, 'dms.subnet-group');
    expect(group.dependsOn).toEqual(['iam.role.dms-vpc', 'network.subnet.private.0', 'network.subnet.private.1']);
    expect(group.planCreate(h.t)[0]).toMatchObject({
      operation: 'dms:CreateReplicationSubnetGroup',
      params: { ReplicationSubnetGroupIdentifier: 'shop-dms', SubnetIds: ['subnet-0aaa0000000000001', 'subnet-0bbb0000000000002'] },
    });
    dms.on(DescribeReplicationSubnetGroupsCommand).resolves({ ReplicationSubnetGroups: [{ ReplicationSubnetGroupIdentifier: 'shop-dms', VpcId: 'vpc-1' }] });
    dms.on(ListTagsForResourceCommand, { ResourceArn: 'arn:aws:dms:us-east-1:123456789012:subgrp:shop-dms' }).resolves({ TagList: OURS });
    expect(await group.find(h.t)).toMatchObject({ id: 'shop-dms', arn: 'arn:aws:dms:us-east-1:123456789012:subgrp:shop-dms' });
  });
});

describe('RDS and DMS against the sandbox', () => {
  beforeEach(() => {
    dms.restore();
    sts.restore();
  });

  it('waits in parallel; a second run creates nothing; destroy leaves nothing', async () => {
    const { sandbox, clients } = await makeSandbox();
    const network = await sandboxNetwork(clients);
    const config = testConfig({ target: { deletionProtection: false }, dms: { instanceClass: 'dms.c5.large' } });
    const tasks = [...iamRoleTasks(), ...databaseTasks(config), ...dmsTasks(config)];
    const first = withNetwork(makeTaskContext({ config, clients, clock: sandbox.clock }), network);
    const started = sandbox.clock.now();
    const made = await applyTasks(first, tasks);
    const elapsed = sandbox.clock.now() - started;
    // RDS takes 12 simulated minutes and DMS 7: waited together, not one after the other.
    expect(elapsed).toBeGreaterThanOrEqual(12 * 60_000);
    expect(elapsed).toBeLessThan(14 * 60_000);
    expect(made.get('dms.instance')!.outputs).toMatchObject({ arn: expect.stringMatching(/^arn:aws:dms:/), privateIps: [expect.any(String)] });

    const calls = sandbox.world.data.faults.mutatingCalls;
    const second = withNetwork(makeTaskContext({ config, clients, clock: sandbox.clock, state: first.state }), network);
    await applyTasks(second, tasks);
    expect(sandbox.world.data.faults.mutatingCalls).toBe(calls);

    // A dry run reads through the dry-run guard and finds everything: no create is planned.
    const readOnly = createAwsClients({ region: 'us-east-1', dryRun: true, sandbox });
    const dry = withNetwork(makeTaskContext({ config, clients: readOnly, clock: sandbox.clock, state: first.state, dryRun: true }), network);
    const plan = await planGraph(enabledTasks(tasks, config), dry.t, new Set(['network.subnet.private.0', 'network.subnet.private.1', 'sg.db', 'sg.dms']));
    expect(plan.map((c) => c.action)).toEqual(enabledTasks(tasks, config).map(() => 'noop'));
    expect(sandbox.world.data.faults.mutatingCalls).toBe(calls);

    Object.assign(second.t, { destroyOptions: { skipFinalSnapshot: true } });
    await destroyTasks(second, tasks);
    const api = await clients.dms;
    await expect(api.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'replication-instance-id', Values: ['shop-dms'] }] }))).rejects.toThrow(/No Replication Instances/);
    expect((await api.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups).toEqual([]);
    expect((await (await clients.rds).send(new DescribeDBInstancesCommand({}))).DBInstances).toEqual([]);
    // No other DMS subnet group is left in the region: the roles this project made go too.
    await expect((await clients.iam).send(new GetRoleCommand({ RoleName: 'dms-vpc-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(second.state.resources).toEqual({});
  });
});
