/**
 * DMS endpoints and connection tests. Passwords (top level or inside MySQLSettings /
 * PostgreSQLSettings) are accepted and dropped: the world only records `passwordSet`.
 * A TestConnection to a ServerName ending in `.invalid` (e.g. `unreachable.invalid`) fails
 * after `durations.dmsTestConnection` with the ODBC error DMS reports for a network timeout.
 * A PostgreSQL target endpoint's test also fails when its DatabaseName does not exist, with
 * PostgreSQL's own `database "…" does not exist` (as libpq reports a connection to a missing
 * database) in DMS's ODBC failure format: the real database behind the sandbox target
 * (hooks.targetDatabaseExists) decides, else the RDS instance at that address (its DBName,
 * or `postgres`, which every RDS for PostgreSQL instance has).
 */
import { ExitCode, isPromigrateError } from '../../../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { rdsState } from '../rds/state.js';
import { isValidIdentifier, mergeTags, paginate, upperId, uuid } from '../sim-util.js';
import { taskView } from './progress.js';
import {
  applyFilters, dmsArn, dmsErrors, dmsState, identifierMessage, instanceStatus, requireEndpoint,
  requireInstance, type ConnectionRec, type EndpointRec,
} from './state.js';

const DISPLAY: Record<string, string> = {
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  aurora: 'Amazon Aurora MySQL',
  postgres: 'PostgreSQL',
  'aurora-postgresql': 'Amazon Aurora PostgreSQL',
  oracle: 'Oracle',
  sqlserver: 'Microsoft SQL Server',
};
const SSL_MODES = ['none', 'require', 'verify-ca', 'verify-full'];
/**
 * "Using SSL with AWS DMS" (DMS user guide), the SSL modes each engine supports: MySQL/MariaDB/
 * Aurora MySQL none, verify-ca, verify-full ("require: Not supported"); PostgreSQL all four;
 * SQL Server none, require, verify-full; Oracle none, verify-ca.
 */
const SSL_MODES_BY_ENGINE: Record<string, string[]> = {
  mysql: ['none', 'verify-ca', 'verify-full'],
  mariadb: ['none', 'verify-ca', 'verify-full'],
  aurora: ['none', 'verify-ca', 'verify-full'],
  postgres: SSL_MODES,
  'aurora-postgresql': SSL_MODES,
  sqlserver: ['none', 'require', 'verify-full'],
  oracle: ['none', 'verify-ca'],
};

const isPostgres = (engine: string) => engine === 'postgres' || engine === 'aurora-postgresql';
const settingsKey = (engine: string) => (isPostgres(engine) ? 'PostgreSQLSettings' : 'MySQLSettings');

export function endpointOut(e: EndpointRec, status = 'active') {
  const key = settingsKey(e.engineName);
  const engineSettings = {
    ...(e.settings[key] ?? {}),
    ...(e.serverName !== undefined ? { ServerName: e.serverName } : {}),
    ...(e.port !== undefined ? { Port: e.port } : {}),
    ...(e.username !== undefined ? { Username: e.username } : {}),
    ...(e.databaseName !== undefined ? { DatabaseName: e.databaseName } : {}),
  };
  return {
    EndpointIdentifier: e.id,
    EndpointType: e.type.toUpperCase(),
    EngineName: e.engineName,
    EngineDisplayName: DISPLAY[e.engineName] ?? e.engineName,
    Username: e.username,
    ServerName: e.serverName,
    Port: e.port,
    DatabaseName: e.databaseName,
    ExtraConnectionAttributes: e.extraConnectionAttributes ?? '',
    Status: status,
    KmsKeyId: e.kmsKeyId,
    EndpointArn: e.arn,
    CertificateArn: e.certificateArn,
    SslMode: e.sslMode,
    [key]: engineSettings,
  };
}

/** Validates and applies endpoint fields shared by CreateEndpoint and ModifyEndpoint. */
function applyFields(e: EndpointRec, input: Record<string, any>): void {
  if (input.EngineName !== undefined) {
    if (!DISPLAY[input.EngineName]) throw dmsErrors.value(`Invalid EngineName: ${input.EngineName}`);
    e.engineName = input.EngineName;
  }
  if (input.EndpointType !== undefined) {
    const type = String(input.EndpointType).toLowerCase();
    if (type !== 'source' && type !== 'target') throw dmsErrors.value(`Invalid EndpointType: ${input.EndpointType}`);
    e.type = type;
  }
  for (const [field, key] of [['Username', 'username'], ['ServerName', 'serverName'], ['DatabaseName', 'databaseName'], ['ExtraConnectionAttributes', 'extraConnectionAttributes'], ['CertificateArn', 'certificateArn']] as const) {
    if (input[field] !== undefined) e[key] = input[field];
  }
  if (input.Port !== undefined) {
    if (!Number.isInteger(input.Port) || input.Port < 1 || input.Port > 65535) {
      throw dmsErrors.value(`Invalid Port: ${input.Port}`);
    }
    e.port = input.Port;
  }
  if (input.SslMode !== undefined) {
    if (!SSL_MODES.includes(input.SslMode)) throw dmsErrors.value(`Invalid SslMode: ${input.SslMode}`);
    e.sslMode = input.SslMode;
  }
  for (const key of ['MySQLSettings', 'PostgreSQLSettings']) {
    if (input[key] === undefined) continue;
    const { Password, ...rest } = input[key] as Record<string, unknown>;
    if (Password) e.passwordSet = true;
    e.settings[key] = { ...(e.settings[key] ?? {}), ...rest };
  }
  if (input.Password) e.passwordSet = true;
  const settings = e.settings[settingsKey(e.engineName)] ?? {};
  const secretId = settings.SecretsManagerSecretId;
  const roleArn = settings.SecretsManagerAccessRoleArn;
  if (Boolean(secretId) !== Boolean(roleArn)) {
    throw dmsErrors.combination('SecretsManagerSecretId and SecretsManagerAccessRoleArn must be specified together.');
  }
  if (secretId && input.Password) {
    throw dmsErrors.combination('Password cannot be specified together with SecretsManagerSecretId.');
  }
  if (!secretId) {
    for (const [name, value] of [['ServerName', e.serverName], ['Port', e.port], ['Username', e.username]] as const) {
      if (value === undefined || value === '') throw dmsErrors.value(`${name} must be provided for a ${e.engineName} endpoint.`);
    }
    if (!e.passwordSet) throw dmsErrors.value(`Password must be provided for a ${e.engineName} endpoint.`);
  }
  if (isPostgres(e.engineName) && !e.databaseName && !settings.DatabaseName) {
    throw dmsErrors.value('DatabaseName must be provided for a PostgreSQL endpoint.');
  }
  const supported = SSL_MODES_BY_ENGINE[e.engineName] ?? SSL_MODES;
  if (!supported.includes(e.sslMode)) {
    throw dmsErrors.value(`SslMode ${e.sslMode} is not supported for a ${DISPLAY[e.engineName] ?? e.engineName} endpoint; use one of ${supported.join(', ')}.`);
  }
  if ((e.sslMode === 'verify-ca' || e.sslMode === 'verify-full') && !e.certificateArn) {
    throw dmsErrors.combination(`CertificateArn must be provided when SslMode is ${e.sslMode}.`);
  }
}

function failureMessage(e: EndpointRec): string {
  const host = e.serverName ?? '';
  const head = 'Test Endpoint failed: Application-Status: 1020912, Application-Message: Cannot connect to ODBC provider';
  return isPostgres(e.engineName)
    ? `${head} Network error has occurred, Application-Detailed-Message: RetCode: SQL_ERROR SqlState: 08001 NativeError: 101 Message: [unixODBC]timeout expired`
    : `${head} ODBC general error., Application-Detailed-Message: RetCode: SQL_ERROR SqlState: HY000 NativeError: 2003 Message: [MySQL][ODBC 8.0(w) Driver]Can't connect to MySQL server on '${host}' (110)`;
}

const missingDatabaseMessage = (database: string) =>
  'Test Endpoint failed: Application-Status: 1020912, Application-Message: Cannot connect to ODBC provider ODBC general error., ' +
  `Application-Detailed-Message: RetCode: SQL_ERROR SqlState: 08001 NativeError: 101 Message: FATAL:  database "${database}" does not exist`;

/** Without a real database behind it: the RDS instance the endpoint points at knows its DBName; any other server is not judged. */
function rdsHasDatabase(ctx: SimContext, e: EndpointRec, database: string): boolean {
  const host = (e.serverName ?? '').toLowerCase();
  const instance = Object.values(rdsState(ctx).instances).find((i) => i.address.toLowerCase() === host && (e.port === undefined || i.port === e.port));
  return !instance || database === 'postgres' || database === instance.dbName;
}

function connectionOut(ctx: SimContext, c: ConnectionRec) {
  const s = dmsState(ctx);
  const done = ctx.now() >= c.startedAt + ctx.durations.dmsTestConnection;
  return {
    ReplicationInstanceArn: c.instanceArn,
    EndpointArn: c.endpointArn,
    Status: done ? (c.ok ? 'successful' : 'failed') : 'testing',
    LastFailureMessage: done && !c.ok ? c.message : undefined,
    EndpointIdentifier: s.endpoints[c.endpointArn]?.id,
    ReplicationInstanceIdentifier: s.instances[c.instanceArn]?.id,
  };
}

const inUseBy = (ctx: SimContext, arn: string) =>
  Object.values(dmsState(ctx).tasks).filter((t) => t.sourceArn === arn || t.targetArn === arn);

export const endpointHandlers: ServiceSimulator = {
  CreateEndpoint(input, ctx) {
    const s = dmsState(ctx);
    if (!isValidIdentifier(input.EndpointIdentifier, 255)) throw dmsErrors.value(identifierMessage('EndpointIdentifier'));
    const existing = Object.values(s.endpoints).find((e) => e.id === input.EndpointIdentifier);
    if (existing) throw dmsErrors.exists(`An endpoint with identifier ${input.EndpointIdentifier} already exists`, existing.arn);
    if (!input.EngineName) throw dmsErrors.value('EngineName must be provided.');
    if (!input.EndpointType) throw dmsErrors.value('EndpointType must be provided.');
    const e: EndpointRec = {
      id: input.EndpointIdentifier,
      arn: dmsArn(ctx, 'endpoint', upperId(ctx, 26)),
      type: 'source',
      engineName: input.EngineName,
      sslMode: 'none',
      kmsKeyId: input.KmsKeyId ?? `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${uuid(ctx)}`,
      settings: {},
      passwordSet: false,
      tags: mergeTags([], input.Tags),
      createdAt: ctx.now(),
    };
    applyFields(e, input);
    s.endpoints[e.arn] = e;
    return { Endpoint: endpointOut(e) };
  },

  ModifyEndpoint(input, ctx) {
    const e = requireEndpoint(ctx, input.EndpointArn);
    const busy = inUseBy(ctx, e.arn).find((t) => ['starting', 'running', 'stopping'].includes(taskView(ctx, t).status));
    if (busy) throw dmsErrors.state(`Endpoint ${e.id} cannot be modified while replication task ${busy.id} is running.`);
    if (input.EndpointIdentifier !== undefined && input.EndpointIdentifier !== e.id) {
      if (!isValidIdentifier(input.EndpointIdentifier, 255)) throw dmsErrors.value(identifierMessage('EndpointIdentifier'));
      if (Object.values(dmsState(ctx).endpoints).some((x) => x.id === input.EndpointIdentifier)) {
        throw dmsErrors.exists(`An endpoint with identifier ${input.EndpointIdentifier} already exists`);
      }
    }
    const next: EndpointRec = structuredClone(e);
    if (input.EndpointIdentifier !== undefined) next.id = input.EndpointIdentifier;
    applyFields(next, input);
    Object.assign(e, next);
    return { Endpoint: endpointOut(e) };
  },

  DeleteEndpoint(input, ctx) {
    const s = dmsState(ctx);
    const e = requireEndpoint(ctx, input.EndpointArn);
    const users = inUseBy(ctx, e.arn);
    if (users.length) {
      throw dmsErrors.state(`Endpoint ${e.id} is in use by replication task(s): ${users.map((t) => t.id).join(', ')}`);
    }
    delete s.endpoints[e.arn];
    s.connections = s.connections.filter((c) => c.endpointArn !== e.arn);
    return { Endpoint: endpointOut(e, 'deleting') };
  },

  DescribeEndpoints(input, ctx) {
    const all = Object.values(dmsState(ctx).endpoints).sort((a, b) => a.id.localeCompare(b.id));
    // endpoint-type is matched case-insensitively (the API takes `source`, returns `SOURCE`).
    const filters = (input.Filters ?? []).map((f: { Name?: string; Values?: string[] }) =>
      f.Name === 'endpoint-type' ? { ...f, Values: (f.Values ?? []).map((v) => v.toLowerCase()) } : f,
    );
    const list = applyFilters(all, filters, {
      'endpoint-arn': (e) => e.arn,
      'endpoint-type': (e) => e.type,
      'endpoint-id': (e) => e.id,
      'engine-name': (e) => e.engineName,
    });
    if (input.Filters?.length && list.length === 0) throw dmsErrors.notFound('No Endpoints found matching provided filters');
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { Endpoints: page.items.map((e) => endpointOut(e)), Marker: page.marker };
  },

  TestConnection(input, ctx) {
    const s = dmsState(ctx);
    const instance = requireInstance(ctx, input.ReplicationInstanceArn);
    const e = requireEndpoint(ctx, input.EndpointArn);
    if (instanceStatus(ctx, instance) !== 'available') {
      throw dmsErrors.state(`Replication instance ${instance.id} is not in available state`);
    }
    const unreachable = (e.serverName ?? '').toLowerCase().endsWith('.invalid');
    const c: ConnectionRec = {
      instanceArn: instance.arn,
      endpointArn: e.arn,
      startedAt: ctx.now(),
      ok: !unreachable,
      message: unreachable ? failureMessage(e) : undefined,
    };
    const record = () => {
      s.connections = s.connections.filter((x) => !(x.instanceArn === c.instanceArn && x.endpointArn === c.endpointArn));
      s.connections.push(c);
      return { Connection: connectionOut(ctx, c) };
    };
    const database = String(e.databaseName ?? e.settings.PostgreSQLSettings?.DatabaseName ?? '');
    if (unreachable || e.type !== 'target' || !isPostgres(e.engineName)) return record();
    const judge = (exists: boolean) => {
      if (!exists) Object.assign(c, { ok: false, message: missingDatabaseMessage(database) });
      return record();
    };
    const real = ctx.hooks.targetDatabaseExists?.({
      engineName: e.engineName, serverName: e.serverName, port: e.port, databaseName: database,
    });
    if (!real) return judge(rdsHasDatabase(ctx, e, database));
    return real.then(judge, (err: unknown) => {
      // The sandbox's own configuration is wrong (a password variable not set): the operator's error.
      if (isPromigrateError(err) && err.exitCode === ExitCode.badInput) throw err;
      Object.assign(c, { ok: false, message: failureMessage(e) });
      return record();
    });
  },

  DescribeConnections(input, ctx) {
    const list = applyFilters(dmsState(ctx).connections, input.Filters, {
      'endpoint-arn': (c) => c.endpointArn,
      'replication-instance-arn': (c) => c.instanceArn,
    });
    const page = paginate(list, input.MaxRecords, input.Marker);
    return { Connections: page.items.map((c) => connectionOut(ctx, c)), Marker: page.marker };
  },
};
