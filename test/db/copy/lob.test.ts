/** Limited LOB mode's cut, per DMS LOB type: exact sizes, never half a character. */
import { describe, expect, it } from 'vitest';
import { LobCutter, cutLob } from '../../../src/aws/sandbox/copy/lob.js';

describe('cutLob', () => {
  it('cuts a BLOB (a Buffer, or PostgreSQL bytea hex text) to maxBytes bytes', () => {
    expect(cutLob(Buffer.alloc(11, 7), 'blob', 10)).toEqual(Buffer.alloc(10, 7));
    expect(cutLob(Buffer.alloc(10, 7), 'blob', 10)).toBeUndefined();
    expect(cutLob(`\\x${'ab'.repeat(11)}`, 'blob', 10)).toBe(`\\x${'ab'.repeat(10)}`);
    expect(cutLob(`\\x${'ab'.repeat(10)}`, 'blob', 10)).toBeUndefined();
    expect(() => cutLob('plain', 'blob', 1)).toThrow(/hex form/);
  });

  it('cuts a CLOB at maxBytes of UTF-8, backing off before a split character', () => {
    expect(cutLob('abcdefghijk', 'clob', 10)).toBe('abcdefghij');
    // 'é' is 2 bytes: 9 ASCII + é = 11 bytes; byte 10 would split it.
    expect(cutLob(`${'a'.repeat(9)}é`, 'clob', 10)).toBe('a'.repeat(9));
    expect(cutLob(`${'a'.repeat(8)}é`, 'clob', 10)).toBeUndefined();
  });

  it('cuts an NCLOB at maxBytes / 2 UTF-16 code units, never half a surrogate pair', () => {
    expect(cutLob('é'.repeat(6), 'nclob', 10)).toBe('é'.repeat(5));
    expect(cutLob('é'.repeat(5), 'nclob', 10)).toBeUndefined();
    expect(cutLob(`abcd😀x`, 'nclob', 10)).toBe('abcd');
    expect(cutLob(`abc😀x`, 'nclob', 10)).toBe('abc😀');
  });

  it('leaves NULL alone', () => {
    expect(cutLob(null, 'nclob', 1)).toBeUndefined();
    expect(cutLob(undefined, 'blob', 1)).toBeUndefined();
  });
});

describe('LobCutter', () => {
  it('cuts only the LOB columns of each row, in place, and counts the cuts per column', () => {
    const cutter = new LobCutter(['id', 'body', 'raw'], [undefined, 'nclob', 'blob'], 1);
    const rows = [[1, 'x'.repeat(600), Buffer.alloc(1025)], [2, 'y'.repeat(512), null], ['z'.repeat(2000), 'w'.repeat(513), Buffer.alloc(1)]];
    cutter.apply(rows);
    expect(rows.map((r) => [String(r[0]).length, String(r[1]).length, (r[2] as Buffer | null)?.length ?? null])).toEqual([[1, 512, 1024], [1, 512, null], [2000, 512, 1]]);
    expect(cutter.truncations()).toEqual([{ column: 'body', values: 2, maxBytes: 1024 }, { column: 'raw', values: 1, maxBytes: 1024 }]);
  });
});
