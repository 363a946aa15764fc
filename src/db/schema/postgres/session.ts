/**
 * A read-only catalog session: one snapshot for every query (REPEATABLE READ), and
 * `search_path = pg_catalog` so the server's deparsers qualify every non-catalog name.
 * Both are transaction-local: on PGlite, whose one backend session is shared by all its
 * clients, nothing leaks into the other clients' sessions.
 */
import type pg from 'pg';
import { openPgClient } from '../../postgres-connect.js';
import type { ConnectionSpec } from '../../types.js';

/** The catalog columns the queries rely on (attgenerated, prokind, pg_sequence…). */
export const MIN_SERVER_VERSION = 120000;

export async function withCatalog<T>(spec: ConnectionSpec, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openPgClient(spec);
  try {
    const version = Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0);
    if (version < MIN_SERVER_VERSION) {
      throw new Error(`${spec.label} runs PostgreSQL ${Math.floor(version / 10000)}; reading its schema needs PostgreSQL 12 or later (create the target schema with pg_dump --schema-only instead).`);
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      await client.query('SET LOCAL search_path = pg_catalog');
      const result = await read(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Server-quoted identifiers (quote_ident: quotes only when needed, as the deparsers do). */
export async function quoteIdents(client: pg.Client, names: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(names)];
  if (list.length === 0) return new Map();
  const { rows } = await client.query<{ n: string; q: string }>('SELECT n, quote_ident(n) AS q FROM unnest($1::text[]) AS n', [list]);
  return new Map(rows.map((r) => [r.n, r.q]));
}

