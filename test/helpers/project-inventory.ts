/**
 * Every resource a project has in a persisted sandbox world, by its `promigrate:key`
 * tag: a key seen twice is a duplicate, a key not in state an orphan.
 */
import { DescribeEndpointsCommand, DescribeReplicationInstancesCommand, DescribeReplicationSubnetGroupsCommand, DescribeReplicationTasksCommand, ListTagsForResourceCommand } from '@aws-sdk/client-database-migration-service';
import { DescribeDBInstancesCommand, DescribeDBParameterGroupsCommand, DescribeDBSubnetGroupsCommand, ListTagsForResourceCommand as RdsTags } from '@aws-sdk/client-rds';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { join } from 'node:path';
import { DMS_SERVICE_ROLES } from '../../src/aws/dms/service-roles.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { openSandbox } from '../../src/aws/sandbox/index.js';
import { tagsToRecord } from '../../src/aws/tags.js';
import { ec2Inventory } from '../unit/provision/ec2-inventory.js';
import { appInventory } from './app-inventory.js';

export interface ProjectInventory {
  /** `promigrate:key` of every tagged resource, duplicates included, sorted. */
  keys: string[];
  dbInstances: Array<{ id: string; encrypted: boolean; public: boolean; deletionProtection: boolean; status: string }>;
  /** Resources of the operator's account that promigrate must never touch. */
  foreignVpcs: number;
}

export async function projectInventory(stateDir: string, project: string, region = 'us-east-1'): Promise<ProjectInventory> {
  const sandbox = await openSandbox({ worldPath: join(stateDir, 'sandbox.json'), persist: false, region, faults: {} });
  const aws = createAwsClients({ region, dryRun: true, sandbox });
  try {
    const ec2 = await ec2Inventory(await aws.ec2, project);
    const rds = await aws.rds;
    const dms = await aws.dms;
    const keys = [...ec2.keys];
    const mine = (tags: Array<{ Key?: string; Value?: string }> | undefined): string | undefined => {
      const t = tagsToRecord(tags);
      return t['promigrate:project'] === project ? t['promigrate:key'] : undefined;
    };
    const dbs = ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).filter((d) => d.DBInstanceStatus !== 'deleted');
    const dbInstances = [];
    for (const db of dbs) {
      const key = mine(db.TagList);
      if (!key) continue;
      keys.push(key);
      dbInstances.push({ id: db.DBInstanceIdentifier!, encrypted: db.StorageEncrypted === true, public: db.PubliclyAccessible === true, deletionProtection: db.DeletionProtection === true, status: db.DBInstanceStatus! });
    }
    for (const group of (await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []) {
      const key = mine((await rds.send(new RdsTags({ ResourceName: group.DBSubnetGroupArn! }))).TagList);
      if (key) keys.push(key);
    }
    for (const group of (await rds.send(new DescribeDBParameterGroupsCommand({}))).DBParameterGroups ?? []) {
      const key = mine((await rds.send(new RdsTags({ ResourceName: group.DBParameterGroupArn! }))).TagList);
      if (key) keys.push(key);
    }
    for (const rep of (await dms.send(new DescribeReplicationInstancesCommand({}))).ReplicationInstances ?? []) {
      const key = mine((await dms.send(new ListTagsForResourceCommand({ ResourceArn: rep.ReplicationInstanceArn! }))).TagList);
      if (key) keys.push(key);
    }
    const account = sandbox.world.accountId;
    for (const group of (await dms.send(new DescribeReplicationSubnetGroupsCommand({}))).ReplicationSubnetGroups ?? []) {
      const arn = `arn:aws:dms:${region}:${account}:subgrp:${group.ReplicationSubnetGroupIdentifier}`;
      const key = mine((await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).TagList);
      if (key) keys.push(key);
    }
    const orNone = <T>(p: Promise<T>) => p.catch((err: { name?: string }) => {
      if (err.name === 'ResourceNotFoundFault') return undefined;
      throw err;
    });
    for (const e of (await orNone(dms.send(new DescribeEndpointsCommand({}))))?.Endpoints ?? []) {
      const key = mine((await dms.send(new ListTagsForResourceCommand({ ResourceArn: e.EndpointArn! }))).TagList);
      if (key) keys.push(key);
    }
    for (const t of (await orNone(dms.send(new DescribeReplicationTasksCommand({}))))?.ReplicationTasks ?? []) {
      const key = mine((await dms.send(new ListTagsForResourceCommand({ ResourceArn: t.ReplicationTaskArn! }))).TagList);
      if (key) keys.push(key);
    }
    // IAM roles by the names promigrate gives them (the account-wide DMS service roles).
    const iam = await aws.iam;
    for (const role of DMS_SERVICE_ROLES) {
      const found = await iam.send(new GetRoleCommand({ RoleName: role.name })).catch((err: { name?: string }) => {
        if (err.name === 'NoSuchEntityException') return undefined;
        throw err;
      });
      const key = mine(found?.Role?.Tags);
      if (key) keys.push(key);
    }
    const { DescribeVpcsCommand } = await import('@aws-sdk/client-ec2');
    const allVpcs = (await (await aws.ec2).send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    // The web tier (app:), and its scaling policy (policies carry no tags: one per group).
    const app = await appInventory(stateDir, project, region);
    keys.push(...app.keys, ...(app.policies > 0 ? ['app.scaling-policy'] : []));
    return { keys: keys.sort(), dbInstances, foreignVpcs: allVpcs.length - ec2.vpcs.length };
  } finally {
    aws.destroy();
  }
}
