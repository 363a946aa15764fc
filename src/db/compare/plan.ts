/**
 * Decides, from both servers' view of a table, what is compared: the columns present on both
 * (in source order, each normalised by its source type on both sides so the row strings have
 * the same shape), the NULL-bitmap columns, and the key chunks range over. Differences in the
 * column set, types, charsets, collations and keys are reported, never normalised away.
 */
import type { ColumnInfo, SchemaDifference, TablePlan, TableResult, TableShape } from './types.js';

export interface PlannedTable {
  plan: TablePlan;
  keyKind: TableResult['key']['kind'];
  schemaDifferences: SchemaDifference[];
  notes: string[];
}

function chooseKey(source: TableShape, onBoth: Set<string>): { kind: TableResult['key']['kind']; columns: string[] } {
  const usable = (cols: string[]) => cols.length > 0 && cols.every((c) => onBoth.has(c));
  if (usable(source.primaryKey)) return { kind: 'primary', columns: source.primaryKey };
  const unique = source.uniqueKeys.find(usable);
  return unique ? { kind: 'unique', columns: unique } : { kind: 'none', columns: [] };
}

function columnDifferences(source: TableShape, target: TableShape): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const onTarget = new Map(target.columns.map((c) => [c.name, c]));
  const onSource = new Set(source.columns.map((c) => c.name));
  for (const s of source.columns) {
    const t = onTarget.get(s.name);
    if (!t) {
      out.push({ kind: 'missing-on-target', column: s.name, source: s.columnType });
      continue;
    }
    if (s.columnType !== t.columnType) out.push({ kind: 'type', column: s.name, source: s.columnType, target: t.columnType });
    if ((s.charset ?? '') !== (t.charset ?? '')) out.push({ kind: 'charset', column: s.name, source: s.charset ?? '', target: t.charset ?? '' });
    if ((s.collation ?? '') !== (t.collation ?? '')) out.push({ kind: 'collation', column: s.name, source: s.collation ?? '', target: t.collation ?? '' });
  }
  for (const t of target.columns) if (!onSource.has(t.name)) out.push({ kind: 'missing-on-source', column: t.name, target: t.columnType });
  if (source.primaryKey.join(',') !== target.primaryKey.join(',')) {
    out.push({ kind: 'key', source: source.primaryKey.join(', ') || '(none)', target: target.primaryKey.join(', ') || '(none)' });
  }
  return out;
}

/** `target` is null when the table exists on the source only (and vice versa). */
export function planTable(source: TableShape | null, target: TableShape | null): PlannedTable {
  const base = (source ?? target)!;
  const other = source && target ? target : base;
  const onBoth = new Set(other.columns.map((c) => c.name));
  const columns: ColumnInfo[] = base.columns.filter((c) => onBoth.has(c.name));
  const byName = new Map(other.columns.map((c) => [c.name, c]));
  const nullable = new Set(columns.filter((c) => c.nullable || byName.get(c.name)?.nullable).map((c) => c.name));
  const key = chooseKey(base, onBoth);
  const schemaDifferences = source && target ? columnDifferences(source, target) : [];
  const notes: string[] = [];
  if (key.kind === 'unique') notes.push(`No primary key: chunked by the unique key (${key.columns.join(', ')}).`);
  if (key.kind === 'none') {
    notes.push('No primary key and no NOT NULL unique key: compared as one multiset of row hashes; differing rows are identified by their hash.');
  }
  const keyCollations = schemaDifferences.filter((d) => d.kind === 'collation' && key.columns.includes(d.column ?? ''));
  if (keyCollations.length > 0) {
    notes.push(
      `Key column collation differs (${keyCollations.map((d) => d.column).join(', ')}): each server orders keys by its own collation, so a row near a chunk boundary may show as missing in one chunk and extra in the next.`,
    );
  }
  return {
    plan: {
      columns,
      nullable,
      key: key.columns.map((name) => columns.find((c) => c.name === name)!),
    },
    keyKind: key.kind,
    schemaDifferences,
    notes,
  };
}
