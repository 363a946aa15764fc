/**
 * The hosted zone of the configured domain and the record sets of one name in it, read the
 * way Route 53 pages them. Used by assess's pre-flight, cutover, rollback and verify.
 */
import {
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { isAwsError } from './errors.js';

export interface HostedZoneRef {
  /** Bare id, e.g. `Z0123456789ABC`. */
  id: string;
  /** The zone's domain without the trailing dot. */
  name: string;
  privateZone: boolean;
}

const ZONE_ID = /^Z[0-9A-Z]+$/;
const bare = (id: string) => id.replace(/^\/?hostedzone\//, '');
const dotless = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** `dns.hostedZone` (an id or a domain) → the public zone; undefined when the account has none. */
export async function findHostedZone(route53: Route53Client, hostedZone: string): Promise<HostedZoneRef | undefined> {
  try {
    if (ZONE_ID.test(hostedZone)) {
      const z = (await route53.send(new GetHostedZoneCommand({ Id: hostedZone }))).HostedZone;
      return z?.Id && z.Name ? { id: bare(z.Id), name: dotless(z.Name), privateZone: Boolean(z.Config?.PrivateZone) } : undefined;
    }
    const wanted = dotless(hostedZone);
    const zones = (await route53.send(new ListHostedZonesByNameCommand({ DNSName: wanted, MaxItems: 10 }))).HostedZones ?? [];
    const z = zones.find((x) => dotless(x.Name ?? '') === wanted && !x.Config?.PrivateZone);
    return z?.Id ? { id: bare(z.Id), name: wanted, privateZone: false } : undefined;
  } catch (err) {
    if (isAwsError(err, 'NoSuchHostedZone', 'InvalidInput')) return undefined;
    throw err;
  }
}

/** Every record set of `name` (all types and set identifiers), in Route 53's order. */
export async function recordSetsOf(route53: Route53Client, zoneId: string, name: string): Promise<ResourceRecordSet[]> {
  const fq = `${dotless(name)}.`.replace(/\*/g, '\\052');
  const out: ResourceRecordSet[] = [];
  let start: { name?: string; type?: string; id?: string } = { name: fq };
  for (;;) {
    const page = await route53.send(new ListResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      StartRecordName: start.name,
      ...(start.type ? { StartRecordType: start.type as never } : {}),
      ...(start.id ? { StartRecordIdentifier: start.id } : {}),
      MaxItems: 100,
    }));
    const sets = page.ResourceRecordSets ?? [];
    for (const r of sets) {
      if ((r.Name ?? '').toLowerCase() !== fq) return out;
      out.push(r);
    }
    if (!page.IsTruncated || (page.NextRecordName ?? '').toLowerCase() !== fq) return out;
    start = { name: page.NextRecordName, ...(page.NextRecordType ? { type: page.NextRecordType } : {}), ...(page.NextRecordIdentifier ? { id: page.NextRecordIdentifier } : {}) };
  }
}
