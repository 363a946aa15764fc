/**
 * Simulated Amazon SNS: topics (CreateTopic idempotent by name, attributes, ListTopics,
 * DeleteTopic with its subscriptions), subscriptions (Subscribe with SNS's endpoint checks,
 * e-mail and HTTP(S) pending confirmation, Unsubscribe, listings) and topic tags. Nothing is
 * ever delivered: Publish is not simulated.
 *
 * `confirmSubscription` stands in for an endpoint's owner following the confirmation link.
 */
import type { ServiceSimulator } from '../types.js';
import { subscriptionHandlers } from './sns/subscriptions.js';
import { tagHandlers } from './sns/tags.js';
import { topicHandlers } from './sns/topics.js';

export { confirmSubscription } from './sns/subscriptions.js';

export const snsSimulator: ServiceSimulator = { ...topicHandlers, ...subscriptionHandlers, ...tagHandlers };
