/**
 * The web tier a project has in a persisted sandbox world, read through the real SDK
 * clients (read-only): every app resource by its `promigrate:key` tag (a key seen twice is
 * a duplicate), and the facts the e2e test checks.
 */
import { ListCertificatesCommand, ListTagsForCertificateCommand, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, ListTagsForResourceCommand as AlarmTags } from '@aws-sdk/client-cloudwatch';
import { DescribeLaunchTemplatesCommand } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTagsCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSubscriptionsByTopicCommand, ListTagsForResourceCommand as TopicTags, ListTopicsCommand } from '@aws-sdk/client-sns';
import { join } from 'node:path';
import { createAwsClients } from '../../src/aws/clients.js';
import { openSandbox } from '../../src/aws/sandbox/index.js';
import { tagsToRecord } from '../../src/aws/tags.js';

export interface AppInventory {
  keys: string[];
  loadBalancer?: { state?: string; scheme?: string; dnsName?: string };
  listeners: Array<{ port?: number; protocol?: string; sslPolicy?: string; action?: string }>;
  certificateStatus?: string;
  group?: { desired?: number; inService: number };
  healthyTargets: number;
  policies: number;
  alarms: string[];
  subscriptions: number;
}

export async function appInventory(stateDir: string, project: string, region = 'us-east-1'): Promise<AppInventory> {
  const sandbox = await openSandbox({ worldPath: join(stateDir, 'sandbox.json'), persist: false, region, faults: {} });
  const aws = createAwsClients({ region, dryRun: true, sandbox });
  const keys: string[] = [];
  const mine = (tags: Array<{ Key?: string; Value?: string }> | undefined): string | undefined => {
    const t = tagsToRecord(tags);
    return t['promigrate:project'] === project ? t['promigrate:key'] : undefined;
  };
  try {
    const out: AppInventory = { keys, listeners: [], healthyTargets: 0, policies: 0, alarms: [], subscriptions: 0 };
    const elb = await aws.elbv2;
    const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
    const tgs = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
    const arns = [...lbs.map((l) => l.LoadBalancerArn!), ...tgs.map((g) => g.TargetGroupArn!)];
    const tagged = arns.length ? (await elb.send(new DescribeTagsCommand({ ResourceArns: arns }))).TagDescriptions ?? [] : [];
    for (const d of tagged) {
      const key = mine(d.Tags);
      if (!key) continue;
      keys.push(key);
      const lb = lbs.find((l) => l.LoadBalancerArn === d.ResourceArn);
      if (lb) {
        out.loadBalancer = { state: lb.State?.Code, scheme: lb.Scheme, dnsName: lb.DNSName };
        for (const l of (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? []) {
          const listenerTags = (await elb.send(new DescribeTagsCommand({ ResourceArns: [l.ListenerArn!] }))).TagDescriptions?.[0]?.Tags;
          const lkey = mine(listenerTags);
          if (lkey) keys.push(lkey);
          out.listeners.push({ port: l.Port, protocol: l.Protocol, sslPolicy: l.SslPolicy, action: l.DefaultActions?.[0]?.Type });
        }
      }
      const tg = tgs.find((g) => g.TargetGroupArn === d.ResourceArn);
      if (tg) {
        const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? [];
        out.healthyTargets = health.filter((h) => h.TargetHealth?.State === 'healthy').length;
      }
    }
    const acm = await aws.acm;
    for (const c of (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []) {
      const key = mine((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: c.CertificateArn }))).Tags);
      if (!key) continue;
      keys.push(key);
      out.certificateStatus = (await acm.send(new DescribeCertificateCommand({ CertificateArn: c.CertificateArn }))).Certificate?.Status;
    }
    const asg = await aws.autoscaling;
    for (const g of (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? []) {
      const key = mine(g.Tags?.map((x) => ({ Key: x.Key, Value: x.Value })));
      if (!key) continue;
      keys.push(key);
      out.group = { desired: g.DesiredCapacity, inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length };
      out.policies = ((await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: g.AutoScalingGroupName }))).ScalingPolicies ?? []).length;
    }
    const ec2 = await aws.ec2;
    for (const lt of (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:promigrate:project', Values: [project] }] }))).LaunchTemplates ?? []) {
      const key = mine(lt.Tags);
      if (key) keys.push(key);
    }
    const cw = await aws.cloudwatch;
    for (const a of (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `promigrate-${project}-` }))).MetricAlarms ?? []) {
      const key = mine((await cw.send(new AlarmTags({ ResourceARN: a.AlarmArn }))).Tags);
      if (!key) continue;
      keys.push(key);
      out.alarms.push(a.AlarmName!);
    }
    const sns = await aws.sns;
    for (const topic of (await sns.send(new ListTopicsCommand({}))).Topics ?? []) {
      const key = mine((await sns.send(new TopicTags({ ResourceArn: topic.TopicArn }))).Tags);
      if (!key) continue;
      keys.push(key);
      out.subscriptions = ((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.TopicArn }))).Subscriptions ?? []).length;
    }
    keys.sort();
    return out;
  } finally {
    aws.destroy();
  }
}
