/** EC2: CreateTags, DeleteTags, DescribeTags over every taggable resource of the simulator. */
import type { CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, TagDescription } from '@aws-sdk/client-ec2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { applyFilters, type FilterFields } from './filters.js';
import { ec2Error, ec2State, instanceVisible, KINDS, natVisible, notFoundError, setTags, type Ec2Slice, type IdKind } from './store.js';

/** The kind of a resource id, or an InvalidID error for an id no EC2 resource could have. */
function kindOf(id: string): IdKind {
  const kind = Object.values(KINDS).find((k) => id.startsWith(k.prefix));
  if (!kind) throw ec2Error('InvalidID', `The ID '${id}' is not valid`);
  return kind;
}

function exists(ctx: SimContext, s: Ec2Slice, id: string): boolean {
  switch (kindOf(id).prefix) {
    case 'vpc-': return id in s.vpcs;
    case 'subnet-': return id in s.subnets;
    case 'igw-': return id in s.igws;
    case 'eipalloc-': return id in s.addresses;
    case 'nat-': return id in s.nats && natVisible(ctx, s.nats[id]!);
    case 'rtb-': return id in s.routeTables;
    case 'sg-': return id in s.groups;
    case 'sgr-': return Object.values(s.groups).some((g) => g.rules.some((r) => r.id === id));
    case 'i-': return id in s.instances && instanceVisible(ctx, s.instances[id]!);
    case 'eni-': return id in s.enis;
    default: return false;
  }
}

function checkResources(ctx: SimContext, s: Ec2Slice, ids: string[] | undefined): string[] {
  if (!ids?.length) throw ec2Error('MissingParameter', 'The request must contain the parameter resourceIdSet');
  for (const id of ids) if (!exists(ctx, s, id)) throw notFoundError(kindOf(id), [id]);
  return ids;
}

export const tagOperations: ServiceSimulator = {
  CreateTags: (input: CreateTagsRequest, ctx) => {
    const s = ec2State(ctx);
    for (const id of checkResources(ctx, s, input.Resources)) setTags(s, id, input.Tags ?? []);
    return {};
  },

  DeleteTags: (input: DeleteTagsRequest, ctx) => {
    const s = ec2State(ctx);
    for (const id of checkResources(ctx, s, input.Resources)) {
      const tags = s.tags[id];
      if (!tags) continue;
      // No Tags: delete all. A tag with a Value deletes only when the value matches.
      for (const t of input.Tags ?? Object.keys(tags).map((Key) => ({ Key, Value: undefined }))) {
        if (t.Key !== undefined && (t.Value === undefined || tags[t.Key] === t.Value)) delete tags[t.Key];
      }
      if (Object.keys(tags).length === 0) delete s.tags[id];
    }
    return {};
  },

  DescribeTags: (input: DescribeTagsRequest, ctx) => {
    const s = ec2State(ctx);
    const all: TagDescription[] = Object.entries(s.tags)
      .filter(([id]) => exists(ctx, s, id))
      .flatMap(([id, tags]) =>
        Object.entries(tags).map(([Key, Value]) => ({ ResourceId: id, ResourceType: kindOf(id).resourceType as TagDescription['ResourceType'], Key, Value })),
      );
    const fields: FilterFields<TagDescription> = {
      key: (t) => t.Key,
      value: (t) => t.Value,
      'resource-id': (t) => t.ResourceId,
      'resource-type': (t) => t.ResourceType,
    };
    const list = applyFilters(s, all, input.Filters, fields, (t) => t.ResourceId!);
    const { items, NextToken } = page(list, input);
    return { Tags: items, ...(NextToken ? { NextToken } : {}) };
  },
};
