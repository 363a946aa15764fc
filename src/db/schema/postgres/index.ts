/**
 * The PostgreSQL target-schema adapter (issue 15). The DDL comes from the source's catalog
 * through the server's own deparsers (pg_get_indexdef, pg_get_viewdef, …), not from pg_dump,
 * which refuses servers newer than itself (a PostgreSQL 18 source, PGlite, with pg_dump 15).
 */
import type { SchemaAdapter } from '../types.js';
import { extract } from './extract.js';
import { positions } from './positions.js';
import { snapshot } from './snapshot.js';
import { openPostgresTarget } from './target.js';

export const postgresSchema: SchemaAdapter = {
  extract,
  positions,
  openTarget: (target) => openPostgresTarget(target),
  snapshot,
};

export { openPostgresTarget, type PostgresTargetOptions } from './target.js';
