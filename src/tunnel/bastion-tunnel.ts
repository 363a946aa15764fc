/**
 * A tunnel to the private RDS instance through the bastion provision built: look the
 * instance up (it must be running and have a public address), push this run's ephemeral
 * public key with EC2 Instance Connect's SendSSHPublicKey (EC2 Instance Connect API
 * reference, SendSSHPublicKey: InstanceId, InstanceOSUser, SSHPublicKey and the instance's
 * AvailabilityZone; the key is usable for 60 seconds, so it is pushed right before the
 * connection), connect with the bastion's host key checked against the pin in state, and
 * forward a loopback port to the database. Every way this can fail ends in one sentence
 * naming the fix.
 */
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import type { Duplex } from 'node:stream';
import { errorName } from '../aws/errors.js';
import { UsageError } from '../errors.js';
import { ephemeralKey } from './ephemeral-key.js';
import { judgeHostKey, type HostKeyPin, type HostKeyPins } from './host-key.js';
import { openSshTunnel, TunnelOpenError, type SshTunnel } from './ssh-tunnel.js';
import { BASTION_OS_USER } from './target-route.js';


/** Test and recovery switch: the one new host-key fingerprint the operator checked and trusts. */
export const TRUST_HOST_KEY_ENV = 'PROMIGRATE_TRUST_HOST_KEY';

export interface BastionRef {
  instanceId: string;
  region: string;
  /** network.adminCidr: who the bastion's security group lets in. */
  adminCidr: string | undefined;
  securityGroupId?: string;
}

export interface BastionDeps {
  ec2(): Promise<EC2Client>;
  instanceConnect(): Promise<EC2InstanceConnectClient>;
  hostKeys: HostKeyPins;
  /** The TCP connection to the bastion's SSH port (in the sandbox: to its simulated bastion). */
  dialSsh(target: { instanceId: string; publicIp: string }): Promise<Duplex>;
  /** This machine's public address as AWS sees it, when it can be found out. */
  publicAddress(): Promise<string | undefined>;
  now(): Date;
  notify(message: string): void;
}

export interface BastionTunnel extends SshTunnel {
  readonly instanceId: string;
  readonly publicIp: string;
}

const NETWORK_FAILURES = new Set(['ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

async function describeBastion(deps: BastionDeps, ref: BastionRef): Promise<Instance> {
  const ec2 = await deps.ec2();
  let instance: Instance | undefined;
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [ref.instanceId] }));
    instance = out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
  } catch (err) {
    if (errorName(err) !== 'InvalidInstanceID.NotFound') throw err;
  }
  const state = instance?.State?.Name ?? 'terminated';
  if (state === 'terminated' || state === 'shutting-down') {
    throw new UsageError(`The bastion ${ref.instanceId} is ${state}, so the private RDS instance cannot be reached through it.`, {
      hint: 'Run `promigrate provision` (it builds a new bastion), then run the same command again; or set target.connectVia to your own tunnel ({host, port}).',
    });
  }
  if (state !== 'running') {
    throw new UsageError(`The bastion ${ref.instanceId} is ${state}, so the private RDS instance cannot be reached through it.`, {
      hint: `Start it (aws ec2 start-instances --instance-ids ${ref.instanceId} --region ${ref.region}) and wait until it is running, then run the same command again.`,
    });
  }
  if (!instance!.PublicIpAddress) {
    throw new UsageError(`The bastion ${ref.instanceId} has no public IP address, so this machine cannot reach it.`, {
      hint: 'Run `promigrate provision` after terminating it (the new one gets a public address), or set target.connectVia to your own tunnel.',
    });
  }
  return instance!;
}

async function pushKey(deps: BastionDeps, ref: BastionRef, instance: Instance, publicKey: string): Promise<void> {
  const { SendSSHPublicKeyCommand } = await import('@aws-sdk/client-ec2-instance-connect');
  const client = await deps.instanceConnect();
  try {
    await client.send(
      new SendSSHPublicKeyCommand({
        InstanceId: ref.instanceId,
        InstanceOSUser: BASTION_OS_USER,
        SSHPublicKey: publicKey,
        ...(instance.Placement?.AvailabilityZone ? { AvailabilityZone: instance.Placement.AvailabilityZone } : {}),
      }),
    );
  } catch (err) {
    const name = errorName(err);
    if (name === 'EC2InstanceStateInvalidException' || name === 'EC2InstanceNotFoundException') {
      throw new UsageError(`The bastion ${ref.instanceId} cannot take an SSH key now (${name}: it is not running).`, {
        hint: `Start it (aws ec2 start-instances --instance-ids ${ref.instanceId} --region ${ref.region}) or run \`promigrate provision\` to replace it, then run the same command again.`,
      });
    }
    if (name === 'AuthException' || name === 'AccessDeniedException') {
      throw new UsageError(`AWS refused to push an SSH key to the bastion ${ref.instanceId} (${name}): these credentials may not call ec2-instance-connect:SendSSHPublicKey on it.`, {
        hint: 'Add the statement `promigrate iam-policy` prints for it (scoped to this project\'s tag and ec2-user), then run the same command again.',
      });
    }
    throw err;
  }
}

async function sshUnreachable(deps: BastionDeps, ref: BastionRef, ip: string, why: string): Promise<UsageError> {
  const seen = await deps.publicAddress().catch(() => undefined);
  const admin = ref.adminCidr ?? '(not set)';
  const seenText = seen ? `, and AWS sees this machine as ${seen}` : '';
  const fix = seen && `${seen}/32` !== ref.adminCidr
    ? `Set network.adminCidr to ${seen}/32 and run \`promigrate provision\` (it replaces the SSH rule)`
    : 'Set network.adminCidr to this machine\'s public address (/32) and run `promigrate provision` (it replaces the SSH rule)';
  return new UsageError(
    `Cannot reach the bastion ${ref.instanceId} at ${ip}:22 (${why}): its security group${ref.securityGroupId ? ` ${ref.securityGroupId}` : ''} allows SSH only from network.adminCidr ${admin}${seenText}.`,
    { hint: `${fix}, then run the same command again.` },
  );
}

function hostKeyChanged(ref: BastionRef, pinned: HostKeyPin, presented: string): UsageError {
  return new UsageError(
    `The bastion ${ref.instanceId} presented the SSH host key ${presented}, not ${pinned.fingerprint} pinned in state on ${pinned.pinnedAt}: the connection stopped (something may be intercepting it, or the instance's host keys were regenerated).`,
    {
      hint: `Check the key in the instance's console output (aws ec2 get-console-output --instance-id ${ref.instanceId} --region ${ref.region}); if it is ${presented}, run again with ${TRUST_HOST_KEY_ENV}=${presented} to pin it.`,
    },
  );
}

/** Opens the tunnel; the caller closes it. */
export async function openBastionTunnel(deps: BastionDeps, ref: BastionRef, destination: { host: string; port: number }): Promise<BastionTunnel> {
  const instance = await describeBastion(deps, ref);
  const ip = instance.PublicIpAddress!;
  const key = ephemeralKey();
  await pushKey(deps, ref, instance, key.publicKey);

  let sock: Duplex;
  try {
    sock = await deps.dialSsh({ instanceId: ref.instanceId, publicIp: ip });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (NETWORK_FAILURES.has(code)) throw await sshUnreachable(deps, ref, ip, code === 'ETIMEDOUT' ? 'timed out' : code);
    throw err;
  }

  const pinned = deps.hostKeys.get(ref.instanceId);
  const trusted = process.env[TRUST_HOST_KEY_ENV];
  let verdict: ReturnType<typeof judgeHostKey> | undefined;
  let tunnel: SshTunnel;
  try {
    tunnel = await openSshTunnel({
      sock,
      username: BASTION_OS_USER,
      privateKey: key.privateKey,
      destination,
      verifyHostKey: (blob) => {
        verdict = judgeHostKey(pinned, blob, deps.now());
        if (verdict.kind === 'changed' && trusted === verdict.presented) {
          verdict = judgeHostKey(undefined, blob, deps.now());
        }
        return verdict.kind !== 'changed';
      },
    });
  } catch (err) {
    sock.destroy();
    if (!(err instanceof TunnelOpenError)) throw err;
    if (err.kind === 'host-key' && verdict?.kind === 'changed') throw hostKeyChanged(ref, verdict.pinned, verdict.presented);
    if (err.kind === 'auth') {
      throw new UsageError(
        `The bastion ${ref.instanceId} refused the SSH key pushed with EC2 Instance Connect for ${BASTION_OS_USER}: its image ${instance.ImageId ?? ''} does not run the EC2 Instance Connect agent (a minimal or custom image).`,
        { hint: 'Terminate it and run `promigrate provision`, which launches the standard Amazon Linux 2023 image (it ships the agent); or install ec2-instance-connect on it.' },
      );
    }
    if (err.kind === 'timeout') throw await sshUnreachable(deps, ref, ip, 'no SSH handshake');
    throw new UsageError(`The SSH connection to the bastion ${ref.instanceId} at ${ip}:22 failed: ${err.message}.`, {
      hint: 'Check that the bastion is running and this machine can reach it on port 22, then run the same command again.',
    });
  }
  if (verdict?.kind === 'first-use') {
    await deps.hostKeys.pin(ref.instanceId, verdict.pin);
    deps.notify(`pinned the host key ${verdict.pin.fingerprint} (${verdict.pin.algorithm}) of the bastion ${ref.instanceId} in state`);
  }
  return Object.assign(tunnel, { instanceId: ref.instanceId, publicIp: ip });
}
