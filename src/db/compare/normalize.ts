/**
 * The per-engine SQL expression that turns a row into one normalised string, the input of
 * the row hash. Both sides build it from the same TablePlan, so it has the same shape on both.
 *
 * The string is `bitmap SEP v1 SEP v2 …`: the bitmap has a '1' for each nullable column that
 * is NULL, and NULL values are left out (CONCAT_WS skips them), so (1,NULL,'a') ≠ (1,'a',NULL)
 * and NULL ≠ ''. It is unambiguous because no value can contain the separator:
 * - MySQL/MariaDB: the separator is the byte 0xFF, which never occurs in UTF-8; every string is
 *   converted to utf8mb4 and every binary value is hex, so values are valid UTF-8 or ASCII.
 * - PostgreSQL: the separator is '|'; values whose text may contain it are prefixed with their
 *   length in characters (`5:ab|cd`).
 *
 * Normalisation (what may legitimately differ between two servers of the same family):
 * - strings: utf8mb4 text (MySQL), hashed as bytes — never compared through a collation, so
 *   trailing spaces count even under PAD SPACE collations, and case counts under _ci ones;
 * - FLOAT/real rounded to FLOAT_SIGNIFICANT_DIGITS (6), DOUBLE/double precision to
 *   DOUBLE_SIGNIFICANT_DIGITS (15) significant digits. Two values on either side of a rounding
 *   boundary (1.2345649 vs 1.2345651) still differ, as do 999999.9 (→ 1000000e5, rounded up
 *   past a power of ten) and 1000000 (→ 100000e6); MySQL values below 1e-290 are not rounded;
 * - timestamps: the session runs in UTC (set by the connection), so TIMESTAMP/timestamptz are
 *   compared as instants;
 * - binary values: hex (BINARY/VARBINARY/BLOB/bytea), or the MD5 of the bytes for values that
 *   may exceed max_allowed_packet once hex-encoded (MEDIUM/LONG BLOB and TEXT, JSON, spatial,
 *   and TEXT/BLOB when a row has more than MYSQL_INLINE_LOBS of them).
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
 * `digits` significant digits as `<integer mantissa>e<exponent>` (1.2345678 → 123457e0), built
 * from integers so it reads the same on every MySQL/MariaDB version whatever their DOUBLE
 * printing. 0 is '0'; values below 1e-290 are printed unrounded (10^k would overflow).
 */
function mysqlRound(col: string, digits: number): string {
  const exp = `FLOOR(LOG10(ABS(${col})))`;
  return `CASE WHEN ${col} = 0 THEN '0' WHEN ABS(${col}) < 1e-290 THEN CONCAT('~', ${col}) ELSE CONCAT(CAST(ROUND(${col} * POW(10, ${digits - 1} - ${exp})) AS SIGNED), 'e', ${exp}) END`;
}

/** utf8mb4 bytes as a binary string: mixing utf8mb4 with the 0xFF separator would be refused. */
const utf8Bytes = (expr: string): string => `CAST(CONVERT(${expr} USING utf8mb4) AS BINARY)`;

export function mysqlValue(c: ColumnInfo, inlineLobs = true): string {
  const col = quoteMysql(c.name);
  const t = c.dataType;
  if (MYSQL_PLAIN.has(t)) return col;
  if (t === 'float') return mysqlRound(col, FLOAT_SIGNIFICANT_DIGITS);
  if (t === 'double' || t === 'real' || t === 'double precision') return mysqlRound(col, DOUBLE_SIGNIFICANT_DIGITS);
  if (MYSQL_INLINE_TEXT.has(t) || (t === 'text' && inlineLobs)) return utf8Bytes(col);
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
  return `CONCAT_WS(X'FF', ${parts.join(', ')})`;
}

/** The row's 64-bit hash as BIGINT UNSIGNED: the first half of its MD5. */
export function mysqlRowHash64(plan: TablePlan): string {
  return `CAST(CONV(LEFT(MD5(${mysqlRow(plan)}), 16), 16, 10) AS UNSIGNED)`;
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
