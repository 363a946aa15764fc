import { targetRoute } from '../../tunnel/target-route.js';
import type { MigrationConfig } from '../../config/schema.js';
import { seedHostedZone } from './services/route53.js';
import type { SimContext, SimHooks } from './types.js';

/** Where the record points in a fresh sandbox when the config does not say (TEST-NET-3). */
export const DEFAULT_CURRENT_TARGET = '203.0.113.10';
/** A typical on-premise TTL: long enough that cutover has to lower it first. */
export const SEEDED_RECORD_TTL = 3600;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * What the operator's real account would already hold before promigrate runs: the hosted
 * zone of the domain, with the record to cut over pointing at the on-premise address.
 */
export function seedOperatorAccount(ctx: SimContext, config: MigrationConfig): void {
  const dns = config.dns;
  if (!dns) return;
  const zoneName = /^Z[0-9A-Z]+$/.test(dns.hostedZone) ? dns.record.split('.').slice(1).join('.') : dns.hostedZone;
  const target = dns.currentTarget ?? DEFAULT_CURRENT_TARGET;
  const isIp = IPV4.test(target);
  seedHostedZone(ctx, {
    name: zoneName,
    comment: 'the operator\'s existing zone (sandbox seed)',
    records: [
      {
        Name: dns.record,
        Type: isIp ? 'A' : 'CNAME',
        TTL: SEEDED_RECORD_TTL,
        ResourceRecords: [{ Value: target }],
      },
    ],
  });
}

/** `sandbox.targetUrl`: the simulated RDS endpoint reports this real local database's address. */
export function targetMappingHooks(config: MigrationConfig): SimHooks {
  const url = config.sandbox?.targetUrl;
  // Through the bastion the RDS endpoint stays private (its simulated name): only the
  // sandbox bastion's SSH server leads from it to the real database.
  if (!url || targetRoute(config).kind === 'bastion') return {};
  const parsed = new URL(url);
  const port = Number(parsed.port) || (parsed.protocol.startsWith('postgres') ? 5432 : 3306);
  const address = parsed.hostname.replace(/^\[|\]$/g, '');
  return { rdsEndpointFor: () => ({ address, port }) };
}
