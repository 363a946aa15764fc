/**
 * openBastionTunnel against mocked EC2 / EC2 Instance Connect clients and a real ssh2 server
 * on loopback standing in for the bastion. SendSSHPublicKey's inputs follow its API reference
 * (InstanceId, InstanceOSUser, SSHPublicKey; AvailabilityZone, which older SDKs required, is
 * sent as the instance's own).
 */
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { EC2InstanceConnectClient, SendSSHPublicKeyCommand } from '@aws-sdk/client-ec2-instance-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { connect, createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { openBastionTunnel, TRUST_HOST_KEY_ENV, type BastionDeps } from '../../../src/tunnel/bastion-tunnel.js';
import { fingerprintOf, type HostKeyPin } from '../../../src/tunnel/host-key.js';

const ec2Mock = mockClient(EC2Client);
const eicMock = mockClient(EC2InstanceConnectClient);
const ec2 = new EC2Client({ region: 'eu-central-1' });
const eic = new EC2InstanceConnectClient({ region: 'eu-central-1' });
const ID = 'i-0123456789abcdef0';
const REF = { instanceId: ID, region: 'eu-central-1', adminCidr: '203.0.113.7/32', securityGroupId: 'sg-0aaa1111bbbb2222c' };

const hostKey = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
const hostBlob = (ssh2.utils.parseKey(hostKey.public) as ssh2.ParsedKey).getPublicSSH();
let pushed: string[] = [];
let rejectAll = false;
let ssh: InstanceType<typeof ssh2.Server>;
let sshPort = 0;
let echo: NetServer;
let echoPort = 0;

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
  ssh = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (auth) => {
      const offered = auth.method === 'publickey' ? `${auth.key.algo} ${auth.key.data.toString('base64')}` : '';
      if (rejectAll || !pushed.some((k) => k.startsWith(offered))) return auth.reject(['publickey']);
      auth.accept();
    });
    client.on('tcpip', (accept, _reject, info) => {
      const up = connect(info.destPort, '127.0.0.1');
      up.once('connect', () => {
        const ch = accept();
        up.pipe(ch).pipe(up);
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => ssh.listen(0, '127.0.0.1', r));
  sshPort = (ssh.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => ssh.close(r));
  await new Promise((r) => echo.close(r));
});

afterEach(() => {
  ec2Mock.reset();
  eicMock.reset();
  pushed = [];
  rejectAll = false;
  delete process.env[TRUST_HOST_KEY_ENV];
});

function instance(over: Partial<Instance> = {}): void {
  ec2Mock.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: [{ InstanceId: ID, State: { Name: 'running', Code: 16 }, PublicIpAddress: '198.51.100.20', ImageId: 'ami-0abc', Placement: { AvailabilityZone: 'eu-central-1b' }, ...over }] }],
  });
  eicMock.on(SendSSHPublicKeyCommand).callsFake((input: { SSHPublicKey: string }) => {
    pushed.push(input.SSHPublicKey);
    return { RequestId: 'r-1', Success: true };
  });
}

function deps(pins: Record<string, HostKeyPin> = {}, over: Partial<BastionDeps> = {}): BastionDeps & { notes: string[] } {
  const notes: string[] = [];
  return {
    ec2: async () => ec2,
    instanceConnect: async () => eic,
    hostKeys: { get: (id) => pins[id], pin: async (id, pin) => void (pins[id] = pin) },
    dialSsh: () => new Promise((resolve, reject) => {
      const s = connect(sshPort, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    }),
    publicAddress: async () => '192.0.2.55',
    now: () => new Date('2026-12-08T10:00:00Z'),
    notify: (m) => notes.push(m),
    notes,
    ...over,
  };
}

async function roundTrip(port: number): Promise<string> {
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.end('ping');
  let got = '';
  for await (const chunk of s) got += String(chunk);
  return got;
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

describe('openBastionTunnel', () => {
  it('pushes an ephemeral Ed25519 key for ec2-user to the instance in its own AZ, then forwards a loopback port', async () => {
    instance();
    const d = deps();
    const tunnel = await openBastionTunnel(d, REF, { host: '127.0.0.1', port: echoPort });
    try {
      const calls = eicMock.commandCalls(SendSSHPublicKeyCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0]!.args[0].input;
      expect(input).toEqual({ InstanceId: ID, InstanceOSUser: 'ec2-user', SSHPublicKey: expect.stringMatching(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ promigrate-ephemeral$/), AvailabilityZone: 'eu-central-1b' });
      expect(input.SSHPublicKey!.length).toBeGreaterThanOrEqual(80);
      expect(await roundTrip(tunnel.localPort)).toBe('ping');
      expect(d.notes.join('\n')).toContain(`pinned the host key ${fingerprintOf(hostBlob)}`);
    } finally {
      await tunnel.close();
    }
    const probe = connect(tunnel.localPort, '127.0.0.1');
    await expect(new Promise((resolve, reject) => { probe.once('connect', resolve); probe.once('error', reject); })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a new key per run: two tunnels push two different keys', async () => {
    instance();
    const a = await openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort });
    const b = await openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort });
    await a.close();
    await b.close();
    expect(new Set(pushed).size).toBe(2);
  });

  it('a pinned key that matches is accepted silently; a changed one stops the run, unless that exact fingerprint is trusted', async () => {
    instance();
    const good = { [ID]: { fingerprint: fingerprintOf(hostBlob), algorithm: 'ecdsa-sha2-nistp256', pinnedAt: '2026-12-01T00:00:00.000Z' } };
    const ok = deps(good);
    await (await openBastionTunnel(ok, REF, { host: '127.0.0.1', port: echoPort })).close();
    expect(ok.notes).toEqual([]);

    const pins = { [ID]: { fingerprint: 'SHA256:bogusbogusbogusbogusbogusbogusbogusbogusbog', algorithm: 'ssh-ed25519', pinnedAt: '2026-12-01T00:00:00.000Z' } };
    const err = await failure(openBastionTunnel(deps(pins), REF, { host: '127.0.0.1', port: echoPort }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toBe(`The bastion ${ID} presented the SSH host key ${fingerprintOf(hostBlob)}, not SHA256:bogusbogusbogusbogusbogusbogusbogusbogusbog pinned in state on 2026-12-01T00:00:00.000Z: the connection stopped (something may be intercepting it, or the instance's host keys were regenerated).`);
    expect(pins[ID]!.fingerprint).toMatch(/bogus/);

    process.env[TRUST_HOST_KEY_ENV] = fingerprintOf(hostBlob);
    await (await openBastionTunnel(deps(pins), REF, { host: '127.0.0.1', port: echoPort })).close();
    expect(pins[ID]!.fingerprint).toBe(fingerprintOf(hostBlob));
  });

  it.each([
    ['stopped', /is stopped, so the private RDS instance cannot be reached through it\./, /aws ec2 start-instances --instance-ids i-0123456789abcdef0 --region eu-central-1/],
    ['terminated', /is terminated, so/, /promigrate provision/],
    ['pending', /is pending, so/, /wait until it is running/],
  ])('a %s bastion: one sentence with the fix, no key pushed', async (state, message, hint) => {
    instance({ State: { Name: state as 'stopped' } });
    const err = (await failure(openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort }))) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(hint);
    expect(eicMock.commandCalls(SendSSHPublicKeyCommand)).toHaveLength(0);
  });

  it('an instance that no longer exists reads as terminated', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(Object.assign(new Error(`The instance ID '${ID}' does not exist`), { name: 'InvalidInstanceID.NotFound' }));
    const err = await failure(openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort }));
    expect(err!.message).toMatch(/is terminated/);
  });

  it('SendSSHPublicKey refused for want of permission: names the action and iam-policy', async () => {
    instance();
    eicMock.on(SendSSHPublicKeyCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AuthException' }));
    const err = (await failure(openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort }))) as UsageError;
    expect(err.message).toBe(`AWS refused to push an SSH key to the bastion ${ID} (AuthException): these credentials may not call ec2-instance-connect:SendSSHPublicKey on it.`);
    expect(err.hint).toMatch(/promigrate iam-policy/);
  });

  it('port 22 silently dropped: names the security group, network.adminCidr and the address AWS sees', async () => {
    instance();
    const timedOut = () => Promise.reject(Object.assign(new Error('connect ETIMEDOUT 198.51.100.20:22'), { code: 'ETIMEDOUT' }));
    const err = (await failure(openBastionTunnel(deps({}, { dialSsh: timedOut }), REF, { host: '127.0.0.1', port: echoPort }))) as UsageError;
    expect(err.message).toBe(`Cannot reach the bastion ${ID} at 198.51.100.20:22 (timed out): its security group sg-0aaa1111bbbb2222c allows SSH only from network.adminCidr 203.0.113.7/32, and AWS sees this machine as 192.0.2.55.`);
    expect(err.hint).toBe('Set network.adminCidr to 192.0.2.55/32 and run `promigrate provision` (it replaces the SSH rule), then run the same command again.');
    const unknown = (await failure(openBastionTunnel(deps({}, { dialSsh: timedOut, publicAddress: async () => undefined }), REF, { host: '127.0.0.1', port: echoPort }))) as UsageError;
    expect(unknown.message).toMatch(/allows SSH only from network\.adminCidr 203\.0\.113\.7\/32\.$/);
  });

  it('the key pushed but refused by sshd (no Instance Connect agent on the image): says so, names the image', async () => {
    instance();
    rejectAll = true;
    const err = (await failure(openBastionTunnel(deps(), REF, { host: '127.0.0.1', port: echoPort }))) as UsageError;
    expect(err.message).toBe(`The bastion ${ID} refused the SSH key pushed with EC2 Instance Connect for ec2-user: its image ami-0abc does not run the EC2 Instance Connect agent (a minimal or custom image).`);
  });

  it('a drop of the SSH connection is reported by the tunnel, and its listener closes', async () => {
    instance();
    const socks: import('node:net').Socket[] = [];
    const d = deps({}, {
      dialSsh: () => new Promise((resolve) => {
        const s = connect(sshPort, '127.0.0.1', () => resolve(s));
        socks.push(s);
      }),
    });
    const tunnel = await openBastionTunnel(d, REF, { host: '127.0.0.1', port: echoPort });
    socks[0]!.destroy();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(tunnel.lost?.message).toBe('the SSH connection to the bastion closed');
    await tunnel.close();
  });
});
