/**
 * The MySQL/MariaDB table DMS creates on the target when it creates one: the columns and the
 * primary key, nothing else — no AUTO_INCREMENT ("Limitations on using a MySQL database as a
 * source for AWS DMS": the attribute is not migrated), no default, secondary or unique index,
 * foreign key, CHECK, comment or partitioning ("AWS DMS creates tables, primary keys, and in
 * some cases unique indexes, but doesn't create any other objects"), always InnoDB ("Using a
 * MySQL-compatible database as a target for AWS DMS").
 *
 * Types go through DMS's own types, as the two tables of the user guide compose ("Source data
 * types for MySQL" → "Target data types for MySQL"): MEDIUMINT → INT4 → INT, YEAR → INT2 →
 * SMALLINT, FLOAT → REAL8 → DOUBLE, TIMESTAMP → DATETIME, BINARY(n) → BYTES → VARBINARY(n),
 * BIT → BOOLEAN, BIT(n) → BYTES → VARBINARY, ENUM/SET → STRING → VARCHAR, JSON → CLOB →
 * LONGTEXT, UNSIGNED kept (UINT1…UINT8 → UNSIGNED). Where the two tables give no usable
 * answer the source type is kept (the conservative choice): TIME (STRING on one side, TIME on
 * the other); TINYBLOB/BLOB (BYTES(65535) → VARBINARY(65535) would not fit a MySQL row);
 * MEDIUMTEXT/LONGTEXT (NCLOB → "LONGTEXT with ucs2", which would lose characters outside the
 * BMP). NOT NULL is kept, as is each column's character set; its collation is not (the
 * character set's default applies). A generated column becomes a plain column holding the
 * source's values: DMS copies values, not expressions.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { LobKind } from './lob.js';
import type { TableRef } from './full-load.js';

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;

export interface MysqlColumn {
  name: string;
  /** Its definition on a table DMS creates: type, character set, NOT NULL. */
  definition: string;
  /** The DMS LOB type of the column, when it is one. */
  lob?: LobKind;
  /** BIT(1) becomes BOOLEAN: the bit string must travel as a number. */
  bitToNumber: boolean;
}

export interface MysqlSourceTable {
  columns: MysqlColumn[];
  primaryKey: string[];
}

interface ColumnRow extends RowDataPacket {
  c: string; dt: string; ct: string; nullable: string; cs: string | null; len: number | string | null;
}

const LOB_KINDS: Record<string, LobKind> = { mediumblob: 'blob', longblob: 'blob', mediumtext: 'nclob', longtext: 'nclob', json: 'clob' };

function dmsType(c: ColumnRow): string {
  const unsigned = / unsigned/i.test(c.ct) ? ' UNSIGNED' : '';
  const charset = c.cs ? ` CHARACTER SET ${c.cs}` : '';
  const bits = Number(/^bit\((\d+)\)/i.exec(c.ct)?.[1] ?? 1);
  switch (c.dt.toLowerCase()) {
    case 'mediumint': return `INT${unsigned}`;
    case 'year': return 'SMALLINT';
    case 'float': return `DOUBLE${unsigned}`;
    case 'timestamp': return c.ct.replace(/^timestamp/i, 'DATETIME');
    case 'binary': return c.ct.replace(/^binary/i, 'VARBINARY');
    case 'bit': return bits === 1 ? 'BOOLEAN' : `VARBINARY(${Math.ceil(bits / 8)})`;
    case 'enum':
    case 'set': return `VARCHAR(${Math.max(1, Number(c.len ?? 1))})${charset}`;
    case 'json': return 'LONGTEXT CHARACTER SET utf8mb4';
    default: return `${c.ct.replace(/ zerofill/i, '')}${charset}`;
  }
}

export async function describeMysqlSource(conn: Connection, ref: TableRef): Promise<MysqlSourceTable> {
  const [tables] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [ref.schema, ref.table],
  );
  if (tables.length === 0) throw new Error(`the source has no table ${ref.schema}.${ref.table}`);
  if (tables[0]!.t !== 'BASE TABLE') throw new Error(`${ref.schema}.${ref.table} is a ${String(tables[0]!.t).toLowerCase()}, not a table`);
  const [cols] = await conn.query<ColumnRow[]>(
    `SELECT COLUMN_NAME AS c, DATA_TYPE AS dt, COLUMN_TYPE AS ct, IS_NULLABLE AS nullable, CHARACTER_SET_NAME AS cs,
            CHARACTER_MAXIMUM_LENGTH AS len
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [ref.schema, ref.table],
  );
  const [pk] = await conn.query<RowDataPacket[]>(
    "SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
    [ref.schema, ref.table],
  );
  return {
    columns: cols.map((c) => {
      const lob = LOB_KINDS[c.dt.toLowerCase()];
      return {
        name: String(c.c),
        definition: `${q(String(c.c))} ${dmsType(c)}${c.nullable === 'NO' ? ' NOT NULL' : ''}`,
        ...(lob ? { lob } : {}),
        bitToNumber: c.dt.toLowerCase() === 'bit' && /^bit(\(1\))?$/i.test(c.ct),
      };
    }),
    primaryKey: pk.map((r) => String(r.c)),
  };
}

export function createMysqlTableSql(db: string, table: string, t: MysqlSourceTable): string {
  const defs = t.columns.map((c) => c.definition);
  if (t.primaryKey.length > 0) defs.push(`PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
  return `CREATE TABLE ${q(db)}.${q(table)} (${defs.join(', ')}) ENGINE=InnoDB`;
}

/** The target table as it stands: undefined when missing, else its generated columns (they refuse values). */
export async function mysqlTargetTable(conn: Connection, db: string, table: string): Promise<{ generated: Set<string> } | undefined> {
  const [cols] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c, EXTRA AS x FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [db, table],
  );
  if (cols.length === 0) return undefined;
  // VIRTUAL/STORED (MariaDB also PERSISTENT) GENERATED; MySQL's DEFAULT_GENERATED is an expression default.
  return { generated: new Set(cols.filter((r) => /(VIRTUAL|STORED|PERSISTENT) GENERATED/i.test(String(r.x ?? ''))).map((r) => String(r.c))) };
}
