/**
 * EC2 launch templates: CreateLaunchTemplate (ClientToken), CreateLaunchTemplateVersion,
 * ModifyLaunchTemplate (default version), DescribeLaunchTemplates, DescribeLaunchTemplateVersions
 * and DeleteLaunchTemplate, as the EC2 API reference describes them, plus the lookup Auto
 * Scaling uses to launch from a template.
 *
 * As the EC2 User Guide says ("Restrictions for Amazon EC2 launch templates"), launch template
 * parameters are not fully validated on creation: an AMI or security group that does not exist
 * comes back as a `Warning` (ValidationWarning, API reference) and fails only when something
 * launches from the template. What EC2 does reject up front is rejected here too: a malformed or
 * duplicate name, user data that is not base64 or over 16 KB raw, tags on resource types a
 * template cannot tag, malformed metadata options. Templates are immutable: a change is a new
 * version. Deleting a template is allowed while an Auto Scaling group uses it (the group then
 * fails to launch), as the DeleteLaunchTemplate reference has no such restriction.
 */
import type {
  CreateLaunchTemplateRequest,
  CreateLaunchTemplateVersionRequest,
  DeleteLaunchTemplateRequest,
  DescribeLaunchTemplatesRequest,
  DescribeLaunchTemplateVersionsRequest,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyLaunchTemplateRequest,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
  Tag,
  ValidationError,
} from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import { checkData, checkIdFormat, checkName, warnings } from './launch-template-data.js';
import {
  ec2Error,
  ec2State,
  invalidParameter,
  rememberToken,
  replayToken,
  tagsFromSpecs,
  type Ec2Slice,
} from './store.js';

export interface LaunchTemplateVersionRec {
  number: number;
  description?: string;
  createdAt: number;
  data: RequestLaunchTemplateData;
}

export interface LaunchTemplateRec {
  id: string;
  name: string;
  createdAt: number;
  createdBy: string;
  defaultVersion: number;
  latestVersion: number;
  versions: LaunchTemplateVersionRec[];
  tags: Record<string, string>;
}

/** Launch templates live in the EC2 slice (a field older worlds do not have yet). */
type WithTemplates = Ec2Slice & { launchTemplates?: Record<string, LaunchTemplateRec> };

function templates(ctx: SimContext): Record<string, LaunchTemplateRec> {
  const s = ec2State(ctx) as WithTemplates;
  return (s.launchTemplates ??= {});
}

// ---- lookups ----------------------------------------------------------------------------

function byName(ctx: SimContext, name: string): LaunchTemplateRec | undefined {
  return Object.values(templates(ctx)).find((t) => t.name === name);
}

const notFoundById = (): SimError =>
  ec2Error('InvalidLaunchTemplateId.NotFound', 'At least one of the launch templates specified in the request does not exist.');
const notFoundByName = (): SimError =>
  ec2Error('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');

/** The template an operation names by LaunchTemplateId or LaunchTemplateName (exactly one). */
function named(ctx: SimContext, input: { LaunchTemplateId?: string; LaunchTemplateName?: string }): LaunchTemplateRec {
  if (input.LaunchTemplateId && input.LaunchTemplateName) {
    throw ec2Error('InvalidParameterCombination', 'The parameter launchTemplateName cannot be used with the parameter launchTemplateId');
  }
  if (input.LaunchTemplateId) {
    const t = templates(ctx)[checkIdFormat(input.LaunchTemplateId)];
    if (!t) throw notFoundById();
    return t;
  }
  if (input.LaunchTemplateName) {
    const t = byName(ctx, input.LaunchTemplateName);
    if (!t) throw notFoundByName();
    return t;
  }
  throw ec2Error('MissingParameter', 'The request must contain the parameter launchTemplateName or launchTemplateId');
}

/** `$Latest`, `$Default` or a version number; undefined when the template has no such version. */
export function versionOf(t: LaunchTemplateRec, version: string | undefined): LaunchTemplateVersionRec | undefined {
  const number = version === undefined || version === '$Default' ? t.defaultVersion : version === '$Latest' ? t.latestVersion : Number(version);
  if (!Number.isInteger(number)) return undefined;
  return t.versions.find((v) => v.number === number);
}

/** What Auto Scaling needs to launch from a template: undefined when it does not exist. */
export function findLaunchTemplate(
  ctx: SimContext,
  spec: { id?: string; name?: string },
): { id: string; name: string; version(version: string | undefined): { number: number; data: RequestLaunchTemplateData } | undefined } | undefined {
  const t = spec.id !== undefined ? templates(ctx)[spec.id] : spec.name !== undefined ? byName(ctx, spec.name) : undefined;
  if (!t) return undefined;
  return {
    id: t.id,
    name: t.name,
    version: (v) => {
      const rec = versionOf(t, v);
      return rec && { number: rec.number, data: structuredClone(rec.data) };
    },
  };
}

// ---- output -----------------------------------------------------------------------------

const tagList = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function templateOut(t: LaunchTemplateRec): LaunchTemplate {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    CreateTime: new Date(t.createdAt),
    CreatedBy: t.createdBy,
    DefaultVersionNumber: t.defaultVersion,
    LatestVersionNumber: t.latestVersion,
    ...(Object.keys(t.tags).length ? { Tags: tagList(t.tags) } : {}),
  };
}

function versionOut(t: LaunchTemplateRec, v: LaunchTemplateVersionRec): LaunchTemplateVersion {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    VersionNumber: v.number,
    ...(v.description !== undefined ? { VersionDescription: v.description } : {}),
    CreateTime: new Date(v.createdAt),
    CreatedBy: t.createdBy,
    DefaultVersion: v.number === t.defaultVersion,
    LaunchTemplateData: structuredClone(v.data) as ResponseLaunchTemplateData,
  };
}

function withWarning<T extends object>(out: T, list: ValidationError[]): T & { Warning?: { Errors: ValidationError[] } } {
  return list.length ? { ...out, Warning: { Errors: list } } : out;
}

const templateFields: FilterFields<LaunchTemplateRec> = {
  'launch-template-name': (t) => t.name,
  'create-time': (t) => new Date(t.createdAt).toISOString(),
};

// ---- operations -------------------------------------------------------------------------

/**
 * These operations take ClientTokens of up to 128 ASCII characters (API reference); the shared
 * token store keeps 64, so a longer token is stored by its digest.
 */
function tokenInput<T extends { ClientToken?: string }>(input: T): T {
  const token = input.ClientToken;
  if (token === undefined || token.length <= 64) return input;
  if (token.length > 128) throw invalidParameter('The client token must be 128 characters or fewer.');
  return { ...input, ClientToken: `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 57)}` };
}

const deletedToken = (): SimError =>
  ec2Error(
    'IdempotentParameterMismatch',
    'The client token you have provided is associated with a resource that is already deleted or has different parameters. Please use a different client token.',
  );

export const launchTemplateOperations: ServiceSimulator = {
  CreateLaunchTemplate: (request: CreateLaunchTemplateRequest, ctx) => {
    const s = ec2State(ctx);
    const input = tokenInput(request);
    const replay = replayToken(s, 'CreateLaunchTemplate', input);
    if (replay) {
      const t = templates(ctx)[replay[0]!];
      if (!t) throw deletedToken();
      return { LaunchTemplate: templateOut(t) };
    }
    const name = checkName(input.LaunchTemplateName);
    const data = checkData(input.LaunchTemplateData);
    if (byName(ctx, name)) {
      throw ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    }
    if (input.VersionDescription !== undefined && input.VersionDescription.length > 255) {
      throw invalidParameter('The version description must be 255 characters or fewer.');
    }
    const tags: Record<string, string> = {};
    for (const tag of tagsFromSpecs(input.TagSpecifications, 'launch-template')) tags[tag.Key!] = tag.Value ?? '';
    const t: LaunchTemplateRec = {
      id: ctx.newId('lt-'),
      name,
      createdAt: ctx.now(),
      createdBy: `arn:aws:iam::${ctx.accountId}:user/promigrate-sandbox`,
      defaultVersion: 1,
      latestVersion: 1,
      versions: [{ number: 1, ...(input.VersionDescription !== undefined ? { description: input.VersionDescription } : {}), createdAt: ctx.now(), data }],
      tags,
    };
    templates(ctx)[t.id] = t;
    rememberToken(s, 'CreateLaunchTemplate', input, [t.id]);
    return withWarning({ LaunchTemplate: templateOut(t) }, warnings(ctx, data));
  },

  /** The new version starts from SourceVersion's data; the members given replace its members. */
  CreateLaunchTemplateVersion: (request: CreateLaunchTemplateVersionRequest, ctx) => {
    const s = ec2State(ctx);
    const input = tokenInput(request);
    const replay = replayToken(s, 'CreateLaunchTemplateVersion', input);
    if (replay) {
      const [id, number] = replay;
      const t = templates(ctx)[id!];
      const v = t?.versions.find((x) => String(x.number) === number);
      if (!t || !v) throw deletedToken();
      return { LaunchTemplateVersion: versionOut(t, v) };
    }
    const t = named(ctx, input);
    let base: RequestLaunchTemplateData = {};
    if (input.SourceVersion !== undefined) {
      const source = versionOf(t, input.SourceVersion);
      if (!source) {
        throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${input.SourceVersion} for launch template ${t.id}.`);
      }
      base = structuredClone(source.data);
    }
    const data = checkData({ ...base, ...(checkData(input.LaunchTemplateData)) });
    if (t.versions.length >= 10_000) {
      throw ec2Error('LaunchTemplateVersionLimitExceeded', 'You have reached the maximum number of versions (10000) for this launch template.');
    }
    const v: LaunchTemplateVersionRec = {
      number: t.latestVersion + 1,
      ...(input.VersionDescription !== undefined ? { description: input.VersionDescription } : {}),
      createdAt: ctx.now(),
      data,
    };
    t.versions.push(v);
    t.latestVersion = v.number;
    rememberToken(s, 'CreateLaunchTemplateVersion', input, [t.id, String(v.number)]);
    return withWarning({ LaunchTemplateVersion: versionOut(t, v) }, warnings(ctx, data));
  },

  ModifyLaunchTemplate: (input: ModifyLaunchTemplateRequest, ctx) => {
    const t = named(ctx, input);
    if (input.DefaultVersion !== undefined) {
      const v = versionOf(t, input.DefaultVersion);
      if (!v || input.DefaultVersion.startsWith('$')) {
        throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${input.DefaultVersion} for launch template ${t.id}.`);
      }
      t.defaultVersion = v.number;
    }
    return { LaunchTemplate: templateOut(t) };
  },

  DescribeLaunchTemplates: (input: DescribeLaunchTemplatesRequest, ctx) => {
    const all = templates(ctx);
    let list = Object.values(all);
    if (input.LaunchTemplateIds?.length) {
      for (const id of input.LaunchTemplateIds) if (!all[checkIdFormat(id)]) throw notFoundById();
      list = list.filter((t) => input.LaunchTemplateIds!.includes(t.id));
    }
    if (input.LaunchTemplateNames?.length) {
      for (const name of input.LaunchTemplateNames) if (!byName(ctx, name)) throw notFoundByName();
      list = list.filter((t) => input.LaunchTemplateNames!.includes(t.name));
    }
    const tagView = { tags: Object.fromEntries(list.map((t) => [t.id, t.tags])) } as unknown as Ec2Slice;
    const filtered = applyFilters(tagView, list, input.Filters, templateFields, (t) => t.id);
    const { items, NextToken } = page(filtered, input, { min: 1, max: 200 });
    return { LaunchTemplates: items.map(templateOut), ...(NextToken ? { NextToken } : {}) };
  },

  DescribeLaunchTemplateVersions: (input: DescribeLaunchTemplateVersionsRequest, ctx) => {
    let pairs: Array<[LaunchTemplateRec, LaunchTemplateVersionRec]>;
    if (input.LaunchTemplateId || input.LaunchTemplateName) {
      const t = named(ctx, input);
      let versions = [...t.versions];
      if (input.Versions?.length) {
        versions = input.Versions.map((asked) => {
          const v = versionOf(t, asked);
          if (!v) throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${asked} for launch template ${t.id}.`);
          return v;
        });
        versions = [...new Set(versions)];
      }
      if (input.MinVersion !== undefined) versions = versions.filter((v) => v.number >= Number(input.MinVersion));
      if (input.MaxVersion !== undefined) versions = versions.filter((v) => v.number <= Number(input.MaxVersion));
      pairs = versions.sort((a, b) => b.number - a.number).map((v) => [t, v]);
    } else {
      // Without a template: only $Latest and/or $Default, of every template (API reference).
      const asked = input.Versions ?? [];
      if (asked.length === 0 || asked.some((v) => v !== '$Latest' && v !== '$Default')) {
        throw ec2Error('MissingParameter', 'The request must contain the parameter launchTemplateName or launchTemplateId');
      }
      pairs = Object.values(templates(ctx)).flatMap((t) =>
        [...new Set(asked.map((v) => versionOf(t, v)!))].map((v): [LaunchTemplateRec, LaunchTemplateVersionRec] => [t, v]));
    }
    const fields: FilterFields<[LaunchTemplateRec, LaunchTemplateVersionRec]> = {
      'is-default-version': ([t, v]) => String(v.number === t.defaultVersion),
      'image-id': ([, v]) => v.data.ImageId,
      'instance-type': ([, v]) => v.data.InstanceType,
      'iam-instance-profile': ([, v]) => v.data.IamInstanceProfile?.Arn ?? v.data.IamInstanceProfile?.Name,
      'create-time': ([, v]) => new Date(v.createdAt).toISOString(),
    };
    const filtered = applyFilters({ tags: {} } as unknown as Ec2Slice, pairs, input.Filters, fields, ([t, v]) => `${t.id}:${v.number}`);
    const { items, NextToken } = page(filtered, input, { min: 1, max: 200 });
    return { LaunchTemplateVersions: items.map(([t, v]) => versionOut(t, v)), ...(NextToken ? { NextToken } : {}) };
  },

  DeleteLaunchTemplate: (input: DeleteLaunchTemplateRequest, ctx) => {
    const t = named(ctx, input);
    delete templates(ctx)[t.id];
    return { LaunchTemplate: templateOut(t) };
  },
};
