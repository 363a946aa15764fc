/**
 * The target schema (issue 15): what AWS DMS leaves behind and promigrate builds itself.
 *
 * DMS creates on the target only what its load needs — each table with its columns and its
 * primary key — and nothing else: no secondary index, default, other constraint, view,
 * routine, trigger, event, foreign key, AUTO_INCREMENT attribute or sequence position (DMS
 * user guide, "Limitations on using a MySQL/PostgreSQL database as a target" and "Best
 * practices": "AWS DMS creates tables, primary keys, and in some cases unique indexes, but
 * doesn't create any other objects"). So promigrate reads the source's own definitions and
 * applies them in three phases:
 *
 * - `pre-data`  — databases/schemas, extensions, types, tables (columns, defaults, NOT NULL,
 *                 primary key, CHECK), sequences, views, routines: before the full load,
 *                 which then runs with TargetTablePrepMode DO_NOTHING;
 * - `post-load` — secondary and unique indexes: after the full load, while DMS holds the
 *                 cached changes (FullLoadSettings.StopTaskCachedChangesNotApplied);
 * - `cutover`   — foreign keys, triggers, events (a trigger created earlier would fire on
 *                 replicated rows; a foreign key would fail table-by-table truncation and
 *                 out-of-order loads), then sequence and AUTO_INCREMENT positions read from
 *                 the frozen source.
 *
 * Each engine has its adapter (mysql/, postgres/) behind the functions below.
 */
import type { ConnectionSpec, Engine } from '../types.js';

export type DdlPhase = 'pre-data' | 'post-load' | 'cutover';
export const DDL_PHASES: readonly DdlPhase[] = ['pre-data', 'post-load', 'cutover'];

export type ObjectKind =
  | 'database'
  | 'schema'
  | 'extension'
  | 'type'
  | 'table'
  | 'sequence'
  | 'view'
  | 'function'
  | 'procedure'
  | 'index'
  | 'constraint'
  | 'foreign-key'
  | 'trigger'
  | 'event'
  /** Setting a sequence's (or an identity column's) next value: idempotent, always re-run. */
  | 'sequence-position'
  /** Setting a table's AUTO_INCREMENT counter: idempotent, always re-run. */
  | 'auto-increment'
  /** Turning an identity column back to GENERATED ALWAYS at cutover: idempotent, always re-run. */
  | 'identity';

/** An object on the target, named with TARGET names (after any schema mapping). */
export interface ObjectRef {
  kind: ObjectKind;
  /** MySQL/MariaDB: the database; PostgreSQL: the schema (for `database`: the database's own name). */
  schema: string;
  /** The table an index, constraint, trigger or position belongs to. */
  table?: string;
  name: string;
}

/** `kind schema.table.name`: what `existing()` answers with. */
export function objectKey(o: ObjectRef): string {
  return `${o.kind} ${o.schema}${o.table !== undefined ? `.${o.table}` : ''}.${o.name}`;
}

/** Kinds whose statement is re-applied on every run (no object to find). */
export const ALWAYS_APPLIED: ReadonlySet<ObjectKind> = new Set(['sequence-position', 'auto-increment', 'identity']);

export interface DdlStatement {
  /** Unique and stable across runs for the same source schema: `<phase>/<objectKey>`. */
  id: string;
  phase: DdlPhase;
  object: ObjectRef;
  /** One statement, ready to run; no trailing delimiter; no secret in it. */
  sql: string;
  /**
   * The target database the statement runs in: MySQL/MariaDB — the session's default
   * database (`USE`), names in `sql` are qualified anyway; PostgreSQL — the database to
   * connect to (`postgres`, the maintenance database, for CREATE DATABASE).
   */
  database: string;
  /** What promigrate changed on the way, one sentence each (definer rewritten, MyISAM → InnoDB…). */
  notes: string[];
}

export interface SchemaPlan {
  engine: Engine;
  /** In the order they must run: phase by phase, dependencies first within a phase. */
  statements: DdlStatement[];
  /** Objects that cannot be brought over and why (each a sentence with the fix). */
  warnings: string[];
}

export interface SchemaSelection {
  /** The source tables sync replicates (source names). */
  tables: Array<{ schema: string; table: string }>;
  /**
   * The source databases: MySQL/MariaDB — every configured database (each one a schema);
   * PostgreSQL — the one database (its schemas come from `tables`).
   */
  databases: string[];
  /** The target's admin user: definers and owners are rewritten to it (RDS has no SUPER). */
  targetUser: string;
  /** The target schema/database of a source schema (default: the same name). */
  targetSchema?(schema: string): string;
}

/** A per-table shape for verify: normalised text, comparable between source and target. */
export interface TableShape {
  /** In ordinal order. */
  columns: Array<{ name: string; type: string; nullable: boolean; default: string | null; collation: string | null }>;
  /** Index name → normalised definition (columns, uniqueness, method); primary key included as `PRIMARY`/its constraint. */
  indexes: Record<string, string>;
  /** Constraint name → normalised definition (CHECK, UNIQUE, FOREIGN KEY). */
  constraints: Record<string, string>;
}

export interface SequenceShape {
  schema: string;
  name: string;
  /** The value the next `nextval()`/insert would hand out, as a decimal string. */
  next: string;
  /** The column it feeds (a serial/identity/AUTO_INCREMENT column), when it has one. */
  table?: string;
  column?: string;
  /** MAX of that column, as a decimal string (null for an empty table). */
  columnMax?: string | null;
}

/** A schema as verify compares it; keys use SOURCE schema names on both sides. */
export interface SchemaSnapshot {
  /** `schema.table` → its shape. */
  tables: Record<string, TableShape>;
  /** `kind schema.name` (view, function, procedure, trigger, event) → normalised definition. */
  objects: Record<string, string>;
  /** Sequences and AUTO_INCREMENT counters (MySQL: one per table with an AUTO_INCREMENT column). */
  sequences: SequenceShape[];
}

/** What each engine's adapter offers (src/db/schema/mysql, src/db/schema/postgres). */
export interface SchemaAdapter {
  /** The DDL the target needs for the selection, from the source's own definitions. */
  extract(source: ConnectionSpec, selection: SchemaSelection): Promise<SchemaPlan>;
  /** The sequence/AUTO_INCREMENT positions of the (frozen) source, as `cutover` statements. */
  positions(source: ConnectionSpec, selection: SchemaSelection): Promise<DdlStatement[]>;
  /** A session on the target that finds existing objects and runs statements. */
  openTarget(target: (database: string) => Promise<ConnectionSpec>): Promise<SchemaTarget>;
  /**
   * The selection's schema as it stands on one side. `targetSchema` maps a source schema to
   * where it lives on this side (identity on the source); keys stay in source names.
   */
  snapshot(conn: (database: string) => Promise<ConnectionSpec>, selection: SchemaSelection, side: 'source' | 'target'): Promise<SchemaSnapshot>;
}

export interface SchemaTarget {
  /** The keys (objectKey) of the given objects that already exist on the target. */
  existing(objects: ObjectRef[]): Promise<Set<string>>;
  /** Runs one statement (in its database); throws with the server's message on failure. */
  execute(statement: DdlStatement): Promise<void>;
  close(): Promise<void>;
}
