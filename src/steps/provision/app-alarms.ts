/**
 * The web tier's alarms: an SNS topic with app.alarmEmails subscribed (each address confirms
 * by e-mail), and three CloudWatch alarms to it — the load balancer's target 5xx share
 * (metric math over HTTPCode_Target_5XX_Count and RequestCount), unhealthy hosts in the
 * target group, and the Auto Scaling group's average CPU well above its scaling target.
 * API: SNS API reference (CreateTopic is idempotent by name, Subscribe, ListSubscriptionsByTopic,
 * DeleteTopic); CloudWatch API reference (PutMetricAlarm creates or replaces by name,
 * DescribeAlarms, DeleteAlarms); metric names: ELB guide, "CloudWatch metrics for your
 * Application Load Balancer".
 */
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, DeleteTopicCommand, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { unlessNotFound } from '../../aws/errors.js';
import type { MigrationConfig } from '../../config/schema.js';
import { foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';
import { APP_KEYS, alarmName, alarmTopicName, autoScalingGroupName } from './app-names.js';

const snsOf = (t: TaskContext): Promise<SNSClient> => t.step.aws.sns;
const cwOf = (t: TaskContext): Promise<CloudWatchClient> => t.step.aws.cloudwatch;

export function appAlarmTasks(config: MigrationConfig): ResourceTask[] {
  if (!config.app) return [];
  return [topicTask(), ...ALARMS.map(alarmTask)];
}

const topicParams = (t: TaskContext) => ({ Name: alarmTopicName(t.project), Tags: t.tags(APP_KEYS.alarmTopic, alarmTopicName(t.project)) });

async function subscribeMissing(t: TaskContext, topicArn: string): Promise<void> {
  const sns = await snsOf(t);
  const existing = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(NextToken ? { NextToken } : {}) }));
    for (const s of page.Subscriptions ?? []) if (s.Protocol === 'email' && s.Endpoint) existing.add(s.Endpoint.toLowerCase());
    NextToken = page.NextToken;
  } while (NextToken);
  for (const email of t.config.app!.alarmEmails) {
    if (!existing.has(email.toLowerCase())) await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: email }));
  }
}

function topicTask(): ResourceTask {
  const arnOf = async (t: TaskContext): Promise<string | undefined> => {
    const key = t.step.resource(APP_KEYS.alarmTopic);
    return key?.id;
  };
  const owned = async (t: TaskContext, arn: string): Promise<string | undefined> => {
    const sns = await snsOf(t);
    const tags = await unlessNotFound(() => sns.send(new ListTagsForResourceCommand({ ResourceArn: arn })), 'NotFound', 'ResourceNotFound');
    if (!tags) return 'gone';
    return foreignOwner(tags.Tags, t.project);
  };
  return {
    key: APP_KEYS.alarmTopic,
    type: 'sns:topic',
    title: 'SNS topic of the alarms (e-mail subscriptions)',
    dependsOn: [],
    enabled: (c) => c.app !== undefined,
    async find(t) {
      const arn = await arnOf(t);
      if (!arn || (await owned(t, arn))) return undefined;
      return { id: arn, arn };
    },
    planCreate: (t) => [
      { operation: 'sns:CreateTopic', params: topicParams(t) },
      ...t.config.app!.alarmEmails.map((email) => ({ operation: 'sns:Subscribe', params: { TopicArn: `<${APP_KEYS.alarmTopic}>`, Protocol: 'email', Endpoint: email } })),
    ],
    async create(t) {
      const sns = await snsOf(t);
      // CreateTopic with the name of an existing topic (same attributes and tags) returns it.
      const arn = (await sns.send(new CreateTopicCommand(topicParams(t)))).TopicArn!;
      const problem = await owned(t, arn);
      if (problem) throw new Error(`SNS topic ${alarmTopicName(t.project)} exists and is not this project's: ${problem}`);
      return { id: arn, arn };
    },
    async waitReady(t, found) {
      await subscribeMissing(t, found.id);
    },
    async destroy(t, id) {
      const problem = await owned(t, id);
      if (problem === 'gone') return;
      if (problem) leaveForeign(t, APP_KEYS.alarmTopic, id, problem);
      const sns = await snsOf(t);
      await unlessNotFound(() => sns.send(new DeleteTopicCommand({ TopicArn: id })), 'NotFound');
    },
  };
}

interface AlarmSpec {
  key: string;
  suffix: string;
  title: string;
  dependsOn: string[];
  params(t: TaskContext): Omit<PutMetricAlarmCommandInput, 'AlarmName' | 'AlarmActions' | 'OKActions' | 'Tags'>;
}

const ALARMS: AlarmSpec[] = [
  {
    key: APP_KEYS.alarm5xx,
    suffix: 'alb-5xx',
    title: 'alarm: more than 5 % of requests answered 5xx by the web tier',
    dependsOn: [APP_KEYS.loadBalancer],
    params: (t) => {
      const lb = String(t.outputs(APP_KEYS.loadBalancer).dimension ?? `<${APP_KEYS.loadBalancer}>`);
      const metric = (id: string, name: string) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: [{ Name: 'LoadBalancer', Value: lb }] }, Period: 60, Stat: 'Sum' } });
      return {
        AlarmDescription: `promigrate ${t.project}: the web tier answers more than 5 % of requests with 5xx`,
        Metrics: [metric('errors', 'HTTPCode_Target_5XX_Count'), metric('requests', 'RequestCount'), { Id: 'share', Expression: '100 * errors / requests', Label: '5xx %', ReturnData: true }],
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      };
    },
  },
  {
    key: APP_KEYS.alarmUnhealthy,
    suffix: 'unhealthy-hosts',
    title: 'alarm: an unhealthy instance behind the load balancer',
    dependsOn: [APP_KEYS.loadBalancer, APP_KEYS.targetGroup],
    params: (t) => ({
      AlarmDescription: `promigrate ${t.project}: an instance of the web tier fails the load balancer's health check`,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'UnHealthyHostCount',
      Dimensions: [
        { Name: 'TargetGroup', Value: String(t.outputs(APP_KEYS.targetGroup).dimension ?? `<${APP_KEYS.targetGroup}>`) },
        { Name: 'LoadBalancer', Value: String(t.outputs(APP_KEYS.loadBalancer).dimension ?? `<${APP_KEYS.loadBalancer}>`) },
      ],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    }),
  },
  {
    key: APP_KEYS.alarmCpu,
    suffix: 'cpu',
    title: 'alarm: the web tier\'s CPU stays high',
    dependsOn: [APP_KEYS.autoScalingGroup],
    params: (t) => ({
      AlarmDescription: `promigrate ${t.project}: average CPU of the web tier above ${Math.min(95, t.config.app!.cpuTargetPercent + 20)} % for 15 minutes (scaling does not keep up)`,
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: autoScalingGroupName(t.project) }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: Math.min(95, t.config.app!.cpuTargetPercent + 20),
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    }),
  },
];

function alarmTask(spec: AlarmSpec): ResourceTask {
  const name = (t: TaskContext) => alarmName(t.project, spec.suffix);
  const input = (t: TaskContext): PutMetricAlarmCommandInput => ({
    AlarmName: name(t),
    ...spec.params(t),
    AlarmActions: [t.id(APP_KEYS.alarmTopic)],
    OKActions: [t.id(APP_KEYS.alarmTopic)],
    Tags: t.tags(spec.key, name(t)),
  });
  const describe = async (t: TaskContext) => {
    const cw = await cwOf(t);
    return (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name(t)], AlarmTypes: ['MetricAlarm'] }))).MetricAlarms?.[0];
  };
  return {
    key: spec.key,
    type: 'cloudwatch:alarm',
    title: spec.title,
    dependsOn: [APP_KEYS.alarmTopic, ...spec.dependsOn],
    enabled: (c) => c.app !== undefined,
    async find(t) {
      const alarm = await describe(t);
      return alarm ? { id: alarm.AlarmName!, ...(alarm.AlarmArn ? { arn: alarm.AlarmArn } : {}) } : undefined;
    },
    planCreate: (t) => [{ operation: 'cloudwatch:PutMetricAlarm', params: input(t) as unknown as Record<string, unknown> }],
    async create(t) {
      const cw = await cwOf(t);
      await cw.send(new PutMetricAlarmCommand(input(t)));
      const alarm = await describe(t);
      return { id: name(t), ...(alarm?.AlarmArn ? { arn: alarm.AlarmArn } : {}) } satisfies FoundResource;
    },
    async destroy(t, id) {
      const cw = await cwOf(t);
      if (!(await describe(t))) return;
      await unlessNotFound(() => cw.send(new DeleteAlarmsCommand({ AlarmNames: [id] })), 'ResourceNotFound');
    },
  };
}
