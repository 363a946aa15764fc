/**
 * With `app:` and no dns.newTarget, cutover points the record at the load balancer provision
 * built: dns.newTarget reads `alias:<its DNS name>` from provision's outputs whenever it is
 * asked (so also in the run that provisioned it), and is undefined until then. Not
 * enumerable: the config's hash and any dump of it stay what the file says.
 */
import type { MigrationConfig } from './schema.js';

export function defaultNewTargetToLoadBalancer(config: MigrationConfig, provisionOutputs: () => Readonly<Record<string, unknown>> | undefined): void {
  const dns = config.dns;
  if (!config.app || !dns || dns.newTarget !== undefined) return;
  Object.defineProperty(dns, 'newTarget', {
    enumerable: false,
    configurable: true,
    get: () => {
      const lb = provisionOutputs()?.appLoadBalancer as { dnsName?: unknown } | undefined;
      return typeof lb?.dnsName === 'string' ? `alias:${lb.dnsName}` : undefined;
    },
  });
}
