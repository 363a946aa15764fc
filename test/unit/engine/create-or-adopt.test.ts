import {
  CreateDBSubnetGroupCommand,
  DBSubnetGroupAlreadyExistsFault,
  DBSubnetGroupQuotaExceededFault,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrAdopt } from '../../../src/engine/resources/create-or-adopt.js';
import { conflictError, foreignOwner } from '../../../src/engine/resources/ownership.js';
import type { FoundResource } from '../../../src/engine/resources/task.js';
import { UsageError } from '../../../src/errors.js';

const NAME = 'shop-db';
const ARN = `arn:aws:rds:eu-west-1:123456789012:subgrp:${NAME}`;
const rdsMock = mockClient(RDSClient);
const rds = new RDSClient({ region: 'eu-west-1' });
const taken = () => new DBSubnetGroupAlreadyExistsFault({ message: `DB subnet group '${NAME}' already exists`, $metadata: { httpStatusCode: 400 } });

/** The subnet group's create-or-adopt as a task writes it: adopt only what carries our project tag. */
function createGroup(project: string): Promise<FoundResource> {
  return createOrAdopt<FoundResource>({
    create: async () => {
      const out = await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: NAME, DBSubnetGroupDescription: 'x', SubnetIds: ['subnet-1'] }));
      return { id: out.DBSubnetGroup!.DBSubnetGroupName! };
    },
    alreadyExists: ['DBSubnetGroupAlreadyExistsFault'],
    adopt: async () => {
      const group = (await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: NAME }))).DBSubnetGroups?.[0];
      if (!group) return undefined;
      const owner = foreignOwner((await rds.send(new ListTagsForResourceCommand({ ResourceName: ARN }))).TagList, project);
      if (owner) throw conflictError(`DB subnet group ${NAME}`, [owner]);
      return { id: NAME, arn: ARN, adopted: false };
    },
  });
}

afterEach(() => rdsMock.reset());

describe('createOrAdopt', () => {
  it('returns what create made, without looking anything up', async () => {
    rdsMock.on(CreateDBSubnetGroupCommand).resolves({ DBSubnetGroup: { DBSubnetGroupName: NAME } });
    await expect(createGroup('shop')).resolves.toEqual({ id: NAME });
    expect(rdsMock.commandCalls(DescribeDBSubnetGroupsCommand)).toHaveLength(0);
  });

  it('adopts the existing resource on AlreadyExists when it is ours (a lost race or a crash after the create call)', async () => {
    rdsMock.on(CreateDBSubnetGroupCommand).rejects(taken());
    rdsMock.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [{ DBSubnetGroupName: NAME, DBSubnetGroupArn: ARN }] });
    rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'promigrate:project', Value: 'shop' }] });
    await expect(createGroup('shop')).resolves.toEqual({ id: NAME, arn: ARN, adopted: false });
    expect(rdsMock.commandCalls(CreateDBSubnetGroupCommand)).toHaveLength(1);
  });

  it('throws the conflict error when the existing resource is another project’s or not promigrate’s', async () => {
    rdsMock.on(CreateDBSubnetGroupCommand).rejects(taken());
    rdsMock.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [{ DBSubnetGroupName: NAME, DBSubnetGroupArn: ARN }] });
    rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'promigrate:project', Value: 'other' }] });
    const err = await createGroup('shop').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`DB subnet group ${NAME} already exists and cannot be used: it belongs to promigrate project "other".`);

    rdsMock.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    await expect(createGroup('shop')).rejects.toThrow(/it was not created by promigrate \(no promigrate:project tag\)/);
  });

  it('rethrows the AlreadyExists error when the resource cannot be found after all', async () => {
    rdsMock.on(CreateDBSubnetGroupCommand).rejects(taken());
    rdsMock.on(DescribeDBSubnetGroupsCommand).resolves({ DBSubnetGroups: [] });
    await expect(createGroup('shop')).rejects.toBeInstanceOf(DBSubnetGroupAlreadyExistsFault);
  });

  it('rethrows any other error without trying to adopt', async () => {
    rdsMock.on(CreateDBSubnetGroupCommand).rejects(new DBSubnetGroupQuotaExceededFault({ message: 'quota', $metadata: {} }));
    await expect(createGroup('shop')).rejects.toBeInstanceOf(DBSubnetGroupQuotaExceededFault);
    expect(rdsMock.commandCalls(DescribeDBSubnetGroupsCommand)).toHaveLength(0);
  });

  it('matches the AlreadyExists code with or without the Fault suffix', async () => {
    const bare = Object.assign(new Error('exists'), { name: 'DBSubnetGroupAlreadyExists' });
    await expect(
      createOrAdopt({ create: () => Promise.reject(bare), alreadyExists: ['DBSubnetGroupAlreadyExistsFault'], adopt: async () => 'adopted' }),
    ).resolves.toBe('adopted');
  });
});
