/**
 * The sandbox's persisted world: every simulated resource, the simulated time and the id
 * counter, in one JSON document at `<state-dir>/sandbox.json` (or only in memory).
 *
 * It is saved after every mutating call, before the call returns, so a process killed right
 * after a create leaves a world that already holds the resource — as real AWS would.
 */
import { createHash, randomInt } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../../errors.js';
import type { ServiceName } from './types.js';

export const WORLD_VERSION = 1;

export interface WorldData {
  version: number;
  seed: number;
  /** Simulated epoch milliseconds when last saved. */
  now: number;
  idCounter: number;
  accountId: string;
  slices: Partial<Record<ServiceName, object>>;
  faults: {
    /** Mutating calls applied over the world's whole life (all processes). */
    mutatingCalls: number;
  };
}

export interface WorldInit {
  /** False: read the world but never write it (plan mode). Default true. */
  persist?: boolean;
  seed?: number;
  accountId?: string;
  /** Simulated start time of a new world (default: the real time now). */
  startTime?: number;
}

export class World {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly data: WorldData,
    readonly path: string | undefined,
    /** True when this world was just created rather than loaded. */
    readonly fresh: boolean,
    private readonly persist: boolean,
  ) {}

  /** Loads the world at `path`, or starts a new one (in memory when `path` is undefined). */
  static async open(path: string | undefined, init: WorldInit = {}): Promise<World> {
    if (path !== undefined) {
      let text: string | undefined;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (text !== undefined) return new World(parseWorld(text, path), path, false, init.persist ?? true);
    }
    return new World(newWorld(init), path, true, init.persist ?? true);
  }

  get seed(): number {
    return this.data.seed;
  }

  get accountId(): string {
    return this.data.accountId;
  }

  /** A deterministic id: the same seed and counter always give the same id. */
  newId(prefix: string, hexLength = 17): string {
    const n = this.data.idCounter++;
    let hex = '';
    for (let i = 0; hex.length < hexLength; i++) {
      hex += createHash('sha256').update(`${this.data.seed}:${n}:${i}`).digest('hex');
    }
    return `${prefix}${hex.slice(0, hexLength)}`;
  }

  slice<T extends object>(service: ServiceName, init: () => T): T {
    const existing = this.data.slices[service];
    if (existing !== undefined) return existing as T;
    const created = init();
    this.data.slices[service] = created;
    return created;
  }

  /**
   * Writes the world atomically. The JSON is taken synchronously, so a save started after a
   * change always contains it; writes to the same file are serialised in call order.
   */
  save(): Promise<void> {
    const path = this.path;
    if (path === undefined || !this.persist) return Promise.resolve();
    const text = `${JSON.stringify(this.data, null, 1)}\n`;
    const next = this.saving.then(async () => {
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, text, { encoding: 'utf8' });
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every save started so far has landed (or failed). */
  flush(): Promise<void> {
    return this.saving;
  }
}

function newWorld(init: WorldInit): WorldData {
  const seed = init.seed ?? randomInt(1, 2 ** 31);
  return {
    version: WORLD_VERSION,
    seed,
    now: Math.floor((init.startTime ?? Date.now()) / 1000) * 1000,
    idCounter: 0,
    accountId: init.accountId ?? accountIdFromSeed(seed),
    slices: {},
    faults: { mutatingCalls: 0 },
  };
}

/** A 12-digit account id derived from the seed, so a seeded world is fully repeatable. */
function accountIdFromSeed(seed: number): string {
  const digits = BigInt(`0x${createHash('sha256').update(`account:${seed}`).digest('hex').slice(0, 15)}`);
  return (digits % 10n ** 12n).toString().padStart(12, '0');
}

function parseWorld(text: string, path: string): WorldData {
  const hint = `Delete ${path} to start a fresh sandbox (the simulated resources in it are lost).`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StateError(`The sandbox world ${path} is not valid JSON.`, { hint, cause: err });
  }
  const data = value as Partial<WorldData>;
  if (typeof data !== 'object' || data === null || typeof data.version !== 'number') {
    throw new StateError(`The sandbox world ${path} is not a promigrate sandbox file.`, { hint });
  }
  if (data.version !== WORLD_VERSION) {
    throw new StateError(
      `The sandbox world ${path} has version ${data.version}; this promigrate reads version ${WORLD_VERSION}.`,
      { hint },
    );
  }
  if (
    typeof data.seed !== 'number' ||
    typeof data.now !== 'number' ||
    typeof data.idCounter !== 'number' ||
    typeof data.accountId !== 'string' ||
    typeof data.slices !== 'object' ||
    data.slices === null
  ) {
    throw new StateError(`The sandbox world ${path} is incomplete or damaged.`, { hint });
  }
  return { ...data, faults: { mutatingCalls: data.faults?.mutatingCalls ?? 0 } } as WorldData;
}
