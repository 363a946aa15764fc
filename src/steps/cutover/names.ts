/**
 * DNS names as Route 53 compares them: lower case, absolute (trailing dot), `*` written as
 * `\052` (how ListResourceRecordSets returns a wildcard). Every comparison of a config name
 * with a name read from Route 53 goes through `fqdn`.
 */
import { UsageError } from '../../errors.js';
import { fqdn, type DnsScope } from '../../aws/route53/names.js';



export const bareZoneId = (id: string): string => id.replace(/^\/?hostedzone\//, '');

/** The name without the trailing dot and with `*` back, for messages. */
export const display = (name: string): string => fqdn(name).slice(0, -1).replace(/\\052/g, '*');

export function isApex(scope: DnsScope): boolean {
  return fqdn(scope.record) === fqdn(scope.zoneName);
}

export function inZone(name: string, zoneName: string): boolean {
  const n = fqdn(name);
  const z = fqdn(zoneName);
  return n === z || n.endsWith(`.${z}`);
}

/** Throws when the record does not belong to the hosted zone. */
export function checkScope(scope: DnsScope): void {
  if (!inZone(scope.record, scope.zoneName)) {
    throw new UsageError(`The record ${display(scope.record)} is outside the hosted zone ${display(scope.zoneName)}.`, {
      hint: `Set dns.record to a name ending in .${display(scope.zoneName)}, or dns.hostedZone to the zone that holds ${display(scope.record)}.`,
    });
  }
}

/** Route 53 accepts TTLs 0..2147483647 (seconds). */
export const MAX_TTL = 2_147_483_647;

export function checkTtl(ttl: number, what = 'dns.ttl'): void {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    throw new UsageError(`The TTL ${ttl} is out of range: Route 53 accepts whole seconds from 0 to ${MAX_TTL}.`, {
      hint: `Set ${what} to a whole number of seconds such as 60.`,
    });
  }
}

/** Route 53 refuses a change batch Comment over 256 characters. */
export function batchComment(text: string): string {
  return text.length <= 256 ? text : `${text.slice(0, 255)}…`;
}
