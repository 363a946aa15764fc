/**
 * IAM: the roles promigrate manages for DMS — roles with a trust policy, tags, attached
 * AWS managed policies and inline policies. IAM is global: one slice for every region.
 *
 * Shapes and errors follow the IAM API reference (GetRole, CreateRole, AttachRolePolicy,
 * DetachRolePolicy, ListAttachedRolePolicies, PutRolePolicy, DeleteRolePolicy,
 * ListRolePolicies, TagRole, ListRoleTags, DeleteRole): role names are unique without
 * regard to case, `Arn` is `arn:aws:iam::<account>:role<path><name>`, `RoleId` is `AROA` +
 * 17 characters, and GetRole/CreateRole return `AssumeRolePolicyDocument` URL-encoded
 * (RFC 3986), as IAM does. A fresh world has no role at all (no DMS console ever ran).
 */
import { SimError } from '../errors.js';
import type { ServiceSimulator, SimContext } from '../types.js';
import { upperId, type Tag } from './sim-util.js';

interface RoleRec {
  name: string;
  path: string;
  id: string;
  created: number;
  /** The trust policy as the caller sent it (JSON text). */
  trust: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  /** Attached managed policy ARNs, in attach order. */
  attached: string[];
  /** Inline policies: name → JSON text. */
  inline: Record<string, string>;
}

interface IamSlice {
  /** By lower-case name: IAM role names are case-insensitively unique. */
  roles: Record<string, RoleRec>;
}

/**
 * The AWS managed policies a sandbox role can be given (the ones DMS documents for its
 * service roles, see "AWS managed policies for AWS Database Migration Service"). Service-linked
 * role policies (`aws-service-role/…`) cannot be attached to a customer role.
 */
const MANAGED_POLICIES: Record<string, { attachable: boolean }> = {
  'service-role/AmazonDMSVPCManagementRole': { attachable: true },
  'service-role/AmazonDMSCloudWatchLogsRole': { attachable: true },
  'service-role/AmazonDMSRedshiftS3Role': { attachable: true },
  'aws-service-role/AWSDMSServerlessServiceRolePolicy': { attachable: false },
  'aws-service-role/AWSDMSFleetAdvisorServiceRolePolicy': { attachable: false },
};

const NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;
const MAX_TAGS = 50;

const state = (ctx: SimContext): IamSlice => ctx.slice<IamSlice>('iam', () => ({ roles: {} }));

const validation = (message: string): SimError => new SimError('ValidationError', message);
const noSuchEntity = (message: string): SimError => new SimError('NoSuchEntity', message, { httpStatusCode: 404 });
const noSuchRole = (name: string): SimError => noSuchEntity(`The role with name ${name} cannot be found.`);

function roleName(value: unknown, param = 'roleName'): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw validation(`1 validation error detected: Value '${String(value)}' at '${param}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
  return value;
}

/** The role named `name`, if any (exported for the DMS simulator's dms-vpc-role check). */
export function findRole(ctx: SimContext, name: string): { arn: string; path: string; trust: string; attached: string[] } | undefined {
  const r = state(ctx).roles[name.toLowerCase()];
  return r && { arn: roleArn(ctx, r), path: r.path, trust: r.trust, attached: [...r.attached] };
}

function mustFind(ctx: SimContext, value: unknown): RoleRec {
  const name = roleName(value);
  const r = state(ctx).roles[name.toLowerCase()];
  if (!r) throw noSuchRole(name);
  return r;
}

const roleArn = (ctx: SimContext, r: RoleRec): string => `arn:aws:iam::${ctx.accountId}:role${r.path}${r.name}`;

function roleOut(ctx: SimContext, r: RoleRec) {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: roleArn(ctx, r),
    CreateDate: new Date(r.created),
    AssumeRolePolicyDocument: encodeURIComponent(r.trust),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    MaxSessionDuration: r.maxSessionDuration,
    ...(r.tags.length ? { Tags: r.tags.map((t) => ({ ...t })) } : {}),
  };
}

/** IAM's check of a policy document: JSON with a Statement (a missing Version defaults to 2008-10-17). */
function policyDocument(value: unknown, param: string): string {
  if (typeof value !== 'string' || value.length === 0) throw validation(`1 validation error detected: Value at '${param}' failed to satisfy constraint: Member must not be null`);
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new SimError('MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || statement === undefined || statement === null) {
    throw new SimError('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  return value;
}

function checkTags(tags: Array<{ Key?: string; Value?: string }>): Tag[] {
  if (tags.length > MAX_TAGS) throw new SimError('LimitExceeded', `The number of tags has reached the maximum limit of ${MAX_TAGS}.`, { httpStatusCode: 409 });
  const out: Tag[] = [];
  for (const t of tags) {
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) throw validation('1 validation error detected: Tag keys must be between 1 and 128 characters long.');
    if (typeof t.Value !== 'string' || t.Value.length > 256) throw validation('1 validation error detected: Tag values must be strings of at most 256 characters.');
    if (out.some((o) => o.Key.toLowerCase() === t.Key!.toLowerCase())) throw new SimError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    out.push({ Key: t.Key, Value: t.Value });
  }
  return out;
}

/** `arn:aws:iam::aws:policy/<path+name>` → its catalog entry, or NoSuchEntity as IAM answers. */
function managedPolicy(arn: unknown): string {
  const match = typeof arn === 'string' ? /^arn:aws:iam::aws:policy\/(.+)$/.exec(arn) : null;
  const entry = match ? MANAGED_POLICIES[match[1]!] : undefined;
  if (!entry) throw noSuchEntity(`Policy ${String(arn)} does not exist or is not attachable.`);
  if (!entry.attachable) throw new SimError('PolicyNotAttachable', 'Cannot attach a Service Role Policy to a Customer Role.');
  return arn as string;
}

/** Marker/MaxItems paging as IAM's List* calls do it (MaxItems 1..1000, default 100). */
function listPage<T>(items: T[], input: { Marker?: string; MaxItems?: number }): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = input.MaxItems ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw validation(`1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  let start = 0;
  if (input.Marker !== undefined) {
    const decoded = /^iam1:(\d+)$/.exec(Buffer.from(input.Marker, 'base64').toString('utf8'));
    if (!decoded) throw validation('Invalid Marker.');
    start = Number(decoded[1]);
  }
  const end = start + max;
  return end < items.length
    ? { items: items.slice(start, end), IsTruncated: true, Marker: Buffer.from(`iam1:${end}`).toString('base64') }
    : { items: items.slice(start), IsTruncated: false };
}

export const iamSimulator: ServiceSimulator = {
  GetRole: (input, ctx) => ({ Role: { ...roleOut(ctx, mustFind(ctx, input.RoleName)), RoleLastUsed: {} } }),

  CreateRole(input, ctx) {
    const name = roleName(input.RoleName);
    const path = input.Path ?? '/';
    if (typeof path !== 'string' || !PATH.test(path)) throw validation(`1 validation error detected: Value '${String(path)}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`);
    const trust = policyDocument(input.AssumeRolePolicyDocument, 'assumeRolePolicyDocument');
    const maxSessionDuration = input.MaxSessionDuration ?? 3600;
    if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      throw validation(`1 validation error detected: Value '${maxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`);
    }
    const tags = checkTags(input.Tags ?? []);
    const s = state(ctx);
    if (s.roles[name.toLowerCase()]) throw new SimError('EntityAlreadyExists', `Role with name ${name} already exists.`, { httpStatusCode: 409 });
    const r: RoleRec = {
      name,
      path,
      id: `AROA${upperId(ctx, 17)}`,
      created: ctx.now(),
      trust,
      ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
      maxSessionDuration,
      tags,
      attached: [],
      inline: {},
    };
    s.roles[name.toLowerCase()] = r;
    return { Role: roleOut(ctx, r) };
  },

  AttachRolePolicy(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    const arn = managedPolicy(input.PolicyArn);
    // Attaching a policy that is already attached succeeds and changes nothing.
    if (!r.attached.includes(arn)) r.attached.push(arn);
    return {};
  },

  DetachRolePolicy(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    if (!r.attached.includes(input.PolicyArn)) throw noSuchEntity(`Policy ${String(input.PolicyArn)} was not found.`);
    r.attached = r.attached.filter((a) => a !== input.PolicyArn);
    return {};
  },

  ListAttachedRolePolicies(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    const prefix = input.PathPrefix ?? '/';
    const all = r.attached
      .map((arn) => ({ arn, path: `/${arn.replace(/^arn:aws:iam::aws:policy\//, '')}`.replace(/[^/]+$/, '') }))
      .filter((p) => p.path.startsWith(prefix))
      .map((p) => ({ PolicyName: p.arn.split('/').pop()!, PolicyArn: p.arn }));
    const { items, ...rest } = listPage(all, input);
    return { AttachedPolicies: items, ...rest };
  },

  PutRolePolicy(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    if (typeof input.PolicyName !== 'string' || !POLICY_NAME.test(input.PolicyName)) {
      throw validation(`1 validation error detected: Value '${String(input.PolicyName)}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
    }
    r.inline[input.PolicyName] = policyDocument(input.PolicyDocument, 'policyDocument');
    return {};
  },

  DeleteRolePolicy(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    if (!Object.hasOwn(r.inline, input.PolicyName ?? '')) {
      throw noSuchEntity(`The role policy with name ${String(input.PolicyName)} cannot be found.`);
    }
    delete r.inline[input.PolicyName];
    return {};
  },

  ListRolePolicies(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    const { items, ...rest } = listPage(Object.keys(r.inline).sort(), input);
    return { PolicyNames: items, ...rest };
  },

  TagRole(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    const added = checkTags(input.Tags ?? []);
    const merged = [...r.tags.filter((t) => !added.some((a) => a.Key.toLowerCase() === t.Key.toLowerCase())), ...added];
    if (merged.length > MAX_TAGS) throw new SimError('LimitExceeded', `The number of tags has reached the maximum limit of ${MAX_TAGS}.`, { httpStatusCode: 409 });
    r.tags = merged;
    return {};
  },

  ListRoleTags(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    const { items, ...rest } = listPage(r.tags.map((t) => ({ ...t })), input);
    return { Tags: items, ...rest };
  },

  DeleteRole(input, ctx) {
    const r = mustFind(ctx, input.RoleName);
    if (r.attached.length > 0) throw new SimError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', { httpStatusCode: 409 });
    if (Object.keys(r.inline).length > 0) throw new SimError('DeleteConflict', 'Cannot delete entity, must delete policies first.', { httpStatusCode: 409 });
    delete state(ctx).roles[r.name.toLowerCase()];
    return {};
  },
};
