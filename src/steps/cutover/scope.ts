/**
 * What every cutover phase starts from: the configured DNS section, the hosted zone as
 * Route 53 knows it, and the record sets of the name right now.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { findHostedZone, recordSetsOf } from '../../aws/route53-zone.js';
import type { DnsConfig, MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { DnsScope } from './names.js';

export interface CutoverScope {
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

export function newTargetOf(dns: DnsConfig): string {
  if (!dns.newTarget) {
    throw new UsageError('dns.newTarget is not set: cutover does not know where to point the record.', {
      hint: 'Set dns.newTarget to the new web tier: an IP address, a host name, or alias:<load balancer or CloudFront DNS name>.',
    });
  }
  return dns.newTarget;
}

/**
 * Outside the sandbox, a host-name or alias target must resolve now: a CNAME to a name that
 * does not exist would take the site down the moment it is in sync.
 */
export async function checkTargetResolves(config: MigrationConfig): Promise<void> {
  const raw = config.dns?.newTarget;
  if (!raw || config.aws.mode === 'sandbox') return;
  const name = raw.replace(/^alias:/, '').replace(/\.$/, '');
  if (isIP(name)) return;
  try {
    await lookup(name);
  } catch (err) {
    throw new UsageError(`dns.newTarget ${raw} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'no answer'}): pointing ${config.dns!.record} at it would take the site down.`, {
      hint: 'Check the name of the load balancer / CloudFront distribution / host (and that it exists in this account), then run cutover again.',
    });
  }
}

export async function openScope(config: MigrationConfig, route53: Promise<Route53Client>): Promise<CutoverScope> {
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

export function currentSets(s: CutoverScope): Promise<ResourceRecordSet[]> {
  return recordSetsOf(s.route53, s.scope.zoneId, s.scope.record);
}
