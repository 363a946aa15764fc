/**
 * Reads a persisted sandbox world (`<state-dir>/sandbox.json`) through the real SDK
 * clients, read-only, to count what a run left behind.
 */
import { DescribeReplicationInstancesCommand, DescribeReplicationSubnetGroupsCommand } from '@aws-sdk/client-database-migration-service';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand } from '@aws-sdk/client-rds';
import { ListHostedZonesCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { join } from 'node:path';
import { createAwsClients } from '../../src/aws/clients.js';
import { openSandbox } from '../../src/aws/sandbox/index.js';

export interface WorldCounts {
  vpcs: number;
  subnets: number;
  securityGroups: number;
  secrets: number;
  dbSubnetGroups: number;
  dbInstances: number;
  dmsSubnetGroups: number;
  dmsInstances: number;
  records: Array<{ name: string; type: string }>;
  mutatingCalls: number;
}

export async function countWorld(stateDir: string, project: string, region = 'us-east-1'): Promise<WorldCounts> {
  const sandbox = await openSandbox({ worldPath: join(stateDir, 'sandbox.json'), persist: false, region, faults: {} });
  const aws = createAwsClients({ region, dryRun: true, sandbox });
  try {
    const ec2 = await aws.ec2;
    const byProject = [{ Name: 'tag:promigrate:project', Values: [project] }];
    const rds = await aws.rds;
    const dms = await aws.dms;
    const r53 = await aws.route53;
    const zones = (await r53.send(new ListHostedZonesCommand({}))).HostedZones ?? [];
    const records = [];
    for (const zone of zones) {
      const sets = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }))).ResourceRecordSets ?? [];
      records.push(...sets.map((r) => ({ name: r.Name!, type: r.Type! })));
    }
    return {
      vpcs: (await ec2.send(new DescribeVpcsCommand({ Filters: byProject }))).Vpcs!.length,
      subnets: (await ec2.send(new DescribeSubnetsCommand({ Filters: byProject }))).Subnets!.length,
      securityGroups: (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byProject }))).SecurityGroups!.length,
      secrets: ((await (await aws.secretsManager).send(new ListSecretsCommand({}))).SecretList ?? []).filter((s) => s.Name?.startsWith(`${project}/`)).length,
      dbSubnetGroups: (await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups!.length,
      dbInstances: (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.length,
      dmsSubnetGroups: ((await dms.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups ?? []).length,
      dmsInstances: ((await dms.send(new DescribeReplicationInstancesCommand({}))).ReplicationInstances ?? []).length,
      records,
      mutatingCalls: sandbox.world.data.faults.mutatingCalls,
    };
  } finally {
    aws.destroy();
  }
}

/**
 * Opens a persisted world for a test to change what the simulated AWS holds (as an operator
 * or AWS itself would: an instance terminated, an image swapped), then saves it.
 */
export async function changeWorld(stateDir: string, change: (sandbox: Awaited<ReturnType<typeof openSandbox>>) => void | Promise<void>, region = 'us-east-1'): Promise<void> {
  const sandbox = await openSandbox({ worldPath: join(stateDir, 'sandbox.json'), region, faults: {} });
  try {
    await change(sandbox);
  } finally {
    await sandbox.close();
  }
}
