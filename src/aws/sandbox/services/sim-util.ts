/**
 * Small helpers shared by the RDS, DMS, Route 53 and CloudWatch simulators: AWS-style ids,
 * paging markers, tags, seeded numbers and subnet lookups.
 */
import { SimError } from '../errors.js';
import type { SimContext } from '../types.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** FNV-1a, for deterministic "random" numbers derived from names. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Deterministic number in [min, max] seeded by `seed`. */
export function seeded(seed: string, min: number, max: number): number {
  return min + (hash32(seed) % (max - min + 1));
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER36 = 'abcdefghijklmnopqrstuvwxyz0123456789';

function stretch(ctx: SimContext, length: number, alphabet: string): string {
  const raw = ctx.newId('sim-', 32);
  let out = '';
  let h = hash32(raw);
  for (let i = 0; out.length < length; i++) {
    h = Math.imul(h ^ (raw.charCodeAt(i % raw.length) + i), 0x01000193) >>> 0;
    out += alphabet[(h >>> 7) % alphabet.length];
  }
  return out;
}

/** Upper-case base32 id as DMS (`…:task:K55IUCGB…`) and Route 53 (`Z04165972S…`) use. */
export function upperId(ctx: SimContext, length: number): string {
  return stretch(ctx, length, BASE32);
}

/** Lower-case alphanumeric id, e.g. the account/region part of an RDS endpoint. */
export function lowerId(ctx: SimContext, length: number): string {
  return stretch(ctx, length, LOWER36);
}

/** RFC 4122-looking id (deterministic). */
export function uuid(ctx: SimContext): string {
  const hex = stretch(ctx, 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Opaque paging marker over a stable, sorted list. */
export function paginate<T>(
  items: T[],
  maxRecords: number | undefined,
  marker: string | undefined,
  defaultMax = 100,
): { items: T[]; marker?: string } {
  const start = marker ? Number(Buffer.from(marker, 'base64').toString('utf8').replace(/^o:/, '')) || 0 : 0;
  const max = maxRecords && maxRecords > 0 ? maxRecords : defaultMax;
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`o:${start + max}`).toString('base64') : undefined;
  return next ? { items: slice, marker: next } : { items: slice };
}

export function mergeTags(existing: Tag[], added: Array<{ Key?: string; Value?: string }> | undefined): Tag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of added ?? []) {
    if (!t.Key) continue;
    const found = out.find((o) => o.Key === t.Key);
    if (found) found.Value = t.Value ?? '';
    else out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  return out;
}

export function removeTags(existing: Tag[], keys: string[] | undefined): Tag[] {
  const drop = new Set(keys ?? []);
  return existing.filter((t) => !drop.has(t.Key));
}

export const date = (ms: number): Date => new Date(ms);

/** AWS resource-name rule shared by RDS and DMS identifiers. */
export function isValidIdentifier(id: unknown, maxLength = 63): id is string {
  return (
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= maxLength &&
    /^[A-Za-z][A-Za-z0-9-]*$/.test(id) &&
    !id.endsWith('-') &&
    !id.includes('--')
  );
}

export interface SubnetPlacement {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
}

/**
 * Resolves subnets through `ctx.hooks.subnetInfo`; without the hook, assumes they exist
 * and places them in AZs a, b, c… in input order. Unknown subnets → `invalid(ids)`.
 */
export function placeSubnets(
  ctx: SimContext,
  subnetIds: string[],
  invalid: (ids: string[]) => SimError,
): SubnetPlacement[] {
  const hook = ctx.hooks.subnetInfo;
  if (!hook) {
    const vpcId = `vpc-${hash32(subnetIds.join(',')).toString(16).padStart(8, '0')}${'0'.repeat(9)}`;
    return subnetIds.map((subnetId, i) => ({
      subnetId,
      vpcId,
      availabilityZone: `${ctx.region}${'abcdef'[i % 6]}`,
    }));
  }
  const missing: string[] = [];
  const out: SubnetPlacement[] = [];
  for (const subnetId of subnetIds) {
    const info = hook(subnetId);
    if (!info) missing.push(subnetId);
    else out.push({ subnetId, vpcId: info.vpcId, availabilityZone: info.availabilityZone });
  }
  if (missing.length) throw invalid(missing);
  return out;
}

/** Converts SQL-LIKE patterns as DMS table mappings use them (`%`, `_`, `[_]`) to a RegExp. */
export function likePattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith('[_]', i)) {
      re += '_';
      i += 2;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export const requireString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

/** ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
