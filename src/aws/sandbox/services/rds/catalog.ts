/**
 * What the simulated RDS offers: engine versions, instance classes and the parameters of
 * each parameter-group family (a realistic subset of the real catalogue, late 2025).
 */

export type RdsEngine = 'mysql' | 'mariadb' | 'postgres';

interface MajorVersion {
  engine: RdsEngine;
  major: string;
  family: string;
  versions: string[];
  /** The default minor within the major (DescribeDBEngineVersions DefaultOnly). */
  default: string;
}

export const MAJORS: MajorVersion[] = [
  { engine: 'mysql', major: '8.0', family: 'mysql8.0', versions: ['8.0.39', '8.0.40', '8.0.41', '8.0.42', '8.0.43'], default: '8.0.42' },
  { engine: 'mysql', major: '8.4', family: 'mysql8.4', versions: ['8.4.4', '8.4.5', '8.4.6'], default: '8.4.5' },
  { engine: 'mariadb', major: '10.6', family: 'mariadb10.6', versions: ['10.6.20', '10.6.21', '10.6.22'], default: '10.6.21' },
  { engine: 'mariadb', major: '10.11', family: 'mariadb10.11', versions: ['10.11.10', '10.11.11', '10.11.13'], default: '10.11.11' },
  { engine: 'mariadb', major: '11.4', family: 'mariadb11.4', versions: ['11.4.4', '11.4.5', '11.4.7'], default: '11.4.5' },
  { engine: 'postgres', major: '14', family: 'postgres14', versions: ['14.17', '14.18', '14.19'], default: '14.18' },
  { engine: 'postgres', major: '15', family: 'postgres15', versions: ['15.12', '15.13', '15.14'], default: '15.13' },
  { engine: 'postgres', major: '16', family: 'postgres16', versions: ['16.8', '16.9', '16.10'], default: '16.9' },
  { engine: 'postgres', major: '17', family: 'postgres17', versions: ['17.4', '17.5', '17.6'], default: '17.5' },
];

/** Engine-wide default (what CreateDBInstance picks when EngineVersion is omitted). */
export const ENGINE_DEFAULT: Record<RdsEngine, string> = {
  mysql: '8.0.42',
  mariadb: '11.4.5',
  postgres: '17.5',
};

export const ENGINES: RdsEngine[] = ['mysql', 'mariadb', 'postgres'];

export const ENGINE_DESCRIPTION: Record<RdsEngine, string> = {
  mysql: 'MySQL Community Edition',
  mariadb: 'MariaDB Community Edition',
  postgres: 'PostgreSQL',
};

export const DEFAULT_PORT: Record<RdsEngine, number> = { mysql: 3306, mariadb: 3306, postgres: 5432 };

export const LICENSE_MODEL: Record<RdsEngine, string> = {
  mysql: 'general-public-license',
  mariadb: 'general-public-license',
  postgres: 'postgresql-license',
};

export const INSTANCE_CLASSES = [
  'db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large', 'db.t3.xlarge',
  'db.t4g.micro', 'db.t4g.small', 'db.t4g.medium', 'db.t4g.large',
  'db.m5.large', 'db.m5.xlarge', 'db.m5.2xlarge',
  'db.m6g.large', 'db.m6g.xlarge', 'db.m7g.large',
  'db.r5.large', 'db.r5.xlarge',
  'db.r6g.large', 'db.r6g.xlarge', 'db.r6g.2xlarge', 'db.r7g.large',
];

export const STORAGE_TYPES = ['gp2', 'gp3'];
export const STORAGE_MIN = 20;
export const STORAGE_MAX = 65536;

export function majorOf(engine: string, version: string): MajorVersion | undefined {
  return MAJORS.find((m) => m.engine === engine && m.versions.includes(version));
}

export function familyOf(engine: string, version: string): string | undefined {
  return majorOf(engine, version)?.family;
}

export function isFamily(family: string): boolean {
  return MAJORS.some((m) => m.family === family);
}

export interface ParameterDef {
  name: string;
  value?: string;
  description: string;
  applyType: 'dynamic' | 'static';
  dataType: 'string' | 'integer' | 'boolean';
  allowedValues?: string;
  modifiable?: boolean;
}

const MYSQL_PARAMS = (family: string): ParameterDef[] => [
  { name: 'binlog_format', value: family === 'mysql8.0' ? 'MIXED' : 'ROW', description: 'Binary logging format for replication', applyType: 'dynamic', dataType: 'string', allowedValues: 'ROW,STATEMENT,MIXED' },
  { name: 'binlog_row_image', value: 'full', description: 'Controls whether rows should be logged in FULL, NOBLOB or MINIMAL formats.', applyType: 'dynamic', dataType: 'string', allowedValues: 'full,minimal,noblob' },
  { name: 'character_set_server', description: 'The server default character set.', applyType: 'dynamic', dataType: 'string', allowedValues: 'big5,latin1,utf8,utf8mb3,utf8mb4,ucs2' },
  { name: 'innodb_buffer_pool_size', value: '{DBInstanceClassMemory*3/4}', description: 'The size in bytes of the memory buffer innodb uses to cache data and indexes of its tables', applyType: 'static', dataType: 'integer', allowedValues: '5242880-9223372036854775807' },
  { name: 'log_bin_trust_function_creators', value: '0', description: 'Enforces restrictions on stored functions / triggers - logging for replication.', applyType: 'dynamic', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'lower_case_table_names', description: 'Affects how the server handles identifier case sensitivity', applyType: 'static', dataType: 'integer', allowedValues: '0,1' },
  { name: 'max_allowed_packet', value: '67108864', description: 'This value by default is small, to catch large (possibly incorrect) packets. Must be increased if using large BLOB columns or long strings. As big as largest BLOB.', applyType: 'dynamic', dataType: 'integer', allowedValues: '1024-1073741824' },
  { name: 'max_connections', value: '{DBInstanceClassMemory/12582880}', description: 'The number of simultaneous client connections allowed.', applyType: 'dynamic', dataType: 'integer', allowedValues: '1-100000' },
  { name: 'read_only', value: '{TrueIfReplica}', description: 'When it is enabled, the server permits no updates except from updates performed by slave threads.', applyType: 'dynamic', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'require_secure_transport', value: family === 'mysql8.4' ? '1' : '0', description: 'Whether client connections to the server are required to use some form of secure transport.', applyType: 'dynamic', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'time_zone', description: 'Sets the global time zone for the server.', applyType: 'dynamic', dataType: 'string' },
  { name: 'basedir', value: '/rdsdbbin/mysql', description: 'The MySQL installation base directory.', applyType: 'static', dataType: 'string', modifiable: false },
];

const POSTGRES_PARAMS = (family: string): ParameterDef[] => [
  { name: 'default_transaction_read_only', description: 'Sets the default read-only status of new transactions.', applyType: 'dynamic', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'max_connections', value: 'LEAST({DBInstanceClassMemory/9531392},5000)', description: 'Sets the maximum number of concurrent connections.', applyType: 'static', dataType: 'integer', allowedValues: '6-262143' },
  { name: 'max_replication_slots', value: '20', description: 'Sets the maximum number of replication slots that the server can support.', applyType: 'static', dataType: 'integer', allowedValues: '5-8388607' },
  { name: 'max_wal_senders', value: '20', description: 'Sets the maximum number of simultaneously running WAL sender processes.', applyType: 'static', dataType: 'integer', allowedValues: '5-8388607' },
  { name: 'rds.force_ssl', value: family === 'postgres14' ? '0' : '1', description: 'Force SSL connections.', applyType: 'dynamic', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'rds.logical_replication', value: '0', description: 'Enables logical decoding.', applyType: 'static', dataType: 'boolean', allowedValues: '0,1' },
  { name: 'session_replication_role', description: "Sets the session's behavior for triggers and rewrite rules.", applyType: 'dynamic', dataType: 'string', allowedValues: 'origin,replica,local' },
  { name: 'shared_preload_libraries', value: 'pg_stat_statements', description: 'Lists shared libraries to preload into server.', applyType: 'static', dataType: 'string', allowedValues: 'auto_explain,orafce,pgaudit,pglogical,pg_cron,pg_hint_plan,pg_similarity,pg_stat_statements,pg_tle,pg_transport,plprofiler' },
  { name: 'timezone', value: 'UTC', description: 'Sets the time zone for displaying and interpreting time stamps.', applyType: 'dynamic', dataType: 'string' },
  { name: 'wal_sender_timeout', value: '60000', description: 'Sets the maximum time to wait for WAL replication.', applyType: 'dynamic', dataType: 'integer', allowedValues: '0-3600000' },
  { name: 'work_mem', description: 'Sets the maximum memory to be used for query workspaces.', applyType: 'dynamic', dataType: 'integer', allowedValues: '64-2147483647' },
  { name: 'data_directory', value: '/rdsdbdata/db', description: "Sets the server's data directory.", applyType: 'static', dataType: 'string', modifiable: false },
];

export function parametersOf(family: string): ParameterDef[] {
  return family.startsWith('postgres') ? POSTGRES_PARAMS(family) : MYSQL_PARAMS(family);
}

/** Route 53 hosted zone of `*.rds.amazonaws.com` endpoints, per region (fallback: us-east-1's). */
const ENDPOINT_ZONES: Record<string, string> = {
  'us-east-1': 'Z2R2ITUGPM61AM',
  'us-east-2': 'Z2XHWR1WZ565X2',
  'us-west-2': 'Z1PVIF0B656C1W',
  'eu-west-1': 'Z29XKXDKYMONMX',
  'eu-central-1': 'Z1RLNUO7B9Q6NB',
  'ap-northeast-1': 'Z24O6O9L7SGTNB',
  'ap-northeast-2': 'Z3IKZKQWSHW3XE',
};

export const endpointHostedZone = (region: string): string =>
  ENDPOINT_ZONES[region] ?? 'Z2R2ITUGPM61AM';
