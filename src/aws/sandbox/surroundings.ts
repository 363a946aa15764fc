/**
 * The sandbox's surroundings: names in the operator's world are not resolvable from it and
 * it has no real name servers; the new web tier answers at sandbox.appAddress, and "through
 * DNS" follows the simulated Route 53 record; the target database is the real one behind
 * sandbox.targetUrl, when given — through the simulated bastion's SSH server when the route
 * is the bastion.
 */
import { join } from 'node:path';
import type { MigrationConfig } from '../../config/schema.js';
import { targetRoute } from '../../tunnel/target-route.js';
import { TunnelKeeper } from '../../tunnel/tunnel-keeper.js';
import { configuredNewTarget, type Surroundings, type TargetAddress, type TargetDatabase } from '../surroundings.js';
import { recordedRdsEndpoint } from '../target-database.js';
import type { SandboxBastions } from './bastion-ssh.js';
import { sandboxTargetSpec } from './copy/hooks.js';
import type { Sandbox } from './index.js';

function appAddress(config: MigrationConfig): TargetAddress | undefined {
  const raw = config.sandbox.appAddress;
  if (!raw) return configuredNewTarget(config.dns);
  const i = raw.lastIndexOf(':');
  return { address: raw.slice(0, i), port: Number(raw.slice(i + 1)) };
}

/** This machine's public address as the simulated AWS sees it. */
export function operatorAddress(config: MigrationConfig): string {
  return config.sandbox.operatorAddress ?? config.network.adminCidr?.replace(/\/\d+$/, '') ?? '198.51.100.10';
}

/**
 * The real database behind sandbox.targetUrl. With the bastion route it is reached only
 * through the sandbox bastion's SSH server (the simulated RDS endpoint is private and
 * resolves nowhere); otherwise directly, standing in for a VPN into the VPC.
 */
function sandboxTargetDatabase(config: MigrationConfig, world: SandboxWorldAccess | undefined): TargetDatabase {
  let bastions: SandboxBastions | undefined;
  const release = async () => {
    const loss = await keeper.release();
    await bastions?.close();
    bastions = undefined;
    return loss;
  };
  const keeper = new TunnelKeeper(
    {
      dialSsh: async (t) => {
        if (!world) throw new Error('internal error: these sandbox surroundings have no world to find the bastion in');
        const { sandbox, stateDir } = world;
        const { SANDBOX_SSH_LOG, SandboxBastions } = await import('./bastion-ssh.js');
        const spec = sandboxTargetSpec(config);
        bastions ??= new SandboxBastions({
          sandbox,
          operatorAddress: operatorAddress(config),
          database: spec ? { host: spec.host, port: spec.port } : undefined,
          logPath: join(stateDir, SANDBOX_SSH_LOG),
        });
        return bastions.dial(t);
      },
      publicAddress: async () => operatorAddress(config),
    },
    { region: config.aws.region, adminCidr: config.network.adminCidr },
  );
  if (!config.sandbox.targetUrl) {
    return {
      unavailable: 'the sandbox has no real target database (set sandbox.targetUrl to compare real data)',
      connection: () => Promise.reject(new Error('internal error: the sandbox has no target database to connect to')),
      release,
    };
  }
  // A MySQL sandbox target is one database standing in for all of them; PostgreSQL keeps schemas.
  const standsInForAll = config.target.engine !== 'postgres';
  // Read when asked, not when the run opens: the spec needs the target password's variable.
  const spec = () => sandboxTargetSpec(config)!;
  const route = targetRoute(config);
  return {
    get standInSchema() {
      return standsInForAll ? spec().database : undefined;
    },
    connection: async (database, facts) => {
      const base = standsInForAll ? spec() : { ...spec(), database };
      if (route.kind !== 'bastion') return base;
      const endpoint = recordedRdsEndpoint(facts);
      const at = await keeper.through(endpoint, facts);
      return { ...base, host: at.host, port: at.port, label: `${base.label} (RDS ${endpoint.host}:${endpoint.port} through the bastion tunnel at ${at.host}:${at.port})` };
    },
    release,
  };
}

/** The open sandbox and where its bastions log: needed only for the bastion route. */
export interface SandboxWorldAccess {
  sandbox: Sandbox;
  stateDir: string;
}

export function sandboxSurroundings(config: MigrationConfig, world?: SandboxWorldAccess): Surroundings {
  return {
    names: { check: async () => ({ skipped: 'names in the operator\'s world are not resolvable from the sandbox' }) },
    // Read when asked: with app: and no appAddress, dns.newTarget is the load balancer once built.
    get newTarget() {
      return appAddress(config);
    },
    throughDns: (pointsAtNewTarget) =>
      pointsAtNewTarget ? { target: appAddress(config)! } : { unavailable: 'the (simulated) record does not point at the new target, so DNS does not lead there' },
    publicDns: { unavailable: 'the sandbox has no real name servers' },
    targetDatabase: sandboxTargetDatabase(config, world),
  };
}
