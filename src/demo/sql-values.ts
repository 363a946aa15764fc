/**
 * Row values written two ways: as multi-row INSERT statements (any PostgreSQL connection) or as
 * COPY text format (PGlite's COPY FROM '/dev/blob', about three times faster there).
 * Every value is typed by its column on the server: numerics, timestamps, arrays and json go
 * as text.
 */
export type Value = string | number | boolean | Buffer | null;

const MAX_ROWS_PER_INSERT = 1000;
const MAX_CHUNK_CHARS = 4 << 20;

export function sqlLiteral(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'`;
  return `'${v.replace(/'/g, "''")}'`;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function copyText(v: Value): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  // bytea's hex input `\x…`, its backslash escaped for the COPY text format.
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  return v.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] as string);
}

/** Lines of `encode`d rows joined into chunks of at most `maxRows` rows / ~4 MB. */
function* chunks(rows: Iterable<Value[]>, encode: (row: Value[]) => string, sep: string, maxRows: number): Generator<string> {
  let out: string[] = [];
  let chars = 0;
  for (const row of rows) {
    const line = encode(row);
    out.push(line);
    chars += line.length;
    if (out.length >= maxRows || chars >= MAX_CHUNK_CHARS) {
      yield out.join(sep);
      out = [];
      chars = 0;
    }
  }
  if (out.length > 0) yield out.join(sep);
}

/** `INSERT INTO table (columns) [OVERRIDING SYSTEM VALUE] VALUES …;` statements. */
export function* insertStatements(table: string, columns: string[], rows: Iterable<Value[]>, overriding = false): Generator<string> {
  const head = `INSERT INTO ${table} (${columns.join(', ')})${overriding ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES\n`;
  for (const values of chunks(rows, (r) => `(${r.map(sqlLiteral).join(', ')})`, ',\n', MAX_ROWS_PER_INSERT)) yield `${head}${values};`;
}

/** COPY text-format chunks (each ends with a newline). */
export function* copyChunks(rows: Iterable<Value[]>): Generator<string> {
  for (const text of chunks(rows, (r) => r.map(copyText).join('\t'), '\n', Number.POSITIVE_INFINITY)) yield `${text}\n`;
}
