/**
 * extract(): the DDL a MySQL/MariaDB target needs beyond what DMS creates, from the source's
 * own definitions (SHOW CREATE …), in the order it must run:
 *
 * - pre-data:  databases, tables (columns, defaults, primary key, CHECK), routines, views;
 * - post-load: secondary, unique, full-text and spatial indexes;
 * - cutover:   foreign keys, triggers, events.
 *
 * Routines come before views although nothing in a routine is checked at creation: a view
 * calling a stored function cannot be created before the function exists, while a routine
 * reading a view can.
 */
import type { ConnectionSpec } from '../../types.js';
import type { DdlStatement, SchemaPlan, SchemaSelection } from '../types.js';
import { readCatalog, tableKey, type SourceCatalog } from './catalog.js';
import { rewriteCreateTable } from './create-table.js';
import { rewriteDefinition, unsafeFunctionWarning, type Definition, type DefinitionKind } from './definitions.js';
import { naming, type Naming } from './naming.js';
import { openSession, text, withSession, type Session } from './session.js';
import { statement } from './statement.js';
import { q, qq, type QualifierMapping } from './sql-text.js';
import { orderViews, viewReferences } from './view-order.js';

interface Context {
  s: Session;
  selection: SchemaSelection;
  names: Naming;
  catalog: SourceCatalog;
  /** `schema.name` → TABLE_TYPE of every relation of the selected databases. */
  relationType: Map<string, string>;
  /** `schema.name` (lower case) of every relation and routine: the qualifier guard. */
  known: Set<string>;
  selected: Set<string>;
  warnings: string[];
}

export async function extract(source: ConnectionSpec, selection: SchemaSelection): Promise<SchemaPlan> {
  const names = naming(selection);
  const s = await openSession(source);
  try {
    const catalog = await readCatalog(s, names.databases);
    const ctx: Context = {
      s,
      selection,
      names,
      catalog,
      relationType: new Map(catalog.relations.map((r) => [tableKey(r.schema, r.name), r.type])),
      known: new Set([...catalog.relations, ...catalog.routines].map((o) => tableKey(o.schema, o.name).toLowerCase())),
      selected: new Set(selection.tables.map((t) => tableKey(t.schema, t.table))),
      warnings: [],
    };
    const databases = databaseStatements(ctx);
    const tables = await tableStatements(ctx);
    const routines = await routineStatements(ctx);
    const views = await viewStatements(ctx);
    const triggers = await triggerStatements(ctx);
    const events = await eventStatements(ctx);
    sequenceWarnings(ctx);
    return {
      engine: source.engine,
      statements: [...databases, ...tables.pre, ...routines, ...views, ...tables.indexes, ...tables.foreignKeys, ...triggers, ...events],
      warnings: ctx.warnings,
    };
  } finally {
    await s.close();
  }
}

function databaseStatements({ catalog, names, warnings }: Context): DdlStatement[] {
  const out: DdlStatement[] = [];
  for (const db of names.databases) {
    const info = catalog.schemata.find((d) => d.name === db);
    if (!info) {
      warnings.push(`Database ${q(db)} does not exist on the source: nothing of it is created on the target; remove it from the configuration or create it on the source.`);
      continue;
    }
    const target = names.toTarget(db);
    out.push(
      statement('pre-data', { kind: 'database', schema: target, name: target }, `CREATE DATABASE IF NOT EXISTS ${q(target)} CHARACTER SET ${info.charset} COLLATE ${info.collation}`),
    );
  }
  return out;
}

async function tableStatements(ctx: Context) {
  const { s, catalog, names, selection, warnings } = ctx;
  const pre: DdlStatement[] = [];
  const indexes: DdlStatement[] = [];
  const foreignKeys: DdlStatement[] = [];
  const tables = [...selection.tables].sort((a, b) => tableKey(a.schema, a.table).localeCompare(tableKey(b.schema, b.table)));
  for (const { schema, table } of tables) {
    const type = ctx.relationType.get(tableKey(schema, table));
    if (type !== 'BASE TABLE' && type !== 'SYSTEM VERSIONED') {
      warnings.push(`Table ${qq(schema, table)} is not a table on the source${type ? ` (it is a ${type.toLowerCase()})` : ''}: nothing is created for it; remove it from the tables to migrate.`);
      continue;
    }
    const ddl = text(await s.row(`SHOW CREATE TABLE ${qq(schema, table)}`), 'Create Table');
    if (ddl === null) throw new Error(`SHOW CREATE TABLE ${qq(schema, table)} returned no definition`);
    const target = names.toTarget(schema);
    const t = rewriteCreateTable({
      ddl,
      sourceSchema: schema,
      targetSchema: target,
      autoIncrementColumn: catalog.autoIncrement.get(tableKey(schema, table)),
      mapSchema: (db) => (names.isSelected(db) ? names.toTarget(db) : undefined),
    });
    warnings.push(...t.warnings);
    pre.push(statement('pre-data', { kind: 'table', schema: target, name: table }, t.createSql, t.notes));
    for (const index of t.indexes) {
      indexes.push(statement('post-load', { kind: 'index', schema: target, table, name: index.name }, `ALTER TABLE ${qq(target, table)} ADD ${index.definition}`));
    }
    for (const fk of t.foreignKeys) {
      const ref = fk.references;
      if (!fk.mapped || !ctx.selected.has(tableKey(ref.schema, ref.table))) {
        warnings.push(
          `Foreign key ${q(fk.name)} of ${qq(schema, table)} references ${qq(ref.schema, ref.table)}, which is not among the migrated tables: creating it at cutover fails unless that table exists on the target; add the table to the migration or drop the foreign key.`,
        );
      }
      const notes = fk.mapped && ref.schema !== names.toTarget(ref.schema) ? [`References ${qq(ref.schema, ref.table)} as ${qq(names.toTarget(ref.schema), ref.table)}.`] : [];
      foreignKeys.push(statement('cutover', { kind: 'foreign-key', schema: target, table, name: fk.name }, `ALTER TABLE ${qq(target, table)} ADD ${fk.definition}`, notes));
    }
  }
  return { pre, indexes, foreignKeys };
}

/** Qualifiers naming a migrated source database, for objects whose name the catalog knows. */
function qualifierMapping(ctx: Context, sqlMode: string | null): QualifierMapping {
  return {
    rename: (db) => (ctx.names.isSelected(db) ? ctx.names.toTarget(db) : undefined),
    isObject: (db, name) => ctx.known.has(tableKey(db, name).toLowerCase()),
    ansiQuotes: /\bANSI_QUOTES\b/i.test(sqlMode ?? ''),
  };
}

function definitionNotes(ctx: Context, def: Definition, source: string): string[] {
  const notes: string[] = [];
  if (def.definerWas !== undefined) notes.push(`DEFINER ${def.definerWas} rewritten to ${q(ctx.selection.targetUser)}@\`%\` (RDS has no SUPER to create objects for other users).`);
  if (def.bodyRewritten) notes.push(`References to migrated databases in the definition of ${source} rewritten to their target names.`);
  return notes;
}

interface Shown {
  sql: string;
  sqlMode: string | null;
  timeZone: string | null;
}

async function showCreate(ctx: Context, kind: 'VIEW' | 'PROCEDURE' | 'FUNCTION' | 'TRIGGER' | 'EVENT', schema: string, name: string): Promise<Shown | undefined> {
  const column = { VIEW: 'Create View', PROCEDURE: 'Create Procedure', FUNCTION: 'Create Function', TRIGGER: 'SQL Original Statement', EVENT: 'Create Event' }[kind];
  const row = await ctx.s.row(`SHOW CREATE ${kind} ${qq(schema, name)}`);
  const sql = text(row, column);
  if (sql === null) {
    ctx.warnings.push(
      `The source user may not read the definition of ${kind.toLowerCase()} ${qq(schema, name)}, so it is not created on the target: grant it SHOW_ROUTINE (MySQL 8.0.20+) or SELECT on mysql.proc (MariaDB, MySQL 5.7), or create the ${kind.toLowerCase()} on the target by hand.`,
    );
    return undefined;
  }
  return { sql, sqlMode: text(row, 'sql_mode'), timeZone: text(row, 'time_zone') };
}

function rewrite(ctx: Context, kind: DefinitionKind, shown: Shown, schema: string): Definition {
  return rewriteDefinition(kind, {
    sql: shown.sql,
    targetSchema: ctx.names.toTarget(schema),
    targetUser: ctx.selection.targetUser,
    qualifiers: qualifierMapping(ctx, shown.sqlMode),
  });
}

const session = (shown: Shown) => ({ ...(shown.sqlMode !== null ? { sqlMode: shown.sqlMode } : {}), ...(shown.timeZone !== null ? { timeZone: shown.timeZone } : {}) });

async function routineStatements(ctx: Context): Promise<DdlStatement[]> {
  const out: DdlStatement[] = [];
  for (const r of ctx.catalog.routines) {
    const shown = await showCreate(ctx, r.type, r.schema, r.name);
    if (!shown) continue;
    const kind = r.type === 'PROCEDURE' ? 'procedure' : 'function';
    const def = rewrite(ctx, kind, shown, r.schema);
    const target = ctx.names.toTarget(r.schema);
    const unsafe = kind === 'function' ? unsafeFunctionWarning(qq(r.schema, r.name), r) : undefined;
    if (unsafe) ctx.warnings.push(unsafe);
    out.push(statement('pre-data', { kind, schema: target, name: r.name }, withSession(def.sql, session(shown)), definitionNotes(ctx, def, `${kind} ${r.name}`)));
  }
  return out;
}

async function viewStatements(ctx: Context): Promise<DdlStatement[]> {
  const { catalog, names } = ctx;
  const views: Array<{ schema: string; name: string; sql: string; def: Definition }> = [];
  for (const v of catalog.relations.filter((r) => r.type === 'VIEW')) {
    const shown = await showCreate(ctx, 'VIEW', v.schema, v.name);
    if (shown) views.push({ schema: v.schema, name: v.name, sql: shown.sql, def: rewrite(ctx, 'view', shown, v.schema) });
  }
  return orderViews(views).map((v) => {
    for (const ref of viewReferences(v.sql)) {
      const type = ctx.relationType.get(tableKey(ref.schema, ref.name));
      if (type !== undefined && type !== 'VIEW' && !ctx.selected.has(tableKey(ref.schema, ref.name))) {
        ctx.warnings.push(
          `View ${qq(v.schema, v.name)} reads ${qq(ref.schema, ref.name)}, which is not among the migrated tables: creating it on the target fails; add the table to the migration or drop the view.`,
        );
      }
    }
    const target = names.toTarget(v.schema);
    return statement('pre-data', { kind: 'view', schema: target, name: v.name }, v.def.sql, definitionNotes(ctx, v.def, `view ${v.name}`));
  });
}

async function triggerStatements(ctx: Context): Promise<DdlStatement[]> {
  const out: DdlStatement[] = [];
  for (const t of ctx.catalog.triggers.filter((tr) => ctx.selected.has(tableKey(tr.schema, tr.table)))) {
    const shown = await showCreate(ctx, 'TRIGGER', t.schema, t.name);
    if (!shown) continue;
    const def = rewrite(ctx, 'trigger', shown, t.schema);
    const target = ctx.names.toTarget(t.schema);
    out.push(statement('cutover', { kind: 'trigger', schema: target, table: t.table, name: t.name }, withSession(def.sql, session(shown)), definitionNotes(ctx, def, `trigger ${t.name}`)));
  }
  return out;
}

async function eventStatements(ctx: Context): Promise<DdlStatement[]> {
  const out: DdlStatement[] = [];
  for (const e of ctx.catalog.events) {
    const shown = await showCreate(ctx, 'EVENT', e.schema, e.name);
    if (!shown) continue;
    const def = rewrite(ctx, 'event', shown, e.schema);
    const target = ctx.names.toTarget(e.schema);
    ctx.warnings.push(`Event ${qq(e.schema, e.name)} runs only while the target's event scheduler is on: set the RDS DB parameter event_scheduler to ON in the target's parameter group.`);
    out.push(statement('cutover', { kind: 'event', schema: target, name: e.name }, withSession(def.sql, session(shown)), definitionNotes(ctx, def, `event ${e.name}`)));
  }
  return out;
}

function sequenceWarnings({ catalog, warnings }: Context): void {
  for (const seq of catalog.relations.filter((r) => r.type === 'SEQUENCE')) {
    warnings.push(
      `Sequence ${qq(seq.schema, seq.name)} (a MariaDB SEQUENCE) is not created by promigrate: create it on the target from SHOW CREATE SEQUENCE and move it past the source's next value with SETVAL at cutover.`,
    );
  }
}
