/**
 * The app tier's state keys and AWS names. Load balancer and target group names are at most
 * 32 characters of letters, digits and hyphens, neither starting nor ending with a hyphen
 * (ELBv2 API reference, CreateLoadBalancer / CreateTargetGroup "Name"): a long project name
 * is cut and keeps a short hash, so two long projects never share a name.
 */
import { createHash } from 'node:crypto';

export const APP_KEYS = {
  certificate: 'app.certificate',
  targetGroup: 'app.target-group',
  loadBalancer: 'app.load-balancer',
  listenerHttps: 'app.listener.https',
  listenerHttp: 'app.listener.http',
  launchTemplate: 'app.launch-template',
  autoScalingGroup: 'app.auto-scaling-group',
  scalingPolicy: 'app.scaling-policy',
  alarmTopic: 'app.alarm-topic',
  alarm5xx: 'app.alarm.5xx',
  alarmUnhealthy: 'app.alarm.unhealthy-hosts',
  alarmCpu: 'app.alarm.cpu',
} as const;

/** `<project>-<suffix>`, cut to ELBv2's 32 characters with a 4-hex hash of the whole name when too long. */
export function elbName(project: string, suffix: string): string {
  const full = `${project}-${suffix}`;
  if (full.length <= 32) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 4);
  const head = full.slice(0, 32 - suffix.length - 6).replace(/-+$/, '');
  return `${head}-${hash}-${suffix}`;
}

export const launchTemplateName = (project: string): string => `promigrate-${project}-app`;
export const autoScalingGroupName = (project: string): string => `promigrate-${project}-app`;
export const scalingPolicyName = (project: string): string => `promigrate-${project}-cpu-target`;
export const alarmTopicName = (project: string): string => `promigrate-${project}-alarms`;
export const alarmName = (project: string, what: string): string => `promigrate-${project}-${what}`;

/** The public SSM parameter of the latest Amazon Linux 2023 x86_64 AMI (EC2 user guide, "Query for the latest Amazon Linux AMI IDs using Systems Manager Parameter Store"). */
export const AL2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
