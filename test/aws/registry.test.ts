import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetHostedZoneCommand, NoSuchHostedZone } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { makeSandbox } from '../helpers/sandbox.js';

import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { simulators } from '../../src/aws/sandbox/services/index.js';

// The simulators are tested on their own; this checks the wiring (registry, wire-level
// errors in each protocol, hooks).
describe('the default simulator registry', () => {
  it('has every service', () => {
    expect(Object.keys(simulators).sort()).toEqual(['acm', 'autoscaling', 'cloudwatch', 'dms', 'ec2', 'ec2-instance-connect', 'elbv2', 'iam', 'rds', 'route53', 'secretsmanager', 'sns', 'ssm', 'sts']);
  });

  it('answers CloudWatch (awsJson 1.0) through the real client, errors included', async () => {
    const { clients } = await makeSandbox();
    const cw = await clients.cloudwatch;
    const query = {
      Namespace: 'AWS/DMS',
      MetricName: 'CDCLatencySource',
      Dimensions: [{ Name: 'ReplicationInstanceIdentifier', Value: 'x' }, { Name: 'ReplicationTaskIdentifier', Value: 'y' }],
      StartTime: new Date(Date.UTC(2025, 0, 6, 8)),
      EndTime: new Date(Date.UTC(2025, 0, 6, 9)),
      Period: 60,
      Statistics: ['Average' as const],
    };
    const ok = await cw.send(new GetMetricStatisticsCommand(query));
    expect(ok.Datapoints).toEqual([]);
    await expect(cw.send(new GetMetricStatisticsCommand({ ...query, Period: 61 }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      $fault: 'client',
    });
  });

  it('turns RDS and Route 53 simulator errors into the SDK modelled exception classes', async () => {
    const { clients } = await makeSandbox();
    const rds = await (await clients.rds).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })).catch((e) => e);
    expect(rds).toBeInstanceOf(DBInstanceNotFoundFault);
    expect([rds.name, rds.$fault]).toEqual(['DBInstanceNotFoundFault', 'client']);
    const r53 = await (await clients.route53).send(new GetHostedZoneCommand({ Id: '/hostedzone/ZNOPE' })).catch((e) => e);
    expect(r53).toBeInstanceOf(NoSuchHostedZone);
    expect(r53.$fault).toBe('client');
  });

  it('wires the subnetInfo hook to the EC2 simulator', async () => {
    const { sandbox, clients } = await makeSandbox();
    const ec2 = await clients.ec2;
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!.SubnetId!;
    const hooks = sandbox.context().hooks;
    expect(hooks.subnetInfo?.(subnetId)).toMatchObject({ vpcId, availabilityZone: 'us-east-1b' });
    expect(hooks.subnetInfo?.('subnet-0123456789abcdef0')).toBeUndefined();
  });
});
