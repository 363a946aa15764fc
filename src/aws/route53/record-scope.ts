/**
 * What cutover and verify start from: the configured DNS section, the hosted zone as
 * Route 53 knows it, and the record sets of the name right now.
 */
import type { ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import type { DnsConfig, MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { findHostedZone, recordSetsOf } from '../route53-zone.js';
import type { DnsScope } from './names.js';

export interface RecordScope {
  dns: DnsConfig;
  scope: DnsScope;
  route53: Route53Client;
}

export function dnsConfig(config: MigrationConfig): DnsConfig {
  if (!config.dns) {
    throw new UsageError('The config has no dns section: cutover needs the hosted zone and the record to switch.', {
      hint: 'Add dns.hostedZone, dns.record and dns.newTarget to the config (promigrate init asks for them).',
    });
  }
  return config.dns;
}

export async function openScope(config: MigrationConfig, route53: Promise<Route53Client>): Promise<RecordScope> {
  const dns = dnsConfig(config);
  const r53 = await route53;
  const zone = await findHostedZone(r53, dns.hostedZone);
  if (!zone) {
    throw new UsageError(`The hosted zone ${dns.hostedZone} was not found in this AWS account (public zones only).`, {
      hint: 'Fix dns.hostedZone (the domain, or a zone id such as Z0123456789ABC), check --profile/--region, or create the zone and delegate the domain to it.',
    });
  }
  return { dns, route53: r53, scope: { zoneId: zone.id, zoneName: zone.name, record: dns.record } };
}

export function currentSets(s: RecordScope): Promise<ResourceRecordSet[]> {
  return recordSetsOf(s.route53, s.scope.zoneId, s.scope.record);
}
