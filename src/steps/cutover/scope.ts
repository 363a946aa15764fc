/** Cutover's own preconditions on dns.newTarget: it is set, and a host name resolves. */
import { isIP } from 'node:net';
import type { NameResolver } from '../../aws/surroundings.js';
import type { DnsConfig, MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';

export function newTargetOf(dns: DnsConfig): string {
  if (!dns.newTarget) {
    throw new UsageError('dns.newTarget is not set: cutover does not know where to point the record.', {
      hint: 'Set dns.newTarget to the new web tier (an IP address, a host name, or alias:<load balancer or CloudFront DNS name>), or configure app: and run `promigrate provision`, which builds a load balancer cutover then points at.',
    });
  }
  return dns.newTarget;
}

/**
 * A host-name or alias target must resolve now (where names can be asked at all): a CNAME
 * to a name that does not exist would take the site down the moment it is in sync.
 */
export async function checkTargetResolves(config: MigrationConfig, names: NameResolver): Promise<void> {
  const raw = config.dns?.newTarget;
  if (!raw) return;
  const name = raw.replace(/^alias:/, '').replace(/\.$/, '');
  if (isIP(name)) return;
  const answer = await names.check(name);
  if ('skipped' in answer || answer.resolves) return;
  throw new UsageError(`dns.newTarget ${raw} does not resolve (${answer.code}): pointing ${config.dns!.record} at it would take the site down.`, {
    hint: 'Check the name of the load balancer / CloudFront distribution / host (and that it exists in this account), then run cutover again.',
  });
}
