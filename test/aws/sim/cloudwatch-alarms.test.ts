import {
  CloudWatchClient,
  CloudWatchServiceException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListTagsForResourceCommand,
  MissingRequiredParameterException,
  PutMetricAlarmCommand,
  ResourceNotFound,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { Sandbox } from '../../../src/aws/sandbox/index.js';
import { makeSandbox } from '../../helpers/sandbox.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:shop-alarms';
const ARN = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;

let sandbox: Sandbox;
let cw: CloudWatchClient;

beforeEach(async () => {
  const made = await makeSandbox({ accountId: '123456789012' });
  sandbox = made.sandbox;
  cw = await made.clients.cloudwatch;
});

async function failure(promise: Promise<unknown>): Promise<CloudWatchServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as CloudWatchServiceException;
  }
  throw new Error('expected the call to fail');
}

const base: PutMetricAlarmCommandInput = {
  AlarmName: 'shop-5xx',
  AlarmDescription: 'Targets answer 5xx',
  Namespace: 'AWS/ApplicationELB',
  MetricName: 'HTTPCode_Target_5XX_Count',
  Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/0123456789abcdef' }],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 5,
  DatapointsToAlarm: 3,
  Threshold: 10,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  AlarmActions: [TOPIC],
  OKActions: [TOPIC],
};
const put = (over: Partial<PutMetricAlarmCommandInput> = {}) => cw.send(new PutMetricAlarmCommand({ ...base, ...over }));
const alarm = async (name = 'shop-5xx') => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0]!;

describe('CloudWatch PutMetricAlarm / DescribeAlarms', () => {
  it('creates an alarm in INSUFFICIENT_DATA, then evaluates it with no metric data (missing → INSUFFICIENT_DATA)', async () => {
    const createdAt = sandbox.clock.now();
    await put({ Tags: [{ Key: 'promigrate:project', Value: 'shop' }] });
    const a = await alarm();
    expect(a).toMatchObject({
      AlarmName: 'shop-5xx',
      AlarmArn: ARN('shop-5xx'),
      AlarmDescription: 'Targets answer 5xx',
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
      InsufficientDataActions: [],
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
    });
    expect(a.StateUpdatedTimestamp!.getTime()).toBe(createdAt);
    await sandbox.clock.sleep(sandbox.durations.cloudwatchAlarmEvaluation);
    const evaluated = await alarm();
    expect(evaluated.StateValue).toBe('INSUFFICIENT_DATA');
    expect(evaluated.StateReason).toBe('Insufficient Data: 3 datapoints were unknown.');
    expect(JSON.parse(evaluated.StateReasonData!)).toMatchObject({ version: '1.0', statistic: 'Sum', period: 60, recentDatapoints: [] });
    // The value did not change: neither did its timestamp.
    expect(evaluated.StateUpdatedTimestamp!.getTime()).toBe(createdAt);
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: ARN('shop-5xx') }))).Tags).toEqual([{ Key: 'promigrate:project', Value: 'shop' }]);
  });

  it('goes OK with notBreaching and ALARM with breaching missing data; an update keeps the state and tags, then re-evaluates', async () => {
    await put({ TreatMissingData: 'notBreaching', EvaluationPeriods: 1, DatapointsToAlarm: 1, Tags: [{ Key: 'a', Value: '1' }] });
    await sandbox.clock.sleep(sandbox.durations.cloudwatchAlarmEvaluation);
    const ok = await alarm();
    expect(ok.StateValue).toBe('OK');
    expect(ok.StateReason).toBe('Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].');
    const okAt = ok.StateUpdatedTimestamp!.getTime();

    await sandbox.clock.sleep(10 * 60_000);
    await put({ TreatMissingData: 'breaching', EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 5, Tags: [{ Key: 'b', Value: '2' }] });
    const updated = await alarm();
    expect(updated).toMatchObject({ StateValue: 'OK', Threshold: 5, TreatMissingData: 'breaching' });
    expect(updated.StateUpdatedTimestamp!.getTime()).toBe(okAt);
    expect(updated.AlarmConfigurationUpdatedTimestamp!.getTime()).toBe(sandbox.clock.now());
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: ARN('shop-5xx') }))).Tags).toEqual([{ Key: 'a', Value: '1' }]);
    await sandbox.clock.sleep(sandbox.durations.cloudwatchAlarmEvaluation);
    const alarmed = await alarm();
    expect(alarmed.StateValue).toBe('ALARM');
    expect(alarmed.StateReason).toBe('Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].');
    expect(alarmed.StateTransitionedTimestamp!.getTime()).toBe(sandbox.clock.now());

    // ignore keeps whatever state the alarm is in.
    await put({ TreatMissingData: 'ignore' });
    await sandbox.clock.sleep(60 * 60_000);
    expect((await alarm()).StateValue).toBe('ALARM');
  });

  it('filters DescribeAlarms by names, prefix, state and action prefix, alphabetically and in pages', async () => {
    await put({ AlarmName: 'shop-latency', TreatMissingData: 'notBreaching' });
    await put({ AlarmName: 'blog-5xx', AlarmActions: [], OKActions: [] });
    await put({ AlarmName: 'shop-5xx' });
    await sandbox.clock.sleep(sandbox.durations.cloudwatchAlarmEvaluation);
    const names = async (input: Record<string, unknown>) =>
      ((await cw.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []).map((a) => a.AlarmName);
    expect(await names({})).toEqual(['blog-5xx', 'shop-5xx', 'shop-latency']);
    expect(await names({ AlarmNamePrefix: 'shop-' })).toEqual(['shop-5xx', 'shop-latency']);
    expect(await names({ StateValue: 'OK' })).toEqual(['shop-latency']);
    expect(await names({ ActionPrefix: 'arn:aws:sns:us-east-1:123456789012:shop' })).toEqual(['shop-5xx', 'shop-latency']);
    expect(await names({ AlarmTypes: ['CompositeAlarm'] })).toEqual([]);
    const p1 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 2 }));
    expect(p1.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['blog-5xx', 'shop-5xx']);
    const p2 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 2, NextToken: p1.NextToken }));
    expect(p2.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['shop-latency']);
    expect(await failure(cw.send(new DescribeAlarmsCommand({ AlarmNames: ['x'], AlarmNamePrefix: 'x' })))).toBeInstanceOf(InvalidParameterCombinationException);
    expect((await failure(cw.send(new DescribeAlarmsCommand({ NextToken: 'bogus' })))).name).toBe('InvalidNextToken');
  });

  it('takes a metric-math alarm (Metrics) with exactly one ReturnData', async () => {
    const metric = (Id: string, MetricName: string) => ({
      Id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: base.Dimensions }, Period: 60, Stat: 'Sum' },
    });
    await put({
      Namespace: undefined, MetricName: undefined, Dimensions: undefined, Statistic: undefined, Period: undefined,
      Metrics: [metric('errors', 'HTTPCode_Target_5XX_Count'), metric('requests', 'RequestCount'), { Id: 'rate', Expression: '100 * errors / requests', Label: 'Error rate' }],
    });
    const a = await alarm();
    expect(a.Metrics!.map((m) => [m.Id, m.ReturnData])).toEqual([['errors', false], ['requests', false], ['rate', true]]);
    expect(a.MetricName).toBeUndefined();
    const two = await failure(put({
      Namespace: undefined, MetricName: undefined, Dimensions: undefined, Statistic: undefined, Period: undefined,
      Metrics: [{ ...metric('a', 'RequestCount'), ReturnData: true }, { Id: 'b', Expression: 'a * 2' }],
    }));
    expect(two).toBeInstanceOf(ValidationException);
    expect(two.message).toBe('Exactly one element of the metrics list should return data.');
    expect(await failure(put({ Metrics: [{ Id: 'x', Expression: '1' }] }))).toBeInstanceOf(ValidationException);
  });
});

describe('CloudWatch PutMetricAlarm refusals', () => {
  it('refuses invalid periods, ranges and combinations with CloudWatch errors', async () => {
    const period = await failure(put({ Period: 90 }));
    expect(period).toBeInstanceOf(ValidationException);
    expect(period.message).toBe('Period must be 10, 20, 30 or a multiple of 60');
    await expect(put({ AlarmName: 'hi-res', Period: 10, EvaluationPeriods: 6 })).resolves.toBeDefined();
    expect((await failure(put({ DatapointsToAlarm: 6 }))).message).toBe('DatapointsToAlarm must be less than or equal to EvaluationPeriods');
    expect((await failure(put({ Period: 300, EvaluationPeriods: 289, DatapointsToAlarm: 1 }))).message)
      .toBe('Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)');
    await expect(put({ AlarmName: 'daily', Period: 3600, EvaluationPeriods: 168, DatapointsToAlarm: 1 })).resolves.toBeDefined();
    expect(await failure(put({ Statistic: undefined }))).toBeInstanceOf(MissingRequiredParameterException);
    expect(await failure(put({ ExtendedStatistic: 'p99' }))).toBeInstanceOf(InvalidParameterCombinationException);
    await expect(put({ AlarmName: 'p99', Statistic: undefined, ExtendedStatistic: 'p99.9' })).resolves.toBeDefined();
    expect(await failure(put({ Statistic: undefined, ExtendedStatistic: 'p101' }))).toBeInstanceOf(ValidationException);
    expect(await failure(put({ Threshold: undefined }))).toBeInstanceOf(MissingRequiredParameterException);
    expect(await failure(put({ ComparisonOperator: 'LessThanLowerThreshold' }))).toBeInstanceOf(ValidationException);
    expect(await failure(put({ TreatMissingData: 'sometimes' }))).toBeInstanceOf(ValidationException);
    const name = await failure(put({ AlarmName: '' }));
    expect(name).toBeInstanceOf(ValidationException);
    expect(name.message).toBe("1 validation error detected: Value '' at 'alarmName' failed to satisfy constraint: Member must have length greater than or equal to 1");
    expect(await failure(put({ Namespace: ':bad' }))).toBeInstanceOf(ValidationException);
  });

  it('checks the actions against the documented ARN forms and the alarm Region, not that topics exist', async () => {
    // CloudWatch accepts a topic that does not exist (the console only warns).
    await expect(put({ AlarmActions: ['arn:aws:sns:us-east-1:123456789012:nobody-made-this'] })).resolves.toBeDefined();
    const region = await failure(put({ AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:shop-alarms'] }));
    expect(region).toBeInstanceOf(ValidationException);
    expect(region.message).toBe('Invalid region eu-west-1 specified. Only us-east-1 is supported.');
    expect(await failure(put({ AlarmActions: ['shop-alarms'] }))).toBeInstanceOf(ValidationException);
    expect(await failure(put({ AlarmActions: ['arn:aws:automate:us-east-1:ec2:reboot'] }))).toBeInstanceOf(ValidationException);
    await expect(put({ AlarmName: 'cpu', Namespace: 'AWS/EC2', MetricName: 'StatusCheckFailed_System', Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }], AlarmActions: ['arn:aws:automate:us-east-1:ec2:recover'] })).resolves.toBeDefined();
    const six = Array.from({ length: 6 }, (_, i) => `${TOPIC}${i}`);
    expect(await failure(put({ AlarmActions: six }))).toBeInstanceOf(ValidationException);
  });
});

describe('CloudWatch DeleteAlarms and alarm tags', () => {
  it('deletes nothing when any name is unknown (ResourceNotFound), else all named', async () => {
    await put();
    await put({ AlarmName: 'shop-latency' });
    const nf = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['shop-5xx', 'nope'] })));
    expect(nf).toBeInstanceOf(ResourceNotFound);
    expect(nf.$metadata.httpStatusCode).toBe(404);
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toHaveLength(2);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['shop-5xx', 'shop-latency'] }));
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });

  it('tags and untags an alarm by ARN', async () => {
    await put();
    await cw.send(new TagResourceCommand({ ResourceARN: ARN('shop-5xx'), Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }] }));
    await cw.send(new UntagResourceCommand({ ResourceARN: ARN('shop-5xx'), TagKeys: ['team'] }));
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: ARN('shop-5xx') }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    expect(await failure(cw.send(new ListTagsForResourceCommand({ ResourceARN: ARN('nope') })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await failure(cw.send(new ListTagsForResourceCommand({ ResourceARN: 'shop-5xx' })))).toBeInstanceOf(InvalidParameterValueException);
    // Alarms are regional: the same name in another Region is another alarm.
    const west = await createAwsClients({ region: 'us-west-2', dryRun: false, sandbox }).cloudwatch;
    expect((await west.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
    expect(await failure(west.send(new ListTagsForResourceCommand({ ResourceARN: ARN('shop-5xx') })))).toBeInstanceOf(ResourceNotFoundException);
  });
});
