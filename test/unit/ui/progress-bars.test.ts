import { describe, expect, it } from 'vitest';
import { isBarList, renderBars } from '../../../src/ui/progress-bars.js';

describe('renderBars', () => {
  it('draws proportional bars with counts, estimates marked ~, and aligned labels', () => {
    const text = renderBars([
      { label: 'shop.orders', done: 45, total: 90, note: 'Full load' },
      { label: 'shop.members', done: 100, total: 100, note: 'Table completed' },
      { label: 'x', done: 500, total: 100 },
    ], 80);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    // 80 columns − 12 (label) − 40 (counts, note) = 28 cells
    expect(lines[0]).toMatch(/^ {2}shop\.orders {2}█{14}░{14} 45\/~90 {2}Full load$/);
    expect(lines[1]).toMatch(/^ {2}shop\.members █{28} 100 {2}Table completed$/);
    expect(lines[2]).toMatch(/^ {2}x {12}█{28} 500$/); // more than the estimate: full, no ~
  });

  it('long labels are cut; only well-formed bar lists are drawn', () => {
    const text = renderBars([{ label: 'a'.repeat(50), done: 0, total: 0 }]);
    expect(text).toContain(`${'a'.repeat(31)}…`);
    expect(isBarList([{ label: 'a', done: 1, total: 2 }])).toBe(true);
    expect(isBarList([{ label: 'a', done: '1', total: 2 }])).toBe(false);
    expect(isBarList('bars')).toBe(false);
  });
});
