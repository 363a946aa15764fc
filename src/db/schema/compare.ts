/**
 * Source schema against target schema, as verify reports it: per table its columns, indexes
 * and constraints; per schema its views, routines, triggers and events; every sequence (and
 * AUTO_INCREMENT counter) must hand out a value above the MAX of its column. Pure: two
 * snapshots in (src/db/schema/types.ts), the differences out.
 */
import type { SchemaSnapshot, SequenceShape, TableShape } from './types.js';

export type SchemaProblem = 'missing' | 'extra' | 'different' | 'behind';

export interface SchemaDifference {
  /** e.g. `index shop.orders.idx_orders_member`, `column shop.orders.total`, `view shop.v_sales`. */
  object: string;
  problem: SchemaProblem;
  /** The definition on each side, when it has one. */
  source?: string;
  target?: string;
  /** Something only cutover builds (foreign key, trigger, event, sequence position). */
  cutover: boolean;
}

export interface SchemaComparison {
  tables: number;
  objects: number;
  sequences: number;
  /** Every difference, cutover-phase ones included. */
  differences: SchemaDifference[];
}

const columnText = (c: TableShape['columns'][number]): string =>
  `${c.type}${c.nullable ? '' : ' NOT NULL'}${c.default !== null ? ` DEFAULT ${c.default}` : ''}${c.collation ? ` COLLATE ${c.collation}` : ''}`;

const isForeignKey = (definition: string): boolean => /\bFOREIGN\s+KEY\b/i.test(definition);

/** A PostgreSQL type after `::` (multi-word names, a schema, a modifier, array brackets). */
const CAST = /::(?:"(?:[^"]|"")+"|[a-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[a-z_][\w$]*))?(?:\s+(?:varying|precision|with(?:out)?\s+time\s+zone))?(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*/giy;

/**
 * A definition with its casts, parentheses and white space left out — outside string and
 * quoted-name literals. PostgreSQL does not deparse what it parsed back to the same text:
 * `CHECK (status IN ('a','b'))` is stored as `= ANY ((ARRAY['a'::varchar, …])::text[])` on the
 * source and, created from that text, as `= ANY (ARRAY[('a'::varchar)::text, …])` on the
 * target. Both say the same; the loose forms are equal.
 */
export function looseDefinition(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ':' && text[i + 1] === ':') {
      CAST.lastIndex = i;
      const m = CAST.exec(text);
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    if (c !== '(' && c !== ')' && !/\s/.test(c)) out += c;
    i++;
  }
  return out;
}

/** The same definition: equal text, or equal once deparsing noise is left out. */
export const sameDefinition = (a: string, b: string): boolean => a === b || looseDefinition(a) === looseDefinition(b);

function compareMaps(kind: string, owner: string, source: Record<string, string>, target: Record<string, string>, cutover: (def: string) => boolean): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  for (const [name, def] of Object.entries(source)) {
    const there = target[name];
    if (there === undefined) out.push({ object: `${kind} ${owner}.${name}`, problem: 'missing', source: def, cutover: cutover(def) });
    else if (!sameDefinition(there, def)) out.push({ object: `${kind} ${owner}.${name}`, problem: 'different', source: def, target: there, cutover: cutover(def) });
  }
  for (const [name, def] of Object.entries(target)) {
    if (!(name in source)) out.push({ object: `${kind} ${owner}.${name}`, problem: 'extra', target: def, cutover: false });
  }
  return out;
}

function compareTable(key: string, source: TableShape, target: TableShape): SchemaDifference[] {
  const cols = (t: TableShape) => Object.fromEntries(t.columns.map((c) => [c.name, columnText(c)]));
  const out = compareMaps('column', key, cols(source), cols(target), () => false);
  const order = (t: TableShape) => t.columns.map((c) => c.name).join(', ');
  if (out.length === 0 && order(source) !== order(target)) {
    out.push({ object: `columns of ${key}`, problem: 'different', source: order(source), target: order(target), cutover: false });
  }
  out.push(...compareMaps('index', key, source.indexes, target.indexes, () => false));
  out.push(...compareMaps('constraint', key, source.constraints, target.constraints, isForeignKey));
  return out;
}

const sequenceKey = (s: SequenceShape) => `${s.schema}.${s.name}`;

/** The target's counter must hand out a value above every row it holds, and not below the source's. */
function compareSequence(source: SequenceShape, target: SequenceShape | undefined): SchemaDifference | undefined {
  const object = `sequence ${sequenceKey(source)}${source.table ? ` (${source.table}.${source.column})` : ''}`;
  const src = `next ${source.next}${source.columnMax != null ? `, MAX ${source.columnMax}` : ''}`;
  if (!target) return { object, problem: 'missing', source: src, cutover: false };
  const tgt = `next ${target.next}${target.columnMax != null ? `, MAX ${target.columnMax}` : ''}`;
  const next = BigInt(target.next);
  const behindRows = target.columnMax != null && next <= BigInt(target.columnMax);
  const behindSource = next < BigInt(source.next);
  return behindRows || behindSource ? { object, problem: 'behind', source: src, target: tgt, cutover: true } : undefined;
}

export function compareSchemas(source: SchemaSnapshot, target: SchemaSnapshot): SchemaComparison {
  const differences: SchemaDifference[] = [];
  for (const [key, shape] of Object.entries(source.tables)) {
    const there = target.tables[key];
    if (!there) differences.push({ object: `table ${key}`, problem: 'missing', cutover: false });
    else differences.push(...compareTable(key, shape, there));
  }
  const objectCutover = (key: string) => /^(trigger|event) /.test(key);
  for (const [key, def] of Object.entries(source.objects)) {
    const there = target.objects[key];
    if (there === undefined) differences.push({ object: key, problem: 'missing', source: def, cutover: objectCutover(key) });
    else if (!sameDefinition(there, def)) differences.push({ object: key, problem: 'different', source: def, target: there, cutover: objectCutover(key) });
  }
  for (const [key, def] of Object.entries(target.objects)) {
    if (!(key in source.objects)) differences.push({ object: key, problem: 'extra', target: def, cutover: false });
  }
  const targetSequences = new Map(target.sequences.map((s) => [sequenceKey(s), s]));
  for (const s of source.sequences) {
    const d = compareSequence(s, targetSequences.get(sequenceKey(s)));
    if (d) differences.push(d);
  }
  return { tables: Object.keys(source.tables).length, objects: Object.keys(source.objects).length, sequences: source.sequences.length, differences };
}

/** One sentence per difference. */
export function describeDifference(d: SchemaDifference): string {
  switch (d.problem) {
    case 'missing': return `${d.object} is missing on the target${d.source ? ` (source: ${d.source})` : ''}`;
    case 'extra': return `${d.object} exists only on the target`;
    case 'behind': return `${d.object} is behind on the target (${d.target}; source ${d.source}): the next insert would reuse an id`;
    default: return `${d.object} differs (source: ${d.source}; target: ${d.target})`;
  }
}
