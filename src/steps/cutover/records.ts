/**
 * The record sets of the cutover name as Route 53 holds them: the rollback image (saved
 * verbatim before anything changes), the batch that restores it exactly, TTL lowering, and
 * when the old TTL has run out in resolver caches.
 *
 * Only the address types (A, AAAA, CNAME) of the name are the cutover's business: TXT, MX,
 * CAA… at the same name are neither saved nor touched.
 */
import type { Change, ChangeBatch, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../../errors.js';
import { fqdn, type DnsScope } from '../../aws/route53/names.js';
import { ADDRESS_TYPES, addressSets } from '../../aws/route53/record-sets.js';
import { bareZoneId, batchComment, checkScope, checkTtl, display } from './names.js';

/** SetIdentifiers of the weighted pair promigrate creates during a ramp. */
export const OLD_SET_ID = 'promigrate-old';
export const NEW_SET_ID = 'promigrate-new';
/**
 * An alias record answers with the TTL of its target; AWS load balancers and CloudFront
 * answer with 60 s, which is what a cache may hold an alias answer for.
 */
export const ALIAS_TTL_SECONDS = 60;

/** What rollback restores: the name's address record sets exactly as Route 53 returned them. */
export interface RollbackImage {
  zoneId: string;
  /** Absolute, lower case, as Route 53 names it (e.g. `www.example.com.`). */
  name: string;
  recordSets: ResourceRecordSet[];
}

const ROUTING_FIELDS = ['Weight', 'Region', 'Failover', 'GeoLocation', 'MultiValueAnswer', 'CidrRoutingConfig', 'GeoProximityLocation'] as const;

/** Route 53 identifies a record set by name, type and SetIdentifier. */
export const setKey = (r: ResourceRecordSet): string => `${fqdn(r.Name ?? '')}|${r.Type}|${r.SetIdentifier ?? ''}`;



const routingPolicy = (r: ResourceRecordSet): string => ROUTING_FIELDS.filter((f) => r[f] !== undefined).join(',');

/**
 * Whether going from `a` to `b` (same key) needs DELETE + CREATE rather than an UPSERT:
 * a switch between alias and plain values, or of routing policy, is a different kind of
 * record set, which Route 53 changes reliably only by replacing it.
 */
export function needsReplace(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  return (a.AliasTarget === undefined) !== (b.AliasTarget === undefined) || routingPolicy(a) !== routingPolicy(b);
}

export interface CurrentOptions {
  /** The name has no record today and that is expected (a new name): allow an empty image. */
  allowMissing?: boolean;
}

/** The name's address sets, refusing what a cutover cannot safely start from. */
export function currentAddressSets(scope: DnsScope, listed: readonly ResourceRecordSet[], opts: CurrentOptions = {}): ResourceRecordSet[] {
  checkScope(scope);
  const sets = addressSets(scope.record, listed);
  const name = display(scope.record);
  if (sets.length === 0 && !opts.allowMissing) {
    throw new UsageError(`${name} has no A, AAAA or CNAME record in the hosted zone ${display(scope.zoneName)}: there is nothing to cut over from.`, {
      hint: `Check dns.record and dns.hostedZone (the zone must be the one that serves ${name}); if the name is new, set dns.createIfMissing: true and cutover creates it.`,
    });
  }
  const managed = sets.find((r) => r.TrafficPolicyInstanceId !== undefined);
  if (managed) {
    throw new UsageError(`${name} is managed by the Route 53 traffic policy instance ${managed.TrafficPolicyInstanceId}, which promigrate must not edit.`, {
      hint: 'Delete the traffic policy record (or point it at the new stack yourself), then run cutover again.',
    });
  }
  return sets;
}

/** The verbatim rollback image of the name, taken before the first change. */
export function rollbackImage(scope: DnsScope, listed: readonly ResourceRecordSet[], opts: CurrentOptions = {}): RollbackImage {
  const sets = currentAddressSets(scope, listed, opts);
  if (sets.some((r) => r.SetIdentifier === OLD_SET_ID || r.SetIdentifier === NEW_SET_ID)) {
    throw new UsageError(`${display(scope.record)} already holds promigrate's weighted records: a cutover is half done, so this is not the state to save for rollback.`, {
      hint: 'Run `promigrate rollback` with the state of that cutover, or restore the original record by hand and run cutover again.',
    });
  }
  return { zoneId: bareZoneId(scope.zoneId), name: fqdn(scope.record), recordSets: structuredClone(sets) };
}

const change = (Action: 'CREATE' | 'DELETE' | 'UPSERT', set: ResourceRecordSet): Change => ({
  Action,
  ResourceRecordSet: structuredClone(set),
});

/**
 * The batch that puts the image back exactly: DELETE every address set of the name that
 * the image does not have (weighted halves, a new alias, a CNAME that replaced an A…), then
 * UPSERT every image set that differs from what is there. Deletions come first so a type or policy change is legal within
 * the one atomic batch. A set whose key the image has but whose kind changed (alias ↔
 * values, routing policy) is deleted and re-CREATEd instead. Undefined: nothing to do.
 */
export function restoreBatch(image: RollbackImage, currentNow: readonly ResourceRecordSet[]): ChangeBatch | undefined {
  const byKey = new Map(image.recordSets.map((r) => [setKey(r), r]));
  const deletes: Change[] = [];
  const replaced = new Set<string>();
  for (const cur of addressSets(image.name, currentNow)) {
    const saved = byKey.get(setKey(cur));
    if (saved && !needsReplace(cur, saved)) continue;
    deletes.push(change('DELETE', cur));
    if (saved) replaced.add(setKey(cur));
  }
  const now = new Map(addressSets(image.name, currentNow).map((r) => [setKey(r), r]));
  // A set that is already exactly as saved needs no write: a restored record has an empty batch.
  const writes = image.recordSets
    .filter((r) => replaced.has(setKey(r)) || !isDeepStrictEqual(now.get(setKey(r)), r))
    .map((r) => change(replaced.has(setKey(r)) ? 'CREATE' : 'UPSERT', r));
  const Changes = [...deletes, ...writes];
  if (Changes.length === 0) return undefined;
  return { Comment: batchComment(`promigrate rollback: restore ${display(image.name)}`), Changes };
}

/** UPSERTs lowering every plain (non-alias) address set above `cutoverTtl`; undefined when none is. */
export function ttlLoweringBatch(scope: DnsScope, listed: readonly ResourceRecordSet[], cutoverTtl: number): ChangeBatch | undefined {
  checkTtl(cutoverTtl);
  const Changes = currentAddressSets(scope, listed, { allowMissing: true })
    .filter((r) => r.AliasTarget === undefined && (r.TTL ?? 0) > cutoverTtl)
    .map((r) => change('UPSERT', { ...r, TTL: cutoverTtl }));
  if (Changes.length === 0) return undefined;
  return { Comment: batchComment(`promigrate cutover: lower the TTL of ${display(scope.record)} to ${cutoverTtl} s`), Changes };
}

/** The longest time (seconds) a resolver may cache an answer from these sets. */
export function maxTtlSeconds(sets: readonly ResourceRecordSet[]): number {
  let max = 0;
  for (const r of sets) {
    if (!ADDRESS_TYPES.has(r.Type ?? '')) continue;
    max = Math.max(max, r.AliasTarget ? ALIAS_TTL_SECONDS : (r.TTL ?? 0));
  }
  return max;
}

/**
 * When answers cached under the OLD record sets (those read before the TTL was lowered)
 * have expired everywhere. `now` (ms) should be the moment the lowering change was INSYNC:
 * until then a resolver may still fetch and cache the old TTL.
 */
export function oldTtlExpiresAt(now: number, current: readonly ResourceRecordSet[]): number {
  return now + maxTtlSeconds(current) * 1000;
}

/**
 * The address sets of `sets`' names after `changes` (no validation — Route 53 does that):
 * for dry-run timelines, resume checks and "final record sets".
 */
export function applyChanges(sets: readonly ResourceRecordSet[], changes: readonly Change[]): ResourceRecordSet[] {
  const out = sets.map((r) => structuredClone(r));
  for (const c of changes) {
    const rr = c.ResourceRecordSet;
    if (!rr) continue;
    const idx = out.findIndex((r) => setKey(r) === setKey(rr));
    if (c.Action === 'DELETE') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = structuredClone(rr);
    else out.push(structuredClone(rr));
  }
  return out;
}


