import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { destroyResources, destroyTargets } from '../../../src/engine/resources/destroy.js';
import { targetDatabaseTasks } from '../../../src/steps/sync/target-databases.js';
import { makeTaskContext, testConfig } from '../provision/harness.js';
import type { TestIoHost } from '../../helpers/test-io-host.js';

describe('target databases (created by the schema phase) in destroy', () => {
  it('one task per source database, standing on the RDS instance; a recorded one is forgotten with a note, an unrecorded one is not touched', async () => {
    const config = testConfig({ source: { engine: 'mariadb', databases: ['shop', 'crm'] } } as never);
    const h = makeTaskContext({ config, clients: createAwsClients({ region: 'us-east-1', dryRun: false }), stepId: 'sync' });
    const tasks = targetDatabaseTasks(config);
    expect(tasks.map((t) => [t.key, t.type, t.dependsOn])).toEqual([
      ['target.database.shop', 'db:database', ['db.instance']],
      ['target.database.crm', 'db:database', ['db.instance']],
    ]);
    await h.step.recordResource('target.database.shop', { type: 'db:database', id: 'shop', region: 'us-east-1' });
    const { targets } = await destroyTargets(h.t, tasks);
    expect(targets.map((t) => t.id)).toEqual(['shop']);
    await destroyResources(h.t, tasks, targets);
    expect(h.state.resources['target.database.shop']).toBeUndefined();
    expect(JSON.stringify((h.io as TestIoHost).messages)).toContain('the database shop goes with the RDS instance (deleted next)');
    await expect(tasks[1]!.create(h.t)).rejects.toThrow(/created by the schema phase/);
  });
});
