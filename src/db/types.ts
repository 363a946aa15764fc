/**
 * The engine-neutral database layer: what assess (and later verify) needs of a source or
 * target database, behind one interface with a MySQL/MariaDB (mysql2) and a PostgreSQL
 * (pg) adapter. Inventory is taken with a constant number of bulk catalog queries, never
 * one query per table.
 */
export type Engine = 'mysql' | 'mariadb' | 'postgres';
export type Flavor = 'mysql' | 'mariadb' | 'postgres';

export interface ConnectionSpec {
  engine: Engine;
  /** Where promigrate itself connects (the config's connectVia when given, else host/port). */
  host: string;
  port: number;
  user: string;
  /** Resolved at connect time from passwordEnv / secretArn; never stored or logged. */
  password?: string;
  database: string;
  tls: { mode: 'disable' | 'prefer' | 'require' | 'verify-full'; caFile?: string };
  connectTimeoutMs: number;
  /** Names the connection in messages, e.g. `source database app@10.0.0.5:3306/shop`. */
  label: string;
}

export interface ServerVersion {
  /** As the server reports it, e.g. `10.11.6-MariaDB-0+deb12u1` or `PostgreSQL 15.18 …`. */
  raw: string;
  flavor: Flavor;
  major: number;
  minor: number;
  patch: number;
}

export interface DbColumn {
  name: string;
  /** Lower-case base type, e.g. `varchar`, `longtext`, `int`, `jsonb`, `user-defined`. */
  dataType: string;
  /** The full declared type, e.g. `varchar(80)`, `enum('a','b')`, `character varying(80)`. */
  columnType: string;
  nullable: boolean;
  /** TEXT/BLOB/JSON (MySQL), text/bytea/json/jsonb/xml (PostgreSQL): migrated by DMS as LOBs. */
  isLob: boolean;
  /** Declared maximum length in characters or bytes, when the type has one. */
  maxLength?: number;
  /** PostgreSQL: the category of a user-defined type (enum, composite, range, domain, array). */
  udtKind?: 'enum' | 'composite' | 'range' | 'domain' | 'array' | 'base';
  udtName?: string;
  collation?: string;
  charset?: string;
}

export interface DbTable {
  schema: string;
  name: string;
  /** Estimated rows from the catalog statistics (not COUNT(*)). */
  rows: number;
  /** Estimated data + index bytes. */
  bytes: number;
  columns: DbColumn[];
  primaryKey?: string[];
  uniqueKeys: string[][];
  /** MySQL/MariaDB storage engine, e.g. InnoDB, MyISAM. */
  storageEngine?: string;
  collation?: string;
  charset?: string;
  /** PostgreSQL REPLICA IDENTITY: default, nothing, full, index. */
  replicaIdentity?: 'default' | 'nothing' | 'full' | 'index';
  autoIncrement?: boolean;
}

export interface Inventory {
  engine: Engine;
  version: ServerVersion;
  databases: string[];
  schemas: string[];
  tables: DbTable[];
  views: Array<{ schema: string; name: string }>;
  routines: Array<{ schema: string; name: string; type: string }>;
  triggers: Array<{ schema: string; table: string; name: string }>;
  foreignKeys: Array<{ schema: string; table: string; name: string; refSchema: string; refTable: string }>;
  totals: { tables: number; rows: number; bytes: number; lobColumns: number };
}

/** What every adapter offers; engine-specific checks use their adapter's own extras. */
export interface Database {
  readonly engine: Engine;
  readonly label: string;
  /** Round trips made so far (tests assert the inventory's count is constant). */
  readonly queryCount: number;
  version(): Promise<ServerVersion>;
  inventory(databases: string[]): Promise<Inventory>;
  close(): Promise<void>;
}
