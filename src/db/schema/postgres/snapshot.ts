/**
 * snapshot(): the selection's schema on one side, for verify. The same catalog reading as
 * extract(), with that side's schema names mapped back to the source's in keys and in the
 * deparsed definitions, so a target built from extract()'s statements compares equal to its
 * source and what is missing or different stands out.
 */
import type { ConnectionSpec } from '../../types.js';
import { objectKey, type SchemaSelection, type SchemaSnapshot, type SequenceShape, type TableShape } from '../types.js';
import { byText, readCatalog, type Catalog } from './catalog.js';
import { indexShape } from './ddl.js';
import { inverse, namesFor, q, type Names } from './names.js';
import type { Column, Table } from './relations.js';
import { nextValue, readPositions } from './sequences.js';
import { selectedDatabase, targetSchemaOf } from './selection.js';
import { withCatalog } from './session.js';

/** What a column's value comes from: its default, or the identity/generation clause in its place. */
function columnDefault(c: Column, names: Names): string | null {
  if (c.generated && c.default !== null) return `GENERATED ALWAYS AS (${names.text(c.default)}) ${c.generated === 'v' ? 'VIRTUAL' : 'STORED'}`;
  if (c.identity) return `GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  return c.default === null ? null : names.text(c.default);
}

function tableShape(t: Table, names: Names): TableShape {
  return {
    columns: t.columns.map((c) => ({
      name: c.name,
      type: names.text(c.type),
      nullable: !c.notNull,
      default: columnDefault(c, names),
      collation: c.collation === null ? null : names.text(c.collation),
    })),
    indexes: Object.fromEntries(t.indexes.map((i) => [i.name, indexShape(i.definition, names)])),
    constraints: Object.fromEntries(t.constraints.filter((k) => k.type !== 'p').map((k) => [k.name, names.text(k.definition)])),
  };
}

function objects(cat: Catalog, names: Names): Record<string, string> {
  const out: Array<[string, string]> = [];
  for (const v of cat.ofKind('view')) {
    const def = cat.views.get(v.oid)?.definition ?? '';
    out.push([objectKey({ kind: 'view', schema: names.schema(v.schema), name: v.name }), `${v.subkind === 'm' ? 'MATERIALIZED ' : ''}${names.text(def)}`]);
  }
  for (const f of cat.ofKind('function')) {
    const r = cat.routines.get(f.oid);
    if (!r) continue;
    const kind = f.subkind === 'p' ? 'procedure' : 'function';
    out.push([objectKey({ kind, schema: names.schema(f.schema), name: names.text(r.signature) }), names.text(r.definition ?? `AGGREGATE ${r.signature}`, true)]);
  }
  for (const t of cat.tables) {
    for (const g of t.triggers) out.push([objectKey({ kind: 'trigger', schema: names.schema(t.schema), table: t.name, name: g.name }), names.text(g.definition)]);
  }
  return Object.fromEntries(out.sort(([a], [b]) => byText(a, b)));
}

export async function snapshot(
  conn: (database: string) => Promise<ConnectionSpec>,
  selection: SchemaSelection,
  side: 'source' | 'target',
): Promise<SchemaSnapshot> {
  const map = side === 'source' ? (s: string) => s : targetSchemaOf(selection);
  const spec = await conn(selectedDatabase(selection));
  return withCatalog(spec, async (client) => {
    const cat = await readCatalog(client, selection.tables.map((t) => ({ schema: map(t.schema), table: t.table })));
    const back = inverse(selection.tables.map((t) => t.schema), map);
    const schemas = [...cat.tables.map((t) => t.schema), ...[...cat.closure.items.values()].map((i) => i.schema)];
    const names = await namesFor(client, schemas, back);
    const byOid = new Map(cat.tables.map((t) => [t.oid, t]));
    const fed = [...new Set(cat.feeds.map((f) => f.sequence))].map((oid) => cat.sequences.get(oid)!);
    const { positions, extremes } = await readPositions(client, fed, cat.feeds, (oid) => `${q(byOid.get(oid)!.schema)}.${q(byOid.get(oid)!.name)}`);
    const sequences: SequenceShape[] = cat.feeds.map((f) => {
      const s = cat.sequences.get(f.sequence)!;
      const t = byOid.get(f.table)!;
      return {
        schema: names.schema(s.schema),
        name: s.name,
        next: nextValue(s, positions.get(s.oid)!),
        table: t.name,
        column: f.column,
        columnMax: f.numeric ? (extremes.get(f) ?? null) : null,
      };
    });
    return {
      tables: Object.fromEntries(cat.tables.map((t) => [`${names.schema(t.schema)}.${t.name}`, tableShape(t, names)])),
      objects: objects(cat, names),
      sequences: sequences.sort((a, b) => byText(`${a.schema}.${a.name}.${a.table}.${a.column}`, `${b.schema}.${b.name}.${b.table}.${b.column}`)),
    };
  });
}
