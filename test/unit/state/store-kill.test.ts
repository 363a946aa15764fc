/**
 * A writer killed (SIGKILL) at random moments must never leave a state.json or a backup
 * that does not parse, nor a state.json that is neither the last saved version nor the one
 * being saved.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { statePaths } from '../../../src/state/paths.js';
import { readStateFile } from '../../../src/state/read.js';
import { StateStore } from '../../../src/state/store.js';
import type { StateFile } from '../../../src/state/types.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';
import { builtStateModules } from './built-state.js';
import { mulberry32 } from '../../../src/aws/sandbox/faults.js';

const WRITER = fileURLToPath(new URL('../../fixtures/state/writer.mjs', import.meta.url));
// A kill -9 matrix like the e2e ones: every round under `npm run test:crash`, 10 under `npm test`.
const ROUNDS = inject('crashMatrix').full ? 25 : 10;
const PAYLOAD_BYTES = 2_000_000;
const SEED = Number(process.env.STATE_KILL_SEED ?? 20260122);

/** Same as in writer.mjs. */
const payloadFor = (serial: number, size: number): string => `${serial}:`.padEnd(size, String.fromCharCode(97 + (serial % 26)));


/** Parses a file with the real reader and checks the payload belongs to the file's own serial. */
async function wholeVersion(path: string): Promise<StateFile> {
  const data = await readStateFile(path);
  expect(data, `${path} missing`).toBeDefined();
  const payload = data!.steps.writer?.outputs.payload;
  if (payload !== undefined) expect(payload === payloadFor(data!.serial, PAYLOAD_BYTES), `${path}: payload of another serial`).toBe(true);
  return data!;
}

let modules: Awaited<ReturnType<typeof builtStateModules>>;
beforeAll(async () => {
  modules = await builtStateModules();
});
afterAll(() => {
  modules?.cleanup();
  removeTempDirs();
});

describe('atomic state writes', () => {
  it(`survive kill -9 (SIGKILL) at ${ROUNDS} random moments (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const dir = tempDir();
    const { state, backup } = statePaths(dir);
    const store = await StateStore.create(dir, { project: 'kill', configHash: 'h' });
    await store.update(() => undefined); // so that a backup exists from the first round on

    let progressed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const before = (await wholeVersion(state)).serial;
      const child = spawn(process.execPath, [WRITER, modules.dir, dir, String(PAYLOAD_BYTES)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      // Kill after a random number of completed saves (0–3) plus a random few ms, so the
      // kill lands anywhere in a write whatever the machine's load.
      const savesFirst = Math.floor(random() * 4);
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.startsWith('ready\n') && out.split('\n').length - 2 >= savesFirst) resolve();
        });
        child.on('close', () => reject(new Error(`writer exited early: ${err}`)));
      });
      await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
      child.kill('SIGKILL');
      expect(await exited, err).toBe('SIGKILL');

      const saved = out.split('\n').slice(1).filter(Boolean).map(Number);
      const lastSaved = saved.at(-1) ?? before;
      const now = await wholeVersion(state);
      const prev = await wholeVersion(backup);
      // The one being written when the kill came may or may not have landed; nothing else.
      expect([lastSaved, lastSaved + 1], `round ${round}`).toContain(now.serial);
      // Backup first, then state: the backup is the version before, or equal when killed between the two.
      expect([now.serial - 1, now.serial], `round ${round}`).toContain(prev.serial);
      expect(now.lineage).toBe(store.data.lineage);
      if (now.serial > before) progressed++;
    }
    expect(progressed, 'the writer must get some writes done between kills').toBeGreaterThan(ROUNDS / 4);

    // Leftover temp files are only ever write-file-atomic's; a fresh store carries on.
    for (const name of readdirSync(dir)) expect(name).toMatch(/^state\.json(\.backup)?(\.\d+)?$/);
    const resumed = await StateStore.open(dir);
    const serial = resumed.data.serial;
    await resumed.update((d) => {
      delete d.steps.writer;
    });
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ serial: serial + 1, steps: {} });
  });
});
