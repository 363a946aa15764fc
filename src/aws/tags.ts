/**
 * promigrate's resource tags. Every resource a step creates carries
 * `promigrate:project`, `promigrate:step` and `promigrate:key` (plus `Name`), so a resumed
 * run finds what a crashed run made by looking it up, instead of making it twice.
 */
export interface AwsTag {
  Key: string;
  Value: string;
}

export const TAG_PROJECT = 'promigrate:project';
export const TAG_STEP = 'promigrate:step';
export const TAG_KEY = 'promigrate:key';

export interface PromigrateTagInput {
  project: string;
  step: string;
  /** The logical resource key in state, e.g. `network.vpc`. */
  key: string;
  /** The console name (`Name` tag); default `<project>-<key>`. */
  name?: string;
  /** Extra tags (e.g. from the config); promigrate's own keys win. */
  extra?: Record<string, string>;
}

export function promigrateTags(input: PromigrateTagInput): AwsTag[] {
  const own: AwsTag[] = [
    { Key: TAG_PROJECT, Value: input.project },
    { Key: TAG_STEP, Value: input.step },
    { Key: TAG_KEY, Value: input.key },
    { Key: 'Name', Value: input.name ?? `${input.project}-${input.key.replace(/\./g, '-')}` },
  ];
  const reserved = new Set(own.map((t) => t.Key));
  const extra = Object.entries(input.extra ?? {})
    .filter(([k]) => !reserved.has(k))
    .map(([Key, Value]) => ({ Key, Value }));
  return [...own, ...extra];
}

/** EC2 `TagSpecifications` for a create call, e.g. `tagSpecifications('vpc', tags)`. */
export function tagSpecifications<R extends string>(resourceType: R, tags: AwsTag[]): Array<{ ResourceType: R; Tags: AwsTag[] }> {
  return [{ ResourceType: resourceType, Tags: tags }];
}

/** EC2 `Filters` matching tags exactly, e.g. `{ 'promigrate:project': 'shop' }` → `tag:promigrate:project`. */
export function tagFilters(tags: Record<string, string>): Array<{ Name: string; Values: string[] }> {
  return Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/** EC2 filters for the resource a step made under a logical key. */
export function resourceFilters(project: string, key: string): Array<{ Name: string; Values: string[] }> {
  return tagFilters({ [TAG_PROJECT]: project, [TAG_KEY]: key });
}

/** `[{Key, Value}]` (any service's tag shape) → `{ key: value }`. */
export function tagsToRecord(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** True when `tags` carry every key/value of `wanted`. */
export function hasTags(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined, wanted: Record<string, string>): boolean {
  const have = tagsToRecord(tags);
  return Object.entries(wanted).every(([k, v]) => have[k] === v);
}
