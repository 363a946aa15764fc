/**
 * The per-engine SQL expression that turns a row into one normalised string, the input of
 * the row hash. Both sides build it from the same TablePlan, so it has the same shape on both.
 *
 * The string is `bitmap SEP v1 SEP v2 …`: the bitmap has a '1' for each nullable column that
 * is NULL, and NULL values are left out (CONCAT_WS skips them), so (1,NULL,'a') ≠ (1,'a',NULL)
 * and NULL ≠ ''. It is unambiguous because no value can contain the separator:
 * - MySQL/MariaDB: the separator is the byte 0xFF (a binary string, which makes the whole row a
 *   binary string: every value is taken as its bytes), which never occurs in UTF-8; strings are
 *   utf8mb4 bytes (columns in another character set are converted, utf8mb3/utf8mb4/ascii ones
 *   are read as they are, which is the same bytes at a fraction of the cost) and binary values
 *   are hex, so values are valid UTF-8 or ASCII.
 * - PostgreSQL: the separator is '|'; values whose text may contain it are prefixed with their
 *   length in characters (`5:ab|cd`).
 *
 * Normalisation (what may legitimately differ between two servers of the same family):
 * - strings: utf8mb4 text (MySQL), hashed as bytes — never compared through a collation, so
 *   trailing spaces count even under PAD SPACE collations, and case counts under _ci ones;
 * - FLOAT/real rounded to FLOAT_SIGNIFICANT_DIGITS (6), DOUBLE/double precision to
 *   DOUBLE_SIGNIFICANT_DIGITS (15) significant digits. Two values on either side of a rounding
 *   boundary (1.2345649 vs 1.2345651) still differ, as do 999999.9 (→ mantissa 1000000,
 *   exponent 5, rounded up past a power of ten) and 1000000 (→ 100000, exponent 6); MySQL
 *   DOUBLE values below 1e-290 are not rounded;
 * - timestamps: the session runs in UTC (set by the connection), so TIMESTAMP/timestamptz are
 *   compared as instants;
 * - binary values: hex (BINARY/VARBINARY/BLOB/bytea), or the MD5 of the bytes for values that
 *   may exceed max_allowed_packet once hex-encoded (MEDIUM/LONG BLOB and TEXT, JSON, spatial,
 *   and TEXT/BLOB when a row has more than MYSQL_INLINE_LOBS of them).
 *
 * The MySQL/MariaDB chunk hash (mysqlRowHash) is a CRC32 of that string, scrambled by a second
 * CRC32 — see there for why; listings of single rows (bisection leaves, tables without a key)
 * use its MD5.
 */
import { DOUBLE_SIGNIFICANT_DIGITS, FLOAT_SIGNIFICANT_DIGITS, type ColumnInfo, type TablePlan } from './types.js';

export const quoteMysql = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
export const quotePg = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const MYSQL_PLAIN = new Set([
  'tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'year',
  'date', 'datetime', 'timestamp', 'time',
]);
const MYSQL_INLINE_TEXT = new Set(['char', 'varchar', 'tinytext', 'enum', 'set']);
const MYSQL_HEX = new Set(['binary', 'varbinary', 'tinyblob', 'bit']);
/**
 * TEXT/BLOB hold up to 64 KB (128 KB once converted or hex-encoded): inline while a row has at
 * most this many of them, so the row string stays far below any max_allowed_packet (≥ 1 MB
 * in practice) — past it CONCAT_WS would return NULL and the row would silently not count.
 */
const MYSQL_INLINE_LOBS = 6;
/** Values up to 4 GB: always hashed on their own. */
const MYSQL_LARGE_TEXT = new Set(['mediumtext', 'longtext']);
const MYSQL_LARGE_BINARY = new Set([
  'mediumblob', 'longblob', 'geometry', 'point', 'linestring', 'polygon', 'multipoint',
  'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection',
]);

/**
 * `digits` significant digits as one integer, `mantissa × 1000 + exponent` (1.2345678 →
 * 123457 × 1000 + 0; -0.012345678 → -123457 × 1000 − 2), built from integers so it reads the
 * same on every MySQL/MariaDB version whatever their DOUBLE printing. The exponent of a FLOAT
 * or DOUBLE is within ±330 and a non-zero mantissa has `digits` digits (or is 10^digits after
 * rounding up), so the integer is unambiguous. 0 is 0 (no other value is).
 * - FLOAT: the integer is below 2^31, so DOUBLE arithmetic holds it exactly; one CAST of the
 *   result (printing an integer costs far less than printing a DOUBLE, and less than casting
 *   each part).
 * - DOUBLE: |mantissa| ≤ 10^15 needs BIGINT; values below 1e-290 are printed unrounded,
 *   prefixed with '~' (10^k would overflow).
 * One integer instead of a `<mantissa>e<exponent>` string halves the cost of the expression,
 * which is evaluated once per row per chunk.
 */
function mysqlRound(col: string, digits: number, tiny: boolean): string {
  if (!tiny) {
    // FLOAT cannot go below 1.4e-45, so 10^(digits - 1 - exponent) never overflows for it.
    const exp = `FLOOR(LOG10(ABS(${col})))`;
    return `CAST(IF(${col} = 0, 0, ROUND(${col} * POW(10, ${digits - 1} - ${exp})) * 1000 + ${exp}) AS SIGNED)`;
  }
  const exp = `CAST(FLOOR(LOG10(ABS(${col}))) AS SIGNED)`;
  const rounded = `CAST(ROUND(${col} * POW(10, ${digits - 1} - ${exp})) AS SIGNED) * 1000 + ${exp}`;
  return `CASE WHEN ${col} = 0 THEN 0 WHEN ABS(${col}) < 1e-290 THEN CONCAT('~', ${col}) ELSE ${rounded} END`;
}

/** Character sets whose bytes already are the text's UTF-8 bytes (utf8mb3 is a subset of utf8mb4). */
const UTF8_BYTES = new Set(['utf8mb4', 'utf8mb3', 'utf8', 'ascii']);

/**
 * A string column as utf8mb4 bytes. The 0xFF separator makes the row a binary string, so a
 * column already in UTF-8 is taken as it is; one in another character set (latin1, …) — or of
 * an unknown one — is converted first, so equal text in two character sets hashes the same.
 * The character set is the one of the side the expression runs on (see compare-table.ts).
 */
const utf8Bytes = (expr: string, charset: string | undefined): string =>
  charset !== undefined && UTF8_BYTES.has(charset) ? expr : `CONVERT(${expr} USING utf8mb4)`;

export function mysqlValue(c: ColumnInfo, inlineLobs = true): string {
  const col = quoteMysql(c.name);
  const t = c.dataType;
  if (MYSQL_PLAIN.has(t)) return col;
  if (t === 'float') return mysqlRound(col, FLOAT_SIGNIFICANT_DIGITS, false);
  if (t === 'double' || t === 'real' || t === 'double precision') return mysqlRound(col, DOUBLE_SIGNIFICANT_DIGITS, true);
  if (MYSQL_INLINE_TEXT.has(t) || (t === 'text' && inlineLobs)) return utf8Bytes(col, c.charset);
  if (MYSQL_HEX.has(t) || (t === 'blob' && inlineLobs)) return `HEX(${col})`;
  if (MYSQL_LARGE_TEXT.has(t) || t === 'text') return `MD5(CONVERT(${col} USING utf8mb4))`;
  if (t === 'blob') return `MD5(${col})`;
  if (MYSQL_LARGE_BINARY.has(t)) return `MD5(${col})`;
  // JSON (MySQL's binary type) and anything unknown: its text, hashed on its own.
  return `MD5(CAST(${col} AS CHAR CHARACTER SET utf8mb4))`;
}

/** The normalised row string (a binary string) for MySQL/MariaDB. */
export function mysqlRow(plan: TablePlan): string {
  const bitmap = plan.columns.filter((c) => plan.nullable.has(c.name)).map((c) => `ISNULL(${quoteMysql(c.name)})`);
  const inlineLobs = plan.columns.filter((c) => c.dataType === 'text' || c.dataType === 'blob').length <= MYSQL_INLINE_LOBS;
  const values = plan.columns.map((c) => mysqlValue(c, inlineLobs));
  const parts = [...(bitmap.length > 0 ? [`CONCAT(${bitmap.join(', ')})`] : []), ...values];
  return `CONCAT_WS(${MYSQL_SEPARATOR}, ${parts.join(', ')})`;
}

/** A binary 0xFF: a bare X'FF' would be converted to the columns' utf8mb4 and refused. */
const MYSQL_SEPARATOR = "CAST(X'FF' AS BINARY)";

/**
 * The row's hash, summed per chunk: `CRC32(CRC32(row))`, the CRC32 of the normalised row
 * string, then the CRC32 of that number's decimal text. The row string is built once per row
 * (building it is most of the cost; pt-table-checksum builds the same string).
 *
 * Why the outer CRC32: a CRC is linear — for two rows of equal length, CRC(a) ⊕ CRC(b) depends
 * only on a ⊕ b. The same change at the same place of two rows (a status column that is last,
 * changed in two rows of equal length) flips the same bits of both rows' CRC32; pt-table-checksum's
 * BIT_XOR then always cancels them, and even an exact SUM cancels when the two rows' CRCs have
 * those bits set in opposite ways (probability 2^-w for w flipped bits, often only 2^-16). The
 * CRC32 of the decimal text is a fixed scramble that is neither XOR- nor add-linear, so equal
 * changes in several rows move the sum by unrelated amounts. What that costs and guarantees:
 * - a changed row goes unseen only if its 32-bit value is unchanged (the inner CRC32 collides,
 *   or the outer one does): about 2^-32 per changed chunk, CRC32's own strength; an unchanged
 *   value would hide it from any aggregate;
 * - several changed rows cancel only if the changes of their values sum to zero: about 2^-32;
 * - the chunk digest is COUNT(*) and the exact (DECIMAL) SUM of the values, not their XOR, so
 *   even equal values do not cancel pairwise.
 * It costs about a tenth more than pt-table-checksum's BIT_XOR(CRC32(row)) per row, against half
 * again for the two-CRC32 64-bit value of digest algorithm 2 (which needed a session variable
 * to build the row once, a syntax MySQL 8 deprecates). Rows listed at the leaves of the
 * bisection are compared by MD5, so a chunk that differs is classified row by row with a
 * cryptographic hash.
 */
export function mysqlRowHash(plan: TablePlan): string {
  return `CRC32(CRC32(${mysqlRow(plan)}))`;
}

const PG_PLAIN = new Set([
  'int2', 'int4', 'int8', 'oid', 'numeric', 'bool', 'date', 'time', 'timetz', 'timestamp', 'timestamptz',
  'interval', 'uuid', 'inet', 'cidr', 'macaddr', 'macaddr8', 'pg_lsn',
]);

function pgRound(col: string, digits: number): string {
  // to_char's EEEE form is printf("%.*e"): exactly `digits` significant digits.
  const mask = `9.${'9'.repeat(digits - 1)}EEEE`;
  return `CASE WHEN ${col} = 0 THEN '0' WHEN ${col} IN ('NaN', 'Infinity', '-Infinity') THEN ${col}::text ELSE to_char(${col}, '${mask}') END`;
}

export function pgValue(c: ColumnInfo): string {
  const col = quotePg(c.name);
  const t = c.dataType;
  if (PG_PLAIN.has(t)) return `${col}::text`;
  if (t === 'float4') return pgRound(col, FLOAT_SIGNIFICANT_DIGITS);
  if (t === 'float8') return pgRound(col, DOUBLE_SIGNIFICANT_DIGITS);
  if (t === 'bytea') return `encode(${col}, 'hex')`;
  // money's text depends on lc_monetary.
  if (t === 'money') return `${col}::numeric::text`;
  // Strings, json, xml, arrays, enums, composites…: length-prefixed, as they may contain '|'.
  return `length(${col}::text) || ':' || ${col}::text`;
}

/** The normalised row string (text) for PostgreSQL. */
export function pgRow(plan: TablePlan): string {
  const bitmap = plan.columns.filter((c) => plan.nullable.has(c.name)).map((c) => `(${quotePg(c.name)} IS NULL)::int::text`);
  const parts = [...(bitmap.length > 0 ? [bitmap.join(' || ')] : []), ...plan.columns.map(pgValue)];
  return `concat_ws('|', ${parts.join(', ')})`;
}

/** The row's MD5 as hex text; over UTF-8 bytes when the two databases' encodings differ. */
export function pgRowMd5(plan: TablePlan): string {
  const row = pgRow(plan);
  return plan.convertToUtf8 ? `md5(convert_to(${row}, 'UTF8'))` : `md5(${row})`;
}
