/** The bastion: exact RunInstances parameters (aws-sdk-client-mock), then a lifecycle against the sandbox. */
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { idempotencyToken } from '../../../src/engine/context.js';
import { bastionTasks } from '../../../src/steps/provision/bastion.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import { securityGroupTasks } from '../../../src/steps/provision/security-groups.js';
import { makeSandbox } from '../../helpers/sandbox.js';
import { ec2Inventory } from './ec2-inventory.js';
import { applyTasks, destroyTasks, makeTaskContext, testConfig, type Harness } from './harness.js';

const mockEc2 = () => mockClient(EC2Client);

const BASTION = { bastion: true, adminCidr: '203.0.113.7/32' };
const TAGS = [
  { Key: 'promigrate:project', Value: 'shop' },
  { Key: 'promigrate:step', Value: 'provision' },
  { Key: 'promigrate:key', Value: 'bastion.instance' },
  { Key: 'Name', Value: 'shop-bastion-instance' },
];

describe('bastion task (mocked EC2)', () => {
  let ec2: ReturnType<typeof mockEc2>;
  let h: Harness;

  beforeEach(() => {
    ec2 = mockEc2();
    const config = testConfig({ network: BASTION });
    h = makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: false }) });
    h.found.set('network.subnet.public.0', { id: 'subnet-0aaaaaaaaaaaaaaaa' });
    h.found.set('sg.bastion', { id: 'sg-0bbbbbbbbbbbbbbbb' });
  });
  afterEach(() => ec2.restore());

  it('is left out unless network.bastion', () => {
    expect(bastionTasks(testConfig())).toEqual([]);
    expect(bastionTasks(testConfig({ network: BASTION })).map((t) => t.key)).toEqual(['bastion.instance']);
  });

  it('launches the newest AL2023 x86_64 image with IMDSv2, an encrypted root volume and a public address on its interface', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(DescribeImagesCommand).resolves({
      Images: [
        { ImageId: 'ami-0000000000000old0', CreationDate: '2024-12-12T20:10:11.000Z', RootDeviceName: '/dev/xvda' },
        { ImageId: 'ami-0000000000000new0', CreationDate: '2025-01-07T19:52:43.000Z', RootDeviceName: '/dev/xvda' },
      ],
    });
    ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: 'pending' } }] });
    const [task] = bastionTasks(h.config);
    expect(await task!.find(h.t)).toBeUndefined();
    expect(await task!.create(h.t)).toMatchObject({ id: 'i-0123456789abcdef0' });

    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] },
        { Name: 'architecture', Values: ['x86_64'] },
        { Name: 'state', Values: ['available'] },
        { Name: 'root-device-type', Values: ['ebs'] },
        { Name: 'virtualization-type', Values: ['hvm'] },
      ],
    });
    const calls = ec2.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      ImageId: 'ami-0000000000000new0',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: idempotencyToken('test-lineage', 'bastion.instance'),
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: 'subnet-0aaaaaaaaaaaaaaaa', Groups: ['sg-0bbbbbbbbbbbbbbbb'], AssociatePublicIpAddress: true, DeleteOnTermination: true },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } }],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: TAGS },
        { ResourceType: 'volume', Tags: TAGS },
        { ResourceType: 'network-interface', Tags: TAGS },
      ],
    });
    // The token is checkpointed in state before the call, so a resumed run sends the same one.
    expect(h.state.steps.provision!.checkpoints['token:bastion.instance']).toBe(idempotencyToken('test-lineage', 'bastion.instance'));
  });

  it('finds its instance by tag and state', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', PublicIpAddress: '198.51.100.4', PrivateIpAddress: '10.0.0.4', ImageId: 'ami-1' }] }],
    });
    const [task] = bastionTasks(h.config);
    expect(await task!.find(h.t)).toEqual({
      id: 'i-0123456789abcdef0',
      outputs: { publicIp: '198.51.100.4', privateIp: '10.0.0.4', imageId: 'ami-1' },
    });
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [
        { Name: 'tag:promigrate:project', Values: ['shop'] },
        { Name: 'tag:promigrate:key', Values: ['bastion.instance'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    });
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('fails clearly when the region has no AL2023 image', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    const [task] = bastionTasks(h.config);
    await expect(task!.find(h.t)).rejects.toThrow('no Amazon Linux 2023 x86_64 image (al2023-ami-2023.*-x86_64, owner amazon) is available in us-east-1');
  });

  it('never terminates an instance it did not create', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', State: { Name: 'running' }, Tags: [] }] }] });
    // Left in place and reported by destroy (ResourceLeftInPlace), never terminated.
    await expect(bastionTasks(h.config)[0]!.destroy!(h.t, 'i-0123456789abcdef0')).rejects.toMatchObject({ name: 'ResourceLeftInPlace', id: 'i-0123456789abcdef0' });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
});

describe('bastion against the sandbox', () => {
  it('runs in public subnet 0 with sg.bastion and a public IP; re-run is a no-op; destroy terminates it', async () => {
    const { sandbox, clients } = await makeSandbox();
    const ec2 = await clients.ec2;
    const config = testConfig({ network: BASTION });
    const tasks = () => [...networkTasks(config), ...securityGroupTasks(config), ...bastionTasks(config)];
    const h = makeTaskContext({ config, clients, clock: sandbox.clock });
    const started = sandbox.clock.now();
    const done = await applyTasks(h, tasks());
    const bastion = done.get('bastion.instance')!;
    expect(sandbox.clock.now() - started).toBeGreaterThanOrEqual(40_000);
    expect(bastion.outputs).toMatchObject({ publicIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), privateIp: expect.stringMatching(/^10\.0\.0\./) });

    const [instance] = (await ec2Inventory(ec2, 'shop')).instances;
    expect(instance).toMatchObject({ InstanceId: bastion.id, SubnetId: done.get('network.subnet.public.0')!.id, InstanceType: 't3.micro' });
    expect(instance!.SecurityGroups!.map((g) => g.GroupId)).toEqual([done.get('sg.bastion')!.id]);
    const newest = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64'] }] }))).Images![0]!;
    expect(instance!.ImageId).toBe(newest.ImageId); // not the newer "minimal" image

    const before = sandbox.world.data.faults.mutatingCalls;
    await applyTasks(makeTaskContext({ config, clients, clock: sandbox.clock, state: h.state }), tasks());
    expect(sandbox.world.data.faults.mutatingCalls).toBe(before);

    await destroyTasks(makeTaskContext({ config, clients, clock: sandbox.clock, state: h.state }), tasks());
    expect((await ec2Inventory(ec2, 'shop')).keys).toEqual([]);
  });
});
