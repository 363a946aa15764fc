/** What a PostgreSQL selection names: one database, its tables' schemas, and their mapping. */
import type { SchemaSelection } from '../types.js';

/** The one database of a PostgreSQL selection (its schemas come from the tables). */
export function selectedDatabase(selection: SchemaSelection): string {
  if (selection.databases.length !== 1) {
    throw new Error(`A PostgreSQL selection names exactly one database, got ${selection.databases.length} (${selection.databases.join(', ')}).`);
  }
  return selection.databases[0]!;
}

/** The selection's source → target schema mapping (identity when it has none). */
export function targetSchemaOf(selection: SchemaSelection): (schema: string) => string {
  return selection.targetSchema ?? ((s) => s);
}
