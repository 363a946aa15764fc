/** The comparison's defaults and the check of a numeric setting given through the API. */
import { UsageError } from '../../errors.js';

export const DEFAULT_CHUNK_ROWS = 1_000_000;
export const DEFAULT_CHUNK_TIME_MS = 500;
export const DEFAULT_LEAF_ROWS = 64;
export const DEFAULT_SAMPLE_KEYS = 10;
export const DEFAULT_RECHECK = { delayMs: 5_000, attempts: 1 } as const;

/** `value` when it is a whole number ≥ min, `fallback` when it is not given; otherwise a UsageError. */
export function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`The comparison setting ${name} must be a whole number of at least ${min} (got ${value}).`, {
      hint: `Give ${name} a value of ${min} or more, or leave it out for the default (${fallback}).`,
    });
  }
  return value;
}
