import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, isSecretKey, readAudit, redactSecrets, type AuditEntry } from '../../../src/state/audit.js';
import { statePaths } from '../../../src/state/paths.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const entry = (operation: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  time: '2026-01-22T10:00:00.000Z',
  step: 'provision',
  operation,
  outcome: 'ok',
  ...extra,
});

describe('appendAudit / readAudit', () => {
  it('appends one JSON line per entry, in order, creating the directory', async () => {
    const dir = join(tempDir(), '.promigrate');
    await appendAudit(dir, entry('ec2:CreateVpc', { params: { CidrBlock: '10.0.0.0/16' }, resultId: 'vpc-1' }));
    await appendAudit(dir, entry('ec2:CreateSubnet', { outcome: 'error', error: 'Throttling' }));
    const text = readFileSync(statePaths(dir).audit, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
    expect(await readAudit(dir)).toEqual([
      entry('ec2:CreateVpc', { params: { CidrBlock: '10.0.0.0/16' }, resultId: 'vpc-1' }),
      entry('ec2:CreateSubnet', { outcome: 'error', error: 'Throttling' }),
    ]);
  });

  it('reads nothing when there is no log', async () => {
    expect(await readAudit(tempDir())).toEqual([]);
  });

  it('skips a trailing partial line left by a kill, and the next append stays readable', async () => {
    const dir = tempDir();
    await appendAudit(dir, entry('a'));
    appendFileSync(statePaths(dir).audit, '{"time":"2026-01-22T10:00:01.000Z","operation":"rds:Create');
    expect((await readAudit(dir)).map((e) => e.operation)).toEqual(['a']);
    await appendAudit(dir, entry('b'));
    expect((await readAudit(dir)).map((e) => e.operation)).toEqual(['a', 'b']);
  });

  it('keeps every line whole under parallel appends', async () => {
    const dir = tempDir();
    await Promise.all(Array.from({ length: 50 }, (_, i) => appendAudit(dir, entry(`op${i}`, { params: { blob: 'x'.repeat(5000) } }))));
    const ops = (await readAudit(dir)).map((e) => e.operation);
    expect(new Set(ops).size).toBe(50);
  });

  it('never writes a secret to the file', async () => {
    const dir = tempDir();
    await appendAudit(
      dir,
      entry('rds:CreateDBInstance', {
        params: { DBInstanceIdentifier: 'shop-db', MasterUserPassword: 'hunter2-very-secret', Tags: [{ Key: 'k', Value: 'v' }] },
        error: 'could not connect to mysql://dms:hunter3@10.0.0.5:3306/shop',
      }),
    );
    const text = readFileSync(statePaths(dir).audit, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('hunter3');
    expect(text).toContain('shop-db');
    expect(text).toContain('mysql://dms:[redacted]@10.0.0.5:3306/shop');
  });
});

describe('redactSecrets', () => {
  it('redacts secret-named keys at any depth, inside objects and arrays', () => {
    const input = {
      password: 'p1',
      MasterUserPassword: 'p2',
      SecretString: '{"password":"p3"}',
      nested: { deeper: [{ Password: 'p4', keep: 'visible' }, { list: [{ db_password: 'p5' }] }] },
      SessionToken: 't1',
      token: 't2',
      SecretAccessKey: 's1',
      Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's2' },
      privateKey: 'k1',
      PrivateKeyMaterial: 'k2',
      apiKey: 'k3',
      ClientToken: 'promigrate-abc',
      NextToken: 'page-2',
      SecretsManagerSecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:src',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:tgt',
      SecretsManagerAccessRoleArn: 'arn:aws:iam::1:role/dms',
      passwordEnv: 'SRC_PW',
      SecretId: 'shop/db',
      DBInstanceIdentifier: 'shop-db',
    };
    const out = redactSecrets(input);
    expect(out).toEqual({
      password: '[redacted]',
      MasterUserPassword: '[redacted]',
      SecretString: '[redacted]',
      nested: { deeper: [{ Password: '[redacted]', keep: 'visible' }, { list: [{ db_password: '[redacted]' }] }] },
      SessionToken: '[redacted]',
      token: '[redacted]',
      SecretAccessKey: '[redacted]',
      Credentials: '[redacted]',
      privateKey: '[redacted]',
      PrivateKeyMaterial: '[redacted]',
      apiKey: '[redacted]',
      ClientToken: 'promigrate-abc',
      NextToken: 'page-2',
      SecretsManagerSecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:src',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:tgt',
      SecretsManagerAccessRoleArn: 'arn:aws:iam::1:role/dms',
      passwordEnv: 'SRC_PW',
      SecretId: 'shop/db',
      DBInstanceIdentifier: 'shop-db',
    });
    expect(input.password).toBe('p1'); // a copy, not in place
  });

  it.each([
    ['password', true],
    ['MasterUserPassword', true],
    ['SecretString', true],
    ['Password', true],
    ['passwd', true],
    ['SessionToken', true],
    ['AuthToken', true],
    ['Token', true],
    ['tokenValue', true],
    ['credential', true],
    ['PrivateKey', true],
    ['UserData', true],
    ['SecretBinary', true],
    ['ClientToken', false],
    ['client_token', false],
    ['NextToken', false],
    ['SecretsManagerSecretId', false],
    ['secretArn', false],
    ['SecretArn', false],
    ['passwordEnv', false],
    ['PASSWORD_ENV', false],
    ['DBInstanceIdentifier', false],
    ['Engine', false],
  ])('isSecretKey(%j) is %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it('redacts passwords in URLs in any string, and handles dates and cycles', () => {
    const cyclic: Record<string, unknown> = { url: 'postgres://app:s3cr3t@db:5432/shop', when: new Date(0) };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ url: 'postgres://app:[redacted]@db:5432/shop', when: '1970-01-01T00:00:00.000Z', self: '[circular]' });
    expect(redactSecrets('https://example.com/path?x=1')).toBe('https://example.com/path?x=1');
    expect(redactSecrets([1, null, true])).toEqual([1, null, true]);
  });
});
