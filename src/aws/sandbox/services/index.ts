/** Every simulated service, by the sandbox's service name. */
import type { ServiceName, ServiceSimulator } from '../types.js';
import { cloudWatchSimulator } from './cloudwatch.js';
import { dmsSimulator } from './dms.js';
import { ec2Simulator } from './ec2.js';
import { iamSimulator } from './iam.js';
import { instanceConnectSimulator } from './instance-connect.js';
import { acmSimulator } from './acm.js';
import { autoScalingSimulator } from './autoscaling.js';
import { elbv2Simulator } from './elbv2.js';
import { snsSimulator } from './sns.js';
import { ssmSimulator } from './ssm.js';
import { rdsSimulator } from './rds.js';
import { route53Simulator } from './route53.js';
import { secretsManagerSimulator } from './secretsmanager.js';
import { stsSimulator } from './sts.js';

export const simulators: Record<ServiceName, ServiceSimulator> = {
  ec2: ec2Simulator,
  rds: rdsSimulator,
  dms: dmsSimulator,
  route53: route53Simulator,
  sts: stsSimulator,
  secretsmanager: secretsManagerSimulator,
  cloudwatch: cloudWatchSimulator,
  iam: iamSimulator,
  'ec2-instance-connect': instanceConnectSimulator,
  elbv2: elbv2Simulator,
  autoscaling: autoScalingSimulator,
  acm: acmSimulator,
  sns: snsSimulator,
  ssm: ssmSimulator,
};
