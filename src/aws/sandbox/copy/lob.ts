/**
 * Limited LOB mode: "LOBs that exceed the maximum LOB size are truncated, and a warning is
 * issued to the log file" (DMS user guide, "Setting LOB support for source databases in an
 * AWS DMS task"). The maximum is TargetMetadata.LobMaxSize KB, counted in the bytes of DMS's
 * own LOB types ("Source data types for MySQL" / "… for PostgreSQL"):
 *
 * - BLOB (MySQL MEDIUMBLOB/LONGBLOB, PostgreSQL bytea): bytes;
 * - CLOB (MySQL JSON, PostgreSQL xml): the UTF-8 bytes of the text;
 * - NCLOB (MySQL MEDIUMTEXT/LONGTEXT, PostgreSQL text/json/jsonb): 2 bytes a character
 *   (a UTF-16 code unit), as assess counts them (src/steps/assess/postgres-table-checks.ts).
 *
 * MySQL TINYBLOB/BLOB and TINYTEXT/TEXT are BYTES/WSTRING for DMS, not LOBs: never cut.
 * A cut never splits a character. Full and inline LOB modes copy every value whole.
 */
import type { LobTruncation } from './full-load.js';

export type LobKind = 'blob' | 'clob' | 'nclob';

/** A value as the copy carries it: a Buffer (MySQL binary), or text (PostgreSQL bytea as `\x…` hex). */
type Value = unknown;

function cutUtf8(text: string, maxBytes: number): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return undefined;
  let end = maxBytes;
  // Back off to the first byte of the character that would be split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function cutUtf16(text: string, maxBytes: number): string | undefined {
  const units = Math.floor(maxBytes / 2);
  if (text.length <= units) return undefined;
  const last = text.charCodeAt(units - 1);
  // Never keep half of a surrogate pair.
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? units - 1 : units);
}

/** The value cut to `maxBytes`, or undefined when it fits (or is NULL). */
export function cutLob(value: Value, kind: LobKind, maxBytes: number): Value | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.length > maxBytes ? value.subarray(0, maxBytes) : undefined;
  const text = String(value);
  if (kind === 'blob') {
    // PostgreSQL's text form of bytea: `\x` and two hex digits a byte.
    if (!text.startsWith('\\x')) throw new Error('a bytea value was expected in hex form');
    return (text.length - 2) / 2 > maxBytes ? text.slice(0, 2 + 2 * maxBytes) : undefined;
  }
  return kind === 'nclob' ? cutUtf16(text, maxBytes) : cutUtf8(text, maxBytes);
}

/**
 * Cuts the LOB columns of rows in place (limited LOB mode) and counts the values cut per
 * column. `columns[i]` is the kind of row[i], or undefined when it is no LOB.
 */
export class LobCutter {
  private readonly counts = new Map<number, number>();
  private readonly maxBytes: number;

  constructor(private readonly names: string[], private readonly kinds: Array<LobKind | undefined>, lobMaxSizeKb: number) {
    this.maxBytes = lobMaxSizeKb * 1024;
  }

  apply(rows: unknown[][]): void {
    for (const row of rows) {
      this.kinds.forEach((kind, i) => {
        if (!kind) return;
        const cut = cutLob(row[i], kind, this.maxBytes);
        if (cut === undefined) return;
        row[i] = cut;
        this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
      });
    }
  }

  truncations(): LobTruncation[] {
    return [...this.counts].sort(([a], [b]) => a - b).map(([i, values]) => ({ column: this.names[i]!, values, maxBytes: this.maxBytes }));
  }
}
