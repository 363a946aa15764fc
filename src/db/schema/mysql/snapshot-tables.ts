/**
 * The shape of each selected table on one side, from bulk information_schema queries:
 * columns in ordinal order, indexes (PRIMARY included) and CHECK / FOREIGN KEY constraints,
 * normalised to text that reads the same on a source and on a target built from it.
 */
import type { TableShape } from '../types.js';
import { tableKey } from './catalog.js';
import type { Session } from './session.js';
import { lit, q, qq } from './sql-text.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export interface SideNames {
  /** Where a source database lives on this side. */
  here(schema: string): string;
  /** The source name of a database on this side (identity for databases not migrated). */
  back(schema: string): string;
}

/** Tables on this side (`here` schema.table) → the selection's `source` schema.table key. */
export type Wanted = Map<string, string>;

function columnType(r: Row): string {
  const extra = (str(r.EXTRA) ?? '').toLowerCase().trim();
  const generated = str(r.GENERATION_EXPRESSION);
  return [str(r.COLUMN_TYPE), extra, generated ? `as (${generated})` : ''].filter((p) => p).join(' ');
}

function indexPart(r: Row): string {
  // MySQL 8 functional key parts have an EXPRESSION and no COLUMN_NAME.
  const expression = str(r.EXPRESSION);
  const base = expression ? `(${expression})` : q(str(r.COLUMN_NAME) ?? '');
  return `${base}${r.SUB_PART !== null && r.SUB_PART !== undefined ? `(${String(r.SUB_PART)})` : ''}${r.COLLATION === 'D' ? ' DESC' : ''}`;
}

function indexDefinition(parts: Row[]): string {
  const first = parts[0]!;
  const unique = String(first.NON_UNIQUE) === '0';
  const comment = str(first.INDEX_COMMENT);
  const hidden = first.IGNORED === 'YES' ? ' IGNORED' : first.IS_VISIBLE === 'NO' ? ' INVISIBLE' : '';
  return `${unique ? 'UNIQUE ' : ''}(${parts.map(indexPart).join(', ')}) USING ${str(first.INDEX_TYPE)}${comment ? ` COMMENT ${lit(comment)}` : ''}${hidden}`;
}

export async function tableShapes(s: Session, schemas: string[], wanted: Wanted, names: SideNames): Promise<Record<string, TableShape>> {
  const shapes: Record<string, TableShape> = {};
  const shapeOf = (schema: string, table: string): TableShape | undefined => {
    const key = wanted.get(tableKey(schema, table));
    if (key === undefined) return undefined;
    return (shapes[key] ??= { columns: [], indexes: {}, constraints: {} });
  };
  const dbs = [schemas];

  const columns = await s.query<Row>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLLATION_NAME, EXTRA, GENERATION_EXPRESSION
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    dbs,
  );
  for (const r of columns) {
    shapeOf(String(r.TABLE_SCHEMA), String(r.TABLE_NAME))?.columns.push({
      name: String(r.COLUMN_NAME),
      type: columnType(r),
      nullable: r.IS_NULLABLE === 'YES',
      default: str(r.COLUMN_DEFAULT),
      collation: str(r.COLLATION_NAME),
    });
  }

  // SELECT *: MySQL 8 adds EXPRESSION and IS_VISIBLE, MariaDB 10.6+ IGNORED.
  const stats = await s.query<Row>('SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX', dbs);
  const byIndex = new Map<string, { shape: TableShape; name: string; parts: Row[] }>();
  for (const r of stats) {
    const shape = shapeOf(String(r.TABLE_SCHEMA), String(r.TABLE_NAME));
    if (!shape) continue;
    const k = `${String(r.TABLE_SCHEMA)}.${String(r.TABLE_NAME)}.${String(r.INDEX_NAME)}`;
    const entry = byIndex.get(k) ?? { shape, name: String(r.INDEX_NAME), parts: [] };
    entry.parts.push(r);
    byIndex.set(k, entry);
  }
  for (const { shape, name, parts } of byIndex.values()) shape.indexes[name] = indexDefinition(parts);

  await checkConstraints(s, dbs, shapeOf);
  await foreignKeys(s, dbs, shapeOf, names);
  return shapes;
}

async function checkConstraints(s: Session, dbs: unknown[], shapeOf: (schema: string, table: string) => TableShape | undefined): Promise<void> {
  const owners = await s.query<Row>(
    "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA IN (?) AND CONSTRAINT_TYPE = 'CHECK'",
    dbs,
  );
  let checks: Row[];
  try {
    checks = await s.query<Row>('SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)', dbs);
  } catch {
    return; // MySQL before 8.0.16 has no CHECK constraints (nor the table).
  }
  // MariaDB names a check per table (and says which); MySQL 8 per schema (TABLE_CONSTRAINTS says which table).
  const tableOf = new Map(owners.map((r) => [`${String(r.TABLE_SCHEMA)}.${String(r.CONSTRAINT_NAME)}`, String(r.TABLE_NAME)]));
  for (const r of checks) {
    const schema = String(r.CONSTRAINT_SCHEMA);
    const table = str(r.TABLE_NAME) ?? tableOf.get(`${schema}.${String(r.CONSTRAINT_NAME)}`);
    const shape = table === undefined ? undefined : shapeOf(schema, table);
    if (shape) shape.constraints[String(r.CONSTRAINT_NAME)] = `CHECK (${str(r.CHECK_CLAUSE)})`;
  }
}

async function foreignKeys(s: Session, dbs: unknown[], shapeOf: (schema: string, table: string) => TableShape | undefined, names: SideNames): Promise<void> {
  const rules = await s.query<Row>(
    'SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)',
    dbs,
  );
  const columns = await s.query<Row>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
       FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA IN (?) AND REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    dbs,
  );
  const parts = new Map<string, Row[]>();
  for (const r of columns) {
    const k = `${String(r.TABLE_SCHEMA)}.${String(r.TABLE_NAME)}.${String(r.CONSTRAINT_NAME)}`;
    parts.set(k, [...(parts.get(k) ?? []), r]);
  }
  for (const r of rules) {
    const schema = String(r.CONSTRAINT_SCHEMA);
    const table = String(r.TABLE_NAME);
    const shape = shapeOf(schema, table);
    const cols = parts.get(`${schema}.${table}.${String(r.CONSTRAINT_NAME)}`);
    if (!shape || !cols?.length) continue;
    const ref = cols[0]!;
    const list = (c: string) => cols.map((p) => q(String(p[c]))).join(', ');
    shape.constraints[String(r.CONSTRAINT_NAME)] =
      `FOREIGN KEY (${list('COLUMN_NAME')}) REFERENCES ${qq(names.back(String(ref.REFERENCED_TABLE_SCHEMA)), String(ref.REFERENCED_TABLE_NAME))} (${list('REFERENCED_COLUMN_NAME')})` +
      ` ON UPDATE ${String(r.UPDATE_RULE)} ON DELETE ${String(r.DELETE_RULE)}`;
  }
}
