/** A real-copy hook refusing on bad sandbox configuration: the start fails as bad input and leaves the task as it was. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { realDataHooks } from '../../../src/aws/sandbox/copy/hooks.js';
import { parseConfigText } from '../../../src/config/load.js';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { SHOP, createTask, setup, task, type Env } from './dms-env.js';
import { MIN } from './helpers.js';

const start = async (env: Env, arn: string) =>
  (await env.sim.call(dms, 'StartReplicationTask', { ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' })).ReplicationTask;

describe('DMS StartReplicationTask with a real-copy hook that refuses its configuration', () => {
  it('rejects with the usage error, and the task can still be started for the first time afterwards', async () => {
    let refuse = true;
    const env = setup({
      sourceTables: () => SHOP,
      fullLoad: async () => {
        if (refuse) throw new UsageError('The environment variable PW (the password of sandbox.targetUrl) is not set.');
        return [];
      },
    });
    const arn = createTask(env).ReplicationTaskArn;
    env.sim.advance(MIN);
    await expect(start(env, arn)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('PW') });
    expect(task(env, arn).Status).toBe('ready');
    refuse = false;
    // start-replication is accepted only by a task that has never run: the refused start left no run behind.
    expect((await start(env, arn)).Status).toBe('starting');
  });
});

describe('the sandbox copy hooks', () => {
  it('name an unset password variable in one sentence with a fix (exit 2), before copying anything', async () => {
    delete process.env.PROMIGRATE_TEST_UNSET_TARGET_PW;
    const config = parseConfigText(JSON.stringify({
      project: { name: 'shop' },
      aws: { mode: 'sandbox', region: 'eu-central-1' },
      source: { engine: 'mariadb', host: '127.0.0.1', port: 3306, user: 'app', passwordEnv: 'PROMIGRATE_TEST_UNSET_SOURCE_PW', databases: ['shop'] },
      target: { engine: 'mariadb', passwordEnv: 'PROMIGRATE_TEST_UNSET_TARGET_PW' },
      sandbox: { targetUrl: 'mysql://root@127.0.0.1:1/shop_target' },
    }), 'test config', 'json');
    const hooks = realDataHooks(config, '/nonexistent-state-dir');
    const load = { source: { engineName: 'mariadb', serverName: '127.0.0.1', port: 3306, databaseName: 'shop' }, target: { engineName: 'mariadb', serverName: 'x', port: 3306, databaseName: 'shop' }, tables: [{ schema: 'shop', table: 'orders' }], prepMode: 'TRUNCATE_BEFORE_LOAD' as const };
    const err = await hooks.fullLoad!(load).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe('The environment variable PROMIGRATE_TEST_UNSET_TARGET_PW (the password of sandbox.targetUrl) is not set.');
    expect((err as UsageError).hint).toContain('Export PROMIGRATE_TEST_UNSET_TARGET_PW');
  });
});
