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
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  EC2ServiceException,
  ModifyVpcAttributeCommand,
  ReleaseAddressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/aws/sandbox/index.js';
import { promigrateTags, resourceFilters, tagSpecifications, tagsToRecord } from '../../src/aws/tags.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { localSimulators } from './local-simulators.js';

let sandbox: Sandbox;
let ec2: EC2Client;

beforeEach(async () => {
  ({ sandbox } = await makeSandbox({ simulators: localSimulators }).then(async (x) => {
    ec2 = await x.clients.ec2;
    return x;
  }));
});

/** The error a call throws (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<EC2ServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as EC2ServiceException;
  }
  throw new Error('expected the call to fail');
}

async function vpcWithSubnet(): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }));
  return { vpcId: vpc.Vpc!.VpcId!, subnetId: subnet.Subnet!.SubnetId! };
}

describe('EC2 account and zones', () => {
  it('lists three zones of the region and the account limits', async () => {
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
      ['us-east-1a', 'use1-az1', 'available'],
      ['us-east-1b', 'use1-az2', 'available'],
      ['us-east-1c', 'use1-az3', 'available'],
    ]);
    const zoneB = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-name', Values: ['*b'] }] }));
    expect(zoneB.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['us-east-1b']);
    const attrs = await ec2.send(new DescribeAccountAttributesCommand({}));
    const byName = Object.fromEntries(attrs.AccountAttributes!.map((a) => [a.AttributeName, a.AttributeValues![0]!.AttributeValue]));
    expect(byName).toMatchObject({ 'vpc-max-elastic-ips': '5', 'max-instances': '20', 'supported-platforms': 'VPC' });
    const one = await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }));
    expect(one.AccountAttributes).toEqual([{ AttributeName: 'default-vpc', AttributeValues: [{ AttributeValue: expect.stringMatching(/^vpc-/) }] }]);
  });

  it('starts with a default VPC like a real account', async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    expect(vpcs.Vpcs![0]!.CidrBlock).toBe('172.31.0.0/16');
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
    expect(subnets.Subnets).toHaveLength(3);
  });
});

describe('EC2 VPCs and subnets', () => {
  it('creates a tagged VPC that a resumed run finds by its promigrate tags', async () => {
    const tags = promigrateTags({ project: 'shop', step: 'provision', key: 'network.vpc' });
    const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: tagSpecifications('vpc', tags) }));
    expect(created.Vpc!.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(created.$metadata.httpStatusCode).toBe(200);
    const found = await ec2.send(new DescribeVpcsCommand({ Filters: resourceFilters('shop', 'network.vpc') }));
    expect(found.Vpcs!.map((v) => v.VpcId)).toEqual([created.Vpc!.VpcId]);
    expect(tagsToRecord(found.Vpcs![0]!.Tags)).toMatchObject({ 'promigrate:project': 'shop', Name: 'shop-network-vpc' });
    const byKey = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag-key', Values: ['promigrate:*'] }] }));
    expect(byKey.Vpcs).toHaveLength(1);
    const none = await ec2.send(new DescribeVpcsCommand({ Filters: resourceFilters('other', 'network.vpc') }));
    expect(none.Vpcs).toEqual([]);
  });

  it('rejects bad CIDRs, unknown filters and unknown ids with EC2 error codes', async () => {
    const range = await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })));
    expect([range.name, range.$fault, range.$metadata.httpStatusCode]).toEqual(['InvalidVpc.Range', 'client', 400]);
    expect(range).toBeInstanceOf(EC2ServiceException);
    expect((await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.1/16' })))).name).toBe('InvalidParameterValue');
    const filter = await failure(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })));
    expect([filter.name, filter.message]).toEqual(['InvalidParameterValue', "The filter 'colour' is invalid"]);
    const missing = await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })));
    expect([missing.name, missing.message]).toEqual(['InvalidVpcID.NotFound', "The vpc ID 'vpc-0123456789abcdef0' does not exist"]);
    expect((await failure(ec2.send(new DeleteVpcCommand({ VpcId: 'vpc-nope' })))).name).toBe('InvalidVpcID.Malformed');
  });

  it('enforces the VPC limit of 5 per region (the default VPC counts)', async () => {
    for (let i = 1; i <= 4; i++) await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${i}.0.0/16` }));
    expect((await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' })))).name).toBe('VpcLimitExceeded');
  });

  it('modifies and describes VPC DNS attributes', async () => {
    const { vpcId } = await vpcWithSubnet();
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
    expect(attr.EnableDnsHostnames?.Value).toBe(true);
  });

  it('validates subnets: inside the VPC, no overlap, a real zone', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const conflict = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.128/25' })));
    expect([conflict.name, conflict.message]).toEqual(['InvalidSubnet.Conflict', "The CIDR '10.0.1.128/25' conflicts with another subnet"]);
    const outside = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24' })));
    expect(outside.name).toBe('InvalidSubnet.Range');
    const zone = await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1z' })));
    expect(zone.name).toBe('InvalidParameterValue');
    const second = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZoneId: 'use1-az2' }));
    expect(second.Subnet!.AvailabilityZone).toBe('us-east-1b');
    const list = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(list.Subnets!.map((s) => s.SubnetId).sort()).toEqual([subnetId, second.Subnet!.SubnetId].sort());
    expect(list.Subnets!.find((s) => s.SubnetId === subnetId)!.AvailableIpAddressCount).toBe(251);
  });

  it('refuses to delete a VPC with subnets (DependencyViolation), then deletes it with its defaults', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const blocked = await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
    expect([blocked.name, blocked.message]).toEqual(['DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`]);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(groups.SecurityGroups).toEqual([]);
    expect((await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })))).name).toBe('InvalidSubnetID.NotFound');
  });
});

describe('EC2 gateways and addresses', () => {
  it('attaches, detaches and deletes an internet gateway with the documented errors', async () => {
    const { vpcId } = await vpcWithSubnet();
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    expect((await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })))).name).toBe('Resource.AlreadyAssociated');
    const found = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }));
    expect(found.InternetGateways!.map((g) => g.InternetGatewayId)).toEqual([igw]);
    expect((await failure(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw })))).name).toBe('DependencyViolation');
    expect((await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).name).toBe('DependencyViolation');
    const wrong = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc!.VpcId!;
    expect((await failure(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: wrong })))).name).toBe('Gateway.NotAttached');
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
  });

  it('allocates Elastic IPs up to the limit of 5 and releases them', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!);
    expect((await failure(ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))).name).toBe('AddressLimitExceeded');
    const described = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [ids[0]!] }));
    expect(described.Addresses![0]!.PublicIp).toMatch(/^203\.0\.113\.\d+$/);
    await ec2.send(new ReleaseAddressCommand({ AllocationId: ids[0] }));
    expect((await failure(ec2.send(new ReleaseAddressCommand({ AllocationId: ids[0] })))).name).toBe('InvalidAllocationID.NotFound');
  });

  it('creates a NAT gateway idempotently by ClientToken; pending → available on the simulated clock', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const request = { SubnetId: subnetId, AllocationId: eip, ClientToken: 'token-nat-1' };
    const first = await ec2.send(new CreateNatGatewayCommand(request));
    expect(first.NatGateway!.State).toBe('pending');
    expect(first.ClientToken).toBe('token-nat-1');
    const again = await ec2.send(new CreateNatGatewayCommand(request));
    expect(again.NatGateway!.NatGatewayId).toBe(first.NatGateway!.NatGatewayId);
    const all = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(all.NatGateways).toHaveLength(1);
    const mismatch = await failure(ec2.send(new CreateNatGatewayCommand({ ...request, ConnectivityType: 'private' })));
    expect([mismatch.name, mismatch.$fault]).toEqual(['IdempotentParameterMismatch', 'client']);

    expect((await failure(ec2.send(new ReleaseAddressCommand({ AllocationId: eip })))).name).toBe('InvalidIPAddress.InUse');
    sandbox.clock.advance(sandbox.durations.natGatewayCreate);
    const natId = first.NatGateway!.NatGatewayId!;
    const ready = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    expect(ready.NatGateways![0]!.State).toBe('available');
    expect(ready.NatGateways![0]!.NatGatewayAddresses![0]!.AllocationId).toBe(eip);
    expect((await failure(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })))).name).toBe('DependencyViolation');

    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
    const deleting = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    expect(deleting.NatGateways![0]!.State).toBe('deleting');
    expect((await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })))).name).toBe('DependencyViolation');
    sandbox.clock.advance(sandbox.durations.natGatewayCreate);
    const deleted = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }));
    expect(deleted.NatGateways![0]!.State).toBe('deleted');
    await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    const missing = await failure(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-0123456789abcdef0'] })));
    expect(missing.name).toBe('NatGatewayNotFound');
  });

  it('fails a public NAT gateway in a VPC without an internet gateway, as AWS does', async () => {
    const { subnetId } = await vpcWithSubnet();
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const nat = await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip }));
    const described = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat.NatGateway!.NatGatewayId!] }));
    expect(described.NatGateways![0]!.State).toBe('failed');
    expect(described.NatGateways![0]!.FailureCode).toBe('Gateway.NotAttached');
  });
});

describe('EC2 route tables', () => {
  it('creates routes and associations with the documented conflicts', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    const request = { VpcId: vpcId, ClientToken: 'rt-public' };
    const table = (await ec2.send(new CreateRouteTableCommand(request))).RouteTable!;
    expect((await ec2.send(new CreateRouteTableCommand(request))).RouteTable!.RouteTableId).toBe(table.RouteTableId);
    expect(table.Routes).toEqual([expect.objectContaining({ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' })]);
    const rt = table.RouteTableId!;

    const detached = await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })));
    expect(detached.name).toBe('InvalidParameterValue');
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    const exists = await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' })));
    expect(exists.name).toBe('InvalidNatGatewayID.NotFound');
    const instance = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0]!;
    const taken = await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', InstanceId: instance.InstanceId })));
    expect([taken.name, taken.message]).toEqual(['RouteAlreadyExists', 'The route identified by 0.0.0.0/0 already exists.']);

    const assoc = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: subnetId }));
    expect(assoc.AssociationState?.State).toBe('associated');
    const main = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }));
    expect(main.RouteTables).toHaveLength(1);
    const conflict = await failure(ec2.send(new AssociateRouteTableCommand({ RouteTableId: main.RouteTables![0]!.RouteTableId, SubnetId: subnetId })));
    expect(conflict.name).toBe('Resource.AlreadyAssociated');
    const bySubnet = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
    expect(bySubnet.RouteTables!.map((t) => t.RouteTableId)).toEqual([rt]);

    expect((await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rt })))).name).toBe('DependencyViolation');
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc.AssociationId }));
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rt }));
    expect((await failure(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] })))).name).toBe('InvalidRouteTableID.NotFound');
  });
});

describe('EC2 request handling', () => {
  it('answers DryRun=true with DryRunOperation (412) and changes nothing', async () => {
    const err = await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', DryRun: true })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['DryRunOperation', 412]);
    expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
  });

  it('refuses an operation it does not simulate, naming it, instead of succeeding silently', async () => {
    const err = await failure(ec2.send(new DescribeVolumesCommand({})));
    expect(err.name).toBe('UnsupportedOperation');
    expect(err.message).toContain('ec2:DescribeVolumes');
  });
});
