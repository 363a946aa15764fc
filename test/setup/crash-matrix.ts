/**
 * vitest globalSetup: picks the kill -9 matrices' mode and seed once per run and provides it
 * to every test file as `inject('crashMatrix')` (see test/helpers/crash-matrix.ts).
 *
 *   npm test                              sampled matrices, a new random seed each run
 *   PROMIGRATE_CRASH_SEED=1234 npm test   the same sample again (the seed a run printed)
 *   npm run test:crash                    every crash point (PROMIGRATE_CRASH_MATRIX=full)
 */
import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';

export interface CrashMatrixSetting {
  full: boolean;
  seed: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    crashMatrix: CrashMatrixSetting;
  }
}

export function crashMatrixSetting(env: NodeJS.ProcessEnv = process.env): CrashMatrixSetting {
  const mode = env.PROMIGRATE_CRASH_MATRIX ?? 'sample';
  if (mode !== 'full' && mode !== 'sample') throw new Error(`PROMIGRATE_CRASH_MATRIX must be "full" or "sample", not ${JSON.stringify(mode)}`);
  const given = env.PROMIGRATE_CRASH_SEED;
  if (given !== undefined && !/^\d+$/.test(given)) throw new Error(`PROMIGRATE_CRASH_SEED must be a non-negative integer, not ${JSON.stringify(given)}`);
  return { full: mode === 'full', seed: given !== undefined ? Number(given) : randomInt(1, 1_000_000) };
}

export function describeSetting({ full, seed }: CrashMatrixSetting): string {
  return full
    ? 'kill -9 matrices: full (every crash point)'
    : `kill -9 matrices: sampled with seed ${seed} — PROMIGRATE_CRASH_SEED=${seed} npm test repeats this sample, npm run test:crash runs every point`;
}

export default function setup({ provide }: TestProject): () => void {
  const setting = crashMatrixSetting();
  provide('crashMatrix', setting);
  console.log(`\n${describeSetting(setting)}\n`);
  // Printed again at the end, next to the failures it explains.
  return () => console.log(`\n${describeSetting(setting)}\n`);
}
