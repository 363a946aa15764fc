/** Source ↔ target database names of a selection (MySQL/MariaDB: a schema is a database). */
import type { SchemaSelection } from '../types.js';

export interface Naming {
  /** The selected source databases, each once, in the selection's order. */
  databases: string[];
  toTarget(schema: string): string;
  /**
   * The source database a target database holds; a selected source database that the
   * selection moves elsewhere reads `<name> (source database)` (on a target sharing the
   * source's server, a reference to it is a reference outside the migration); any other name
   * stays as it is.
   */
  toSource(schema: string): string;
  /** Whether `schema` is one of the selected source databases. */
  isSelected(schema: string): boolean;
}

export function naming(selection: SchemaSelection): Naming {
  const databases = [...new Set([...selection.databases, ...selection.tables.map((t) => t.schema)])];
  const map = (s: string) => selection.targetSchema?.(s) ?? s;
  const back = new Map(databases.map((d) => [map(d), d]));
  const selected = new Set(databases);
  return {
    databases,
    toTarget: map,
    toSource: (s) => back.get(s) ?? (selected.has(s) ? `${s} (source database)` : s),
    isSelected: (s) => selected.has(s),
  };
}

/** The selected tables grouped by source database. */
export function selectedTables(selection: SchemaSelection): Map<string, Set<string>> {
  const bySchema = new Map<string, Set<string>>();
  for (const { schema, table } of selection.tables) {
    const set = bySchema.get(schema) ?? new Set<string>();
    set.add(table);
    bySchema.set(schema, set);
  }
  return bySchema;
}
