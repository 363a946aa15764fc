/** extract(): the target's DDL for a selection, from the source's catalog, phase by phase. */
import type pg from 'pg';
import type { ConnectionSpec } from '../../types.js';
import { objectKey, type DdlPhase, type DdlStatement, type ObjectKind, type ObjectRef, type SchemaPlan, type SchemaSelection } from '../types.js';
import { byText, readCatalog, type Catalog } from './catalog.js';
import { itemKey } from './closure.js';
import { addConstraint, createDatabase, createIndex, createSequence, createTable, createView, identityAlways, sequenceOwnedBy, withTable, type DatabaseRow } from './ddl.js';
import { namesFor, q, type Names } from './names.js';
import { preDataOrder } from './order.js';
import { inDatabase } from './refs.js';
import type { Table } from './relations.js';
import { selectedDatabase, targetSchemaOf } from './selection.js';
import { withCatalog } from './session.js';
import { createType, emptyType } from './udt.js';

class PlanBuilder {
  readonly statements: DdlStatement[] = [];
  readonly warnings: string[] = [];

  constructor(readonly database: string) {}

  add(phase: DdlPhase, object: ObjectRef, sql: string, notes: string[] = [], database = this.database): void {
    const ref = inDatabase(object, object.kind === 'database' ? object.name : this.database);
    this.statements.push({ id: `${phase}/${objectKey(object)}`, phase, object: ref, sql, database, notes });
  }
}

async function readDatabase(client: pg.Client): Promise<DatabaseRow> {
  const { rows } = await client.query<{ row: DatabaseRow }>(
    `SELECT to_jsonb(d) || jsonb_build_object('encoding', pg_encoding_to_char(d.encoding)) AS row FROM pg_database d WHERE d.datname = current_database()`,
  );
  return rows[0]!.row;
}

/** Every schema the plan's objects live in, source names. */
function schemasOf(cat: Catalog): string[] {
  return [...new Set([...cat.tables.map((t) => t.schema), ...[...cat.closure.items.values()].map((i) => i.schema)])].sort(byText);
}

function warnAboutTables(cat: Catalog, plan: PlanBuilder): void {
  for (const m of cat.missing) {
    plan.warnings.push(
      m.found
        ? `${m.schema}.${m.name} is ${m.found}, not a table, so it is not replicated as one; remove it from the selection.`
        : `The source has no table ${m.schema}.${m.name}; remove it from the selection or fix its name.`,
    );
  }
  const selected = new Set(cat.tables.map((t) => t.oid));
  for (const t of cat.tables) {
    if (t.inherits) plan.warnings.push(`${t.schema}.${t.name} inherits from another table (table inheritance): it is created as a standalone table with all its columns; recreate the inheritance on the target if the application relies on it.`);
    if (t.rowSecurity) plan.warnings.push(`${t.schema}.${t.name} has row-level security enabled: its policies are not copied; recreate them on the target (ALTER TABLE … ENABLE ROW LEVEL SECURITY, CREATE POLICY).`);
    const left = t.partitions.filter((p) => !cat.tables.some((x) => `${x.schema}.${x.name}` === p));
    if (left.length > 0) plan.warnings.push(`${t.schema}.${t.name} is partitioned and its partitions ${left.join(', ')} are not in the selection: the target has no partition for their rows; add them to the selection.`);
    if (t.parent !== null && !selected.has(t.parent)) plan.warnings.push(`${t.schema}.${t.name} is a partition whose partitioned table is not in the selection: it is created as a standalone table; add the parent to the selection to keep the partitioning.`);
  }
}

function preData(cat: Catalog, names: Names, plan: PlanBuilder, selection: SchemaSelection, source: DatabaseRow): void {
  const ownerNote = `Owners and grants are not copied: the target admin ${selection.targetUser} creates and owns every object; grant the application's roles what they need on the target.`;
  plan.add('pre-data', { kind: 'database', schema: plan.database, name: plan.database }, createDatabase(plan.database, source), [ownerNote], 'postgres');
  for (const s of schemasOf(cat).map(names.schema)) {
    if (s !== 'public') plan.add('pre-data', { kind: 'schema', schema: s, name: s }, `CREATE SCHEMA IF NOT EXISTS ${q(s)}`);
  }
  const tables = new Map(cat.tables.map((t) => [t.oid, t]));
  const identity = new Map(cat.feeds.filter((f) => f.via === 'identity').map((f) => [`${f.table}/${f.column}`, cat.sequences.get(f.sequence)]));
  // Tables in selection order, the rest by name (catalog.ts), before the dependencies reorder them.
  const byName = (['extension', 'type', 'function', 'sequence'] as const).flatMap((k) => cat.ofKind(k));
  const selected = cat.tables.map((t) => cat.closure.items.get(itemKey('table', t.oid))!);
  const ordered = preDataOrder([...byName, ...selected, ...cat.ofKind('view')], cat.closure.needs, (i) => itemKey(i.kind, i.oid));
  for (const item of ordered) {
    const schema = names.schema(item.schema);
    const name = names.qualified(item.schema, item.name);
    switch (item.kind) {
      case 'extension':
        if (item.name !== 'plpgsql') plan.add('pre-data', { kind: 'extension', schema, name: item.name }, `CREATE EXTENSION IF NOT EXISTS ${q(item.name)} SCHEMA ${q(schema)} CASCADE`);
        break;
      case 'type': {
        if (item.subkind === 'b') {
          plan.warnings.push(`Type ${item.schema}.${item.name} is a base type (written in C), which promigrate cannot create: install it on the target before the full load.`);
          break;
        }
        const def = cat.types.get(item.oid) ?? emptyType(item.subkind === 'e' ? 'enum' : 'composite', item.oid);
        plan.add('pre-data', { kind: 'type', schema, name: item.name }, createType(name, def, names));
        break;
      }
      case 'function': {
        const r = cat.routines.get(item.oid);
        const kind: ObjectKind = item.subkind === 'p' ? 'procedure' : 'function';
        if (!r?.definition) {
          plan.warnings.push(`Aggregate ${item.schema}.${r?.signature ?? item.name} is not created (the server cannot deparse aggregates): create it on the target with CREATE AGGREGATE.`);
          break;
        }
        plan.add('pre-data', { kind, schema, name: names.text(r.signature) }, names.text(r.definition, true));
        break;
      }
      case 'sequence': {
        const s = cat.sequences.get(item.oid);
        if (s) plan.add('pre-data', { kind: 'sequence', schema, name: item.name }, createSequence(s, names));
        break;
      }
      case 'table': {
        const t = tables.get(item.oid)!;
        const parent = t.parent !== null ? tables.get(t.parent) : undefined;
        plan.add('pre-data', { kind: 'table', schema, name: t.name }, createTable(t, names, (c) => identity.get(`${t.oid}/${c}`), parent));
        for (const f of cat.feeds.filter((f) => f.table === t.oid && f.via === 'owned')) {
          const s = cat.sequences.get(f.sequence)!;
          plan.add('pre-data', { kind: 'sequence', schema: names.schema(s.schema), table: t.name, name: s.name }, sequenceOwnedBy(s, t, f.column, names));
        }
        break;
      }
      case 'view': {
        const v = cat.views.get(item.oid)!;
        const materialized = item.subkind === 'm';
        const notes = materialized ? [`Created WITH NO DATA: run REFRESH MATERIALIZED VIEW ${name} on the target once the data is in.`] : [];
        plan.add('pre-data', { kind: 'view', schema, name: item.name }, createView(item.schema, item.name, materialized, v.definition, v.options, names), notes);
        break;
      }
    }
  }
}

/** Is `t` created by its partitioned parent's statements (both selected)? Then it inherits. */
const attached = (t: Pick<Table, 'parent'>, selected: ReadonlySet<number>) => t.parent !== null && selected.has(t.parent);

function postLoad(cat: Catalog, names: Names, plan: PlanBuilder): void {
  const selected = new Set(cat.tables.map((t) => t.oid));
  const matviews = cat.ofKind('view').filter((v) => v.subkind === 'm');
  const relations: Array<Pick<Table, 'schema' | 'name' | 'constraints' | 'indexes' | 'parent'>> = [
    ...cat.tables,
    ...matviews.map((v) => ({ schema: v.schema, name: v.name, constraints: [], indexes: cat.views.get(v.oid)?.indexes ?? [], parent: null })),
  ];
  for (const t of relations) {
    const inherited = attached(t, selected);
    for (const i of t.indexes) {
      if (i.forConstraint || (inherited && i.inherited)) continue;
      plan.add('post-load', { kind: 'index', schema: names.schema(t.schema), table: t.name, name: i.name }, createIndex(i, t, names));
    }
    for (const k of t.constraints) {
      if (withTable(k) || k.type === 'f' || (inherited && k.inherited)) continue;
      plan.add('post-load', { kind: 'constraint', schema: names.schema(t.schema), table: t.name, name: k.name }, addConstraint(k, t, names));
    }
  }
}

function cutover(cat: Catalog, names: Names, plan: PlanBuilder): void {
  const selected = new Set(cat.tables.map((t) => t.oid));
  for (const t of cat.tables) {
    const inherited = attached(t, selected);
    for (const k of t.constraints) {
      if (k.type !== 'f' || (inherited && k.inherited)) continue;
      if (k.references === null || !selected.has(k.references)) {
        plan.warnings.push(`Foreign key ${k.name} on ${t.schema}.${t.name} references a table that is not in the selection, so it is not created: add that table to the selection or create the foreign key on the target yourself.`);
        continue;
      }
      plan.add('cutover', { kind: 'foreign-key', schema: names.schema(t.schema), table: t.name, name: k.name }, addConstraint(k, t, names));
    }
  }
  for (const t of cat.tables) {
    // A partition's identity is its parent's: set there.
    if (attached(t, selected)) continue;
    for (const c of t.columns.filter((x) => x.identity === 'a')) {
      plan.add('cutover', { kind: 'identity', schema: names.schema(t.schema), table: t.name, name: c.name }, identityAlways(t, c.name, names), [
        `${t.schema}.${t.name}.${c.name} is GENERATED ALWAYS on the source: created BY DEFAULT so DMS can write the source's ids, ALWAYS again at cutover.`,
      ]);
    }
  }
  for (const t of cat.tables) {
    const inherited = attached(t, selected);
    for (const g of t.triggers) {
      if (inherited && g.inherited) continue;
      if (g.enabled === 'D') plan.warnings.push(`Trigger ${g.name} on ${t.schema}.${t.name} is disabled on the source but is created enabled: disable it on the target (ALTER TABLE … DISABLE TRIGGER) if it should stay off.`);
      plan.add('cutover', { kind: 'trigger', schema: names.schema(t.schema), table: t.name, name: g.name }, names.text(g.definition));
    }
  }
}

/** A renamed schema whose name is also a relation's makes qualifier rewriting ambiguous (`crm.id` could be a column). */
function warnAboutRenames(cat: Catalog, map: (s: string) => string, plan: PlanBuilder): void {
  const relations = new Set([...cat.tables.map((t) => t.name), ...cat.ofKind('view').map((v) => v.name)]);
  for (const s of schemasOf(cat)) {
    if (map(s) !== s && relations.has(s)) {
      plan.warnings.push(`Schema ${s} is renamed to ${map(s)} on the target and a table or view is also named ${s}: check the copied view, default and routine definitions that mention ${s}. before applying them.`);
    }
  }
}

export async function extract(source: ConnectionSpec, selection: SchemaSelection): Promise<SchemaPlan> {
  const database = selectedDatabase(selection);
  const map = targetSchemaOf(selection);
  return withCatalog(source, async (client) => {
    const row = await readDatabase(client);
    const cat = await readCatalog(client, selection.tables);
    const names = await namesFor(client, schemasOf(cat), map);
    const plan = new PlanBuilder(database);
    warnAboutTables(cat, plan);
    warnAboutRenames(cat, map, plan);
    for (const { item, needs, direct } of cat.closure.excluded) {
      const what = `${item.kind === 'view' ? 'View' : 'Routine'} ${item.schema}.${item.name}`;
      plan.warnings.push(
        direct
          ? `${what} needs ${needs}, which is not in the selection, so it is not created: add ${needs} to the selection or create ${item.name} on the target yourself.`
          : `${what} needs ${needs}, which is not created (see above), so it is not created either.`,
      );
    }
    preData(cat, names, plan, selection, row);
    postLoad(cat, names, plan);
    cutover(cat, names, plan);
    return { engine: 'postgres', statements: plan.statements, warnings: plan.warnings };
  });
}
