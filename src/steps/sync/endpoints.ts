/**
 * The DMS source and target endpoints (`<project>-source`, `<project>-target`) and their
 * connection tests from the replication instance. DMS has no idempotency token: the
 * deterministic identifier is what a resumed run finds, accepted only when it carries this
 * project's tag and points at the same engine and server. Passwords are resolved at call
 * time and never appear in a plan, state or message; DMS reads a Secrets Manager secret
 * itself only when an access role for it is configured (that secret must then hold host,
 * port, username and password: DMS refuses clear-text connection fields next to it).
 */
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  ListTagsForResourceCommand,
  TestConnectionCommand,
  type Connection,
  type CreateEndpointCommandInput,
  type DatabaseMigrationServiceClient,
  type DmsSslModeValue,
  type Endpoint,
} from '@aws-sdk/client-database-migration-service';
import { waitFor, type WaitPreset } from '../../aws/wait.js';
import { resolvePassword, type PasswordRef } from '../../db/password.js';
import { ExitCode, PromigrateError, UsageError } from '../../errors.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { waitDeleted } from '../../engine/resources/wait-deleted.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

export const SOURCE_ENDPOINT = 'sync.endpoint.source';
export const TARGET_ENDPOINT = 'sync.endpoint.target';
const INSTANCE = 'dms.instance';
const NOT_FOUND = 'ResourceNotFoundFault';
export type EndpointSide = 'source' | 'target';
type Side = EndpointSide;
export const endpointId = (project: string, side: Side): string => `${project}-${side}`;

/** Disables FK checks (and, on PostgreSQL, user triggers) in DMS's sessions: full load copies tables in any order. */
export const AFTER_CONNECT = { mysql: 'SET FOREIGN_KEY_CHECKS=0', postgres: "SET session_replication_role='replica'" };

/** dms.secretsAccessRoleArn and source.tls.certificateArn (separate so tests can vary them). */
export interface EndpointOptions {
  secretsAccessRoleArn?: string;
  certificateArn?: string;
}

export interface EndpointParams {
  /** CreateEndpoint input without any password: safe to show. */
  input: CreateEndpointCommandInput;
  /** Where the password is read at call time; absent when DMS reads the secret itself. */
  password?: { ref: PasswordRef; field: string; shown: string };
  warnings: string[];
}

const settingsKey = (engine: string) => (engine === 'postgres' ? 'PostgreSQLSettings' : 'MySQLSettings');

export function optionsFromConfig(t: TaskContext): EndpointOptions {
  const { secretsAccessRoleArn } = t.config.dms;
  const { certificateArn } = t.config.source.tls;
  return { ...(secretsAccessRoleArn ? { secretsAccessRoleArn } : {}), ...(certificateArn ? { certificateArn } : {}) };
}

/**
 * "Using SSL with AWS DMS" (DMS user guide), SSL modes per engine: PostgreSQL supports none,
 * require, verify-ca and verify-full; MySQL/MariaDB/Aurora MySQL none, verify-ca and verify-full
 * ("require: Not supported"). verify-ca and verify-full need the server's CA imported into DMS
 * (CertificateArn). So a MySQL-family endpoint is encrypted only when that CA is configured.
 */
export const SSL_MODES_BY_ENGINE: Readonly<Record<'mysql' | 'postgres', readonly DmsSslModeValue[]>> = {
  mysql: ['none', 'verify-ca', 'verify-full'],
  postgres: ['none', 'require', 'verify-ca', 'verify-full'],
};

const sslFamily = (engine: string): 'mysql' | 'postgres' => (engine === 'postgres' ? 'postgres' : 'mysql');

export function sourceSslMode(engine: string, tlsMode: string, certificateArn?: string): { SslMode: DmsSslModeValue; warning?: string } {
  if (tlsMode === 'disable') {
    return { SslMode: 'none', warning: 'source.tls.mode is disable: DMS reads the source without SSL (SslMode none); data crosses the network unencrypted.' };
  }
  if (certificateArn) return { SslMode: tlsMode === 'verify-full' ? 'verify-full' : sslFamily(engine) === 'postgres' ? 'require' : 'verify-ca' };
  if (sslFamily(engine) === 'postgres') {
    return tlsMode === 'verify-full'
      ? { SslMode: 'require', warning: 'source.tls.mode is verify-full, but DMS verifies only against a certificate imported into DMS (CertificateArn), which is not configured: using SslMode require (encrypted, server not verified).' }
      : { SslMode: 'require' };
  }
  if (tlsMode === 'prefer') {
    return { SslMode: 'none', warning: `DMS encrypts a ${engine} connection only with SslMode verify-ca or verify-full, which need the source's CA imported into DMS (source.tls.certificateArn), not configured: DMS reads the source without SSL (SslMode none). Import the CA (aws dms import-certificate) and set source.tls.certificateArn to encrypt.` };
  }
  throw new UsageError(`source.tls.mode ${tlsMode} needs source.tls.certificateArn for a ${engine} source: DMS encrypts MySQL/MariaDB connections only with SslMode verify-ca or verify-full, against a CA imported into DMS.`, {
    hint: 'Import the source\'s CA certificate into DMS (aws dms import-certificate) and set source.tls.certificateArn, or set source.tls.mode: prefer (no SSL) or disable.',
  });
}

/** The RDS target: require on PostgreSQL; a MySQL-family target would need the RDS CA imported into DMS, which promigrate does not do. */
export function targetSslMode(engine: string): { SslMode: DmsSslModeValue; warning?: string } {
  if (sslFamily(engine) === 'postgres') return { SslMode: 'require' };
  return { SslMode: 'none', warning: `DMS encrypts a ${engine} target only with SslMode verify-ca or verify-full against the RDS CA imported into DMS, which promigrate does not import: the target endpoint uses SslMode none (the connection stays inside the VPC).` };
}

export function sourceEndpointParams(t: TaskContext, opts: EndpointOptions = {}): EndpointParams {
  const { source } = t.config;
  const warnings: string[] = [];
  const { SslMode, warning } = sourceSslMode(source.engine, source.tls.mode, opts.certificateArn);
  if (warning) warnings.push(warning);
  const viaSecret = Boolean(source.secretArn && opts.secretsAccessRoleArn);
  if (source.secretArn && !viaSecret) warnings.push('source.secretArn: no Secrets Manager access role for DMS is configured, so promigrate reads the secret and passes the password to DMS.');
  if (viaSecret && t.config.network.natGateways === 'none') {
    warnings.push('dms.secretsAccessRoleArn: DMS reads the source password from Secrets Manager over HTTPS, and with network.natGateways none its private subnets have no way out: add a Secrets Manager VPC endpoint, or the endpoint test will time out.');
  }
  const settings: Record<string, unknown> = viaSecret ? { SecretsManagerSecretId: source.secretArn, SecretsManagerAccessRoleArn: opts.secretsAccessRoleArn } : {};
  const input: CreateEndpointCommandInput = {
    EndpointIdentifier: endpointId(t.project, 'source'),
    EndpointType: 'source',
    EngineName: source.engine,
    // source.host, not connectVia: DMS connects from inside the VPC.
    ...(viaSecret ? {} : { ServerName: source.host, Port: source.port, Username: source.user }),
    ...(source.engine === 'postgres' ? { DatabaseName: source.databases[0] } : {}),
    SslMode,
    ...(SslMode === 'verify-full' || SslMode === 'verify-ca' ? { CertificateArn: opts.certificateArn } : {}),
    ...(viaSecret ? { [settingsKey(source.engine)]: settings } : {}),
    Tags: t.tags(SOURCE_ENDPOINT, endpointId(t.project, 'source')),
  };
  if (viaSecret) return { input, warnings };
  const shown = source.passwordEnv ? `(from env ${source.passwordEnv})` : `(from secret ${source.secretArn})`;
  return { input, password: { ref: source, field: 'source', shown }, warnings };
}

/** The RDS master user; the password from target.passwordEnv / secretArn or the RDS-managed secret (its JSON holds no host, so DMS cannot read it itself). */
export function targetEndpointParams(t: TaskContext): EndpointParams {
  const { target } = t.config;
  const db = t.outputs('db.instance');
  const managed = typeof db.masterUserSecretArn === 'string' ? db.masterUserSecretArn : '<db.instance.masterUserSecretArn>';
  const ref: PasswordRef = target.manageMasterUserPassword ? { secretArn: managed } : target;
  const ssl = targetSslMode(target.engine);
  const shown = target.passwordEnv ? `(from env ${target.passwordEnv})` : target.secretArn ? `(from secret ${target.secretArn})` : `(from the RDS-managed secret ${managed})`;
  const input: CreateEndpointCommandInput = {
    EndpointIdentifier: endpointId(t.project, 'target'),
    EndpointType: 'target',
    EngineName: target.engine,
    ServerName: typeof db.address === 'string' ? db.address : '<db.instance.address>',
    Port: typeof db.port === 'number' ? db.port : undefined,
    Username: target.masterUsername,
    ...(target.engine === 'postgres' ? { DatabaseName: t.config.source.databases[0] } : {}),
    SslMode: ssl.SslMode,
    [settingsKey(target.engine)]: { AfterConnectScript: AFTER_CONNECT[target.engine === 'postgres' ? 'postgres' : 'mysql'] },
    Tags: t.tags(TARGET_ENDPOINT, endpointId(t.project, 'target')),
  };
  return { input, password: { ref, field: 'target', shown }, warnings: ssl.warning ? [ssl.warning] : [] };
}

const paramsFor = (t: TaskContext, side: Side) => (side === 'source' ? sourceEndpointParams(t, optionsFromConfig(t)) : targetEndpointParams(t));

async function withPassword(t: TaskContext, p: EndpointParams): Promise<CreateEndpointCommandInput> {
  const missing = JSON.stringify([p.input, p.password?.ref]).match(/<db\.instance\.\w+>/);
  if (missing) throw new PromigrateError(`The RDS instance's ${missing[0].slice(13, -1)} is not known.`, ExitCode.stepFailed, { hint: 'Run `promigrate provision` first (it records the RDS endpoint), then re-run.' });
  if (!p.password) return p.input;
  const password = await resolvePassword(p.password.ref, p.password.field, () => t.step.aws.secretsManager);
  if (password === undefined) throw new Error(`internal error: ${p.password.field} has no password reference`);
  return { ...p.input, Password: password };
}

async function describeEndpoint(dms: DatabaseMigrationServiceClient, id: string): Promise<Endpoint | undefined> {
  const out = await unlessNotFound(() => dms.send(new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-id', Values: [id] }] })), NOT_FOUND);
  return out?.Endpoints?.find((e) => e.EndpointIdentifier === id);
}

const found = (e: Endpoint): FoundResource => ({ id: e.EndpointIdentifier!, arn: e.EndpointArn!, outputs: { arn: e.EndpointArn, serverName: e.ServerName, port: e.Port } });

/** Ours and pointing where we asked; a server name still `<…>` (plan) is not compared. */
async function checkExisting(t: TaskContext, dms: DatabaseMigrationServiceClient, e: Endpoint, want: CreateEndpointCommandInput): Promise<void> {
  const problems: string[] = [];
  const owner = foreignOwner((await dms.send(new ListTagsForResourceCommand({ ResourceArn: e.EndpointArn! }))).TagList, t.project);
  if (owner) problems.push(owner);
  if (e.EngineName !== want.EngineName) problems.push(`its engine is ${e.EngineName}, not ${want.EngineName}`);
  if (e.EndpointType?.toLowerCase() !== want.EndpointType) problems.push(`it is a ${e.EndpointType?.toLowerCase()} endpoint, not ${want.EndpointType}`);
  if (want.ServerName && !want.ServerName.startsWith('<') && e.ServerName !== want.ServerName) problems.push(`its server is ${e.ServerName}, not ${want.ServerName}`);
  if (problems.length) throw conflictError(`DMS endpoint ${e.EndpointIdentifier}`, problems);
}

/** DMS's connection-test failure texts → the likely fix. */
export function connectionFix(side: Side, message: string, t: TaskContext): string {
  const sg = t.id('sg.dms');
  if (/access denied|authentication failed|login failed|28P01|\b1045\b|password/i.test(message)) {
    return side === 'source'
      ? `Check source.user and its password ${paramsFor(t, side).password?.shown ?? '(in the secret)'}, and that the user may log in from the replication instance's private IPs (MySQL 'user'@'host', PostgreSQL pg_hba.conf).`
      : 'Check the target master password (target.passwordEnv / target.secretArn, or the RDS-managed secret if it was rotated).';
  }
  if (/ssl|tls|certificate|handshake/i.test(message)) {
    return side === 'source'
      ? 'The source refused or failed SSL: enable TLS on the source server, or set source.tls.mode: disable to connect without SSL (not recommended).'
      : 'The RDS instance refused SSL: check its parameter group (require_secure_transport / rds.force_ssl) and CA.';
  }
  if (/unknown database|does not exist|3D000|\b1049\b/i.test(message)) return `The database is missing: check ${side === 'source' ? 'source.databases' : 'that provision created the target database'}.`;
  if (/secrets ?manager|secret/i.test(message)) return 'DMS cannot read the secret: check the access role (trusts dms.amazonaws.com, secretsmanager:GetSecretValue on the secret, kms:Decrypt on its key).';
  if (side === 'target') return `The replication instance cannot reach the RDS instance: check that security group sg.db allows ingress from ${sg} on the database port and ${sg} allows egress to it.`;
  return `The replication instance cannot reach ${t.config.source.host}:${t.config.source.port}: allow egress from security group ${sg} (sg.dms) to it, allow ingress from the replication instance's private IPs ${JSON.stringify(t.outputs(INSTANCE).privateIps ?? [])} on the source's firewall, check the route from the private subnets (VPN, peering, NAT) and that the host name resolves inside the VPC.`;
}

const CONNECTION_WAIT: WaitPreset = { timeoutMs: 15 * 60_000, pollMs: 10_000, readyLabel: 'successful', hint: 'Check the DMS console (Endpoints → Connections), then re-run: promigrate repeats the test.' };

/** DMS's connection test failed: its message and the likely fix. Exit 1; a re-run tests again. */
export class ConnectionTestError extends PromigrateError {
  constructor(readonly side: Side, readonly dmsMessage: string, hint: string, id: string) {
    super(`DMS could not connect to the ${side} endpoint ${id} from the replication instance: ${dmsMessage}`, ExitCode.stepFailed, { hint: `${hint} Then re-run: promigrate tests the connection again.` });
  }
}

/** TestConnection from the replication instance, then until DescribeConnections says `successful` (or `failed`). */
export async function testConnection(t: TaskContext, side: Side, endpointArn: string): Promise<Connection> {
  const dms = await t.step.aws.dms;
  const instanceArn = (t.outputs(INSTANCE).arn as string | undefined) ?? t.id(INSTANCE);
  await dms.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn }));
  const filters = [{ Name: 'endpoint-arn', Values: [endpointArn] }, { Name: 'replication-instance-arn', Values: [instanceArn] }];
  const { value } = await waitFor<Connection | undefined>({
    what: `DMS connection test of ${endpointId(t.project, side)}`,
    describe: async () => (await unlessNotFound(() => dms.send(new DescribeConnectionsCommand({ Filters: filters })), NOT_FOUND))?.Connections?.[0],
    done: (c) => c?.Status === 'successful' || c?.Status === 'failed',
    failed: (c) => (c?.Status === 'deleting' ? 'the connection is being deleted (with its endpoint or replication instance)' : undefined),
    status: (c) => c?.Status,
    clock: t.step.clock,
    signal: t.step.signal,
    preset: CONNECTION_WAIT,
    initialDelayMs: 5_000,
  });
  if (value!.Status === 'failed') {
    const message = value!.LastFailureMessage ?? '(DMS gave no message)';
    throw new ConnectionTestError(side, message, connectionFix(side, message, t), endpointId(t.project, side));
  }
  return value!;
}

function endpointTask(side: Side): ResourceTask {
  const key = side === 'source' ? SOURCE_ENDPOINT : TARGET_ENDPOINT;
  const lookup = async (t: TaskContext, check: boolean, onForeign?: (why: string) => void) => {
    const dms = await t.step.aws.dms;
    const e = await describeEndpoint(dms, endpointId(t.project, side));
    if (!e) return undefined;
    if (check) await checkExisting(t, dms, e, paramsFor(t, side).input);
    else {
      const owner = foreignOwner((await dms.send(new ListTagsForResourceCommand({ ResourceArn: e.EndpointArn! }))).TagList, t.project);
      if (owner) return void onForeign?.(owner);
    }
    return e;
  };
  return {
    key,
    type: 'dms:endpoint',
    title: side === 'source' ? 'DMS source endpoint' : 'DMS target endpoint (the RDS instance)',
    dependsOn: side === 'source' ? [INSTANCE] : [INSTANCE, 'db.instance'],
    find: async (t) => {
      const e = await lookup(t, true);
      return e && found(e);
    },
    planCreate(t) {
      const p = paramsFor(t, side);
      return [{ operation: 'dms:CreateEndpoint', params: { ...p.input, ...(p.password ? { Password: p.password.shown } : {}) } }];
    },
    async create(t) {
      const p = paramsFor(t, side);
      for (const message of p.warnings) t.step.io.notify({ level: 'warn', code: `sync.endpoint.${side}`, message });
      const dms = await t.step.aws.dms;
      return createOrAdopt<FoundResource>({
        create: async () => found((await dms.send(new CreateEndpointCommand(await withPassword(t, p)))).Endpoint!),
        alreadyExists: ['ResourceAlreadyExistsFault'],
        adopt: async () => {
          const e = await lookup(t, true);
          return e && found(e);
        },
      });
    },
    async waitReady(t, res) {
      await testConnection(t, side, res.arn!);
      return res.outputs;
    },
    async destroy(t, id) {
      const dms = await t.step.aws.dms;
      const e = await lookup(t, false, (why) => leaveForeign(t, key, id, why));
      if (!e || e.EndpointIdentifier !== id) return;
      if (e.Status !== 'deleting') await unlessNotFound(() => dms.send(new DeleteEndpointCommand({ EndpointArn: e.EndpointArn! })), NOT_FOUND);
      await waitDeleted({
        what: `DMS endpoint ${id}`, describe: () => describeEndpoint(dms, id), status: (x) => x.Status,
        clock: t.step.clock, signal: t.step.signal, preset: 'ec2',
      });
    },
    findAll: async (t) => {
      const e = await lookup(t, false);
      return e ? [found(e)] : [];
    },
  };
}

export const sourceEndpointTask = (): ResourceTask => endpointTask('source');
export const targetEndpointTask = (): ResourceTask => endpointTask('target');
export const endpointTasks = (): ResourceTask[] => [sourceEndpointTask(), targetEndpointTask()];
