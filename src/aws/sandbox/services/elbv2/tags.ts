/**
 * ELBv2 tags: AddTags, DescribeTags, RemoveTags over load balancers, target groups and
 * listeners (API reference: up to 20 ResourceArns per call; AddTags updates the value of a key
 * the resource already has; 50 tags per resource).
 */
import type { AddTagsInput, DescribeTagsInput, RemoveTagsInput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceSimulator, SimContext } from '../../types.js';
import {
  checkTags,
  elbErrors,
  elbState,
  kindOfArn,
  mergeTags,
  validation,
  type ElbSlice,
  type ElbTag,
} from './state.js';

function resourceArns(arns: string[] | undefined): string[] {
  if (!arns?.length) throw validation('At least one resource ARN must be specified');
  if (arns.length > 20) {
    throw validation(`1 validation error detected: Value '[${arns.join(', ')}]' at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20`);
  }
  return arns;
}

/** The tagged record behind an ARN, or the NotFound error of its kind. */
function tagged(s: ElbSlice, arn: string): { tags: ElbTag[] } {
  switch (kindOfArn(arn)) {
    case 'load balancer': {
      const lb = s.loadBalancers[arn];
      if (!lb) throw elbErrors.loadBalancerNotFound([arn]);
      return lb;
    }
    case 'target group': {
      const tg = s.targetGroups[arn];
      if (!tg) throw elbErrors.targetGroupNotFound([arn]);
      return tg;
    }
    case 'listener': {
      const l = s.listeners[arn];
      if (!l) throw elbErrors.listenerNotFound([arn]);
      return l;
    }
    default:
      throw validation(`'${arn}' is not a valid resource ARN`);
  }
}

export const tagOperations: ServiceSimulator = {
  AddTags: (input: AddTagsInput, ctx: SimContext) => {
    const s = elbState(ctx);
    const tags = checkTags(input.Tags);
    if (tags.length === 0) throw validation('At least one tag must be specified');
    for (const arn of resourceArns(input.ResourceArns)) {
      const rec = tagged(s, arn);
      rec.tags = mergeTags(rec.tags, tags);
    }
    return {};
  },

  RemoveTags: (input: RemoveTagsInput, ctx: SimContext) => {
    const s = elbState(ctx);
    if (!input.TagKeys?.length) throw validation('At least one tag key must be specified');
    for (const arn of resourceArns(input.ResourceArns)) {
      const rec = tagged(s, arn);
      rec.tags = rec.tags.filter((t) => !input.TagKeys!.includes(t.Key));
    }
    return {};
  },

  DescribeTags: (input: DescribeTagsInput, ctx: SimContext) => {
    const s = elbState(ctx);
    const arns = resourceArns(input.ResourceArns);
    return { TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: tagged(s, arn).tags.map((t) => ({ ...t })) })) };
  },
};
