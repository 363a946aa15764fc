/**
 * SNS subscriptions, after the Subscribe, Unsubscribe, ListSubscriptionsByTopic,
 * ListSubscriptions and GetSubscriptionAttributes API reference pages:
 *
 * - The endpoint must fit its protocol (an e-mail address for email/email-json, a URL of
 *   the same scheme for http/https, an E.164 number for sms, an ARN of the right service
 *   for sqs/lambda/firehose/application), with SNS's messages.
 * - email, email-json, http and https subscriptions need the endpoint's owner to confirm
 *   them: Subscribe returns "pending confirmation" unless ReturnSubscriptionArn, listings
 *   show SubscriptionArn "PendingConfirmation", and SNS deletes them after 48 hours
 *   unconfirmed. The sandbox sends no mail: `confirmSubscription` stands in for the
 *   recipient following the link. Same-account sqs/lambda/firehose/application and sms
 *   subscriptions are confirmed at once.
 * - Subscribing the same endpoint again returns the existing subscription.
 * - "You can't delete a subscription that's pending confirmation" (Developer Guide).
 */
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { page } from '../paging.js';
import { uuid } from '../sim-util.js';
import { invalidParameter, isFifo, requireTopic, snsState, type SubRec } from './state.js';

const PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'];
const NEEDS_CONFIRMATION = ['http', 'https', 'email', 'email-json'];
/** Subscription attributes Subscribe and SetSubscriptionAttributes take (Subscribe, Attributes). */
const ATTRIBUTES = ['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy'];
const RAW_DELIVERY = ['http', 'https', 'sqs', 'firehose'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+?[1-9]\d{1,14}$/;
const arnOf = (service: string, rest: string) => new RegExp(`^arn:(aws|aws-cn|aws-us-gov):${service}:[a-z0-9-]+:\\d{12}:${rest}$`);
const ENDPOINT_ARN: Record<string, { re: RegExp; message: (e: string) => string }> = {
  sqs: { re: arnOf('sqs', '[A-Za-z0-9_-]{1,80}(\\.fifo)?'), message: () => 'Invalid parameter: SQS endpoint ARN' },
  lambda: { re: arnOf('lambda', 'function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?'), message: () => 'Invalid parameter: Lambda endpoint ARN' },
  firehose: { re: arnOf('firehose', 'deliverystream/[A-Za-z0-9_.-]{1,64}'), message: () => 'Invalid parameter: Firehose endpoint ARN' },
  application: { re: arnOf('sns', 'endpoint/.+'), message: (e) => `Invalid parameter: Application endpoint arn invalid:${e}` },
};

function checkEndpoint(protocol: string, endpoint: string): void {
  if (protocol === 'email' || protocol === 'email-json') {
    if (!EMAIL.test(endpoint)) throw invalidParameter('Invalid parameter: Email address');
  } else if (protocol === 'http' || protocol === 'https') {
    if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter('Invalid parameter: Endpoint must match the specified protocol');
    try {
      if (!new URL(endpoint).hostname) throw new Error('no host');
    } catch {
      throw invalidParameter('Invalid parameter: Endpoint Reason: the endpoint is not a valid URL');
    }
  } else if (protocol === 'sms') {
    if (!E164.test(endpoint.replace(/[\s-]/g, ''))) throw invalidParameter(`Invalid SMS endpoint: ${endpoint}`);
  } else {
    const rule = ENDPOINT_ARN[protocol]!;
    if (!rule.re.test(endpoint)) throw invalidParameter(rule.message(endpoint));
  }
}

function checkAttributes(protocol: string, attributes: Record<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTES.includes(name)) throw invalidParameter('Invalid parameter: AttributeName');
    if (name === 'RawMessageDelivery') {
      if (!['true', 'false'].includes(value.toLowerCase())) throw invalidParameter('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
      if (!RAW_DELIVERY.includes(protocol)) throw invalidParameter(`Invalid parameter: Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`);
    }
    if (['FilterPolicy', 'DeliveryPolicy', 'RedrivePolicy', 'ReplayPolicy'].includes(name)) {
      try {
        if (value !== '' && typeof JSON.parse(value) !== 'object') throw new Error('not an object');
      } catch {
        throw invalidParameter(`Invalid parameter: ${name}: failed to parse JSON.`);
      }
    }
    if (name === 'FilterPolicyScope' && !['MessageAttributes', 'MessageBody'].includes(value)) {
      throw invalidParameter('Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [' + value + ']. Please use either MessageBody or MessageAttributes');
    }
  }
  if (protocol === 'firehose' && !attributes.SubscriptionRoleArn) {
    throw invalidParameter('Invalid parameter: Attributes Reason: Firehose subscriptions require a SubscriptionRoleArn');
  }
}

/** How a subscription is listed: "PendingConfirmation" in place of its ARN while unconfirmed. */
function listed(ctx: SimContext, sub: SubRec) {
  return {
    SubscriptionArn: sub.confirmedAt === undefined ? 'PendingConfirmation' : sub.arn,
    Owner: ctx.accountId,
    Protocol: sub.protocol,
    Endpoint: sub.endpoint,
    TopicArn: sub.topicArn,
  };
}

/** In the order they were made (the slice keeps insertion order; the sort is stable). */
const ordered = (subs: SubRec[]): SubRec[] => subs.sort((a, b) => a.createdAt - b.createdAt);

/** A subscription ARN: `<topic ARN>:<id>` (anything else is not one). */
const SUBSCRIPTION_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}:[0-9a-f-]{36}$/;

export const subscriptionHandlers: ServiceSimulator = {
  Subscribe(input, ctx) {
    const topic = requireTopic(ctx, input.TopicArn);
    const protocol: string = input.Protocol ?? '';
    if (!PROTOCOLS.includes(protocol)) throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
    // FIFO topics deliver to SQS queues only.
    if (isFifo(topic) && protocol !== 'sqs') throw invalidParameter(`Invalid parameter: Invalid protocol type: ${protocol}`);
    const endpoint: string = input.Endpoint ?? '';
    checkEndpoint(protocol, endpoint);
    const attributes: Record<string, string> = { ...(input.Attributes ?? {}) };
    checkAttributes(protocol, attributes);
    const s = snsState(ctx);
    const shown = (sub: SubRec) =>
      sub.confirmedAt === undefined && !input.ReturnSubscriptionArn ? 'pending confirmation' : sub.arn;
    const existing = Object.values(s.subscriptions).find((x) => x.topicArn === topic.arn && x.protocol === protocol && x.endpoint === endpoint);
    if (existing) {
      if (Object.entries(attributes).some(([k, v]) => existing.attributes[k] !== v)) {
        throw invalidParameter('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      }
      return { SubscriptionArn: shown(existing) };
    }
    const sub: SubRec = {
      arn: `${topic.arn}:${uuid(ctx)}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      attributes,
      createdAt: ctx.now(),
      ...(NEEDS_CONFIRMATION.includes(protocol) ? {} : { confirmedAt: ctx.now() }),
    };
    s.subscriptions[sub.arn] = sub;
    return { SubscriptionArn: shown(sub) };
  },

  Unsubscribe(input, ctx) {
    const arn: unknown = input.SubscriptionArn;
    if (typeof arn !== 'string' || !SUBSCRIPTION_ARN.test(arn)) {
      const parts = typeof arn === 'string' ? arn.split(':').length : 0;
      throw invalidParameter(parts >= 6 ? 'Invalid parameter: SubscriptionId' : `Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not ${parts}`);
    }
    const s = snsState(ctx);
    const sub = s.subscriptions[arn];
    // Unsubscribing from a subscription that no longer exists does nothing.
    if (!sub) return {};
    if (sub.confirmedAt === undefined) {
      throw invalidParameter("Invalid parameter: SubscriptionArn Reason: You can't delete a subscription that's pending confirmation; Amazon SNS deletes it after 48 hours unconfirmed");
    }
    delete s.subscriptions[arn];
    const topic = s.topics[sub.topicArn];
    if (topic) topic.subscriptionsDeleted++;
    return {};
  },

  ListSubscriptionsByTopic(input, ctx) {
    const topic = requireTopic(ctx, input.TopicArn);
    const subs = ordered(Object.values(snsState(ctx).subscriptions).filter((x) => x.topicArn === topic.arn)).map((x) => listed(ctx, x));
    const { items, NextToken } = page(subs, { MaxResults: 100, NextToken: input.NextToken }, { min: 1, max: 100, errorName: 'InvalidParameter' });
    return { Subscriptions: items, ...(NextToken ? { NextToken } : {}) };
  },

  ListSubscriptions(input, ctx) {
    const s = snsState(ctx);
    const subs = ordered(Object.values(s.subscriptions).filter((x) => s.topics[x.topicArn]?.region === ctx.region)).map((x) => listed(ctx, x));
    const { items, NextToken } = page(subs, { MaxResults: 100, NextToken: input.NextToken }, { min: 1, max: 100, errorName: 'InvalidParameter' });
    return { Subscriptions: items, ...(NextToken ? { NextToken } : {}) };
  },

  GetSubscriptionAttributes(input, ctx) {
    const sub = typeof input.SubscriptionArn === 'string' ? snsState(ctx).subscriptions[input.SubscriptionArn] : undefined;
    if (!sub) throw new SimError('NotFound', 'Subscription does not exist', { httpStatusCode: 404 });
    return {
      Attributes: {
        SubscriptionArn: sub.arn,
        TopicArn: sub.topicArn,
        Owner: ctx.accountId,
        Protocol: sub.protocol,
        Endpoint: sub.endpoint,
        PendingConfirmation: String(sub.confirmedAt === undefined),
        ConfirmationWasAuthenticated: String(sub.confirmedAt !== undefined && !NEEDS_CONFIRMATION.includes(sub.protocol)),
        RawMessageDelivery: 'false',
        ...sub.attributes,
      },
    };
  },
};

/**
 * The endpoint's owner confirms the subscription (follows the link SNS mailed or posted).
 * Returns false when there is no such subscription (never made, or deleted unconfirmed).
 */
export function confirmSubscription(ctx: SimContext, subscriptionArn: string): boolean {
  const sub = snsState(ctx).subscriptions[subscriptionArn];
  if (!sub) return false;
  sub.confirmedAt ??= ctx.now();
  return true;
}
