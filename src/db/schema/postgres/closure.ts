/**
 * Which objects besides the selected tables the target needs, and what each needs first,
 * from pg_depend: the roots are the selected tables and the views, routines, types and
 * extensions of their schemas; every routine, type, sequence or extension a root's
 * pre-data parts (columns, defaults, CHECKs, domain constraints, signatures, view queries)
 * or later parts (indexes, constraints, triggers) refer to joins the set, round by round
 * until nothing new turns up. Dependencies of the pre-data parts become ordering edges.
 */
import type pg from 'pg';
import type { Table } from './relations.js';

/** Objects created during initdb have smaller oids: the catalog, information_schema. */
const FIRST_NORMAL_OID = 16384;

export type ItemKind = 'table' | 'view' | 'function' | 'type' | 'sequence' | 'extension';

export interface Item {
  kind: ItemKind;
  oid: number;
  schema: string;
  name: string;
  /** routine: prokind (f, p, a, w); type: typtype (e, d, c, r, b); view: relkind (v, m). */
  subkind: string;
}

/** `kind:oid` */
export type ItemKey = string;
export const itemKey = (kind: ItemKind, oid: number): ItemKey => `${kind}:${oid}`;

export interface Closure {
  items: Map<ItemKey, Item>;
  /** item → the items its pre-data statement needs first. */
  needs: Map<ItemKey, Set<ItemKey>>;
  /** Views and routines left out: what they need, a relation not in the set (`direct`) or an object left out itself. */
  excluded: Array<{ item: Item; needs: string; direct: boolean }>;
}

interface Part {
  cls: string;
  oid: number;
  item: ItemKey;
  preData: boolean;
}

type Row = Record<string, unknown>;

async function rows(client: pg.Client, sql: string, values: unknown[]): Promise<Row[]> {
  return (await client.query(sql, values)).rows as Row[];
}

/**
 * `bundled`: created along with something else, so never on its own — an extension's member,
 * or (routines, types) an internal part of another object: a range type's constructors, its
 * multirange, an array type. (A relation's internal dependents, such as a composite type's
 * pg_class row or an identity column's sequence, are handled where they are met.)
 */
const TYPE_SELECT = `SELECT t.oid::int8 AS oid, n.nspname, t.typname, t.typtype, t.typrelid::int8 AS typrelid, c.relkind,
       -- what the type stands for: an array its element type, a multirange (14+) its range type
       CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem::int8
            WHEN t.typtype = 'm' THEN (SELECT r.rngtypid::int8 FROM pg_range r WHERE (to_jsonb(r) ->> 'rngmultitypid')::oid = t.oid) END AS elem,
       EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype IN ('e', 'i')) AS bundled
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid`;
const PROC_SELECT = `SELECT p.oid::int8 AS oid, n.nspname, p.proname, p.prokind,
       EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i')) AS bundled
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace`;
const CLASS_SELECT = `SELECT c.oid::int8 AS oid, n.nspname, c.relname, c.relkind, c.reltype::int8 AS reltype,
       EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e') AS bundled
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`;

class Walk {
  readonly items = new Map<ItemKey, Item>();
  readonly needs = new Map<ItemKey, Set<ItemKey>>();
  /** view or routine → a relation it needs (reads, or uses the row type of) that is not in the set. */
  readonly foreignReads = new Map<ItemKey, string>();
  private pending: Part[] = [];
  private readonly classes = new Map<number, Row>();
  private readonly types = new Map<number, Row>();
  private readonly procs = new Map<number, Row>();
  private newTypes: number[] = [];
  private newViews: number[] = [];

  constructor(private readonly client: pg.Client) {}

  add(item: Item): ItemKey {
    const key = itemKey(item.kind, item.oid);
    if (this.items.has(key)) return key;
    this.items.set(key, item);
    if (item.kind === 'function') this.pending.push({ cls: 'pg_proc', oid: item.oid, item: key, preData: true });
    if (item.kind === 'type') {
      this.pending.push({ cls: 'pg_type', oid: item.oid, item: key, preData: true });
      this.newTypes.push(item.oid);
    }
    if (item.kind === 'view') this.newViews.push(item.oid);
    return key;
  }

  need(from: ItemKey, to: ItemKey): void {
    if (from === to) return;
    const set = this.needs.get(from) ?? new Set<ItemKey>();
    set.add(to);
    this.needs.set(from, set);
  }

  addTable(t: Table): void {
    const key = this.add({ kind: 'table', oid: t.oid, schema: t.schema, name: t.name, subkind: t.relkind });
    const part = (cls: string, oid: number, preData: boolean) => this.pending.push({ cls, oid, item: key, preData });
    part('pg_class', t.oid, true);
    for (const c of t.columns) if (c.defaultOid !== null) part('pg_attrdef', c.defaultOid, true);
    for (const k of t.constraints) part('pg_constraint', k.oid, k.type === 'p' || (k.type === 'c' && k.validated));
    for (const i of t.indexes) part('pg_class', i.oid, false);
    for (const g of t.triggers) part('pg_trigger', g.oid, false);
  }

  /** A matview's indexes: they need their routines and extensions like a table's. */
  addIndexes(view: ItemKey, indexes: number[]): void {
    for (const oid of indexes) this.pending.push({ cls: 'pg_class', oid, item: view, preData: false });
  }

  /** Resolves the sub-objects added since the last call; false when there was nothing left. */
  async round(): Promise<boolean> {
    await this.expandNew();
    const parts = this.pending;
    this.pending = [];
    if (parts.length === 0) return false;
    const deps = await rows(
      this.client,
      `SELECT classid::regclass::text AS cls, objid::int8 AS objid, refclassid::regclass::text AS refcls, refobjid::int8 AS refobjid
         FROM pg_depend WHERE objid = ANY($1::oid[]) AND deptype = 'n' AND refobjid >= ${FIRST_NORMAL_OID}`,
      [[...new Set(parts.map((p) => p.oid))]],
    );
    const byObject = new Map<string, Part[]>();
    for (const p of parts) byObject.set(`${p.cls}:${p.oid}`, [...(byObject.get(`${p.cls}:${p.oid}`) ?? []), p]);
    const refs: Array<{ part: Part; cls: string; oid: number }> = [];
    for (const d of deps) {
      for (const part of byObject.get(`${String(d.cls)}:${Number(d.objid)}`) ?? []) refs.push({ part, cls: String(d.refcls), oid: Number(d.refobjid) });
    }
    await this.describe(refs);
    const members = await this.extensionsOf(refs);
    for (const ref of refs) {
      const target = members.get(`${ref.cls}:${ref.oid}`) ?? this.resolve(ref.cls, ref.oid);
      if (target === undefined) {
        const kind = this.items.get(ref.part.item)!.kind;
        const foreign = this.foreignRelation(ref.cls, ref.oid);
        if (foreign && ref.part.preData && (kind === 'view' || kind === 'function')) this.foreignReads.set(ref.part.item, foreign);
        continue;
      }
      if (ref.part.preData) this.need(ref.part.item, target);
    }
    return true;
  }

  /** `schema.name` of a relation (or of its row type) that is not in the set. */
  private foreignRelation(cls: string, oid: number): string | undefined {
    const RELATIONS = ['r', 'p', 'v', 'm', 'f'];
    const c = cls === 'pg_class' ? this.classes.get(oid) : undefined;
    if (c && RELATIONS.includes(String(c.relkind))) return `${String(c.nspname)}.${String(c.relname)}`;
    const t = cls === 'pg_type' ? this.types.get(oid) : undefined;
    if (t && t.typtype === 'c' && RELATIONS.includes(String(t.relkind))) return `${String(t.nspname)}.${String(t.typname)}`;
    return undefined;
  }

  /** Sub-objects of items added since the last round: domain constraints, composite attributes, view rules. */
  private async expandNew(): Promise<void> {
    const types = this.newTypes;
    const views = this.newViews;
    this.newTypes = [];
    this.newViews = [];
    if (types.length > 0) {
      for (const r of await rows(this.client, 'SELECT oid::int8 AS oid, contypid::int8 AS typ FROM pg_constraint WHERE contypid = ANY($1::oid[])', [types])) {
        this.pending.push({ cls: 'pg_constraint', oid: Number(r.oid), item: itemKey('type', Number(r.typ)), preData: true });
      }
      for (const oid of types) {
        const relid = Number(this.types.get(oid)?.typrelid ?? 0);
        if (relid !== 0) this.pending.push({ cls: 'pg_class', oid: relid, item: itemKey('type', oid), preData: true });
      }
    }
    if (views.length > 0) {
      for (const r of await rows(this.client, 'SELECT oid::int8 AS oid, ev_class::int8 AS rel FROM pg_rewrite WHERE ev_class = ANY($1::oid[])', [views])) {
        this.pending.push({ cls: 'pg_rewrite', oid: Number(r.oid), item: itemKey('view', Number(r.rel)), preData: true });
      }
    }
  }

  /** Loads the catalog rows of referenced types, routines and relations not seen yet. */
  private async describe(refs: Array<{ cls: string; oid: number }>): Promise<void> {
    const unseen = (cls: string, cache: Map<number, Row>) => [...new Set(refs.filter((r) => r.cls === cls && !cache.has(r.oid)).map((r) => r.oid))];
    const typeOids = unseen('pg_type', this.types);
    const classOids = unseen('pg_class', this.classes);
    const procOids = unseen('pg_proc', this.procs);
    if (classOids.length > 0) for (const r of await rows(this.client, `${CLASS_SELECT} WHERE c.oid = ANY($1::oid[])`, [classOids])) this.classes.set(Number(r.oid), r);
    // A relation's row type (a composite type's, a table's) resolves through its pg_type row.
    const rowTypes = [...this.classes.values()].map((r) => Number(r.reltype)).filter((o) => o !== 0 && !this.types.has(o));
    await this.loadTypes([...typeOids, ...rowTypes]);
    if (procOids.length > 0) for (const r of await rows(this.client, `${PROC_SELECT} WHERE p.oid = ANY($1::oid[])`, [procOids])) this.procs.set(Number(r.oid), r);
  }

  private async loadTypes(oids: number[]): Promise<void> {
    let todo = [...new Set(oids)].filter((o) => !this.types.has(o));
    while (todo.length > 0) {
      for (const r of await rows(this.client, `${TYPE_SELECT} WHERE t.oid = ANY($1::oid[])`, [todo])) this.types.set(Number(r.oid), r);
      // Arrays and multiranges resolve to the type they are made of.
      todo = [...this.types.values()].map((r) => Number(r.elem ?? 0)).filter((o) => o >= FIRST_NORMAL_OID && !this.types.has(o));
    }
  }

  private async extensionsOf(refs: Array<{ cls: string; oid: number }>): Promise<Map<string, ItemKey>> {
    const out = new Map<string, ItemKey>();
    if (refs.length === 0) return out;
    const found = await rows(
      this.client,
      `SELECT x.classid::regclass::text AS cls, x.objid::int8 AS objid, e.oid::int8 AS oid, e.extname, n.nspname
         FROM pg_depend x JOIN pg_extension e ON e.oid = x.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE x.refclassid = 'pg_extension'::regclass AND x.deptype = 'e' AND x.objid = ANY($1::oid[])`,
      [[...new Set(refs.map((r) => r.oid))]],
    );
    for (const r of found) {
      const key = this.add({ kind: 'extension', oid: Number(r.oid), schema: String(r.nspname), name: String(r.extname), subkind: '' });
      out.set(`${String(r.cls)}:${Number(r.objid)}`, key);
    }
    // An extension's array (multirange) types are not members themselves: their element (range) is.
    for (const r of refs) {
      const elem = r.cls === 'pg_type' ? Number(this.types.get(r.oid)?.elem ?? 0) : 0;
      const viaElem = elem ? found.find((f) => f.cls === 'pg_type' && Number(f.objid) === elem) : undefined;
      if (viaElem) out.set(`${r.cls}:${r.oid}`, itemKey('extension', Number(viaElem.oid)));
    }
    return out;
  }

  /** The item a referenced object belongs to, adding routines, types and sequences as they turn up. */
  private resolve(cls: string, oid: number): ItemKey | undefined {
    if (cls === 'pg_proc') {
      const p = this.procs.get(oid);
      if (!p || p.bundled) return undefined;
      return this.add({ kind: 'function', oid, schema: String(p.nspname), name: String(p.proname), subkind: String(p.prokind) });
    }
    if (cls === 'pg_type') return this.resolveType(oid);
    if (cls === 'pg_class') {
      const c = this.classes.get(oid);
      if (!c || c.bundled) return undefined;
      const relkind = String(c.relkind);
      if (relkind === 'S') return this.add({ kind: 'sequence', oid, schema: String(c.nspname), name: String(c.relname), subkind: 'S' });
      if (relkind === 'c') return this.resolveType(Number(c.reltype));
      for (const kind of ['table', 'view'] as const) if (this.items.has(itemKey(kind, oid))) return itemKey(kind, oid);
    }
    return undefined;
  }

  private resolveType(oid: number): ItemKey | undefined {
    const t = this.types.get(oid);
    if (!t || oid < FIRST_NORMAL_OID) return undefined;
    if (t.elem !== null && t.elem !== undefined) return this.resolveType(Number(t.elem));
    const typtype = String(t.typtype);
    if (typtype === 'c' && t.relkind !== 'c') {
      // A table's or view's row type (bundled with it): that relation, when it is in the set.
      const rel = Number(t.typrelid);
      for (const kind of ['table', 'view'] as const) if (this.items.has(itemKey(kind, rel))) return itemKey(kind, rel);
      return undefined;
    }
    if (t.bundled || !['e', 'd', 'c', 'r', 'b'].includes(typtype)) return undefined;
    return this.add({ kind: 'type', oid, schema: String(t.nspname), name: String(t.typname), subkind: typtype });
  }

  async seedSchemas(schemas: string[]): Promise<void> {
    const views = (await rows(this.client, `${CLASS_SELECT} WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') ORDER BY n.nspname, c.relname`, [schemas])).filter((r) => !r.bundled);
    const procs = (await rows(this.client, `${PROC_SELECT} WHERE n.nspname = ANY($1) ORDER BY n.nspname, p.proname, p.oid`, [schemas])).filter((r) => !r.bundled);
    const types = await rows(
      this.client,
      `${TYPE_SELECT} WHERE n.nspname = ANY($1) AND t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR c.relkind = 'c') ORDER BY n.nspname, t.typname`,
      [schemas],
    );
    const exts = await rows(
      this.client,
      `SELECT e.oid::int8 AS oid, e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE n.nspname = ANY($1) AND e.extname <> 'plpgsql' ORDER BY e.extname`,
      [schemas],
    );
    for (const r of types) this.types.set(Number(r.oid), r);
    for (const r of views) this.add({ kind: 'view', oid: Number(r.oid), schema: String(r.nspname), name: String(r.relname), subkind: String(r.relkind) });
    for (const r of procs) {
      this.procs.set(Number(r.oid), r);
      this.add({ kind: 'function', oid: Number(r.oid), schema: String(r.nspname), name: String(r.proname), subkind: String(r.prokind) });
    }
    for (const r of types) this.resolveType(Number(r.oid));
    for (const r of exts) this.add({ kind: 'extension', oid: Number(r.oid), schema: String(r.nspname), name: String(r.extname), subkind: '' });
  }
}

/**
 * The closure of the selection. `matviewIndexes` gives a materialized view's index oids
 * (read by the caller with the tables' details).
 */
export async function readClosure(
  client: pg.Client,
  tables: Table[],
  schemas: string[],
  matviewIndexes: (views: number[]) => Promise<Map<number, number[]>>,
): Promise<Closure> {
  const walk = new Walk(client);
  for (const t of tables) walk.addTable(t);
  for (const t of tables) if (t.parent !== null && walk.items.has(itemKey('table', t.parent))) walk.need(itemKey('table', t.oid), itemKey('table', t.parent));
  await walk.seedSchemas(schemas);
  const matviews = [...walk.items.values()].filter((i) => i.kind === 'view' && i.subkind === 'm').map((i) => i.oid);
  if (matviews.length > 0) for (const [view, indexes] of await matviewIndexes(matviews)) walk.addIndexes(itemKey('view', view), indexes);
  while (await walk.round());
  return { items: walk.items, needs: walk.needs, excluded: exclude(walk) };
}

/** Views and routines needing a relation outside the set, and the views and routines that need those. */
function exclude(walk: Walk): Closure['excluded'] {
  const excluded = new Map<ItemKey, string>(walk.foreignReads);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, needs] of walk.needs) {
      const kind = walk.items.get(key)?.kind;
      if (excluded.has(key) || (kind !== 'view' && kind !== 'function')) continue;
      const bad = [...needs].find((n) => excluded.has(n));
      if (bad) {
        const v = walk.items.get(bad)!;
        excluded.set(key, `${v.schema}.${v.name}`);
        changed = true;
      }
    }
  }
  const out: Closure['excluded'] = [];
  for (const [key, needs] of excluded) {
    out.push({ item: walk.items.get(key)!, needs, direct: walk.foreignReads.has(key) });
    walk.items.delete(key);
    walk.needs.delete(key);
  }
  for (const needs of walk.needs.values()) for (const key of excluded.keys()) needs.delete(key);
  const name = (i: Item) => `${i.schema}.${i.name}`;
  return out.sort((a, b) => (name(a.item) < name(b.item) ? -1 : name(a.item) > name(b.item) ? 1 : a.item.oid - b.item.oid));
}
