/**
 * The state store: one in-memory snapshot of `<state-dir>/state.json`, changed only through
 * `update()`, which serialises callers, bumps the serial, and writes the file durably with
 * the previous version kept as `state.json.backup`.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StateError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { atomicReplace, createExclusive, fsyncDir, sweepTempFiles } from './atomic.js';
import { statePaths } from './paths.js';
import { ensureStateDir } from './state-dir.js';
import { parseStateText, readStateFile } from './read.js';
import { emptyStepState, STATE_SCHEMA_VERSION, type StateFile, type StepState } from './types.js';
import { findStateProblem } from './validate.js';

export interface StateInit {
  project: string;
  configHash: string;
  /** Defaults to this package's version. */
  toolVersion?: string;
}

export type StateMutation = (draft: StateFile) => void | Promise<void>;

/**
 * Crash rehearsal (tests, fault drills): `PROMIGRATE_CRASH_AFTER_STATE_WRITES=N` SIGKILLs the
 * process right after its Nth durable state write — the way the sandbox's crash-after-N-calls
 * does for AWS calls, but reaching steps that make no AWS call (assess, verify).
 */
let stateWrites = 0;
async function crashAfterStateWrite(): Promise<void> {
  const n = Number(process.env.PROMIGRATE_CRASH_AFTER_STATE_WRITES);
  if (!(Number.isInteger(n) && n > 0 && ++stateWrites === n)) return;
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined); // nothing runs after the kill
}

export class StateStore {
  readonly stateDir: string;
  /** `<state-dir>/state.json`. */
  readonly path: string;
  #data: StateFile;
  #toolVersion: string;
  #queue: Promise<unknown> = Promise.resolve();
  #swept = false;

  private constructor(stateDir: string, data: StateFile, toolVersion: string) {
    this.stateDir = stateDir;
    this.path = statePaths(stateDir).state;
    this.#data = deepFreeze(data);
    this.#toolVersion = toolVersion;
  }

  /** Starts a new state (new lineage, serial 0, no steps yet). Fails if one exists. */
  static async create(stateDir: string, init: StateInit): Promise<StateStore> {
    const store = await StateStore.#tryCreate(stateDir, init);
    if (store) return store;
    const { state } = statePaths(stateDir);
    throw new StateError(`A state already exists at ${state}.`, {
      hint: 'Run `promigrate status` to see it. To start over, move that directory aside or choose another --state-dir.',
    });
  }

  /** Opens an existing state (migrating an older schema in memory; it is saved upgraded on the next update). */
  static async open(stateDir: string): Promise<StateStore> {
    const { state } = statePaths(stateDir);
    const data = await readStateFile(state);
    if (!data) {
      throw new StateError(`No state found at ${state}.`, {
        hint: 'Run `promigrate init` first, or pass the --state-dir you used before.',
      });
    }
    return new StateStore(stateDir, data, TOOL_VERSION);
  }

  static async openOrCreate(stateDir: string, init: StateInit): Promise<StateStore> {
    const data = await readStateFile(statePaths(stateDir).state);
    if (data) return new StateStore(stateDir, data, TOOL_VERSION);
    // Lost a race with another creator: use theirs.
    return (await StateStore.#tryCreate(stateDir, init)) ?? StateStore.open(stateDir);
  }

  static async #tryCreate(stateDir: string, init: StateInit): Promise<StateStore | undefined> {
    await ensureStateDir(stateDir);
    const now = new Date().toISOString();
    const toolVersion = init.toolVersion ?? TOOL_VERSION;
    const data: StateFile = {
      schemaVersion: STATE_SCHEMA_VERSION,
      lineage: randomUUID(),
      serial: 0,
      toolVersion,
      project: init.project,
      configHash: init.configHash,
      createdAt: now,
      updatedAt: now,
      steps: {},
      resources: {},
      acceptedRisks: [],
    };
    const created = await createExclusive(statePaths(stateDir).state, serialize(data));
    return created ? new StateStore(stateDir, data, toolVersion) : undefined;
  }

  /** The current state, deeply frozen: read it, never mutate it (use `update`). */
  get data(): Readonly<StateFile> {
    return this.#data;
  }

  /** A step's entry, or a fresh pending one when the step has not run yet (steps are added lazily). */
  stepState(id: string): Readonly<StepState> {
    return this.#data.steps[id] ?? emptyStepState();
  }

  /**
   * Applies `mutate` to a copy of the state and saves it (serial + 1). Calls are queued, so
   * parallel callers never lose each other's changes; do not call `update` from inside a
   * mutation (it would wait for itself). If the mutation or the write fails, nothing changes.
   */
  update(mutate: StateMutation): Promise<void> {
    const done = this.#queue.then(() => this.#commit(mutate));
    this.#queue = done.catch(() => undefined);
    return done;
  }

  async #commit(mutate: StateMutation): Promise<void> {
    const prev = this.#data;
    const draft = structuredClone(prev) as StateFile;
    await mutate(draft);
    Object.assign(draft, {
      schemaVersion: STATE_SCHEMA_VERSION,
      lineage: prev.lineage,
      serial: prev.serial + 1,
      toolVersion: this.#toolVersion,
      updatedAt: new Date().toISOString(),
    });
    const text = serialize(draft);
    // What is on disk is what we keep in memory (drops undefined fields, turns Dates into strings).
    const next = JSON.parse(text) as StateFile;
    const problem = findStateProblem(next);
    if (problem !== undefined) {
      throw new StateError(`Refusing to save an invalid state (${problem}); state.json was not changed.`, {
        hint: 'This is a bug in promigrate: please report it with the output of --verbose.',
      });
    }
    await this.#write(text, prev);
    this.#data = deepFreeze(next);
    await crashAfterStateWrite();
  }

  async #write(text: string, prev: StateFile): Promise<void> {
    const paths = statePaths(this.stateDir);
    if (!this.#swept) {
      this.#swept = true;
      await sweepTempFiles(paths.state).catch(() => undefined);
    }
    let onDisk: string;
    try {
      onDisk = await readFile(paths.state, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new StateError(`${paths.state} was removed while promigrate was using it; nothing was saved.`, {
        hint: `Restore it (the previous version is in ${paths.backup}) or run \`promigrate init\`, then re-run the command.`,
      });
    }
    const disk = parseStateText(onDisk, paths.state);
    if (disk.lineage !== prev.lineage || disk.serial > prev.serial) {
      const what =
        disk.lineage !== prev.lineage
          ? `it now holds another state (lineage ${disk.lineage}, not ${prev.lineage})`
          : `serial ${disk.serial} on disk, ${prev.serial} here`;
      throw new StateError(`${paths.state} was changed by another process (${what}); re-run the command.`, {
        hint: 'Only one promigrate may work on a state directory at a time; re-running reads the current state.',
      });
    }
    // Backup first: if we die between the two renames, state.json is still the complete old version.
    await atomicReplace(paths.backup, onDisk);
    await atomicReplace(paths.state, text);
    await fsyncDir(paths.dir);
  }
}

function serialize(data: StateFile): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
