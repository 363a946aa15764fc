import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateError } from '../../../src/errors.js';
import { migrateState, v0ToV1, type StateFileV0 } from '../../../src/state/migrate.js';
import { statePaths } from '../../../src/state/paths.js';
import { readStateFile } from '../../../src/state/read.js';
import { StateStore } from '../../../src/state/store.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';
import { REPO } from './built-state.js';

afterEach(removeTempDirs);

async function stateWithBackup(): Promise<ReturnType<typeof statePaths>> {
  const dir = tempDir();
  const store = await StateStore.create(dir, { project: 'shop', configHash: 'h' });
  await store.update((d) => {
    d.acceptedRisks.push('x');
  });
  return statePaths(dir);
}

async function readError(path: string): Promise<StateError> {
  const err = await readStateFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  return err as StateError;
}

const v0: StateFileV0 = {
  schemaVersion: 0,
  lineage: '3f1e0c1a-0000-4000-8000-000000000000',
  serial: 7,
  toolVersion: '0.0.9',
  project: 'shop',
  configHash: 'abc',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
  steps: {
    assess: { status: 'done', attempt: 1, startedAt: '2025-01-01T00:01:00.000Z', finishedAt: '2025-01-01T00:02:00.000Z', outputs: { score: 3 } },
    provision: { status: 'failed', attempt: 2, finishedAt: '2025-01-01T00:09:00.000Z', outputs: {}, error: 'VpcLimitExceeded' },
  },
  resources: [
    { key: 'provision.vpc', type: 'ec2:vpc', id: 'vpc-1', region: 'eu-west-1', createdAt: '2025-01-01T00:05:00.000Z' },
    { key: 'db', type: 'rds:db', id: 'db-1', arn: 'arn:aws:rds:eu-west-1:1:db:db-1', region: 'eu-west-1', createdAt: '2025-01-01T00:06:00.000Z', step: 'provision' },
  ],
};

describe('readStateFile', () => {
  it('returns undefined when there is no state file', async () => {
    expect(await readStateFile(join(tempDir(), 'state.json'))).toBeUndefined();
  });

  it.each([
    ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2))],
    ['empty', () => ''],
    ['garbage', () => '\u0000\u0000\u0000'],
  ])('refuses a %s file with exit 2, naming the file and the backup and how to restore it', async (_, damage) => {
    const { state, backup } = await stateWithBackup();
    writeFileSync(state, damage(readFileSync(state, 'utf8')));
    const err = await readError(state);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(state);
    expect(err.message).toContain(backup);
    expect(err.message).toMatch(/truncated or corrupt/);
    expect(err.hint).toContain(`cp ${backup} ${state}`);
  });

  it('says so when a damaged file has no backup', async () => {
    const dir = tempDir();
    const { state } = statePaths(dir);
    writeFileSync(state, '{"schemaVersion": 1, "lin');
    const err = await readError(state);
    expect(err.message).toMatch(/no backup/i);
    expect(err.hint).toContain('promigrate init');
  });

  it('names the field path of a structural problem', async () => {
    const { state, backup } = await stateWithBackup();
    const doc = JSON.parse(readFileSync(state, 'utf8'));
    doc.steps.assess = { status: 'finished', attempt: 1, outputs: {}, checkpoints: {} };
    writeFileSync(state, JSON.stringify(doc));
    const err = await readError(state);
    expect(err.message).toContain('steps.assess.status: expected one of pending|running|done|failed|skipped, got "finished"');
    expect(err.message).toContain(backup);

    doc.steps.assess = { status: 'done', attempt: 1, outputs: {}, checkpoints: {} };
    doc.resources.vpc = { type: 'ec2:vpc', id: 42, region: 'r', createdAt: 't', step: 'provision' };
    writeFileSync(state, JSON.stringify(doc));
    expect((await readError(state)).message).toContain('resources.vpc.id: expected a string, got 42');
  });

  it('refuses a newer schema clearly, before looking at anything else', async () => {
    const { state } = await stateWithBackup();
    writeFileSync(state, JSON.stringify({ schemaVersion: 2, steps: 'a shape this version does not know' }));
    const err = await readError(state);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${state} was written by a newer promigrate (schema 2); upgrade promigrate.`);
    expect(err.hint).toMatch(/schema 1/);
  });

  it.each([[undefined], ['1'], [1.5], [null]])('refuses a file whose schemaVersion is %j', async (schemaVersion) => {
    const { state } = await stateWithBackup();
    writeFileSync(state, JSON.stringify({ schemaVersion }));
    expect((await readError(state)).message).toMatch(/no valid schemaVersion/);
  });

  it('migrates a schema 0 file in memory', async () => {
    const { state } = statePaths(tempDir());
    writeFileSync(state, JSON.stringify(v0));
    const data = await readStateFile(state);
    expect(data).toMatchObject({
      schemaVersion: 1,
      lineage: v0.lineage,
      serial: 7,
      acceptedRisks: [],
      steps: {
        assess: { status: 'done', attempt: 1, outputs: { score: 3 }, checkpoints: {} },
        provision: { status: 'failed', attempt: 2, checkpoints: {}, error: { message: 'VpcLimitExceeded', at: '2025-01-01T00:09:00.000Z' } },
      },
      resources: {
        'provision.vpc': { type: 'ec2:vpc', id: 'vpc-1', region: 'eu-west-1', step: 'provision' },
        db: { id: 'db-1', arn: 'arn:aws:rds:eu-west-1:1:db:db-1', step: 'provision' },
      },
    });
    expect(data!.resources['provision.vpc']).not.toHaveProperty('key');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual(v0); // reading never writes
  });
});

describe('migrations', () => {
  it('are pure', () => {
    const input = structuredClone(v0);
    const out = migrateState(input, 0);
    expect(input).toEqual(v0);
    expect(out).toEqual(v0ToV1(structuredClone(v0)));
  });

  it('upgrade the file on the next write, keeping the original as the backup', async () => {
    const dir = tempDir();
    const { state, backup } = statePaths(dir);
    writeFileSync(state, JSON.stringify(v0));
    const store = await StateStore.open(dir);
    await store.update((d) => {
      d.acceptedRisks.push('db.noBinlog');
    });
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved).toMatchObject({ schemaVersion: 1, serial: 8, lineage: v0.lineage, acceptedRisks: ['db.noBinlog'] });
    expect(JSON.parse(readFileSync(backup, 'utf8'))).toEqual(v0);
  });
});

describe('the reader stays light', () => {
  // `promigrate status` imports read.ts; its start-up budget allows node builtins and our own small modules only.
  it('imports nothing but node builtins and relative modules, transitively', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) visit(join(file, '..', spec.replace(/\.js$/, '.ts')));
        else expect(spec, `${file} imports ${spec}`).toMatch(/^node:/);
      }
      expect(source, `${file} must not import() packages`).not.toMatch(/import\(\s*['"](?!\.|node:)/);
    };
    visit(join(REPO, 'src/state/read.ts'));
    expect(seen.size).toBeGreaterThan(3);
  });
});
