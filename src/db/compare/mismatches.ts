/** Counts of missing / extra / changed rows, keeping only the first N keys (or row hashes) of each. */
import type { Digest, Key, Mismatches, RowDiff } from './types.js';

export type MismatchKind = keyof Mismatches;

export const emptyMismatches = (): Mismatches => ({
  missing: { count: 0, keys: [] },
  extra: { count: 0, keys: [] },
  changed: { count: 0, keys: [] },
});

export const digestsEqual = (a: Digest, b: Digest): boolean => a.rows === b.rows && a.sum === b.sum && a.squares === b.squares;

/** Digests are sums, so the digest of (whole − part) is the difference of theirs. */
export function subtractDigest(whole: Digest, part: Digest): Digest {
  const minus = (a: string, b: string) => (BigInt(a) - BigInt(b)).toString();
  return {
    rows: whole.rows - part.rows,
    sum: minus(whole.sum, part.sum),
    ...(whole.squares !== undefined && part.squares !== undefined ? { squares: minus(whole.squares, part.squares) } : {}),
  };
}

export class MismatchSink {
  constructor(
    readonly mismatches: Mismatches,
    private readonly sampleKeys: number,
  ) {}

  /** How many more keys of this kind are worth fetching. */
  room(kind: MismatchKind): number {
    return Math.max(0, this.sampleKeys - this.mismatches[kind].keys.length);
  }

  add(kind: MismatchKind, count: number, keys: Key[] = []): void {
    const diff: RowDiff = this.mismatches[kind];
    diff.count += count;
    diff.keys.push(...keys.slice(0, this.room(kind)));
  }

  addHash(kind: MismatchKind, hash: string, copies: number): void {
    const diff = this.mismatches[kind];
    diff.count += copies;
    diff.rowHashes ??= [];
    if (diff.rowHashes.length < this.sampleKeys) diff.rowHashes.push({ hash, copies });
  }

  get total(): number {
    return this.mismatches.missing.count + this.mismatches.extra.count + this.mismatches.changed.count;
  }
}
