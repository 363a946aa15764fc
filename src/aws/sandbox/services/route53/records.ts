/**
 * ChangeResourceRecordSets validation and application, with Route 53's rules and wording:
 * request-shape problems fail at once with `InvalidInput`; semantic problems are collected
 * over the whole batch into one `InvalidChangeBatch` ("[msg1, msg2]", plus `messages`).
 * The batch is atomic: it is applied to a copy, which replaces the zone's records only if
 * every change is valid.
 */
import { SimError } from '../../errors.js';
import { knownAliasTarget } from '../../../route53/alias-zones.js';
import { normName, invalidInput, type RRSet, type ZoneRec } from './state.js';

export interface Change {
  Action?: string;
  ResourceRecordSet?: Partial<RRSet> & { Name?: string; Type?: string };
}

const TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT'];
const ROUTING = ['Weight', 'Region', 'Failover', 'GeoLocation', 'MultiValueAnswer'] as const;
const MAX_TTL = 2147483647;

const key = (r: { Name: string; Type: string; SetIdentifier?: string }) => `${r.Name}|${r.Type}|${r.SetIdentifier ?? ''}`;
const label = (r: RRSet) =>
  `[name='${r.Name}', type='${r.Type}'${r.SetIdentifier !== undefined ? `, set-identifier='${r.SetIdentifier}'` : ''}]`;

/** Checks one change's shape and returns the record set in stored (normalised) form. */
function normalise(change: Change, index: number): { action: string; rr: RRSet } {
  const action = change.Action ?? '';
  const raw = change.ResourceRecordSet ?? {};
  const where = `Change with [Action=${action}, Name=${raw.Name}, Type=${raw.Type}, SetIdentifier=${raw.SetIdentifier ?? 'null'}]`;
  if (!['CREATE', 'DELETE', 'UPSERT'].includes(action)) {
    throw invalidInput(`Invalid request: Invalid XML ; Value '${action}' is not a valid Action; expected CREATE, DELETE or UPSERT.`);
  }
  if (!raw.Name) throw invalidInput(`Invalid request: Missing field 'Name' in ${where}`);
  if (!raw.Type || !TYPES.includes(raw.Type)) throw invalidInput(`Invalid request: Invalid Type '${raw.Type}' in ${where}`);
  const path = `changeBatch.changes.${index}.member.resourceRecordSet`;
  for (const [field, max, at] of [['TTL', MAX_TTL, 'tTL'], ['Weight', 255, 'weight']] as const) {
    const v = raw[field];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0) {
      throw invalidInput(`1 validation error detected: Value '${v}' at '${path}.${at}' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    }
    if (v > max) {
      throw invalidInput(`1 validation error detected: Value '${v}' at '${path}.${at}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
    }
  }
  const hasValues = (raw.ResourceRecords?.length ?? 0) > 0;
  const alias = raw.AliasTarget !== undefined;
  const exactlyOne = 'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId]';
  if (alias && (hasValues || raw.TTL !== undefined)) throw invalidInput(`${exactlyOne}, but found more than one in ${where}`);
  if (!alias && !(hasValues && raw.TTL !== undefined)) throw invalidInput(`${exactlyOne}, but found none in ${where}`);
  if (alias && (!raw.AliasTarget!.HostedZoneId || !raw.AliasTarget!.DNSName || raw.AliasTarget!.EvaluateTargetHealth === undefined)) {
    throw invalidInput(`Invalid request: AliasTarget requires HostedZoneId, DNSName and EvaluateTargetHealth in ${where}`);
  }
  const policies = ROUTING.filter((p) => raw[p] !== undefined);
  if (raw.SetIdentifier !== undefined && policies.length !== 1) {
    throw invalidInput(
      `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found ${policies.length ? 'more than one' : 'none'} in ${where}`,
    );
  }
  if (raw.SetIdentifier === undefined && policies.length) throw invalidInput(`Invalid request: Missing field 'SetIdentifier' in ${where}`);
  const rr: RRSet = { Name: normName(raw.Name), Type: raw.Type };
  if (raw.SetIdentifier !== undefined) rr.SetIdentifier = raw.SetIdentifier;
  for (const p of ROUTING) if (raw[p] !== undefined) (rr as any)[p] = raw[p];
  if (raw.HealthCheckId !== undefined) rr.HealthCheckId = raw.HealthCheckId;
  if (alias) {
    rr.AliasTarget = {
      HostedZoneId: raw.AliasTarget!.HostedZoneId!,
      DNSName: normName(raw.AliasTarget!.DNSName!),
      EvaluateTargetHealth: Boolean(raw.AliasTarget!.EvaluateTargetHealth),
    };
  } else {
    rr.TTL = raw.TTL!;
    rr.ResourceRecords = raw.ResourceRecords!.map((v) => ({ Value: String(v.Value ?? '') }));
  }
  return { action, rr };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function valueProblems(rr: RRSet): string[] {
  const values = rr.ResourceRecords?.map((v) => v.Value) ?? [];
  const out: string[] = [];
  for (const v of values) {
    if (rr.Type === 'A' && !IPV4.test(v)) {
      out.push(`Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v}''`);
    }
    if (rr.Type === 'AAAA' && !/^[0-9a-fA-F:.]+$/.test(v)) {
      out.push(`Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${v}''`);
    }
  }
  if (rr.Type === 'CNAME' && values.length > 1) {
    out.push(`Invalid Resource Record: 'FATAL problem: RRCountMismatch (More than one resource record in a CNAME RRSet) encountered with '${values.join(',')}''`);
  }
  return out;
}

function sameRecord(a: RRSet, b: RRSet): boolean {
  const values = (r: RRSet) => (r.ResourceRecords ?? []).map((v) => v.Value).sort().join('\n');
  const alias = (r: RRSet) => (r.AliasTarget ? `${r.AliasTarget.HostedZoneId}|${r.AliasTarget.DNSName}|${r.AliasTarget.EvaluateTargetHealth}` : '');
  return (
    a.TTL === b.TTL && values(a) === values(b) && alias(a) === alias(b) && a.Weight === b.Weight &&
    a.Region === b.Region && a.Failover === b.Failover && a.MultiValueAnswer === b.MultiValueAnswer &&
    a.HealthCheckId === b.HealthCheckId
  );
}

/** Semantic checks for a CREATE/UPSERT of `rr` against the working record list. */
function placementProblems(zone: ZoneRec, working: RRSet[], rr: RRSet): string[] {
  const out: string[] = [];
  const same = working.filter((r) => r.Name === rr.Name && key(r) !== key(rr));
  if (rr.Type === 'CNAME' && rr.Name === zone.name) {
    out.push(`RRSet of type CNAME with DNS name ${rr.Name} is not permitted at apex in zone ${zone.name}`);
  } else if (rr.Type === 'CNAME' && same.some((r) => r.Type !== 'CNAME')) {
    out.push(`RRSet of type CNAME with DNS name ${rr.Name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`);
  } else if (rr.Type !== 'CNAME' && same.some((r) => r.Type === 'CNAME')) {
    out.push(`RRSet of type ${rr.Type} with DNS name ${rr.Name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zone.name}`);
  }
  const sameType = same.filter((r) => r.Type === rr.Type);
  if (rr.SetIdentifier !== undefined && sameType.some((r) => r.SetIdentifier === undefined)) {
    out.push(`RRSet with DNS name ${rr.Name}, type ${rr.Type}, SetIdentifier ${rr.SetIdentifier} cannot be created as a non-weighted set exists with the same name and type.`);
  }
  if (rr.SetIdentifier === undefined && sameType.some((r) => r.SetIdentifier !== undefined)) {
    out.push(`RRSet with DNS name ${rr.Name}, type ${rr.Type} cannot be created as weighted sets exist with the same name and type.`);
  }
  const target = rr.AliasTarget;
  const targetZone = target?.HostedZoneId.replace(/^\/?hostedzone\//, '');
  // An AWS endpoint (load balancer, S3 website, CloudFront…) lies only in its service's zone for
  // its region ("Elastic Load Balancing endpoints and quotas": Route 53 Hosted Zone ID per
  // region); another zone id gets the same answer as a name outside a zone of ours.
  const service = target && targetZone !== zone.id ? knownAliasTarget(target.DNSName) : undefined;
  if (target && service && service.hostedZoneId !== targetZone) {
    out.push(`Tried to create an alias that targets ${target.DNSName}, type ${rr.Type} in zone ${targetZone}, but the alias target name does not lie within the target zone`);
  }
  if (target && targetZone === zone.id) {
    const start = `Tried to create an alias that targets ${target.DNSName}, type ${rr.Type} in zone ${zone.id}, but`;
    if (target.DNSName !== zone.name && !target.DNSName.endsWith(`.${zone.name}`)) {
      out.push(`${start} the alias target name does not lie within the target zone`);
    } else if (!working.some((r) => r.Name === target.DNSName && r.Type === rr.Type)) {
      out.push(`${start} that target was not found`);
    }
  }
  return out;
}

/** Validates the whole batch and returns the zone's new record list (nothing is mutated). */
export function applyChangeBatch(zone: ZoneRec, changes: Change[]): RRSet[] {
  if (!Array.isArray(changes) || changes.length === 0) {
    throw invalidInput("1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  const normalised = changes.map((c, i) => normalise(c, i + 1));
  const working = zone.records.map((r) => structuredClone(r));
  const messages: string[] = [];
  const seen = new Map<string, string[]>();
  for (const { action, rr } of normalised) {
    if (rr.Name !== zone.name && !rr.Name.endsWith(`.${zone.name}`)) {
      messages.push(`RRSet with DNS name ${rr.Name} is not permitted in zone ${zone.name}`);
      continue;
    }
    const k = key(rr);
    const before = seen.get(k) ?? [];
    seen.set(k, [...before, action]);
    // A DELETE followed by a CREATE/UPSERT of the same set is the normal "replace"; any
    // other repetition is rejected.
    if (before.length && !(before.length === 1 && before[0] === 'DELETE' && action !== 'DELETE')) {
      messages.push(`The request contains an invalid set of changes for a resource record set '${rr.Type} ${rr.Name}'`);
      continue;
    }
    const idx = working.findIndex((r) => key(r) === k);
    if (action === 'DELETE') {
      if (idx < 0) messages.push(`Tried to delete resource record set ${label(rr)} but it was not found`);
      else if (!sameRecord(working[idx]!, rr)) {
        messages.push(`Tried to delete resource record set ${label(rr)} but the values provided do not match the current values`);
      } else working.splice(idx, 1);
      continue;
    }
    if (action === 'CREATE' && idx >= 0) {
      messages.push(`Tried to create resource record set ${label(rr)} but it already exists`);
      continue;
    }
    const problems = [...valueProblems(rr), ...placementProblems(zone, working, rr)];
    if (problems.length) {
      messages.push(...problems);
      continue;
    }
    if (idx >= 0) working[idx] = rr;
    else working.push(rr);
  }
  if (!messages.length) {
    const apex = working.filter((r) => r.Name === zone.name);
    if (apex.filter((r) => r.Type === 'SOA').length !== 1) messages.push('A HostedZone must contain exactly one SOA record.');
    if (!apex.some((r) => r.Type === 'NS')) messages.push('A HostedZone must contain at least one NS record for the zone itself.');
  }
  if (messages.length) {
    throw Object.assign(new SimError('InvalidChangeBatch', `[${messages.join(', ')}]`), { messages });
  }
  return working;
}
