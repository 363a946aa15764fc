/**
 * Simulated Amazon Route 53: hosted zones, ChangeResourceRecordSets with Route 53's
 * validation (atomic batches; CREATE/DELETE/UPSERT; weighted and alias records; CNAME
 * rules; exact-match DELETE), GetChange (PENDING → INSYNC after
 * `durations.route53Propagation`), ListResourceRecordSets in Route 53's order, and tags.
 *
 * `seedHostedZone` lets the framework create the operator's pre-existing zone, with its
 * records and an already-INSYNC change, before promigrate runs.
 */
import type { ServiceSimulator, SimContext } from '../types.js';
import { applyChangeBatch } from './route53/records.js';
import { normName, route53State, type RRSet } from './route53/state.js';
import { createZone, zoneHandlers } from './route53/zones.js';

export const route53Simulator: ServiceSimulator = { ...zoneHandlers };

/** A record the operator's zone already holds (simple, weighted or alias). */
export type SeedRecord = Pick<RRSet, 'Name' | 'Type' | 'TTL' | 'ResourceRecords' | 'AliasTarget' | 'SetIdentifier' | 'Weight'>;

/**
 * Ensures a public hosted zone `name` exists and holds `records` (UPSERTed, validated like
 * ChangeResourceRecordSets). Idempotent: an existing zone of that name is reused.
 * Returns the bare zone id (`Z…`) and its name servers.
 */
export function seedHostedZone(
  ctx: SimContext,
  seed: { name: string; records?: SeedRecord[]; comment?: string },
): { hostedZoneId: string; nameServers: string[] } {
  const name = normName(seed.name);
  let zone = Object.values(route53State(ctx).zones).find((z) => z.name === name && !z.privateZone);
  if (!zone) {
    const created = createZone(
      ctx,
      { Name: name, CallerReference: `promigrate-sandbox-seed:${name}`, HostedZoneConfig: { Comment: seed.comment ?? 'pre-existing zone (sandbox seed)' } },
      true,
    );
    zone = route53State(ctx).zones[created.HostedZone.Id.replace('/hostedzone/', '')]!;
  }
  if (seed.records?.length) {
    zone.records = applyChangeBatch(
      zone,
      seed.records.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })),
    );
  }
  return { hostedZoneId: zone.id, nameServers: [...zone.nameServers] };
}
