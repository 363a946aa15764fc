/**
 * The PostgreSQL adapter (node-postgres). Besides the engine-neutral Database interface it
 * offers the reads the DMS source checks need. Every round trip counts in `queryCount`.
 *
 * A PostgreSQL database is a connection target: when several databases are inventoried,
 * each gets its own short-lived connection, and schemas are reported as `<database>.<schema>`
 * so that `public` in two databases stays two schemas (one database: plain schema names).
 */
import type pg from 'pg';
import { openPgClient } from './postgres-connect.js';
import { INVENTORY_QUERIES, USER_RELATION, inventoryDatabase, type Query } from './postgres-inventory.js';
import type { ConnectionSpec, Database, Inventory, ServerVersion } from './types.js';

export { INVENTORY_QUERIES };

export interface PgSetting { name: string; setting: string; unit: string | null; context: string }
export interface PgRole {
  name: string;
  exists: boolean;
  superuser: boolean;
  replication: boolean;
  canLogin: boolean;
  /** Membership in RDS's roles; null when the server has no such role (not RDS/Aurora). */
  rdsSuperuser: boolean | null;
  rdsReplication: boolean | null;
  /** Per-role settings (ALTER ROLE … SET), e.g. idle_in_transaction_session_timeout. */
  settings: Record<string, string>;
}
export interface PgExtension { name: string; installedVersion: string | null; defaultVersion: string | null }
export interface PgReplicationSlot { name: string; plugin: string | null; type: string; database: string | null; active: boolean; retainedBytes: number | null }
export interface PgSchemaGrants { schema: string; tables: number; tablesWithoutSelect: number; usage: boolean }
export interface PgOpenTransaction { pid: number; user: string | null; state: string | null; seconds: number }
/** A column as the inventory names it (schema possibly `<database>.<schema>`). */
export interface PgColumnRef { schema: string; table: string; column: string; dataType: string }

/** `server_version_num` → ServerVersion (150018 → 15.18; 90624 → 9.6.24). */
export function parseServerVersionNum(num: number, raw: string): ServerVersion {
  const modern = num >= 100000;
  return {
    raw,
    flavor: 'postgres',
    major: Math.floor(num / 10000),
    minor: modern ? num % 10000 : Math.floor(num / 100) % 100,
    patch: modern ? 0 : num % 100,
  };
}

/** A pg_settings value in base units: time in ms, memory in bytes, else the number. */
export function settingNumber(s: PgSetting): number {
  const n = Number(s.setting);
  const unit = s.unit ?? '';
  const time: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
  if (unit in time) return n * (time[unit] as number);
  const mem = /^(\d*)(B|kB|MB|GB|TB)$/.exec(unit);
  if (mem) return n * Number(mem[1] || 1) * 1024 ** ['B', 'kB', 'MB', 'GB', 'TB'].indexOf(mem[2] as string);
  return n;
}

/** PostgreSQL's reserved key words (also those that can only be a function or type name). */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric table tablesample then to trailing true union unique user ' +
    'using variadic verbose when where window with').split(' '),
);

/** An SQL identifier: bare when PostgreSQL would read it back unchanged, else double-quoted. */
export const quoteIdent = (name: string): string =>
  /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;

/** Splits an inventory schema name into its database and PostgreSQL schema. */
export function splitSchema(schema: string, databases: string[], defaultDb: string): { database: string; schema: string } {
  if (databases.length > 1) {
    const db = databases.find((d) => schema.startsWith(`${d}.`));
    if (db) return { database: db, schema: schema.slice(db.length + 1) };
  }
  return { database: databases[0] ?? defaultDb, schema };
}

export class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  readonly label: string;
  private rounds = 0;
  private cachedVersion: ServerVersion | undefined;

  constructor(private readonly client: pg.Client, private readonly spec: ConnectionSpec) {
    this.label = spec.label;
  }

  get queryCount(): number {
    return this.rounds;
  }

  get database(): string {
    return this.spec.database;
  }

  /** One round trip. */
  readonly query: Query = async <R>(sql: string, params?: unknown[]): Promise<R[]> => {
    this.rounds++;
    return (await this.client.query(sql, params)).rows as R[];
  };

  async version(): Promise<ServerVersion> {
    if (!this.cachedVersion) {
      const [row] = await this.query<{ num: string; raw: string }>(`SELECT current_setting('server_version_num') AS num, version() AS raw`);
      this.cachedVersion = parseServerVersionNum(Number(row?.num), row?.raw ?? '');
    }
    return this.cachedVersion;
  }

  /** Runs `fn` on a connection to `database`: this one, or a sibling opened for the call. */
  async onDatabase<T>(database: string, fn: (db: PostgresDatabase) => Promise<T>): Promise<T> {
    if (database === this.spec.database) return fn(this);
    const label = this.spec.label.endsWith(`/${this.spec.database}`)
      ? `${this.spec.label.slice(0, -this.spec.database.length)}${database}`
      : `${this.spec.label} (database ${database})`;
    const sibling = await connectPostgres({ ...this.spec, database, label });
    sibling.cachedVersion = this.cachedVersion;
    try {
      return await fn(sibling);
    } finally {
      this.rounds += sibling.queryCount;
      await sibling.close();
    }
  }

  /** 1 (version, once per connection) + INVENTORY_QUERIES per database. */
  async inventory(databases: string[]): Promise<Inventory> {
    const dbs = databases.length > 0 ? databases : [this.spec.database];
    const version = await this.version();
    const qualify = dbs.length > 1;
    const inv: Inventory = { engine: 'postgres', version, databases: dbs, schemas: [], tables: [], views: [], routines: [], triggers: [], foreignKeys: [], totals: { tables: 0, rows: 0, bytes: 0, lobColumns: 0 } };
    for (const name of dbs) {
      const part = await this.onDatabase(name, (db) => inventoryDatabase(db.query, version.major, (s) => (qualify ? `${name}.${s}` : s)));
      inv.schemas.push(...part.schemas);
      inv.tables.push(...part.tables);
      inv.views.push(...part.views);
      inv.routines.push(...part.routines);
      inv.triggers.push(...part.triggers);
      inv.foreignKeys.push(...part.foreignKeys);
    }
    inv.totals = {
      tables: inv.tables.length,
      rows: inv.tables.reduce((n, t) => n + t.rows, 0),
      bytes: inv.tables.reduce((n, t) => n + t.bytes, 0),
      lobColumns: inv.tables.reduce((n, t) => n + t.columns.filter((c) => c.isLob).length, 0),
    };
    return inv;
  }

  /** One query on pg_settings; names the server does not know are absent from the map. */
  async settings(names: string[]): Promise<Map<string, PgSetting>> {
    const rows = await this.query<PgSetting>('SELECT name, setting, unit, context FROM pg_settings WHERE name = ANY($1::text[])', [names]);
    return new Map(rows.map((r) => [r.name, r]));
  }

  async role(name: string): Promise<PgRole> {
    const [row] = await this.query<Omit<PgRole, 'settings'> & { config: string[] | null }>(
      `SELECT w.want AS name, r.oid IS NOT NULL AS exists, coalesce(r.rolsuper, false) AS superuser,
         coalesce(r.rolreplication, false) AS replication, coalesce(r.rolcanlogin, false) AS "canLogin",
         (SELECT coalesce(pg_has_role(r.oid, x.oid, 'MEMBER'), false) FROM pg_roles x WHERE x.rolname = 'rds_superuser') AS "rdsSuperuser",
         (SELECT coalesce(pg_has_role(r.oid, x.oid, 'MEMBER'), false) FROM pg_roles x WHERE x.rolname = 'rds_replication') AS "rdsReplication",
         (SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0) AS config
       FROM (SELECT $1::name AS want) w LEFT JOIN pg_roles r ON r.rolname = w.want`,
      [name],
    );
    const { config, ...role } = row as NonNullable<typeof row>;
    const settings = Object.fromEntries((config ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    return { ...role, settings };
  }

  /** Extensions installed in this database, plus pglogical whether installed or only available. */
  async extensions(): Promise<PgExtension[]> {
    return this.query<PgExtension>(
      `SELECT name, installed_version AS "installedVersion", default_version AS "defaultVersion"
       FROM pg_available_extensions WHERE installed_version IS NOT NULL OR name = 'pglogical' ORDER BY name`,
    );
  }

  async replicationSlots(): Promise<PgReplicationSlot[]> {
    const modern = (await this.version()).major >= 10;
    const [current, diff] = modern ? ['pg_current_wal_lsn()', 'pg_wal_lsn_diff'] : ['pg_current_xlog_location()', 'pg_xlog_location_diff'];
    return this.query<PgReplicationSlot>(
      `SELECT slot_name AS name, plugin, slot_type AS type, database, active,
         CASE WHEN NOT pg_is_in_recovery() AND restart_lsn IS NOT NULL THEN ${diff}(${current}, restart_lsn)::float8 END AS "retainedBytes"
       FROM pg_replication_slots ORDER BY slot_name`,
    );
  }

  /** WAL sender processes now running (physical replicas, other logical consumers). */
  async activeWalSenders(): Promise<number> {
    const [row] = await this.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_replication');
    return row?.n ?? 0;
  }

  /** Transactions open longer than `seconds` (sessions of other users may be hidden without pg_read_all_stats). */
  async openTransactions(seconds: number): Promise<PgOpenTransaction[]> {
    return this.query<PgOpenTransaction>(
      `SELECT pid, usename AS user, state, extract(epoch FROM now() - xact_start)::float8 AS seconds
       FROM pg_stat_activity WHERE xact_start < now() - make_interval(secs => $1) AND pid <> pg_backend_pid()
       ORDER BY xact_start LIMIT 10`,
      [seconds],
    );
  }

  /** Average WAL bytes per second since the statistics were reset (PostgreSQL 14+), else undefined. */
  async walBytesPerSecond(): Promise<number | undefined> {
    if ((await this.version()).major < 14) return undefined;
    const [row] = await this.query<{ bytes: number; seconds: number | null }>(
      'SELECT wal_bytes::float8 AS bytes, extract(epoch FROM now() - stats_reset)::float8 AS seconds FROM pg_stat_wal',
    );
    return row?.seconds && row.seconds > 0 ? row.bytes / row.seconds : undefined;
  }

  /** SELECT/USAGE the user lacks, per schema of `database` (one query). `user` must exist. */
  async schemaGrants(user: string, database: string, schemaName: (s: string) => string = (s) => s): Promise<PgSchemaGrants[]> {
    const rows = await this.onDatabase(database, (db) =>
      db.query<PgSchemaGrants>(
        `SELECT n.nspname AS schema, count(*)::int AS tables, bool_and(has_schema_privilege($1, n.oid, 'USAGE')) AS usage,
           count(*) FILTER (WHERE NOT has_table_privilege($1, c.oid, 'SELECT'))::int AS "tablesWithoutSelect"
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND ${USER_RELATION} GROUP BY n.nspname ORDER BY 1`,
        [user],
      ),
    );
    return rows.map((r) => ({ ...r, schema: schemaName(r.schema) }));
  }

  /**
   * The largest value of each column in bytes, in ONE query per database (UNION ALL of
   * max(octet_length)). Full scans of those tables: octet_length reads the TOAST header,
   * not the value, for text and bytea.
   */
  async maxLobBytes(columns: PgColumnRef[], databases: string[]): Promise<Map<PgColumnRef, number>> {
    const result = new Map<PgColumnRef, number>();
    const byDb = new Map<string, Array<{ ref: PgColumnRef; schema: string }>>();
    for (const ref of columns) {
      const { database, schema } = splitSchema(ref.schema, databases, this.spec.database);
      byDb.set(database, [...(byDb.get(database) ?? []), { ref, schema }]);
    }
    for (const [database, refs] of byDb) {
      const sql = refs
        .map(({ ref, schema }, i) => {
          const value = ref.dataType === 'bytea' ? `${quoteIdent(ref.column)}::bytea` : `${quoteIdent(ref.column)}::text`;
          return `SELECT ${i} AS i, max(octet_length(${value}))::float8 AS bytes FROM ${quoteIdent(schema)}.${quoteIdent(ref.table)}`;
        })
        .join('\nUNION ALL\n');
      const rows = await this.onDatabase(database, (db) => db.query<{ i: number; bytes: number | null }>(sql));
      for (const row of rows) result.set((refs[row.i] as { ref: PgColumnRef }).ref, row.bytes ?? 0);
    }
    return result;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Connects, or throws a UsageError naming the connection and the fix (never the password). */
export async function connectPostgres(spec: ConnectionSpec): Promise<PostgresDatabase> {
  return new PostgresDatabase(await openPgClient(spec), spec);
}
