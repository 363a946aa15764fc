/**
 * Seeds the demo shop (templates/demo/shop-*.v1.sql + generated rows) in ONE transaction, with
 * a marker in the same transaction: a database is either fully seeded or untouched, and
 * seeding a seeded database is a no-op. The marker is the database's comment, so it is not a
 * table the assessment would list or the full load would copy.
 *
 * Works on anything that runs SQL text: PGlite in process (rows loaded with COPY, ~3× faster
 * than INSERT there), or a `pg` client over the wire (multi-row INSERTs; also a real server).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { templatesDir } from '../migration/templates.js';
import { SHOP_TABLES, SHOP_TOTAL_ROWS, shopRows, type TableRows } from './shop-data.js';
import { copyChunks, insertStatements } from './sql-values.js';
import { UsageError } from '../errors.js';

export { SHOP_ROWS, SHOP_TABLES, SHOP_TOTAL_ROWS, LOB_MIN_BYTES, type ShopTable } from './shop-data.js';

export const SHOP_SEED_VERSION = 1;
/** Default PRNG seed (the day the HYBRID-BTS sample's first member registered). */
export const SHOP_DEFAULT_SEED = 20211025;
const MARKER = /^promigrate demo shop v(\d+)\b/;

/** Runs SQL text (possibly several statements) and returns the rows of the last one. */
export type RunSql = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface SeedTarget {
  run: RunSql;
  /** Loads COPY text-format data into `table (columns)`; without it rows go as INSERTs. */
  copy?: (table: string, columns: string[], data: string) => Promise<void>;
}

export function pgliteTarget(db: PGlite): SeedTarget {
  return {
    run: async (sql) => ((await db.exec(sql)).at(-1)?.rows ?? []) as Array<Record<string, unknown>>,
    copy: async (table, columns, data) => {
      await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    },
  };
}

export function pgTarget(client: pg.ClientBase): SeedTarget {
  return {
    run: async (sql) => {
      const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? [];
    },
  };
}

async function load(target: SeedTarget, t: TableRows): Promise<void> {
  const { copy } = target;
  if (copy) {
    for (const data of copyChunks(t.rows)) await copy(t.table, t.columns, data);
  } else {
    for (const sql of insertStatements(t.table, t.columns, t.rows, t.identityAlways)) await target.run(sql);
  }
}

export interface SeedResult {
  /** False when the database already held the shop (nothing was changed). */
  seeded: boolean;
  /** The shop version the database holds. */
  version: number;
  ms: number;
}

function shopSql(part: 'schema' | 'finish'): string {
  return readFileSync(join(templatesDir(import.meta.url), 'demo', `shop-${part}.v${SHOP_SEED_VERSION}.sql`), 'utf8');
}

/** The shop version recorded in the current database's comment, or undefined. */
export async function shopSeedVersion({ run }: Pick<SeedTarget, 'run'>): Promise<number | undefined> {
  const [row] = await run("SELECT shobj_description(d.oid, 'pg_database') AS comment FROM pg_database d WHERE d.datname = current_database()");
  const match = MARKER.exec(String(row?.comment ?? ''));
  return match ? Number(match[1]) : undefined;
}

/** Seeds the shop unless the database holds it already (any version: then nothing changes). */
export async function seedShop(target: SeedTarget, options: { seed?: number } = {}): Promise<SeedResult> {
  const { run } = target;
  const started = performance.now();
  const found = await shopSeedVersion(target);
  if (found !== undefined) return { seeded: false, version: found, ms: performance.now() - started };
  const names = SHOP_TABLES.map((t) => `'${t}'`).join(', ');
  const [clash] = await run(
    `SELECT string_agg(c.relname, ', ' ORDER BY c.relname) AS names FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relname IN (${names})`,
  );
  if (clash?.names) {
    throw new UsageError(`Cannot seed the demo shop: the database already has tables ${String(clash.names)} but no demo marker.`, {
      hint: 'Give the demo an empty database (or a new --dir); promigrate never overwrites tables it did not create.',
    });
  }
  const seed = options.seed ?? SHOP_DEFAULT_SEED;
  const marker = `promigrate demo shop v${SHOP_SEED_VERSION} (seed ${seed}, ${SHOP_TOTAL_ROWS} rows)`;
  await run('BEGIN');
  try {
    await run(shopSql('schema'));
    // Foreign keys are not checked while loading (the generated rows satisfy them by
    // construction); that takes a superuser, as PGlite's only user is.
    const [su] = await run("SELECT current_setting('is_superuser') = 'on' AS su");
    if (su?.su === true) await run('SET LOCAL session_replication_role = replica');
    // One table at a time, in order: the tables share one PRNG.
    for (const t of shopRows(seed)) await load(target, t);
    if (su?.su === true) await run('SET LOCAL session_replication_role = DEFAULT');
    await run(shopSql('finish'));
    // COMMENT ON DATABASE needs the name as an identifier, hence the DO block.
    await run(`DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), '${marker}'); END $$`);
    await run('COMMIT');
  } catch (err) {
    await run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return { seeded: true, version: SHOP_SEED_VERSION, ms: performance.now() - started };
}
