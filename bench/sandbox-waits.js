// Sandbox wait benchmark: three independent long waits — an RDS instance (~15 min), a DMS
// replication instance (~8 min) and a NAT gateway (~1 min) — run in parallel on the
// virtual clock. Reports simulated wall time against the longest chain (bar ≤ 1.05×),
// describe calls per waited resource-minute, and the real time it took.
import { DescribeReplicationInstancesCommand, CreateReplicationInstanceCommand, CreateReplicationSubnetGroupCommand } from '@aws-sdk/client-database-migration-service';
import { AllocateAddressCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, DescribeNatGatewaysCommand } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, CreateDBSubnetGroupCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { dmsTrustPolicy } from '../dist/aws/dms/service-roles.js';
import { createAwsClients } from '../dist/aws/clients.js';
import { openSandbox } from '../dist/aws/sandbox/index.js';
import { waitFor } from '../dist/aws/wait.js';

const MIN = 60_000;

export async function benchSandboxWaits() {
  const durations = { rdsCreate: 15 * MIN, dmsInstanceCreate: 8 * MIN, natGatewayCreate: 1 * MIN };
  const sandbox = await openSandbox({ region: 'us-east-1', seed: 3, faults: {}, durations });
  const aws = createAwsClients({ region: 'us-east-1', dryRun: false, sandbox });
  const [ec2, rds, dms] = await Promise.all([aws.ec2, aws.rds, aws.dms]);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc.VpcId;
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway.InternetGatewayId;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const subnets = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.9.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))).Subnet.SubnetId);
  }
  await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'bench', DBSubnetGroupDescription: 'bench', SubnetIds: subnets }));
  // A fresh account has no dms-vpc-role; DMS refuses a subnet group without it (as the sandbox does).
  const iam = await aws.iam;
  await iam.send(new CreateRoleCommand({ RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy() }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'dms-vpc-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole' }));
  await dms.send(new CreateReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'bench', ReplicationSubnetGroupDescription: 'bench', SubnetIds: subnets }));

  const clock = sandbox.clock;
  const started = clock.now();
  const realStart = performance.now();
  const waits = [
    (async () => {
      await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'bench-db', Engine: 'postgres', DBInstanceClass: 'db.t3.medium', AllocatedStorage: 50, MasterUsername: 'admin_user', ManageMasterUserPassword: true, DBSubnetGroupName: 'bench' }));
      return waitFor({ what: 'RDS', preset: 'rdsInstance', clock, describe: async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'bench-db' }))).DBInstances[0], done: (d) => d.DBInstanceStatus === 'available' });
    })(),
    (async () => {
      await dms.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: 'bench-dms', ReplicationInstanceClass: 'dms.t3.medium', AllocatedStorage: 50, ReplicationSubnetGroupIdentifier: 'bench' }));
      return waitFor({ what: 'DMS', preset: 'dmsInstance', clock, describe: async () => (await dms.send(new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'replication-instance-id', Values: ['bench-dms'] }] }))).ReplicationInstances[0], done: (r) => r.ReplicationInstanceStatus === 'available' });
    })(),
    (async () => {
      const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
      const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnets[0], AllocationId: eip }))).NatGateway.NatGatewayId;
      return waitFor({ what: 'NAT', preset: 'ec2', clock, describe: async () => (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat] }))).NatGateways[0], done: (n) => n.State === 'available', failed: (n) => (n.State === 'failed' ? n.FailureMessage : undefined) });
    })(),
  ];
  const results = await Promise.all(waits);
  const simulatedMs = clock.now() - started;
  const realMs = performance.now() - realStart;
  const longest = Math.max(...Object.values(durations));
  const polls = results.reduce((n, r) => n + r.polls, 0);
  const waitedMinutes = results.reduce((n, r) => n + r.elapsedMs, 0) / MIN;
  aws.destroy();
  await sandbox.close();
  return { simulatedMs, longest, ratio: simulatedMs / longest, polls, waitedMinutes, pollsPerMinute: polls / waitedMinutes, realMs, perResource: results.map((r) => ({ polls: r.polls, elapsedMs: r.elapsedMs })) };
}

export function formatSandboxWaits(r) {
  return [
    '# sandbox: three independent waits in parallel (RDS 15 min, DMS 8 min, NAT 1 min)',
    `simulated wall time     ${(r.simulatedMs / MIN).toFixed(2)} min vs longest chain ${(r.longest / MIN).toFixed(2)} min = ${r.ratio.toFixed(3)}× (bar ≤ 1.05×: ${r.ratio <= 1.05 ? 'met' : 'NOT met'})`,
    `describe calls          ${r.polls} over ${r.waitedMinutes.toFixed(1)} waited resource-minutes = ${r.pollsPerMinute.toFixed(2)} per resource-minute`,
    `real time               ${r.realMs.toFixed(0)} ms for ${(r.simulatedMs / MIN).toFixed(1)} simulated minutes`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatSandboxWaits(await benchSandboxWaits()));
