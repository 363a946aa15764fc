/** Opens one side of a comparison: the engine family's digest queries over one read-only session. */
import type { ConnectionSpec } from '../types.js';
import type { Side } from './types.js';

export const family = (spec: ConnectionSpec): 'mysql' | 'postgres' => (spec.engine === 'postgres' ? 'postgres' : 'mysql');

export async function openSide(spec: ConnectionSpec): Promise<Side> {
  return family(spec) === 'postgres'
    ? (await import('./digest-postgres.js')).openPostgresSide(spec)
    : (await import('./digest-mysql.js')).openMysqlSide(spec);
}
