/**
 * The Route 53 slice of the sandbox world: hosted zones with their record sets (stored in
 * the SDK's ResourceRecordSet shape, names normalised), changes, ids and errors.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { hash32, upperId, type Tag } from '../sim-util.js';

export interface RRSet {
  Name: string;
  Type: string;
  TTL?: number;
  ResourceRecords?: Array<{ Value: string }>;
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  SetIdentifier?: string;
  Weight?: number;
  Region?: string;
  Failover?: string;
  MultiValueAnswer?: boolean;
  GeoLocation?: Record<string, string>;
  HealthCheckId?: string;
}

export interface ZoneRec {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  vpcs: Array<{ VPCRegion?: string; VPCId?: string }>;
  nameServers: string[];
  records: RRSet[];
  tags: Tag[];
  createdAt: number;
}

/** What a change wrote: each record set it created, replaced or deleted (value '' = deleted). */
export interface ChangeWrites {
  zoneId: string;
  written: Array<{ key: string; value: string }>;
}

export interface Route53Slice {
  zones: Record<string, ZoneRec>;
  changes: Record<string, { submittedAt: number; comment?: string } & Partial<ChangeWrites>>;
}

export function route53State(ctx: SimContext): Route53Slice {
  return ctx.slice<Route53Slice>('route53', () => ({ zones: {}, changes: {} }));
}

/** Lower-case, absolute (trailing dot), `*` escaped as Route 53 returns it (`\052`). */
export function normName(name: string): string {
  let n = String(name ?? '').trim().toLowerCase();
  if (!n.endsWith('.')) n += '.';
  return n.replace(/\*/g, '\\052');
}

/** Route 53's order: names compared label by label from the right, then type, then set id. */
export function compareRecords(a: RRSet, b: RRSet): number {
  const byName = compareNames(a.Name, b.Name);
  if (byName) return byName;
  if (a.Type !== b.Type) return a.Type < b.Type ? -1 : 1;
  return (a.SetIdentifier ?? '').localeCompare(b.SetIdentifier ?? '');
}

export function compareNames(a: string, b: string): number {
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i]! < lb[i]! ? -1 : 1;
  }
  return la.length - lb.length;
}

/** Accepts `Z…`, `/hostedzone/Z…` (and `/change/C…` for changes). */
export const bareId = (id: unknown): string => String(id ?? '').replace(/^\/?(hostedzone|change)\//, '');

export const newZoneId = (ctx: SimContext): string => `Z0${upperId(ctx, 19)}`;
export const newChangeId = (ctx: SimContext): string => `C0${upperId(ctx, 19)}`;

export function nameServers(zoneId: string): string[] {
  const n = hash32(zoneId);
  const tlds = ['com', 'net', 'org', 'co.uk'];
  return tlds.map((tld, i) => `ns-${(n >> (i * 3)) % 2048}.awsdns-${String(((n >> (i * 5)) % 64)).padStart(2, '0')}.${tld}`);
}

export function requireZone(ctx: SimContext, id: unknown): ZoneRec {
  const zone = route53State(ctx).zones[bareId(id)];
  if (!zone) throw new SimError('NoSuchHostedZone', `No hosted zone found with ID: ${bareId(id)}`, { httpStatusCode: 404 });
  return zone;
}

export const invalidInput = (message: string) => new SimError('InvalidInput', message, { httpStatusCode: 400 });

export function recordChange(ctx: SimContext, comment?: string, insync = false, writes?: ChangeWrites) {
  const id = newChangeId(ctx);
  const submittedAt = insync ? ctx.now() - ctx.durations.route53Propagation : ctx.now();
  route53State(ctx).changes[id] = { submittedAt, comment, ...writes };
  return changeOut(ctx, id);
}

/** A record set's identity within its zone: name, type and set identifier. */
export const recordKey = (r: { Name: string; Type: string; SetIdentifier?: string }): string =>
  `${r.Name}|${r.Type}|${r.SetIdentifier ?? ''}`;

/** A record set's answer, for telling whether a change altered it ('' = no such record set). */
export function recordValue(r: RRSet | undefined): string {
  if (!r) return '';
  if (r.AliasTarget) return `alias:${r.AliasTarget.HostedZoneId}|${r.AliasTarget.DNSName}`;
  return (r.ResourceRecords ?? []).map((v) => v.Value).sort().join('\n');
}

/** The record sets whose answer differs between two versions of a zone's records. */
export function writtenRecords(before: RRSet[], after: RRSet[]): Array<{ key: string; value: string }> {
  const was = new Map(before.map((r) => [recordKey(r), recordValue(r)]));
  const now = new Map(after.map((r) => [recordKey(r), recordValue(r)]));
  return [...new Set([...was.keys(), ...now.keys()])]
    .filter((k) => was.get(k) !== now.get(k))
    .map((key) => ({ key, value: now.get(key) ?? '' }));
}

export function changeOut(ctx: SimContext, id: string) {
  const c = route53State(ctx).changes[id]!;
  return {
    Id: `/change/${id}`,
    Status: ctx.now() >= c.submittedAt + ctx.durations.route53Propagation ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(c.submittedAt),
    Comment: c.comment,
  };
}
