/**
 * The provisioned RDS instance as promigrate reaches it: the address provision recorded,
 * through the bastion's SSH tunnel (target.connectVia: bastion, the default with a bastion),
 * or at target.connectVia {host, port} when the operator runs a tunnel of their own.
 */
import type { MigrationConfig } from '../config/schema.js';
import { resolvePassword } from '../db/password.js';
import { UsageError } from '../errors.js';
import { targetRoute } from '../tunnel/target-route.js';
import { TunnelKeeper, type TunnelNetwork } from '../tunnel/tunnel-keeper.js';
import type { TargetDatabase, TargetFacts } from './surroundings.js';

/** The RDS endpoint provision recorded. */
export function recordedRdsEndpoint(facts: TargetFacts): { host: string; port: number } {
  const db = ((facts.provisionOutputs.resources ?? {}) as Record<string, Record<string, unknown>>)['db.instance'] ?? {};
  if (typeof db.address !== 'string') {
    throw new UsageError('The RDS instance address is not known.', { hint: 'Run `promigrate provision` first (it records the endpoint), then run the same command again.' });
  }
  return { host: db.address, port: Number(db.port) };
}

export function rdsTargetDatabase(config: MigrationConfig, network: TunnelNetwork): TargetDatabase {
  const route = targetRoute(config);
  const keeper = new TunnelKeeper(network, { region: config.aws.region, adminCidr: config.network.adminCidr });
  return {
    async connection(database, facts) {
      const endpoint = recordedRdsEndpoint(facts);
      const db = ((facts.provisionOutputs.resources ?? {}) as Record<string, Record<string, unknown>>)['db.instance'] ?? {};
      const { target } = config;
      const ref = target.manageMasterUserPassword ? { secretArn: String(db.masterUserSecretArn) } : target;
      const password = await resolvePassword(ref, 'target', facts.secretsManager);
      const at = route.kind === 'bastion' ? await keeper.through(endpoint, facts) : route.kind === 'address' ? route : endpoint;
      const via = route.kind === 'bastion' ? ` (through the bastion tunnel at ${at.host}:${at.port})` : '';
      return {
        engine: target.engine,
        host: at.host,
        port: at.port,
        user: target.masterUsername,
        ...(password !== undefined ? { password } : {}),
        database,
        tls: { mode: 'require' },
        connectTimeoutMs: config.source.connectTimeoutMs,
        label: `target database ${target.masterUsername}@${route.kind === 'address' ? `${at.host}:${at.port}` : `${endpoint.host}:${endpoint.port}`}/${database}${via}`,
      };
    },
    release: () => keeper.release(),
  };
}
