/**
 * Resources recorded in parallel all reach the step's outputs. The moto suite found the race:
 * each record copied `outputs.resources` before its queued state write ran, so the write of one
 * task could replace what another had just saved — sync then missed provision's DMS instance
 * ARN and sent the instance's name to TestConnection.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createStepContext } from '../../../src/engine/context.js';
import { createEffects } from '../../../src/engine/effects.js';
import { graphHooks } from '../../../src/engine/resources/record.js';
import type { FoundResource, ResourceTask } from '../../../src/engine/resources/task.js';
import { StateStore } from '../../../src/state/store.js';
import { instantClock } from '../provision/harness.js';
import { TestIoHost } from '../../helpers/test-io-host.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterAll(removeTempDirs);

describe('graphHooks.record', () => {
  it('keeps every resource of tasks recorded at the same time (real state store, queued writes)', async () => {
    const store = await StateStore.create(tempDir(), { project: 'shop', configHash: 'h' });
    const step = createStepContext(
      {
        project: 'shop',
        config: {} as never,
        configPath: 'promigrate.yaml',
        store,
        io: new TestIoHost({ interactive: false, assumeYes: true }),
        clock: instantClock(),
        aws: { clients: () => ({ region: 'us-east-1' }) } as never,
        effects: createEffects({ planMode: false }),
        dryRun: false,
        signal: new AbortController().signal,
      },
      'provision',
    );
    const hooks = graphHooks(step, 'provision.resource', new Map<string, FoundResource>());
    const keys = Array.from({ length: 12 }, (_, i) => `r.${i}`);
    await Promise.all(
      keys.map((key) => hooks.record({ key, type: 'test:thing' } as ResourceTask, { id: `${key}-id`, arn: `arn:${key}`, outputs: { n: key } })),
    );
    const saved = store.data.steps.provision!.outputs.resources as Record<string, unknown>;
    expect(Object.keys(saved).sort()).toEqual([...keys].sort());
    expect(saved['r.3']).toEqual({ id: 'r.3-id', arn: 'arn:r.3', n: 'r.3' });
    expect(Object.keys(store.data.resources).sort()).toEqual([...keys].sort());
  });
});
