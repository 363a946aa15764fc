import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateError } from '../../../src/errors.js';
import { statePaths } from '../../../src/state/paths.js';
import { StateStore } from '../../../src/state/store.js';
import type { StateFile } from '../../../src/state/types.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

const init = { project: 'shop', configHash: 'sha256:abc', toolVersion: '9.9.9' };
const onDisk = (path: string): StateFile => JSON.parse(readFileSync(path, 'utf8')) as StateFile;

async function rejection(p: Promise<unknown>): Promise<StateError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  return err as StateError;
}

describe('StateStore.create / open', () => {
  it('creates a new lineage at serial 0 with no steps', async () => {
    const dir = tempDir();
    const store = await StateStore.create(`${dir}/nested/.promigrate`, init);
    expect(store.path).toBe(`${dir}/nested/.promigrate/state.json`);
    expect(store.data).toMatchObject({ schemaVersion: 1, serial: 0, project: 'shop', configHash: 'sha256:abc', toolVersion: '9.9.9', steps: {}, resources: {}, acceptedRisks: [] });
    expect(store.data.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(onDisk(store.path)).toEqual(store.data);
    const other = await StateStore.create(tempDir(), init);
    expect(other.data.lineage).not.toBe(store.data.lineage);
  });

  it('refuses to create over an existing state', async () => {
    const dir = tempDir();
    await StateStore.create(dir, init);
    const err = await rejection(StateStore.create(dir, init));
    expect(err.message).toContain('already exists');
  });

  it('lets exactly one of two parallel creators win', async () => {
    const dir = tempDir();
    const results = await Promise.allSettled([StateStore.create(dir, init), StateStore.create(dir, init)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('open: tells to run init when there is no state', async () => {
    const err = await rejection(StateStore.open(tempDir()));
    expect(err.exitCode).toBe(2);
    expect(err.hint).toContain('promigrate init');
  });

  it('openOrCreate creates once, then opens the same lineage', async () => {
    const dir = tempDir();
    const a = await StateStore.openOrCreate(dir, init);
    const b = await StateStore.openOrCreate(dir, { ...init, project: 'other' });
    expect(b.data.lineage).toBe(a.data.lineage);
    expect(b.data.project).toBe('shop');
  });

  it('hands out a frozen snapshot and a pending entry for steps that never ran', async () => {
    const store = await StateStore.create(tempDir(), init);
    expect(() => {
      (store.data as StateFile).serial = 5;
    }).toThrow(TypeError);
    expect(() => {
      (store.data.acceptedRisks as string[]).push('x');
    }).toThrow(TypeError);
    expect(store.stepState('assess')).toEqual({ status: 'pending', attempt: 0, outputs: {}, checkpoints: {} });
  });
});

describe('StateStore.update', () => {
  it('bumps the serial, saves, and keeps the previous version as the backup', async () => {
    const dir = tempDir();
    const { state, backup } = statePaths(dir);
    const store = await StateStore.create(dir, init);
    const first = store.data;
    await store.update((d) => {
      d.steps.assess = { status: 'running', attempt: 1, startedAt: 't', outputs: {}, checkpoints: {} };
    });
    expect(store.data.serial).toBe(1);
    expect(store.data.updatedAt >= first.updatedAt).toBe(true);
    expect(onDisk(state)).toEqual(store.data);
    expect(onDisk(backup)).toEqual(first);
    const second = store.data;
    await store.update(async (d) => {
      await new Promise((r) => setTimeout(r, 1));
      d.steps.assess!.status = 'done';
    });
    expect(onDisk(state).steps.assess?.status).toBe('done');
    expect(onDisk(backup)).toEqual(second);
    expect(first.serial).toBe(0); // old snapshots are not changed under the caller
    expect(store.stepState('assess').status).toBe('done');
  });

  it('keeps what is saved and what is in memory identical (undefined dropped, dates as strings)', async () => {
    const store = await StateStore.create(tempDir(), init);
    await store.update((d) => {
      d.steps.sync = { status: 'running', attempt: 1, startedAt: undefined, outputs: { at: new Date(0) }, checkpoints: {} };
    });
    expect(store.data.steps.sync).toEqual({ status: 'running', attempt: 1, outputs: { at: '1970-01-01T00:00:00.000Z' }, checkpoints: {} });
    expect(onDisk(store.path)).toEqual(store.data);
  });

  it('serialises 100 parallel updates: serial 100, every change applied', async () => {
    const store = await StateStore.create(tempDir(), init);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.update(async (d) => {
          const before = Object.keys(d.resources).length;
          await new Promise((r) => setTimeout(r, i % 3)); // a mutation that yields must still not interleave
          d.resources[`r${i}`] = { type: 't', id: `id-${i}`, region: 'eu-west-1', createdAt: 't', step: 'provision' };
          expect(Object.keys(d.resources)).toHaveLength(before + 1);
        }),
      ),
    );
    expect(store.data.serial).toBe(100);
    expect(Object.keys(store.data.resources)).toHaveLength(100);
    expect(onDisk(store.path)).toEqual(store.data);
  });

  it('refuses to write when another process wrote in between (serial ahead on disk)', async () => {
    const dir = tempDir();
    await StateStore.create(dir, init);
    const a = await StateStore.open(dir);
    const b = await StateStore.open(dir);
    await a.update((d) => {
      d.acceptedRisks.push('from-a');
    });
    const err = await rejection(
      b.update((d) => {
        d.acceptedRisks.push('from-b');
      }),
    );
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('was changed by another process (serial 1 on disk, 0 here); re-run the command');
    expect(onDisk(b.path).acceptedRisks).toEqual(['from-a']);
    expect(b.data.serial).toBe(0);
  });

  it('refuses to write over a different lineage', async () => {
    const dir = tempDir();
    const a = await StateStore.create(dir, init);
    const replaced = { ...onDisk(a.path), lineage: 'someone-else' };
    writeFileSync(a.path, JSON.stringify(replaced));
    const err = await rejection(a.update(() => undefined));
    expect(err.message).toContain('another state (lineage someone-else');
  });

  it('writes nothing when the mutation throws, and the queue goes on', async () => {
    const store = await StateStore.create(tempDir(), init);
    const before = readFileSync(store.path, 'utf8');
    await expect(
      store.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    await store.update((d) => {
      d.project = 'renamed';
    });
    expect(store.data).toMatchObject({ serial: 1, project: 'renamed' });
  });

  it('refuses to save a state it could not read back', async () => {
    const store = await StateStore.create(tempDir(), init);
    const before = readFileSync(store.path, 'utf8');
    const err = await rejection(
      store.update((d) => {
        d.steps.assess = { status: 'bogus' as 'done', attempt: 1, outputs: {}, checkpoints: {} };
      }),
    );
    expect(err.message).toContain('steps.assess.status');
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    expect(store.data.serial).toBe(0);
  });

  it('keeps lineage and serial out of the mutation’s reach', async () => {
    const store = await StateStore.create(tempDir(), init);
    const { lineage } = store.data;
    await store.update((d) => {
      d.lineage = 'x';
      d.serial = 41;
    });
    expect(store.data).toMatchObject({ lineage, serial: 1 });
  });

  it('sweeps temp files a killed writer left behind, once they are old', async () => {
    const dir = tempDir();
    const store = await StateStore.create(dir, init);
    const old = join(dir, 'state.json.3735928559');
    const oldBackup = join(dir, 'state.json.backup.12');
    const young = join(dir, 'state.json.42');
    const unrelated = join(dir, 'state.json.notes');
    for (const f of [old, oldBackup, young, unrelated]) writeFileSync(f, '{');
    const past = new Date(Date.now() - 5 * 60_000);
    for (const f of [old, oldBackup, unrelated]) utimesSync(f, past, past);
    await store.update(() => undefined);
    expect([old, oldBackup, young, unrelated].map((f) => existsSync(f))).toEqual([false, false, true, true]);
  });
});
