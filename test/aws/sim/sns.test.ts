import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  NotFoundException,
  ResourceNotFoundException,
  SetTopicAttributesCommand,
  SNSClient,
  SNSServiceException,
  SubscribeCommand,
  TagLimitExceededException,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { confirmSubscription } from '../../../src/aws/sandbox/services/sns.js';
import { makeSandbox } from '../../helpers/sandbox.js';

const HOUR = 3_600_000;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:shop-alarms';

let sandbox: Sandbox;
let sns: SNSClient;

beforeEach(async () => {
  const made = await makeSandbox({ accountId: '123456789012' });
  sandbox = made.sandbox;
  sns = await made.clients.sns;
});

async function failure(promise: Promise<unknown>): Promise<SNSServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as SNSServiceException;
  }
  throw new Error('expected the call to fail');
}

const createTopic = (input: Record<string, unknown> = {}) =>
  sns.send(new CreateTopicCommand({ Name: 'shop-alarms', ...input })).then((r) => r.TopicArn!);
const attributes = (TopicArn = TOPIC) => sns.send(new GetTopicAttributesCommand({ TopicArn })).then((r) => r.Attributes!);
const subscribe = (Endpoint: string, Protocol = 'email', extra: Record<string, unknown> = {}) =>
  sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol, Endpoint, ...extra })).then((r) => r.SubscriptionArn!);
const listSubs = () => sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC })).then((r) => r.Subscriptions!);

describe('SNS topics', () => {
  it('creates a topic idempotently by name, and refuses the same name with other attributes or tags', async () => {
    const tags = [{ Key: 'promigrate:project', Value: 'shop' }];
    expect(await createTopic({ Attributes: { DisplayName: 'Shop alarms' }, Tags: tags })).toBe(TOPIC);
    expect(await createTopic({ Attributes: { DisplayName: 'Shop alarms' }, Tags: tags })).toBe(TOPIC);
    // Fewer attributes and no tags name the same topic.
    expect(await createTopic()).toBe(TOPIC);
    const attrs = await failure(createTopic({ Attributes: { DisplayName: 'Other' } }));
    expect(attrs).toBeInstanceOf(InvalidParameterException);
    expect(attrs.message).toBe('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    const other = await failure(createTopic({ Tags: [{ Key: 'promigrate:project', Value: 'blog' }] }));
    expect(other.message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags');
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: TOPIC }]);
  });

  it('answers GetTopicAttributes with the defaults SNS adds, and SetTopicAttributes', async () => {
    await createTopic({ Attributes: { DisplayName: 'Shop' } });
    const a = await attributes();
    expect(a).toMatchObject({ TopicArn: TOPIC, Owner: '123456789012', DisplayName: 'Shop', SubscriptionsConfirmed: '0', SubscriptionsPending: '0', SubscriptionsDeleted: '0' });
    expect(JSON.parse(a.Policy!).Statement[0].Resource).toBe(TOPIC);
    expect(a.FifoTopic).toBeUndefined();
    await sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC, AttributeName: 'DisplayName', AttributeValue: 'Alarms' }));
    expect((await attributes()).DisplayName).toBe('Alarms');
    expect(await failure(sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC, AttributeName: 'Colour', AttributeValue: 'x' })))).toBeInstanceOf(InvalidParameterException);
    const fifo = await createTopic({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } });
    expect(await attributes(fifo)).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'false' });
  });

  it('validates names, ARNs and existence as SNS does', async () => {
    expect((await failure(createTopic({ Name: 'bad name' }))).message).toBe('Invalid parameter: Topic Name');
    expect((await failure(createTopic({ Name: 'orders.fifo' }))).message).toBe('Invalid parameter: Topic Name');
    expect((await failure(createTopic({ Name: 'orders', Attributes: { FifoTopic: 'true' } }))).message).toMatch(/^Fifo Topic names must end with \.fifo/);
    expect((await failure(createTopic({ Attributes: { ContentBasedDeduplication: 'true' } }))).message).toMatch(/only valid for FIFO topics/);
    const nf = await failure(attributes());
    expect(nf).toBeInstanceOf(NotFoundException);
    expect([nf.message, nf.$metadata.httpStatusCode]).toEqual(['Topic does not exist', 404]);
    const bad = await failure(attributes('shop-alarms'));
    expect([bad.name, bad.message]).toEqual(['InvalidParameterException', 'Invalid parameter: TopicArn']);
    expect((await failure(attributes('arn:aws:sns:eu-west-1:123456789012:shop-alarms'))).message).toBe('Invalid parameter: TopicArn');
  });

  it('pages ListTopics by 100', async () => {
    for (let i = 0; i < 101; i++) await createTopic({ Name: `t${i}` });
    const first = await sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.Topics).toEqual([{ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t100' }]);
    expect(second.NextToken).toBeUndefined();
  });

  it('deletes a topic with its subscriptions, idempotently', async () => {
    await createTopic();
    await subscribe('ops@example.com');
    const sqs = await subscribe('arn:aws:sqs:us-east-1:123456789012:ops', 'sqs');
    await sns.send(new DeleteTopicCommand({ TopicArn: TOPIC }));
    await sns.send(new DeleteTopicCommand({ TopicArn: TOPIC }));
    expect(await failure(listSubs())).toBeInstanceOf(NotFoundException);
    expect(await failure(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sqs })))).toBeInstanceOf(NotFoundException);
    // Recreated, it has no subscription.
    await createTopic();
    expect(await listSubs()).toEqual([]);
  });
});

describe('SNS subscriptions', () => {
  beforeEach(async () => {
    await createTopic();
  });

  it('leaves an e-mail subscription pending confirmation, and deletes it after 48 hours unconfirmed', async () => {
    expect(await subscribe('ops@example.com')).toBe('pending confirmation');
    // Subscribing the same address again sends another confirmation and changes nothing.
    expect(await subscribe('ops@example.com')).toBe('pending confirmation');
    const arn = await subscribe('ops@example.com', 'email', { ReturnSubscriptionArn: true });
    expect(arn).toMatch(/^arn:aws:sns:us-east-1:123456789012:shop-alarms:[0-9a-f-]{36}$/);
    expect(await listSubs()).toEqual([
      { SubscriptionArn: 'PendingConfirmation', Owner: '123456789012', Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: TOPIC },
    ]);
    expect((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes).toMatchObject({ PendingConfirmation: 'true', Protocol: 'email' });
    expect((await attributes()).SubscriptionsPending).toBe('1');
    const pending = await failure(sns.send(new UnsubscribeCommand({ SubscriptionArn: arn })));
    expect(pending).toBeInstanceOf(InvalidParameterException);

    await sandbox.clock.sleep(48 * HOUR);
    expect(await listSubs()).toEqual([]);
    expect(await attributes()).toMatchObject({ SubscriptionsPending: '0', SubscriptionsDeleted: '1' });
  });

  it('lists a confirmed subscription by its ARN, and unsubscribes it', async () => {
    const arn = await subscribe('ops@example.com', 'email', { ReturnSubscriptionArn: true });
    expect(confirmSubscription(sandbox.context(), arn)).toBe(true);
    expect((await listSubs())[0]!.SubscriptionArn).toBe(arn);
    expect(await subscribe('ops@example.com')).toBe(arn);
    expect((await attributes()).SubscriptionsConfirmed).toBe('1');
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    expect(await listSubs()).toEqual([]);
    expect((await attributes()).SubscriptionsDeleted).toBe('1');
    const notArn = await failure(sns.send(new UnsubscribeCommand({ SubscriptionArn: 'pending confirmation' })));
    expect(notArn.message).toBe('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1');
  });

  it('confirms same-account SQS and Lambda subscriptions at once and leaves HTTPS pending', async () => {
    const sqs = await subscribe('arn:aws:sqs:us-east-1:123456789012:ops', 'sqs');
    expect(sqs).toMatch(/^arn:aws:sns:/);
    expect(await subscribe('https://hooks.example.com/sns', 'https')).toBe('pending confirmation');
    const lambda = await subscribe('arn:aws:lambda:us-east-1:123456789012:function:notify', 'lambda');
    expect((await listSubs()).map((s) => s.SubscriptionArn)).toEqual([sqs, 'PendingConfirmation', lambda]);
  });

  it('checks the endpoint against its protocol with SNS messages', async () => {
    const cases: Array<[string, string, string | RegExp]> = [
      ['not-an-address', 'email', 'Invalid parameter: Email address'],
      ['ops@', 'email-json', 'Invalid parameter: Email address'],
      ['http://hooks.example.com', 'https', 'Invalid parameter: Endpoint must match the specified protocol'],
      ['arn:aws:sns:us-east-1:123456789012:x', 'sqs', 'Invalid parameter: SQS endpoint ARN'],
      ['notify', 'lambda', 'Invalid parameter: Lambda endpoint ARN'],
      ['call-me', 'sms', 'Invalid SMS endpoint: call-me'],
      ['ops@example.com', 'pigeon', 'Invalid parameter: Amazon SNS does not support this protocol string: pigeon'],
    ];
    for (const [endpoint, protocol, message] of cases) {
      const err = await failure(subscribe(endpoint, protocol));
      expect(err, `${protocol} ${endpoint}`).toBeInstanceOf(InvalidParameterException);
      expect(err.message).toEqual(message);
    }
    const raw = await failure(subscribe('ops@example.com', 'email', { Attributes: { RawMessageDelivery: 'true' } }));
    expect(raw.message).toBe('Invalid parameter: Attributes Reason: Delivery protocol [email] does not support raw message delivery.');
    const gone = await failure(sns.send(new SubscribeCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope', Protocol: 'email', Endpoint: 'ops@example.com' })));
    expect(gone).toBeInstanceOf(NotFoundException);
    await subscribe('arn:aws:sqs:us-east-1:123456789012:ops', 'sqs', { Attributes: { RawMessageDelivery: 'true' } });
    const changed = await failure(subscribe('arn:aws:sqs:us-east-1:123456789012:ops', 'sqs', { Attributes: { RawMessageDelivery: 'false' } }));
    expect(changed.message).toBe('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
  });
});

describe('SNS topic tags', () => {
  it('tags, lists and untags a topic; refuses unknown topics and too many tags', async () => {
    await createTopic({ Tags: [{ Key: 'a', Value: '1' }] });
    await sns.send(new TagResourceCommand({ ResourceArn: TOPIC, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '3' }] }));
    const list = async () => (await sns.send(new ListTagsForResourceCommand({ ResourceArn: TOPIC }))).Tags;
    expect(await list()).toEqual([{ Key: 'a', Value: '3' }, { Key: 'b', Value: '2' }]);
    await sns.send(new UntagResourceCommand({ ResourceArn: TOPIC, TagKeys: ['a'] }));
    expect(await list()).toEqual([{ Key: 'b', Value: '2' }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await failure(sns.send(new TagResourceCommand({ ResourceArn: TOPIC, Tags: many })))).toBeInstanceOf(TagLimitExceededException);
    const dup = await failure(sns.send(new TagResourceCommand({ ResourceArn: TOPIC, Tags: [{ Key: 'x', Value: '1' }, { Key: 'x', Value: '2' }] })));
    expect(dup.message).toBe('Invalid parameter: Duplicated keys are not allowed.');
    const missing = await failure(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${TOPIC}-nope` })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});
