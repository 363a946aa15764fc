/**
 * The bastion tunnel of one step: opened on the step's first connection to the target,
 * shared by all of them (verify compares tables in parallel), closed when the step ends —
 * also when it fails or is cancelled (the engine calls release() in its finally). A tunnel
 * that dropped mid-step is not silently reopened: the step fails with one sentence and the
 * next run resumes from its checkpoints.
 */
import type { Duplex } from 'node:stream';
import { UsageError } from '../errors.js';
import type { TargetFacts } from '../aws/surroundings.js';
import type { BastionTunnel } from './bastion-tunnel.js';

type Resources = Record<string, Record<string, unknown> | undefined>;

export interface TunnelNetwork {
  dialSsh(target: { instanceId: string; publicIp: string }): Promise<Duplex>;
  publicAddress(): Promise<string | undefined>;
}

export interface TunnelLoss {
  instanceId: string;
  reason: string;
}

export class TunnelKeeper {
  private tunnel: Promise<BastionTunnel> | undefined;
  private loss: TunnelLoss | undefined;

  constructor(
    private readonly network: TunnelNetwork,
    private readonly config: { region: string; adminCidr: string | undefined },
  ) {}

  /** The loopback address that leads to `destination` through the bastion. */
  async through(destination: { host: string; port: number }, facts: TargetFacts): Promise<{ host: string; port: number }> {
    const current = this.tunnel && (await this.tunnel.catch(() => undefined));
    if (current?.lost) {
      this.loss ??= { instanceId: current.instanceId, reason: current.lost.message };
      throw new Error(`the SSH tunnel through the bastion ${current.instanceId} closed: ${current.lost.message}`);
    }
    if (!this.tunnel) {
      this.tunnel = this.open(destination, facts);
      this.tunnel.catch(() => (this.tunnel = undefined));
    }
    const t = await this.tunnel;
    return { host: '127.0.0.1', port: t.localPort };
  }

  private async open(destination: { host: string; port: number }, facts: TargetFacts): Promise<BastionTunnel> {
    const resources = (facts.provisionOutputs.resources ?? {}) as Resources;
    const bastion = resources['bastion.instance'];
    if (typeof bastion?.id !== 'string') {
      throw new UsageError('target.connectVia is bastion, but provision has not recorded a bastion.', {
        hint: 'Run `promigrate provision` with network.bastion: true (it builds one), or set target.connectVia to direct or to your own tunnel ({host, port}).',
      });
    }
    const sg = resources['sg.bastion']?.id;
    // Loaded only when a tunnel is opened: ssh2 and the EC2 client stay off every other path.
    const { openBastionTunnel } = await import('./bastion-tunnel.js');
    const tunnel = await openBastionTunnel(
      {
        ec2: facts.ec2,
        instanceConnect: facts.instanceConnect,
        hostKeys: facts.hostKeys,
        dialSsh: (t) => this.network.dialSsh(t),
        publicAddress: () => this.network.publicAddress(),
        now: facts.now,
        notify: facts.notify,
      },
      { instanceId: bastion.id, region: this.config.region, adminCidr: this.config.adminCidr, ...(typeof sg === 'string' ? { securityGroupId: sg } : {}) },
      destination,
    );
    facts.notify(`SSH tunnel 127.0.0.1:${tunnel.localPort} → bastion ${tunnel.instanceId} (ec2-user@${tunnel.publicIp}, key pushed with EC2 Instance Connect) → ${destination.host}:${destination.port}`);
    return tunnel;
  }

  /** Checks the open tunnel for a drop, then closes it. */
  async release(): Promise<TunnelLoss | undefined> {
    const pending = this.tunnel;
    this.tunnel = undefined;
    const t = pending && (await pending.catch(() => undefined));
    if (t?.lost) this.loss ??= { instanceId: t.instanceId, reason: t.lost.message };
    const loss = this.loss;
    this.loss = undefined;
    await t?.close();
    return loss;
  }
}
