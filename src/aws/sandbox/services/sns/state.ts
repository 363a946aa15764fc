/**
 * The SNS slice of the sandbox world: topics (by ARN) and subscriptions (by ARN), the
 * errors SNS answers with (awsQuery codes: the SDK turns `NotFound` into NotFoundException,
 * `InvalidParameter` into InvalidParameterException…), and topic ARN parsing.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { partition, type Tag } from '../sim-util.js';

export interface TopicRec {
  arn: string;
  region: string;
  name: string;
  /** The attributes the caller set (defaults are added when they are read). */
  attributes: Record<string, string>;
  tags: Tag[];
  createdAt: number;
  /** Subscriptions removed so far (Unsubscribe, or unconfirmed for 48 hours). */
  subscriptionsDeleted: number;
}

export interface SubRec {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  createdAt: number;
  /** Unset while the subscription is pending confirmation. */
  confirmedAt?: number;
}

export interface SnsSlice {
  topics: Record<string, TopicRec>;
  subscriptions: Record<string, SubRec>;
}

const HOUR = 3_600_000;
/** "Amazon SNS automatically deletes unconfirmed subscriptions after 48 hours" (Developer Guide, deleting subscriptions). */
export const UNCONFIRMED_LIFETIME = 48 * HOUR;

export const invalidParameter = (message: string): SimError => new SimError('InvalidParameter', message);
export const topicNotFound = (): SimError => new SimError('NotFound', 'Topic does not exist', { httpStatusCode: 404 });

/** Removes subscriptions left unconfirmed for 48 hours, counting them on their topic. */
export function snsState(ctx: SimContext): SnsSlice {
  const s = ctx.slice<SnsSlice>('sns', () => ({ topics: {}, subscriptions: {} }));
  for (const sub of Object.values(s.subscriptions)) {
    if (sub.confirmedAt === undefined && ctx.now() - sub.createdAt >= UNCONFIRMED_LIFETIME) {
      delete s.subscriptions[sub.arn];
      const topic = s.topics[sub.topicArn];
      if (topic) topic.subscriptionsDeleted++;
    }
  }
  return s;
}

/** Topic names: ASCII letters, digits, `_` and `-`, 1–256 characters; FIFO topics end in `.fifo` (CreateTopic, Name). */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
export const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$/;

export const topicArn = (ctx: SimContext, name: string): string =>
  `arn:${partition(ctx.region)}:sns:${ctx.region}:${ctx.accountId}:${name}`;

/** A topic ARN of this Region (`Invalid parameter: TopicArn` otherwise, as SNS answers). */
export function parseTopicArn(ctx: SimContext, arn: unknown, member = 'TopicArn'): string {
  const m = typeof arn === 'string' ? TOPIC_ARN.exec(arn) : null;
  if (!m || m[2] !== ctx.region) throw invalidParameter(`Invalid parameter: ${member}`);
  return arn as string;
}

/** The topic with this ARN: `Invalid parameter: TopicArn` when malformed, NotFound when absent. */
export function requireTopic(ctx: SimContext, arn: unknown): TopicRec {
  const topic = snsState(ctx).topics[parseTopicArn(ctx, arn)];
  if (!topic) throw topicNotFound();
  return topic;
}

export const isFifo = (topic: TopicRec): boolean => topic.name.endsWith('.fifo');
