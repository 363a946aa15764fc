/**
 * The sandbox's EC2 Instance Connect against its API reference (SendSSHPublicKey): the
 * instance must exist and run, the key is an OpenSSH RSA or ED25519 public key of 80–4096
 * characters, an AvailabilityZone given must be the instance's, and a key is usable for 60
 * seconds only.
 */
import { CreateSubnetCommand, CreateVpcCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SendSSHPublicKeyCommand } from '@aws-sdk/client-ec2-instance-connect';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { validKeys } from '../../../src/aws/sandbox/services/instance-connect.js';
import { makeSandbox } from '../../helpers/sandbox.js';

async function world() {
  const { sandbox, clients } = await makeSandbox();
  const ec2 = await clients.ec2;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!.SubnetId!;
  const instance = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0]!.InstanceId!;
  return { sandbox, ec2, eic: await clients.instanceConnect, instance };
}

const key = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'test' }).public;

describe('the sandbox SendSSHPublicKey', () => {
  it('refuses a pending instance, takes a running one, and the key expires after 60 simulated seconds', async () => {
    const { sandbox, eic, instance } = await world();
    const send = (over: Record<string, string> = {}) => eic.send(new SendSSHPublicKeyCommand({ InstanceId: instance, InstanceOSUser: 'ec2-user', SSHPublicKey: key, ...over }));
    await expect(send()).rejects.toMatchObject({ name: 'EC2InstanceStateInvalidException' });
    await sandbox.clock.sleep(60_000);
    await expect(send({ AvailabilityZone: 'us-east-1b' })).resolves.toMatchObject({ Success: true, RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const ctx = sandbox.context();
    expect(validKeys(ctx, instance)).toEqual([{ instanceId: instance, osUser: 'ec2-user', key: key.split(' ').slice(0, 2).join(' '), at: ctx.now() }]);
    await sandbox.clock.sleep(60_001);
    expect(validKeys(sandbox.context(), instance)).toEqual([]);
  });

  it('refuses a wrong AZ, a malformed key or user, an unknown or terminated instance', async () => {
    const { sandbox, ec2, eic, instance } = await world();
    await sandbox.clock.sleep(60_000);
    const send = (over: Record<string, string>) => eic.send(new SendSSHPublicKeyCommand({ InstanceId: instance, InstanceOSUser: 'ec2-user', SSHPublicKey: key, ...over }));
    await expect(send({ AvailabilityZone: 'us-east-1a' })).rejects.toMatchObject({ name: 'InvalidArgsException' });
    await expect(send({ SSHPublicKey: 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=' })).rejects.toMatchObject({ name: 'InvalidArgsException' });
    await expect(send({ InstanceOSUser: '-bad user' })).rejects.toMatchObject({ name: 'InvalidArgsException' });
    await expect(send({ InstanceId: 'i-00000000000000000' })).rejects.toMatchObject({ name: 'EC2InstanceNotFoundException' });
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance] }));
    await sandbox.clock.sleep(120_000);
    await expect(send({})).rejects.toMatchObject({ name: 'EC2InstanceNotFoundException' });
  });
});
