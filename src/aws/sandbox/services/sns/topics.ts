/**
 * SNS topics, each operation after its API reference page: CreateTopic (idempotent by name:
 * the same name with the same attributes and tags returns the existing topic, otherwise
 * InvalidParameter "Topic already exists with different …"), GetTopicAttributes,
 * SetTopicAttributes, ListTopics (100 a page), DeleteTopic ("This action is idempotent, so
 * deleting a topic that does not exist does not result in an error"; its subscriptions go
 * with it).
 */
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import {
  FIFO_TOPIC_NAME, TOPIC_NAME, invalidParameter, isFifo, parseTopicArn, requireTopic, snsState, topicArn, type TopicRec,
} from './state.js';
import { checkTags, sameTags } from './tags.js';

const FEEDBACK = ['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((p) => [
  `${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`,
]);
/** The attribute names CreateTopic and SetTopicAttributes take (CreateTopic, Attributes). */
const SETTABLE = ['DeliveryPolicy', 'DisplayName', 'Policy', 'SignatureVersion', 'TracingConfig', 'KmsMasterKeyId', 'ArchivePolicy', ...FEEDBACK];
const FIFO_ONLY = ['ContentBasedDeduplication', 'FifoThroughputScope', 'ArchivePolicy'];

function defaultPolicy(ctx: SimContext, arn: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: arn,
      Condition: { StringEquals: { 'AWS:SourceOwner': ctx.accountId } },
    }],
  });
}

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** Checks one attribute; `fifo` tells which topic kind it is for. */
function checkAttribute(name: string, value: string, fifo: boolean): void {
  const known = SETTABLE.includes(name) || (fifo && FIFO_ONLY.includes(name)) || name === 'FifoTopic';
  if (!known) {
    throw invalidParameter(FIFO_ONLY.includes(name) ? `Invalid parameter: Attributes Reason: ${name} is only valid for FIFO topics` : 'Invalid parameter: AttributeName');
  }
  const json = ['Policy', 'DeliveryPolicy', 'ArchivePolicy'].includes(name);
  if (json) {
    try {
      JSON.parse(value);
    } catch {
      throw invalidParameter(`Invalid parameter: ${name} Error: the ${name} is not valid JSON`);
    }
  }
  if (name === 'DisplayName' && value.length > 100) throw invalidParameter('Invalid parameter: DisplayName Reason: DisplayName must be at most 100 characters long');
  if (name === 'SignatureVersion' && !['1', '2'].includes(value)) throw invalidParameter('Invalid parameter: SignatureVersion');
  if (name === 'TracingConfig' && !['PassThrough', 'Active'].includes(value)) throw invalidParameter('Invalid parameter: TracingConfig');
  if (name === 'ContentBasedDeduplication' && !['true', 'false'].includes(value)) throw invalidParameter('Invalid parameter: ContentBasedDeduplication');
}

export function topicAttributes(ctx: SimContext, topic: TopicRec): Record<string, string> {
  const subs = Object.values(snsState(ctx).subscriptions).filter((s) => s.topicArn === topic.arn);
  return {
    Policy: defaultPolicy(ctx, topic.arn),
    Owner: ctx.accountId,
    TopicArn: topic.arn,
    DisplayName: '',
    EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(subs.filter((s) => s.confirmedAt !== undefined).length),
    SubscriptionsPending: String(subs.filter((s) => s.confirmedAt === undefined).length),
    SubscriptionsDeleted: String(topic.subscriptionsDeleted),
    ...(isFifo(topic) ? { FifoTopic: 'true', ContentBasedDeduplication: 'false' } : {}),
    ...topic.attributes,
  };
}

export const topicHandlers: ServiceSimulator = {
  CreateTopic(input, ctx) {
    const name: string = input.Name ?? '';
    const given: Record<string, string> = { ...(input.Attributes ?? {}) };
    const fifo = given.FifoTopic?.toLowerCase() === 'true';
    if (fifo && !FIFO_TOPIC_NAME.test(name)) {
      throw invalidParameter('Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.');
    }
    if (!fifo && !TOPIC_NAME.test(name)) throw invalidParameter('Invalid parameter: Topic Name');
    // A standard topic does not keep an explicit FifoTopic=false.
    if (fifo) given.FifoTopic = 'true';
    else delete given.FifoTopic;
    for (const [k, v] of Object.entries(given)) checkAttribute(k, String(v), fifo);
    const tags = checkTags(input.Tags ?? []);
    const s = snsState(ctx);
    const arn = topicArn(ctx, name);
    const existing = s.topics[arn];
    if (existing) {
      const current = topicAttributes(ctx, existing);
      if (Object.entries(given).some(([k, v]) => current[k] !== v)) {
        throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
      }
      if (input.Tags !== undefined && !sameTags(existing.tags, tags)) {
        throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
      }
      return { TopicArn: arn };
    }
    const stored = { ...given };
    delete stored.FifoTopic;
    s.topics[arn] = { arn, region: ctx.region, name, attributes: stored, tags, createdAt: ctx.now(), subscriptionsDeleted: 0 };
    return { TopicArn: arn };
  },

  GetTopicAttributes(input, ctx) {
    return { Attributes: topicAttributes(ctx, requireTopic(ctx, input.TopicArn)) };
  },

  SetTopicAttributes(input, ctx) {
    const topic = requireTopic(ctx, input.TopicArn);
    const name: string = input.AttributeName ?? '';
    if (name === 'FifoTopic') throw invalidParameter('Invalid parameter: AttributeName');
    const value = String(input.AttributeValue ?? '');
    checkAttribute(name, value, isFifo(topic));
    topic.attributes[name] = value;
    return {};
  },

  ListTopics(input, ctx) {
    const topics = Object.values(snsState(ctx).topics)
      .filter((t) => t.region === ctx.region)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((t) => ({ TopicArn: t.arn }));
    const { items, NextToken } = page(topics, { MaxResults: 100, NextToken: input.NextToken }, { min: 1, max: 100, errorName: 'InvalidParameter' });
    return { Topics: items, ...(NextToken ? { NextToken } : {}) };
  },

  DeleteTopic(input, ctx) {
    const arn = parseTopicArn(ctx, input.TopicArn);
    const s = snsState(ctx);
    delete s.topics[arn];
    for (const sub of Object.values(s.subscriptions)) if (sub.topicArn === arn) delete s.subscriptions[sub.arn];
    return {};
  },
};
