/**
 * Views in creation order: a view over another view comes after it. The server qualifies
 * every table and view a view reads in SHOW CREATE VIEW, so the references are read from the
 * definition's `db`.`name` pairs (information_schema.VIEW_TABLE_USAGE is MySQL 8.0.13+ only).
 */
import { qualifiedRefs } from './sql-text.js';

export interface ViewSource {
  schema: string;
  name: string;
  sql: string;
}

const key = (schema: string, name: string) => `${schema}.${name}`;

/** The views in dependency order; otherwise in the order given. */
export function orderViews<T extends ViewSource>(views: T[]): T[] {
  const byKey = new Map(views.map((v) => [key(v.schema, v.name), v]));
  const deps = new Map(
    views.map((v) => {
      const self = key(v.schema, v.name);
      const refs = qualifiedRefs(v.sql).map((r) => key(r.schema, r.name));
      return [self, [...new Set(refs)].filter((k) => k !== self && byKey.has(k))];
    }),
  );
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (k: string) => {
    if (state.get(k) === 'done') return;
    if (state.get(k) === 'visiting') throw new Error(`views reference each other in a cycle through ${k}`);
    state.set(k, 'visiting');
    for (const d of deps.get(k) ?? []) visit(d);
    state.set(k, 'done');
    ordered.push(byKey.get(k)!);
  };
  for (const v of views) visit(key(v.schema, v.name));
  return ordered;
}

/** The `db`.`name` references of a view definition. */
export function viewReferences(sql: string): Array<{ schema: string; name: string }> {
  const seen = new Set<string>();
  return qualifiedRefs(sql).filter((r) => !seen.has(key(r.schema, r.name)) && seen.add(key(r.schema, r.name)));
}
