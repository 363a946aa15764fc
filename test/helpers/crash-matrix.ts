/**
 * The kill -9 matrices of the e2e tests: every crash point is listed in its test file; a
 * full run (`npm run test:crash`, PROMIGRATE_CRASH_MATRIX=full) runs them all, `npm test`
 * a random subset drawn from the run's seed (printed at the start and end of the run and in
 * the names of the sampled tests; PROMIGRATE_CRASH_SEED=<seed> draws the same subset again).
 * Each matrix draws from its own stream (seed + matrix name), so adding a matrix does not
 * change another's sample. Other sampled e2e tests (the malformed configs through the CLI)
 * draw from the same seed.
 */
import { inject } from 'vitest';
import { mulberry32 } from '../../src/aws/sandbox/faults.js';

/** The sandbox's mulberry32, seeded with a 32-bit FNV-1a hash of `seed:name`. */
function rng(seed: number, name: string): () => number {
  let h = 2166136261 ^ seed;
  for (const c of `${seed}:${name}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return mulberry32(h >>> 0);
}

/** `k` of `items` drawn uniformly without replacement (partial Fisher–Yates), in their original order. */
export function drawSample<T>(items: readonly T[], k: number, seed: number, name: string): T[] {
  const next = rng(seed, name);
  const idx = items.map((_, i) => i);
  const n = Math.min(k, idx.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).sort((a, b) => a - b).map((i) => items[i]!);
}

export interface CrashMatrix<T> {
  /** The points to run: all of them in a full run, else the sample. */
  points: T[];
  full: boolean;
  seed: number;
  /** For test names: "full matrix" or "sample 4 of 16, PROMIGRATE_CRASH_SEED=1234". */
  label: string;
}

/**
 * The crash points of matrix `name` to run. `groups` are drawn from separately (e.g. single
 * and double crashes), `perGroup[i]` points from group i in a sampled run.
 */
export function crashMatrix<T>(name: string, groups: ReadonlyArray<readonly T[]>, perGroup: readonly number[]): CrashMatrix<T> {
  const { full, seed } = inject('crashMatrix');
  const total = groups.reduce((n, g) => n + g.length, 0);
  const points = full ? groups.flat() : groups.flatMap((g, i) => drawSample(g, perGroup[i] ?? 0, seed, `${name}#${i}`));
  const label = full ? 'full matrix' : `sample ${points.length} of ${total}, PROMIGRATE_CRASH_SEED=${seed}`;
  return { points, full, seed, label };
}
