import { describe, expect, it } from 'vitest';
import { crashMatrixSetting, describeSetting } from '../../setup/crash-matrix.js';
import { drawSample } from '../../helpers/crash-matrix.js';

const POINTS = Array.from({ length: 16 }, (_, i) => i + 1);

describe('the kill -9 matrices’ sampling', () => {
  it('draws k distinct points of the list, in list order, the same for the same seed and name', () => {
    const a = drawSample(POINTS, 4, 1234, 'provision');
    expect(a).toHaveLength(4);
    expect(new Set(a).size).toBe(4);
    expect(a.every((p) => POINTS.includes(p))).toBe(true);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(drawSample(POINTS, 4, 1234, 'provision')).toEqual(a);
    expect(drawSample(POINTS, 99, 1, 'x')).toEqual(POINTS);
  });

  it('is a fair draw: over many seeds every point is picked about k/n of the time, and other seeds or names draw other samples', () => {
    const picked = new Map<number, number>();
    const samples = new Set<string>();
    for (let seed = 1; seed <= 4000; seed++) {
      const s = drawSample(POINTS, 4, seed, 'provision');
      samples.add(s.join(','));
      for (const p of s) picked.set(p, (picked.get(p) ?? 0) + 1);
    }
    for (const p of POINTS) expect(picked.get(p)! / 4000, `point ${p}`).toBeCloseTo(4 / 16, 1);
    expect(samples.size).toBeGreaterThan(1000);
    const byName = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => drawSample(POINTS, 4, 7, name).join(',')));
    expect(byName.size).toBeGreaterThan(3);
  });

  it('reads PROMIGRATE_CRASH_MATRIX and PROMIGRATE_CRASH_SEED, and names the seed to reproduce a run', () => {
    expect(crashMatrixSetting({ PROMIGRATE_CRASH_SEED: '42' })).toEqual({ full: false, seed: 42 });
    expect(crashMatrixSetting({ PROMIGRATE_CRASH_MATRIX: 'full' }).full).toBe(true);
    const random = crashMatrixSetting({});
    expect(random.full).toBe(false);
    expect(Number.isInteger(random.seed) && random.seed > 0).toBe(true);
    expect(() => crashMatrixSetting({ PROMIGRATE_CRASH_MATRIX: 'all' })).toThrow(/"full" or "sample"/);
    expect(() => crashMatrixSetting({ PROMIGRATE_CRASH_SEED: 'abc' })).toThrow(/non-negative integer/);
    expect(describeSetting({ full: false, seed: 42 })).toContain('PROMIGRATE_CRASH_SEED=42 npm test');
    expect(describeSetting({ full: true, seed: 42 })).toContain('full');
  });
});
