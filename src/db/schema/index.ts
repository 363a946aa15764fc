/** The schema adapter of an engine, loaded when first needed. */
import type { Engine } from '../types.js';
import type { SchemaAdapter } from './types.js';

export async function schemaAdapter(engine: Engine): Promise<SchemaAdapter> {
  if (engine === 'postgres') return (await import('./postgres/index.js')).postgresSchema;
  return (await import('./mysql/index.js')).mysqlSchema;
}
