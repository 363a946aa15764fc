/**
 * EC2 Instance Connect: SendSSHPublicKey, as its API reference describes it — the instance
 * must exist and be running, the key is an OpenSSH RSA or ED25519 public key, the optional
 * AvailabilityZone must be the instance's, and the pushed key is usable for 60 seconds for
 * that OS user on that instance. The sandbox bastion's SSH server
 * (src/aws/sandbox/bastion-ssh.ts) accepts exactly the keys recorded here.
 */
import type { SendSSHPublicKeyRequest, SendSSHPublicKeyResponse } from '@aws-sdk/client-ec2-instance-connect';
import { SimError } from '../errors.js';
import type { ServiceSimulator, SimContext } from '../types.js';
import { ec2State, instanceState } from './ec2/store.js';
import { uuid } from './sim-util.js';

/** "the public key is pushed to the instance metadata, where it remains for 60 seconds". */
export const PUSHED_KEY_VALID_MS = 60_000;

export interface PushedKey {
  instanceId: string;
  osUser: string;
  /** The key's type and base64 blob (`ssh-ed25519 AAAA…`), comment dropped. */
  key: string;
  at: number;
}

interface InstanceConnectSlice {
  pushed: PushedKey[];
}

export function instanceConnectState(ctx: SimContext): InstanceConnectSlice {
  return ctx.slice<InstanceConnectSlice>('ec2-instance-connect', () => ({ pushed: [] }));
}

/** The keys usable on `instanceId` now (pushed within the last 60 simulated seconds). */
export function validKeys(ctx: SimContext, instanceId: string): PushedKey[] {
  return instanceConnectState(ctx).pushed.filter((p) => p.instanceId === instanceId && ctx.now() - p.at <= PUSHED_KEY_VALID_MS);
}

const invalidArgs = (message: string): SimError => new SimError('InvalidArgsException', message);

const OS_USER = /^[A-Za-z_][A-Za-z0-9@._-]{0,30}[A-Za-z0-9$_-]?$/;
const KEY = /^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( .*)?$/;

export const instanceConnectSimulator: ServiceSimulator = {
  SendSSHPublicKey: (input: SendSSHPublicKeyRequest, ctx): SendSSHPublicKeyResponse => {
    const { InstanceId: id, InstanceOSUser: user, SSHPublicKey: key, AvailabilityZone: az } = input;
    if (!id || !/^i-[a-f0-9]+$/.test(id) || id.length < 10 || id.length > 32) throw invalidArgs('Invalid instance ID');
    if (!user || !OS_USER.test(user)) throw invalidArgs('Invalid OS user');
    if (!key || key.length < 80 || key.length > 4096 || !KEY.test(key.trim())) {
      throw invalidArgs('The public key is not in a supported format: EC2 Instance Connect accepts OpenSSH RSA and ED25519 public keys');
    }
    const instance = ec2State(ctx).instances[id];
    if (!instance || instanceState(ctx, instance) === 'terminated') {
      throw new SimError('EC2InstanceNotFoundException', `Instance ${id} was not found in this account and region`);
    }
    if (az !== undefined && az !== instance.az) throw invalidArgs(`Instance ${id} is not in availability zone ${az}`);
    if (instanceState(ctx, instance) !== 'running') {
      throw new SimError('EC2InstanceStateInvalidException', `Instance ${id} is not in a valid state for EC2 Instance Connect (it must be running)`);
    }
    const s = instanceConnectState(ctx);
    // Expired pushes are of no further use; keep the slice small.
    s.pushed = s.pushed.filter((p) => ctx.now() - p.at <= PUSHED_KEY_VALID_MS);
    s.pushed.push({ instanceId: id, osUser: user, key: key.trim().split(/\s+/).slice(0, 2).join(' '), at: ctx.now() });
    return { RequestId: uuid(ctx), Success: true };
  },
};
