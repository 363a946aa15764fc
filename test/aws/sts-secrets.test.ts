import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/aws/sandbox/index.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { localSimulators } from './local-simulators.js';

let sandbox: Sandbox;
let sm: SecretsManagerClient;
const DAY = 86_400_000;
const TOKEN_A = 'a'.repeat(32);
const TOKEN_B = 'b'.repeat(32);

beforeEach(async () => {
  const made = await makeSandbox({ simulators: localSimulators, accountId: '123456789012' });
  sandbox = made.sandbox;
  sm = await made.clients.secretsManager;
});

async function failure(promise: Promise<unknown>): Promise<SecretsManagerServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as SecretsManagerServiceException;
  }
  throw new Error('expected the call to fail');
}

describe('STS', () => {
  it('GetCallerIdentity answers with the world account', async () => {
    const { clients } = await makeSandbox({ simulators: localSimulators, accountId: '123456789012' });
    const id = await (await clients.sts).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('123456789012');
    expect(id.Arn).toBe('arn:aws:iam::123456789012:user/promigrate-sandbox');
    expect(id.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
  });

  it('derives a 12-digit account from the seed when none is given', async () => {
    const { clients } = await makeSandbox({ simulators: localSimulators, seed: 7 });
    const id = await (await clients.sts).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toMatch(/^\d{12}$/);
  });
});

describe('Secrets Manager', () => {
  it('creates a secret and reads it back by name, ARN and partial ARN', async () => {
    const created = await sm.send(new CreateSecretCommand({
      Name: 'shop/db', SecretString: '{"password":"hunter2"}', ClientRequestToken: TOKEN_A, Tags: [{ Key: 'promigrate:project', Value: 'shop' }],
    }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:shop\/db-[0-9a-f]{6}$/);
    expect(created.VersionId).toBe(TOKEN_A);
    for (const id of ['shop/db', created.ARN!, created.ARN!.slice(0, -7)]) {
      const value = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      expect(value.SecretString).toBe('{"password":"hunter2"}');
      expect(value.VersionStages).toEqual(['AWSCURRENT']);
    }
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'shop/db' }));
    expect(described.Tags).toEqual([{ Key: 'promigrate:project', Value: 'shop' }]);
    expect(described.VersionIdsToStages).toEqual({ [TOKEN_A]: ['AWSCURRENT'] });
    expect(JSON.stringify(described)).not.toContain('hunter2');
  });

  it('CreateSecret is idempotent for the same ClientRequestToken and value; otherwise ResourceExistsException', async () => {
    const input = { Name: 'shop/db', SecretString: 's3cret', ClientRequestToken: TOKEN_A };
    const first = await sm.send(new CreateSecretCommand(input));
    const again = await sm.send(new CreateSecretCommand(input));
    expect(again.ARN).toBe(first.ARN);
    const changed = await failure(sm.send(new CreateSecretCommand({ ...input, SecretString: 'other' })));
    expect(changed).toBeInstanceOf(ResourceExistsException);
    expect([changed.name, changed.$fault, changed.$metadata.httpStatusCode]).toEqual(['ResourceExistsException', 'client', 400]);
    const other = await failure(sm.send(new CreateSecretCommand({ ...input, ClientRequestToken: TOKEN_B })));
    expect(other.name).toBe('ResourceExistsException');
  });

  it('PutSecretValue moves AWSCURRENT and keeps the old version as AWSPREVIOUS', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'shop/db', SecretString: 'v1', ClientRequestToken: TOKEN_A }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'shop/db', SecretString: 'v2', ClientRequestToken: TOKEN_B }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'shop/db' }))).SecretString).toBe('v2');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'shop/db', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
    expect((await sm.send(new PutSecretValueCommand({ SecretId: 'shop/db', SecretString: 'v2', ClientRequestToken: TOKEN_B }))).VersionId).toBe(TOKEN_B);
    expect((await failure(sm.send(new PutSecretValueCommand({ SecretId: 'shop/db', SecretString: 'v3', ClientRequestToken: TOKEN_B })))).name).toBe('ResourceExistsException');
  });

  it('tags, lists with filters, schedules deletion on the simulated clock and force-deletes', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'shop/db', SecretString: 'x' }));
    await sm.send(new CreateSecretCommand({ Name: 'other/db', SecretString: 'y' }));
    await sm.send(new TagResourceCommand({ SecretId: 'shop/db', Tags: [{ Key: 'promigrate:project', Value: 'shop' }] }));
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['shop'] }] }));
    expect(listed.SecretList!.map((s) => s.Name)).toEqual(['shop/db']);

    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'shop/db', RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate!.getTime()).toBe(sandbox.clock.now() + 7 * DAY);
    const marked = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'shop/db' })));
    expect(marked.name).toBe('InvalidRequestException');
    expect((await sm.send(new ListSecretsCommand({}))).SecretList!.map((s) => s.Name)).toEqual(['other/db']);
    expect((await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList).toHaveLength(2);
    sandbox.clock.advance(7 * DAY);
    const gone = await failure(sm.send(new DescribeSecretCommand({ SecretId: 'shop/db' })));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone.message).toBe("Secrets Manager can't find the specified secret.");

    await sm.send(new DeleteSecretCommand({ SecretId: 'other/db', ForceDeleteWithoutRecovery: true }));
    expect((await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList).toEqual([]);
    const both = await failure(sm.send(new DeleteSecretCommand({ SecretId: 'x', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })));
    expect(both.name).toBe('InvalidParameterException');
  });
});
