/** The network tasks with a mocked EC2 client: the exact create parameters, tags, tokens, and the adopt path. */
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { idempotencyToken } from '../../../src/engine/context.js';
import { networkTasks } from '../../../src/steps/provision/network.js';
import type { ResourceTask } from '../../../src/engine/resources/task.js';
import { applyTasks, makeTaskContext, testConfig, type Harness } from './harness.js';

const mockEc2 = () => mockClient(EC2Client);

const tags = (key: string) => [
  { Key: 'promigrate:project', Value: 'shop' },
  { Key: 'promigrate:step', Value: 'provision' },
  { Key: 'promigrate:key', Value: key },
  { Key: 'Name', Value: `shop-${key.replace(/\./g, '-')}` },
];
const byTag = (key: string) => [
  { Name: 'tag:promigrate:project', Values: ['shop'] },
  { Name: 'tag:promigrate:key', Values: [key] },
];
const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
const MUTATING = [CreateVpcCommand, CreateSubnetCommand, CreateInternetGatewayCommand, AttachInternetGatewayCommand, CreateRouteTableCommand, CreateRouteCommand, AssociateRouteTableCommand];

let ec2: ReturnType<typeof mockEc2>;
let h: Harness;
const task = (key: string, config = h.config): ResourceTask => networkTasks(config).find((x) => x.key === key)!;
const harness = (config = testConfig()) => makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: false }) });

beforeEach(() => {
  ec2 = mockEc2();
  ec2.on(DescribeAvailabilityZonesCommand).resolves({
    AvailabilityZones: [{ ZoneName: 'us-east-1c' }, { ZoneName: 'us-east-1a' }, { ZoneName: 'us-east-1b' }],
  });
  h = harness();
});
afterEach(() => ec2.restore());

describe('network.vpc', () => {
  it('creates the VPC from network.vpcCidr with the four promigrate tags and Name', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    ec2.on(CreateVpcCommand).resolves({ Vpc: { VpcId: VPC, CidrBlock: '10.0.0.0/16' } });
    expect(await task('network.vpc').find(h.t)).toBeUndefined();
    expect(ec2.commandCalls(DescribeVpcsCommand)[0]!.args[0].input).toEqual({ Filters: byTag('network.vpc') });
    expect(await task('network.vpc').create(h.t)).toEqual({ id: VPC, outputs: { cidr: '10.0.0.0/16' } });
    expect(ec2.commandCalls(CreateVpcCommand)[0]!.args[0].input).toEqual({
      CidrBlock: '10.0.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: tags('network.vpc') }],
    });
  });

  it('adopts a configured VPC after checking it exists, and never creates one', async () => {
    h = harness(testConfig({ network: { vpcId: VPC } }));
    ec2.on(DescribeVpcsCommand, { VpcIds: [VPC] }).resolves({ Vpcs: [{ VpcId: VPC, CidrBlock: '172.20.0.0/16', State: 'available' }] });
    ec2.on(DescribeInternetGatewaysCommand, { Filters: byTag('network.igw') }).resolves({ InternetGateways: [] });
    ec2.on(DescribeInternetGatewaysCommand, { Filters: [{ Name: 'attachment.vpc-id', Values: [VPC] }] }).resolves({
      InternetGateways: [{ InternetGatewayId: 'igw-0bbbbbbbbbbbbbbbb', Attachments: [{ VpcId: VPC, State: 'attached' }] }],
    });
    const done = await applyTasks(h, networkTasks(h.config).filter((x) => ['network.vpc', 'network.igw'].includes(x.key)));
    expect(done.get('network.vpc')).toEqual({ id: VPC, adopted: true, outputs: { cidr: '172.20.0.0/16' } });
    expect(done.get('network.igw')).toEqual({ id: 'igw-0bbbbbbbbbbbbbbbb', adopted: true });
    expect(h.state.resources['network.vpc']).toMatchObject({ id: VPC, adopted: true });
    for (const command of MUTATING) expect(ec2.commandCalls(command as typeof CreateVpcCommand)).toHaveLength(0);
  });

  it('says which configured VPC does not exist, in which region', async () => {
    h = harness(testConfig({ network: { vpcId: VPC } }));
    ec2.on(DescribeVpcsCommand).rejects(Object.assign(new Error(`The vpc ID '${VPC}' does not exist`), { name: 'InvalidVpcID.NotFound' }));
    await expect(task('network.vpc').find(h.t)).rejects.toMatchObject({
      name: 'UsageError',
      exitCode: 2,
      message: `network.vpcId ${VPC} does not exist in us-east-1`,
    });
  });
});

describe('network.igw', () => {
  it('creates a tagged gateway and attaches it to the VPC', async () => {
    h.found.set('network.vpc', { id: VPC });
    ec2.on(CreateInternetGatewayCommand).resolves({ InternetGateway: { InternetGatewayId: 'igw-0ccccccccccccccccc' } });
    await task('network.igw').create(h.t);
    expect(ec2.commandCalls(CreateInternetGatewayCommand)[0]!.args[0].input).toEqual({
      TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: tags('network.igw') }],
    });
    expect(ec2.commandCalls(AttachInternetGatewayCommand)[0]!.args[0].input).toEqual({ InternetGatewayId: 'igw-0ccccccccccccccccc', VpcId: VPC });
  });
});

describe('network.subnet.*', () => {
  beforeEach(() => h.found.set('network.vpc', { id: VPC, outputs: { cidr: '10.0.0.0/16' } }));

  it('creates subnet i in the i-th AZ by name with the planned CIDR, without mapping public IPs', async () => {
    ec2.on(CreateSubnetCommand).resolves({ Subnet: { SubnetId: 'subnet-0ddddddddddddddddd', AvailabilityZone: 'us-east-1b', CidrBlock: '10.0.3.0/24' } });
    const subnet = task('network.subnet.private.1');
    const found = await subnet.create(h.t);
    expect(ec2.commandCalls(CreateSubnetCommand)[0]!.args[0].input).toEqual({
      VpcId: VPC,
      CidrBlock: '10.0.3.0/24',
      AvailabilityZone: 'us-east-1b',
      TagSpecifications: [{ ResourceType: 'subnet', Tags: tags('network.subnet.private.1') }],
    });
    expect(found).toEqual({ id: 'subnet-0ddddddddddddddddd', outputs: { az: 'us-east-1b', cidr: '10.0.3.0/24', tier: 'private' } });
    await subnet.waitReady!(h.t, found);
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
  });

  it('takes CIDRs from network.subnets when given', async () => {
    h = harness(
      testConfig({
        network: {
          vpcCidr: '10.8.0.0/16',
          subnets: [
            { tier: 'private', cidr: '10.8.100.0/24' },
            { tier: 'public', cidr: '10.8.0.0/26' },
            { tier: 'public', cidr: '10.8.0.64/26' },
            { tier: 'private', cidr: '10.8.101.0/24' },
          ],
        },
      }),
    );
    h.found.set('network.vpc', { id: VPC });
    ec2.on(CreateSubnetCommand).resolves({ Subnet: { SubnetId: 'subnet-0ddddddddddddddddd' } });
    await task('network.subnet.public.1').create(h.t);
    expect(ec2.commandCalls(CreateSubnetCommand)[0]!.args[0].input).toMatchObject({ CidrBlock: '10.8.0.64/26', AvailabilityZone: 'us-east-1b' });
  });

  it('turns public IP mapping off on a subnet someone turned it on for', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-0ddddddddddddddddd', MapPublicIpOnLaunch: true }] });
    const subnet = task('network.subnet.public.0');
    const found = await subnet.find(h.t);
    await subnet.waitReady!(h.t, found!);
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)[0]!.args[0].input).toEqual({
      SubnetId: 'subnet-0ddddddddddddddddd',
      MapPublicIpOnLaunch: { Value: false },
    });
  });
});

describe('network.eip.* and network.nat.*', () => {
  it('allocates a tagged VPC address', async () => {
    ec2.on(AllocateAddressCommand).resolves({ AllocationId: 'eipalloc-0eeeeeeeeeeeeeeee', PublicIp: '198.51.100.9' });
    expect(await task('network.eip.0').create(h.t)).toEqual({ id: 'eipalloc-0eeeeeeeeeeeeeeee', outputs: { publicIp: '198.51.100.9' } });
    expect(ec2.commandCalls(AllocateAddressCommand)[0]!.args[0].input).toEqual({
      Domain: 'vpc',
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tags('network.eip.0') }],
    });
  });

  it('creates the NAT gateway in public subnet n with its address and a checkpointed ClientToken', async () => {
    h = harness(testConfig({ network: { natGateways: 'per-az' } }));
    h.found.set('network.subnet.public.1', { id: 'subnet-0fffffffffffffff1' });
    h.found.set('network.eip.1', { id: 'eipalloc-0eeeeeeeeeeeeeee1' });
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
    ec2.on(CreateNatGatewayCommand).resolves({ NatGateway: { NatGatewayId: 'nat-0123456789abcdef1', State: 'pending', SubnetId: 'subnet-0fffffffffffffff1' } });
    await task('network.nat.1').create(h.t);
    const token = idempotencyToken('test-lineage', 'network.nat.1');
    expect(ec2.commandCalls(CreateNatGatewayCommand)[0]!.args[0].input).toEqual({
      SubnetId: 'subnet-0fffffffffffffff1',
      AllocationId: 'eipalloc-0eeeeeeeeeeeeeee1',
      ConnectivityType: 'public',
      ClientToken: token,
      TagSpecifications: [{ ResourceType: 'natgateway', Tags: tags('network.nat.1') }],
    });
    expect(h.state.steps.provision!.checkpoints['token:network.nat.1']).toBe(token);
  });

  it('has one NAT per AZ for per-az, one for single, none for none', () => {
    const keys = (natGateways: 'none' | 'single' | 'per-az') =>
      networkTasks(testConfig({ network: { natGateways } })).map((x) => x.key).filter((k) => /nat|eip|rt/.test(k));
    expect(keys('per-az')).toEqual(['network.eip.0', 'network.nat.0', 'network.eip.1', 'network.nat.1', 'network.rt.public', 'network.rt.private.0', 'network.rt.private.1']);
    expect(keys('single')).toEqual(['network.eip.0', 'network.nat.0', 'network.rt.public', 'network.rt.private.0']);
    expect(keys('none')).toEqual(['network.rt.public', 'network.rt.private.0']);
  });

  it('fails the wait clearly when the NAT gateway fails', async () => {
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [{ NatGatewayId: 'nat-0123456789abcdef0', State: 'failed', FailureCode: 'InsufficientFreeAddressesInSubnet', FailureMessage: 'Subnet has no free addresses' }],
    });
    await expect(task('network.nat.0').waitReady!(h.t, { id: 'nat-0123456789abcdef0' })).rejects.toThrow(
      'NAT gateway nat-0123456789abcdef0 (network.nat.0) failed: failed (InsufficientFreeAddressesInSubnet): Subnet has no free addresses',
    );
  });
});

describe('network.rt.*', () => {
  beforeEach(() => {
    h.found.set('network.vpc', { id: VPC });
    h.found.set('network.igw', { id: 'igw-0ccccccccccccccccc' });
    h.found.set('network.subnet.public.0', { id: 'subnet-0000000000000000a' });
    h.found.set('network.subnet.public.1', { id: 'subnet-0000000000000000b' });
  });

  it('creates the table with a ClientToken, then adds the default route and every association in waitReady', async () => {
    ec2.on(CreateRouteTableCommand).resolves({ RouteTable: { RouteTableId: 'rtb-0123456789abcdef0' } });
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [{ RouteTableId: 'rtb-0123456789abcdef0', Routes: [], Associations: [] }] });
    const rt = task('network.rt.public');
    const found = await rt.create(h.t);
    expect(ec2.commandCalls(CreateRouteTableCommand)[0]!.args[0].input).toEqual({
      VpcId: VPC,
      ClientToken: idempotencyToken('test-lineage', 'network.rt.public'),
      TagSpecifications: [{ ResourceType: 'route-table', Tags: tags('network.rt.public') }],
    });
    await rt.waitReady!(h.t, found);
    expect(ec2.commandCalls(CreateRouteCommand).map((c) => c.args[0].input)).toEqual([
      { RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0ccccccccccccccccc' },
    ]);
    expect(ec2.commandCalls(AssociateRouteTableCommand).map((c) => c.args[0].input)).toEqual([
      { RouteTableId: 'rtb-0123456789abcdef0', SubnetId: 'subnet-0000000000000000a' },
      { RouteTableId: 'rtb-0123456789abcdef0', SubnetId: 'subnet-0000000000000000b' },
    ]);
  });

  it('adds only what a crash left missing', async () => {
    ec2.on(DescribeRouteTablesCommand, { RouteTableIds: ['rtb-0123456789abcdef0'] }).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0123456789abcdef0',
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0ccccccccccccccccc' }],
          Associations: [{ SubnetId: 'subnet-0000000000000000a', RouteTableAssociationId: 'rtbassoc-1' }],
        },
      ],
    });
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'association.subnet-id', Values: ['subnet-0000000000000000b'] }] }).resolves({ RouteTables: [] });
    await task('network.rt.public').waitReady!(h.t, { id: 'rtb-0123456789abcdef0' });
    expect(ec2.commandCalls(CreateRouteCommand)).toHaveLength(0);
    expect(ec2.commandCalls(AssociateRouteTableCommand).map((c) => c.args[0].input)).toEqual([
      { RouteTableId: 'rtb-0123456789abcdef0', SubnetId: 'subnet-0000000000000000b' },
    ]);
  });
});
