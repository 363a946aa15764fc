import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('sandbox secret values', () => {
  it('are sealed in the world file and readable through GetSecretValue', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const { sandbox, clients } = await makeSandbox({ worldPath });
    const sm = await clients.secretsManager;
    await sm.send(new CreateSecretCommand({ Name: 'shop/db', SecretString: 'correct-horse-battery-staple' }));
    await sandbox.save();
    const file = readFileSync(worldPath, 'utf8');
    expect(file).not.toContain('correct-horse-battery-staple');
    expect(file).toContain('sealed:v1:');
    const reopened = await makeSandbox({ worldPath });
    const value = await (await reopened.clients.secretsManager).send(new GetSecretValueCommand({ SecretId: 'shop/db' }));
    expect(value.SecretString).toBe('correct-horse-battery-staple');
  });

  it('under another key are refused with DecryptionFailure, as AWS does without the KMS key', async () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const { sandbox, clients } = await makeSandbox({ worldPath });
    await (await clients.secretsManager).send(new CreateSecretCommand({ Name: 'shop/db', SecretString: 'x' }));
    await sandbox.save();
    const text = readFileSync(worldPath, 'utf8').replace(/sealed:v1:[A-Za-z0-9+/=]+/, 'sealed:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(worldPath, text);
    const reopened = await makeSandbox({ worldPath });
    await expect((await reopened.clients.secretsManager).send(new GetSecretValueCommand({ SecretId: 'shop/db' }))).rejects.toMatchObject({
      name: 'DecryptionFailure',
    });
  });
});
