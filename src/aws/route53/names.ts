/**
 * DNS names as Route 53 compares them: lower case, absolute (trailing dot), `*` written as
 * `\052` (how ListResourceRecordSets returns a wildcard). Every comparison of a config name
 * with a name read from Route 53 goes through `fqdn`.
 */

/** The hosted zone and the record cutover and verify work on. */
export interface DnsScope {
  /** Hosted zone id, `Z…` or `/hostedzone/Z…`. */
  zoneId: string;
  /** The zone's domain, e.g. `example.com` or `example.com.`. */
  zoneName: string;
  /** The record to cut over, e.g. `www.example.com`. */
  record: string;
}

export function fqdn(name: string): string {
  let n = name.trim().toLowerCase().replace(/\*/g, '\\052');
  if (!n.endsWith('.')) n += '.';
  return n;
}
