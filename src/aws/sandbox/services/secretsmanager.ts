/**
 * Secrets Manager: secrets with versions and staging labels, ClientRequestToken idempotency
 * (a token is the version id), scheduled deletion on the simulated clock. Secret values are
 * stored in the world file (it is the sandbox's "AWS") but never logged or put in messages.
 */
import type {
  CreateSecretRequest,
  CreateSecretResponse,
  DeleteSecretRequest,
  DeleteSecretResponse,
  DescribeSecretResponse,
  GetSecretValueRequest,
  GetSecretValueResponse,
  ListSecretsRequest,
  ListSecretsResponse,
  PutSecretValueRequest,
  PutSecretValueResponse,
  SecretListEntry,
  Tag,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-secrets-manager';
import { SimError } from '../errors.js';
import type { ServiceSimulator, SimContext } from '../types.js';
import { seal, unseal } from '../seal.js';
import { page } from './paging.js';

/** Values are kept sealed (see ../seal.ts): the world file must never hold a readable secret. */
interface StoredVersion {
  id: string;
  /** sealed */
  string?: string;
  /** sealed base64 */
  binary?: string;
  stages: string[];
  created: number;
}

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  versions: StoredVersion[];
  created: number;
  lastChanged: number;
  deletionDate?: number;
}

interface Slice {
  secrets: Record<string, StoredSecret>;
}

const DAY = 86_400_000;

const state = (ctx: SimContext): Slice => ctx.slice<Slice>('secretsmanager', () => ({ secrets: {} }));

const notFound = (): SimError =>
  new SimError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const invalidParameter = (message: string): SimError => new SimError('InvalidParameterException', message);
const markedForDeletion = (): SimError =>
  new SimError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

/** Removes secrets whose recovery window has passed on the simulated clock. */
function purge(ctx: SimContext): Slice {
  const s = state(ctx);
  for (const [arn, secret] of Object.entries(s.secrets)) {
    if (secret.deletionDate !== undefined && secret.deletionDate <= ctx.now()) delete s.secrets[arn];
  }
  return s;
}

function find(ctx: SimContext, secretId: string | undefined): StoredSecret | undefined {
  if (!secretId) throw invalidParameter('You must specify a SecretId.');
  const all = Object.values(purge(ctx).secrets);
  // A secret is addressed by name, full ARN, or ARN without the random 6-character suffix.
  return all.find((x) => x.name === secretId || x.arn === secretId || x.arn.slice(0, -7) === secretId);
}

function mustFind(ctx: SimContext, secretId: string | undefined, allowDeleted = false): StoredSecret {
  const secret = find(ctx, secretId);
  if (!secret) throw notFound();
  if (!allowDeleted && secret.deletionDate !== undefined) throw markedForDeletion();
  return secret;
}

function valueOf(input: { SecretString?: string; SecretBinary?: Uint8Array }): Pick<StoredVersion, 'string' | 'binary'> {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (input.SecretString !== undefined) return { string: input.SecretString };
  if (input.SecretBinary !== undefined) return { binary: Buffer.from(input.SecretBinary).toString('base64') };
  return {};
}

function versionId(ctx: SimContext, token: string | undefined): string {
  if (token !== undefined) {
    if (token.length < 32 || token.length > 64) {
      throw invalidParameter('ClientRequestToken must be between 32 and 64 characters long.');
    }
    return token;
  }
  const h = ctx.newId('', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function sealed(value: Pick<StoredVersion, 'string' | 'binary'>): Pick<StoredVersion, 'string' | 'binary'> {
  return {
    ...(value.string !== undefined ? { string: seal(value.string) } : {}),
    ...(value.binary !== undefined ? { binary: seal(value.binary) } : {}),
  };
}

function opened(version: StoredVersion): Pick<StoredVersion, 'string' | 'binary'> {
  const open = (v: string): string => {
    const plain = unseal(v);
    if (plain === undefined) {
      throw new SimError('DecryptionFailure', "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    return plain;
  };
  return {
    ...(version.string !== undefined ? { string: open(version.string) } : {}),
    ...(version.binary !== undefined ? { binary: open(version.binary) } : {}),
  };
}

function sameValue(v: StoredVersion, value: Pick<StoredVersion, 'string' | 'binary'>): boolean {
  const plain = opened(v);
  return plain.string === value.string && plain.binary === value.binary;
}

/** Adds a version; moves AWSCURRENT (the old current becomes AWSPREVIOUS) when it is staged. */
function addVersion(ctx: SimContext, secret: StoredSecret, plainVersion: StoredVersion): void {
  const version = { ...plainVersion, ...sealed(plainVersion) };
  const oldCurrent = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const moved = new Set(version.stages);
  if (moved.has('AWSCURRENT') && oldCurrent) moved.add('AWSPREVIOUS');
  for (const v of secret.versions) v.stages = v.stages.filter((s) => !moved.has(s));
  if (version.stages.includes('AWSCURRENT') && oldCurrent) oldCurrent.stages.push('AWSPREVIOUS');
  secret.versions.push(version);
  // Versions without a staging label are deprecated; AWS keeps about 100 of them.
  secret.versions = secret.versions.filter((v, i, all) => v.stages.length > 0 || i >= all.length - 100);
  secret.lastChanged = ctx.now();
}

function versionStages(secret: StoredSecret): Record<string, string[]> {
  return Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]]));
}

function entry(secret: StoredSecret): SecretListEntry {
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
    Tags: secret.tags.map((t) => ({ ...t })),
    SecretVersionsToStages: versionStages(secret),
    CreatedDate: new Date(secret.created),
    LastChangedDate: new Date(secret.lastChanged),
    ...(secret.deletionDate !== undefined ? { DeletedDate: new Date(secret.lastChanged) } : {}),
  };
}

function mergeTags(existing: Tag[], added: Tag[] | undefined): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const t of added ?? []) byKey.set(t.Key, { Key: t.Key, Value: t.Value ?? '' });
  return [...byKey.values()];
}

export const secretsManagerSimulator: ServiceSimulator = {
  CreateSecret: (input: CreateSecretRequest, ctx): CreateSecretResponse => {
    if (!input.Name) throw invalidParameter('You must specify a Name.');
    const value = valueOf(input);
    const existing = find(ctx, input.Name);
    if (existing) {
      if (existing.deletionDate !== undefined) {
        throw new SimError(
          'InvalidRequestException',
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        );
      }
      const same = input.ClientRequestToken !== undefined && existing.versions.find((v) => v.id === input.ClientRequestToken);
      if (same && sameValue(same, value)) return { ARN: existing.arn, Name: existing.name, VersionId: same.id };
      throw new SimError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
    }
    const now = ctx.now();
    const arn = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${input.Name}-${ctx.newId('', 6)}`;
    const secret: StoredSecret = {
      arn,
      name: input.Name,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      ...(input.KmsKeyId !== undefined ? { kmsKeyId: input.KmsKeyId } : {}),
      tags: mergeTags([], input.Tags),
      versions: [],
      created: now,
      lastChanged: now,
    };
    let VersionId: string | undefined;
    if (value.string !== undefined || value.binary !== undefined) {
      VersionId = versionId(ctx, input.ClientRequestToken);
      addVersion(ctx, secret, { id: VersionId, ...value, stages: ['AWSCURRENT'], created: now });
    }
    state(ctx).secrets[arn] = secret;
    return { ARN: arn, Name: secret.name, ...(VersionId ? { VersionId } : {}) };
  },

  PutSecretValue: (input: PutSecretValueRequest, ctx): PutSecretValueResponse => {
    const secret = mustFind(ctx, input.SecretId);
    const value = valueOf(input);
    if (value.string === undefined && value.binary === undefined) {
      throw invalidParameter('You must provide either SecretString or SecretBinary.');
    }
    const existing = input.ClientRequestToken && secret.versions.find((v) => v.id === input.ClientRequestToken);
    if (existing) {
      if (!sameValue(existing, value)) {
        throw new SimError(
          'ResourceExistsException',
          `You can't modify an existing version, you can only create a new version.`,
        );
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: existing.id, VersionStages: [...existing.stages] };
    }
    const id = versionId(ctx, input.ClientRequestToken);
    const stages = input.VersionStages?.length ? [...input.VersionStages] : ['AWSCURRENT'];
    addVersion(ctx, secret, { id, ...value, stages, created: ctx.now() });
    return { ARN: secret.arn, Name: secret.name, VersionId: id, VersionStages: stages };
  },

  GetSecretValue: (input: GetSecretValueRequest, ctx): GetSecretValueResponse => {
    const secret = mustFind(ctx, input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId === undefined ? 'AWSCURRENT' : undefined);
    const version = secret.versions.find(
      (v) => (input.VersionId === undefined || v.id === input.VersionId) && (stage === undefined || v.stages.includes(stage)),
    );
    if (!version) {
      const which = input.VersionId !== undefined ? `VersionId: ${input.VersionId}` : `staging label: ${stage}`;
      throw new SimError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for ${which}`);
    }
    const plain = opened(version);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(plain.string !== undefined ? { SecretString: plain.string } : {}),
      ...(plain.binary !== undefined ? { SecretBinary: new Uint8Array(Buffer.from(plain.binary, 'base64')) } : {}),
      VersionStages: [...version.stages],
      CreatedDate: new Date(version.created),
    };
  },

  DescribeSecret: (input: { SecretId?: string }, ctx): DescribeSecretResponse => {
    const secret = mustFind(ctx, input.SecretId, true);
    const { SecretVersionsToStages, ...rest } = entry(secret);
    return { ...rest, VersionIdsToStages: SecretVersionsToStages };
  },

  DeleteSecret: (input: DeleteSecretRequest, ctx): DeleteSecretResponse => {
    if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
      throw invalidParameter(
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      );
    }
    const days = input.RecoveryWindowInDays ?? 30;
    if (!input.ForceDeleteWithoutRecovery && (days < 7 || days > 30)) {
      throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const secret = mustFind(ctx, input.SecretId, true);
    const now = ctx.now();
    if (input.ForceDeleteWithoutRecovery) {
      delete state(ctx).secrets[secret.arn];
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(now) };
    }
    if (secret.deletionDate !== undefined) throw markedForDeletion();
    secret.deletionDate = now + days * DAY;
    secret.lastChanged = now;
    return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(secret.deletionDate) };
  },

  TagResource: (input: TagResourceRequest, ctx) => {
    const secret = mustFind(ctx, input.SecretId);
    secret.tags = mergeTags(secret.tags, input.Tags);
    return {};
  },

  UntagResource: (input: UntagResourceRequest, ctx) => {
    const secret = mustFind(ctx, input.SecretId);
    secret.tags = secret.tags.filter((t) => !(input.TagKeys ?? []).includes(t.Key!));
    return {};
  },

  ListSecrets: (input: ListSecretsRequest, ctx): ListSecretsResponse => {
    let secrets = Object.values(purge(ctx).secrets);
    if (!input.IncludePlannedDeletion) secrets = secrets.filter((s) => s.deletionDate === undefined);
    for (const filter of input.Filters ?? []) {
      const values = filter.Values ?? [];
      secrets = secrets.filter((s) => values.some((v) => filterMatches(s, filter.Key ?? 'all', v)));
    }
    secrets.sort((a, b) => (input.SortOrder === 'asc' ? a.created - b.created : b.created - a.created));
    const { items, NextToken } = page(secrets, input, { min: 1, max: 100, errorName: 'InvalidParameterException' });
    return { SecretList: items.map(entry), ...(NextToken ? { NextToken } : {}) };
  },
};

/** Secrets Manager filters are case-sensitive prefix matches; a leading "!" negates. */
function filterMatches(secret: StoredSecret, key: string, raw: string): boolean {
  const negate = raw.startsWith('!');
  const prefix = negate ? raw.slice(1) : raw;
  const candidates: string[] = [];
  if (key === 'name' || key === 'all') candidates.push(secret.name);
  if (key === 'description' || key === 'all') candidates.push(secret.description ?? '');
  if (key === 'tag-key' || key === 'all') candidates.push(...secret.tags.map((t) => t.Key ?? ''));
  if (key === 'tag-value' || key === 'all') candidates.push(...secret.tags.map((t) => t.Value ?? ''));
  const hit = candidates.some((c) => c.startsWith(prefix));
  return negate ? !hit : hit;
}

/**
 * Materialises a secret another service manages (RDS `ManageMasterUserPassword` creates
 * `rds!db-…` holding `{"username","password"}`), under the ARN that service reports.
 */
export function putManagedSecret(
  ctx: SimContext,
  secret: { secretArn: string; secretName: string; username: string; owningService: string },
): void {
  const s = state(ctx);
  if (s.secrets[secret.secretArn]) return;
  const now = ctx.now();
  const password = ctx.newId('', 32);
  s.secrets[secret.secretArn] = {
    arn: secret.secretArn,
    name: secret.secretName,
    description: `Secret associated with primary ${secret.owningService.toUpperCase()} resource.`,
    tags: [],
    versions: [
      {
        id: versionId(ctx, undefined),
        string: seal(JSON.stringify({ username: secret.username, password })),
        stages: ['AWSCURRENT'],
        created: now,
      },
    ],
    created: now,
    lastChanged: now,
  };
}
