/**
 * What the public DNS answers from the simulated Route 53, and since when — for simulators
 * that check a record the way an outside resolver would (ACM DNS validation).
 *
 * The answer for a name comes from the authoritative public zone: the most specific public
 * hosted zone whose name encloses it (a private zone answers nobody outside its VPCs). Of
 * two public zones with the same name, only the first one created is taken to be the one
 * the registrar delegates to. A record is public once the change that wrote its current
 * value is INSYNC (`durations.route53Propagation` after it was submitted); a record a zone
 * was seeded with has been public since the zone was created.
 */
import type { SimContext } from '../../types.js';
import { normName, recordKey, recordValue, route53State, type RRSet, type ZoneRec } from './state.js';

/** The public hosted zone that answers for `name` (absolute or not), if any. */
export function authoritativeZone(ctx: SimContext, name: string): ZoneRec | undefined {
  const fqdn = normName(name);
  const enclosing = Object.values(route53State(ctx).zones).filter(
    (z) => !z.privateZone && (fqdn === z.name || fqdn.endsWith(`.${z.name}`)),
  );
  enclosing.sort((a, b) => b.name.length - a.name.length || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return enclosing[0];
}

/** The simple (non-routing-policy) record set of this name and type the public DNS answers with. */
export function publicRecord(ctx: SimContext, name: string, type: string): { zone: ZoneRec; record: RRSet } | undefined {
  const zone = authoritativeZone(ctx, name);
  const fqdn = normName(name);
  const record = zone?.records.find((r) => r.Name === fqdn && r.Type === type && r.SetIdentifier === undefined);
  return zone && record ? { zone, record } : undefined;
}

/**
 * Since when (simulated ms) the public DNS has answered `name` `type` with its current
 * value; undefined when it does not answer it (yet). Values compare as DNS names do:
 * case-insensitive, trailing dot optional.
 */
export function publicAnswerSince(ctx: SimContext, name: string, type: string, value: string): number | undefined {
  const found = publicRecord(ctx, name, type);
  const want = normName(value);
  if (!found || !(found.record.ResourceRecords ?? []).some((v) => normName(v.Value) === want)) return undefined;
  const key = recordKey(found.record);
  const current = recordValue(found.record);
  const writes = Object.values(route53State(ctx).changes)
    .filter((c) => c.zoneId === found.zone.id && c.written?.some((w) => w.key === key))
    .sort((a, b) => a.submittedAt - b.submittedAt);
  // The earliest of the latest run of changes that left this same answer in place.
  let since: number | undefined;
  for (let i = writes.length - 1; i >= 0; i--) {
    if (writes[i]!.written!.find((w) => w.key === key)!.value !== current) break;
    since = writes[i]!.submittedAt;
  }
  // No change wrote it: the zone was seeded with it.
  if (since === undefined) return found.zone.createdAt;
  const insync = since + ctx.durations.route53Propagation;
  return ctx.now() >= insync ? insync : undefined;
}
