/**
 * Shared by the RDS and DMS task tests: the ids the network and security-group tasks
 * would have produced, a sandbox network to stand on, and SDK-shaped errors for mocks.
 */
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { Harness } from './harness.js';

export interface NetworkIds {
  'network.subnet.private.0': string;
  'network.subnet.private.1': string;
  'sg.db': string;
  'sg.dms': string;
}

export const FAKE_NETWORK: NetworkIds = {
  'network.subnet.private.0': 'subnet-0aaa0000000000001',
  'network.subnet.private.1': 'subnet-0bbb0000000000002',
  'sg.db': 'sg-0db00000000000001',
  'sg.dms': 'sg-0d0500000000000002',
};

/** Makes the earlier tasks' resources known to the harness, as a run that made them would. */
export function withNetwork(h: Harness, ids: NetworkIds = FAKE_NETWORK): Harness {
  for (const [key, id] of Object.entries(ids)) h.found.set(key, { id });
  return h;
}

/** A VPC with two private subnets in two AZs and the db/dms security groups, in the sandbox. */
export async function sandboxNetwork(clients: AwsClients): Promise<NetworkIds> {
  const ec2 = await clients.ec2;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, az: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
  const sg = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: name, Description: name }))).GroupId!;
  return {
    'network.subnet.private.0': await subnet('10.0.10.0/24', 'us-east-1a'),
    'network.subnet.private.1': await subnet('10.0.11.0/24', 'us-east-1b'),
    'sg.db': await sg('shop-db'),
    'sg.dms': await sg('shop-dms'),
  };
}

/** An error as the SDK throws it for an unmodelled or modelled AWS error code. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export const PROMIGRATE_TAG_KEYS = ['promigrate:project', 'promigrate:step', 'promigrate:key', 'Name'];
