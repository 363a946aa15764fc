/**
 * Reading a name's record sets as Route 53 lists them: which are address records, what each
 * says, and whether they point at a given target. Cutover and verify both read them this way.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { fqdn } from './names.js';

export const ADDRESS_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME']);

/** Every record set of the name (any type). */
export function setsAt(name: string, listed: readonly ResourceRecordSet[]): ResourceRecordSet[] {
  const n = fqdn(name);
  return listed.filter((r) => r.Name !== undefined && fqdn(r.Name) === n);
}

/** The name's A, AAAA and CNAME record sets, in the order Route 53 listed them. */
export function addressSets(name: string, listed: readonly ResourceRecordSet[]): ResourceRecordSet[] {
  return setsAt(name, listed).filter((r) => ADDRESS_TYPES.has(r.Type ?? ''));
}

/** One line per record set for confirmations and plans, e.g. `A 203.0.113.10 (TTL 3600)`. */
export function describeRecordSet(r: ResourceRecordSet): string {
  const policy = r.SetIdentifier !== undefined ? ` [${r.SetIdentifier}${r.Weight !== undefined ? ` weight ${r.Weight}` : ''}]` : '';
  const what = r.AliasTarget
    ? `alias ${r.AliasTarget.DNSName?.replace(/\.$/, '')}`
    : `${(r.ResourceRecords ?? []).map((v) => v.Value).join(', ')} (TTL ${r.TTL})`;
  return `${r.Type} ${what}${policy}`;
}

/**
 * Whether the sets point at `target` (the config's dns.currentTarget: an IP, a host name,
 * or an alias's DNS name): a value of a plain set or an alias target's DNS name.
 */
export function pointsAt(sets: readonly ResourceRecordSet[], target: string): boolean {
  const t = target.replace(/^alias:/, '').trim().toLowerCase();
  const same = (v: string | undefined) => v !== undefined && (v.toLowerCase() === t || fqdn(v) === fqdn(t));
  return sets.some((r) => same(r.AliasTarget?.DNSName) || (r.ResourceRecords ?? []).some((v) => same(v.Value)));
}
