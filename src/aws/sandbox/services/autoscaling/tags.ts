/**
 * Auto Scaling tags: CreateOrUpdateTags, DeleteTags, DescribeTags (API reference). A changed tag
 * applies to instances launched afterwards; running instances keep theirs (Auto Scaling User
 * Guide, "Tag Auto Scaling groups and instances").
 */
import type { CreateOrUpdateTagsType, DeleteTagsType, DescribeTagsType, Tag } from '@aws-sdk/client-auto-scaling';
import { SimError } from '../../errors.js';
import type { ServiceSimulator } from '../../types.js';
import { groupVisible } from './groups.js';
import { asgState, checkTag, groupNotFound, MAX_TAGS, pageRecords, validation, type AsgSlice, type GroupRec } from './state.js';

function groupOfTag(s: AsgSlice, t: Tag): GroupRec {
  if (!t.ResourceId) throw validation('Tag ResourceId must be specified');
  if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group') {
    throw validation(`Invalid ResourceType '${t.ResourceType}': the only supported value is auto-scaling-group`);
  }
  const g = s.groups[t.ResourceId];
  if (!g || g.deletingAt !== undefined) throw groupNotFound(t.ResourceId);
  return g;
}

export const tagOperations: ServiceSimulator = {
  CreateOrUpdateTags: (input: CreateOrUpdateTagsType, ctx) => {
    const s = asgState(ctx);
    if (!input.Tags?.length) throw validation('At least one tag must be specified');
    for (const t of input.Tags) {
      const g = groupOfTag(s, t);
      checkTag(t);
      const tag = { Key: t.Key!, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false };
      const i = g.tags.findIndex((x) => x.Key === tag.Key);
      if (i >= 0) g.tags[i] = tag;
      else g.tags.push(tag);
      if (g.tags.length > MAX_TAGS) throw new SimError('LimitExceeded', `The number of tags exceeds the limit of ${MAX_TAGS} tags per AutoScalingGroup`);
    }
    return {};
  },

  /** "If you specify a value and the value is incorrect, the tag is not deleted." */
  DeleteTags: (input: DeleteTagsType, ctx) => {
    const s = asgState(ctx);
    if (!input.Tags?.length) throw validation('At least one tag must be specified');
    for (const t of input.Tags) {
      const g = groupOfTag(s, t);
      if (!t.Key) throw validation('Tag key must be specified');
      g.tags = g.tags.filter((x) => !(x.Key === t.Key && (t.Value === undefined || x.Value === t.Value)));
    }
    return {};
  },

  DescribeTags: (input: DescribeTagsType, ctx) => {
    const s = asgState(ctx);
    let list = Object.values(s.groups).filter((g) => groupVisible(ctx, g))
      .flatMap((g) => g.tags.map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', ...t })));
    for (const f of input.Filters ?? []) {
      const values = f.Values ?? [];
      const field = ({ 'auto-scaling-group': 'ResourceId', key: 'Key', value: 'Value', 'propagate-at-launch': 'PropagateAtLaunch' } as const)[f.Name as 'key'];
      if (!field) throw validation(`Filter name '${f.Name ?? ''}' is not valid. Valid filter names are auto-scaling-group, key, value and propagate-at-launch.`);
      list = list.filter((t) => values.includes(String(t[field])));
    }
    const { items, NextToken } = pageRecords(list, input);
    return { Tags: items, ...(NextToken ? { NextToken } : {}) };
  },
};
