/**
 * The sandbox's bastions, as SSH servers (ssh2, the library the client side uses) on
 * loopback: one per simulated bastion instance, started when promigrate first dials it.
 * Like the real instance running the EC2 Instance Connect agent, a server accepts only a
 * public key pushed with the (simulated) SendSSHPublicKey for that instance and OS user in
 * the last 60 simulated seconds, and only when the instance's image ships the agent (the
 * standard Amazon Linux 2023 and Amazon Linux 2 images; not AL2023 minimal — EC2 user
 * guide, "Install EC2 Instance Connect"). The network around it is simulated too: a dial is
 * dropped (ETIMEDOUT) unless one of the instance's security groups lets TCP 22 in from
 * this machine's address (sandbox.operatorAddress), and a forward reaches only a simulated
 * RDS endpoint whose security groups let the bastion's group in on that port — and then
 * the real database behind sandbox.targetUrl.
 *
 * Its log (`<state-dir>/sandbox-ssh.log`, JSON lines) records every dial, authentication
 * and forward, so tests can see that a connection really went through a tunnel. The host
 * key is derived from the world's seed and the instance id: stable across runs, as a real
 * instance's is, and never written anywhere.
 */
import { createECDH, createHash, createPrivateKey, timingSafeEqual } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { containsCidr } from 'cidr-tools';
import ssh2, { type Connection } from 'ssh2';
import { shipsInstanceConnect } from '../bastion-image.js';
import type { Sandbox } from './index.js';
import { ec2State, instanceState } from './services/ec2/store.js';
import { imageNameOf } from './services/ec2/images.js';
import { validKeys } from './services/instance-connect.js';
import { rdsState } from './services/rds/state.js';
import type { SimContext } from './types.js';

export const SANDBOX_SSH_LOG = 'sandbox-ssh.log';
/** Test fault: the SSH server ends a connection once this many bytes came back from the database through it. */
export const SSH_DROP_ENV = 'PROMIGRATE_SANDBOX_SSH_DROP_AFTER_BYTES';

export interface SandboxBastionOptions {
  sandbox: Sandbox;
  /** sandbox.operatorAddress (else network.adminCidr's address). */
  operatorAddress: string;
  /** The real database behind every simulated RDS endpoint (sandbox.targetUrl). */
  database: { host: string; port: number } | undefined;
  logPath: string;
}


function hostKeyFor(seed: number, instanceId: string): string {
  // An ECDSA P-256 key from a deterministic scalar (ssh2 parses SEC1 PEM; not PKCS#8 Ed25519).
  const d = createHash('sha256').update(`promigrate-sandbox-host-key:${seed}:${instanceId}`).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey();
  const b64 = (b: Buffer) => b.toString('base64url');
  const jwk = { kty: 'EC', crv: 'P-256', d: b64(d), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)) };
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'sec1' }) as string;
}

function timedOut(ip: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ETIMEDOUT ${ip}:22`), { code: 'ETIMEDOUT', errno: -110, syscall: 'connect', address: ip, port: 22 });
}

function portAllowed(rule: { protocol: string; from?: number; to?: number }, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && (rule.from ?? 0) <= port && port <= (rule.to ?? 65535);
}

export class SandboxBastions {
  private readonly servers = new Map<string, Promise<{ port: number; close(): Promise<void> }>>();
  private readonly dropAfter: number | undefined;

  constructor(private readonly opts: SandboxBastionOptions) {
    const raw = process.env[SSH_DROP_ENV];
    this.dropAfter = raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
  }

  private get ctx(): SimContext {
    return this.opts.sandbox.context();
  }

  private log(entry: Record<string, unknown>): void {
    appendFileSync(this.opts.logPath, `${JSON.stringify({ time: new Date(this.ctx.now()).toISOString(), ...entry })}\n`);
  }

  /** The TCP connection to `instanceId`'s port 22, as the simulated network allows it. */
  async dial(target: { instanceId: string; publicIp: string }): Promise<Duplex> {
    const ctx = this.ctx;
    const s = ec2State(ctx);
    const instance = s.instances[target.instanceId];
    const from = this.opts.operatorAddress;
    if (!instance || instance.publicIp !== target.publicIp || instanceState(ctx, instance) !== 'running') {
      this.log({ event: 'dial-dropped', instance: target.instanceId, from, reason: 'no running instance at this address' });
      throw timedOut(target.publicIp);
    }
    const open = instance.groupIds.some((g) =>
      (s.groups[g]?.rules ?? []).some((r) => !r.egress && portAllowed(r, 22) && r.cidrIpv4 !== undefined && containsCidr(r.cidrIpv4, `${from}/32`)),
    );
    if (!open) {
      this.log({ event: 'dial-dropped', instance: target.instanceId, from, reason: 'no security group rule allows TCP 22 from this address' });
      throw timedOut(target.publicIp);
    }
    let server = this.servers.get(target.instanceId);
    if (!server) {
      server = this.start(target.instanceId);
      this.servers.set(target.instanceId, server);
    }
    const { port } = await server;
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    this.log({ event: 'dial', instance: target.instanceId, from, to: `${target.publicIp}:22` });
    return sock;
  }

  private acceptsKey(instanceId: string, user: string, algo: string, data: Buffer): boolean {
    const ctx = this.ctx;
    const instance = ec2State(ctx).instances[instanceId];
    if (!instance || !shipsInstanceConnect(imageNameOf(ctx, instance.imageId))) return false;
    const offered = Buffer.from(`${algo} ${data.toString('base64')}`);
    return validKeys(ctx, instanceId).some((p) => {
      const pushed = Buffer.from(p.key);
      return p.osUser === user && pushed.length === offered.length && timingSafeEqual(pushed, offered);
    });
  }

  /** Where a forward to `host:port` from `instanceId` really goes, or why it cannot. */
  private forwardTarget(instanceId: string, host: string, port: number): { host: string; port: number } | string {
    const ctx = this.ctx;
    const s = ec2State(ctx);
    const bastionGroups = new Set(s.instances[instanceId]?.groupIds ?? []);
    const db = Object.values(rdsState(ctx).instances).find((r) => r.address === host && r.port === port);
    if (!db) return `no RDS endpoint ${host}:${port} in the simulated VPC`;
    const allowed = db.vpcSecurityGroupIds.some((g) =>
      (s.groups[g]?.rules ?? []).some((r) => !r.egress && portAllowed(r, port) && r.groupId !== undefined && bastionGroups.has(r.groupId)),
    );
    if (!allowed) return `the security groups of ${db.id} do not let the bastion in on port ${port}`;
    return this.opts.database ?? 'the sandbox has no real database behind its RDS endpoints (sandbox.targetUrl)';
  }

  private async start(instanceId: string): Promise<{ port: number; close(): Promise<void> }> {
    const clients = new Set<Connection>();
    const server = new ssh2.Server({ hostKeys: [hostKeyFor(this.opts.sandbox.world.seed, instanceId)] }, (client) => {
      clients.add(client);
      let user = '';
      let returned = 0;
      client.on('authentication', (auth) => {
        if (auth.method !== 'publickey') return auth.reject(['publickey']);
        user = auth.username;
        const known = this.acceptsKey(instanceId, auth.username, auth.key.algo, auth.key.data);
        if (!known) {
          this.log({ event: 'auth-rejected', instance: instanceId, user, key: auth.key.algo });
          return auth.reject(['publickey']);
        }
        if (auth.signature) {
          const parsed = ssh2.utils.parseKey(`${auth.key.algo} ${auth.key.data.toString('base64')}`);
          const key = Array.isArray(parsed) ? parsed[0] : parsed;
          if (!key || key instanceof Error || key.verify(auth.blob!, auth.signature, auth.hashAlgo) !== true) {
            this.log({ event: 'auth-rejected', instance: instanceId, user, key: auth.key.algo, reason: 'bad signature' });
            return auth.reject(['publickey']);
          }
          this.log({ event: 'auth', instance: instanceId, user, key: auth.key.algo, via: 'ec2-instance-connect' });
        }
        auth.accept();
      });
      client.on('tcpip', (accept, reject, info) => {
        const target = this.forwardTarget(instanceId, info.destIP, info.destPort);
        if (typeof target === 'string') {
          this.log({ event: 'forward-refused', instance: instanceId, user, to: `${info.destIP}:${info.destPort}`, reason: target });
          return reject();
        }
        const upstream: Socket = connect(target.port, target.host);
        upstream.once('error', () => upstream.destroy());
        upstream.once('connect', () => {
          this.log({ event: 'forward', instance: instanceId, user, to: `${info.destIP}:${info.destPort}` });
          const channel = accept();
          channel.on('error', () => upstream.destroy());
          channel.once('close', () => upstream.end());
          upstream.once('close', () => channel.end());
          upstream.on('data', (chunk: Buffer) => {
            returned += chunk.length;
            if (this.dropAfter !== undefined && returned > this.dropAfter) {
              this.log({ event: 'dropped', instance: instanceId, user, reason: `${SSH_DROP_ENV}=${this.dropAfter}` });
              upstream.destroy();
              client.end();
            }
          });
          upstream.pipe(channel).pipe(upstream);
        });
      });
      client.on('error', () => undefined);
      client.once('close', () => clients.delete(client));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      port,
      close: () =>
        new Promise<void>((resolve) => {
          for (const c of clients) c.end();
          server.close(() => resolve());
        }),
    };
  }

  async close(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
  }
}
