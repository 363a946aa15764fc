/**
 * SNS topic tags (TagResource, UntagResource, ListTagsForResource API reference): keys of
 * 1–128 and values of 0–256 characters, no duplicated key in one request, at most 50 tags
 * a topic (TagLimitExceeded); an ARN that names no topic is ResourceNotFound.
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { mergeTags, removeTags, type Tag } from '../sim-util.js';
import { invalidParameter, snsState, type TopicRec } from './state.js';

const MAX_TAGS = 50;

/** Checks a request's tags and returns them as stored. */
export function checkTags(tags: Array<{ Key?: string; Value?: string }>): Tag[] {
  for (const t of tags) {
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) {
      throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must be between 1 and 128 characters long');
    }
    if ((t.Value ?? '').length > 256) throw invalidParameter('Invalid parameter: Tags Reason: Tag values must be at most 256 characters long');
  }
  const keys = tags.map((t) => t.Key!);
  if (new Set(keys).size !== keys.length) throw invalidParameter('Invalid parameter: Duplicated keys are not allowed.');
  if (tags.length > MAX_TAGS) throw tagLimit();
  return tags.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
}

export function sameTags(a: Tag[], b: Tag[]): boolean {
  return a.length === b.length && a.every((t) => b.some((u) => u.Key === t.Key && u.Value === t.Value));
}

const tagLimit = (): SimError => new SimError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');

function taggedTopic(ctx: SimContext, arn: unknown): TopicRec {
  const topic = typeof arn === 'string' ? snsState(ctx).topics[arn] : undefined;
  if (!topic || topic.region !== ctx.region) throw new SimError('ResourceNotFound', 'Resource does not exist', { httpStatusCode: 404 });
  return topic;
}

export const tagHandlers: ServiceSimulator = {
  TagResource(input, ctx) {
    const topic = taggedTopic(ctx, input.ResourceArn);
    const merged = mergeTags(topic.tags, checkTags(input.Tags ?? []));
    if (merged.length > MAX_TAGS) throw tagLimit();
    topic.tags = merged;
    return {};
  },

  UntagResource(input, ctx) {
    const topic = taggedTopic(ctx, input.ResourceArn);
    topic.tags = removeTags(topic.tags, input.TagKeys ?? []);
    return {};
  },

  ListTagsForResource(input, ctx) {
    return { Tags: taggedTopic(ctx, input.ResourceArn).tags.map((t) => ({ ...t })) };
  },
};
