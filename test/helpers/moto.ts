/**
 * moto — a third-party AWS emulator — in server mode on a free loopback port, for end-to-end
 * tests of promigrate against an AWS it did not write. The launcher
 * (test/fixtures/moto/server.py) corrects moto where it answers differently from AWS; it
 * serves the RDS engine catalogue from the sandbox's own table, so both agree on what RDS
 * offers. Needs moto 5.x in the default python3.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import {
  ENGINE_DEFAULT, ENGINE_DESCRIPTION, INSTANCE_CLASSES, LICENSE_MODEL, MAJORS, STORAGE_MAX, STORAGE_MIN, STORAGE_TYPES,
} from '../../src/aws/sandbox/services/rds/catalog.js';
import { freePort } from '../../scripts/db/free-port.js';
import { tempDir } from './tmp.js';

const LAUNCHER = fileURLToPath(new URL('../fixtures/moto/server.py', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export const MOTO_MISSING =
  "moto is not installed in python3 (`python3 -c 'import moto'` failed): the moto end-to-end suite cannot run; install moto 5.x into the default python3";

export interface Moto {
  endpoint: string;
  region: string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Default us-east-1. */
  region?: string;
}

/** Fake credentials for moto (it accepts any). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let available: boolean | undefined;

/** Whether the default python3 can import moto. */
export function motoAvailable(): boolean {
  available ??= spawnSync('python3', ['-c', 'import moto'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** Writes the sandbox's RDS offering table for the launcher's --rds-catalog. */
function writeCatalog(): string {
  const file = join(tempDir('promigrate-moto-'), 'rds-catalog.json');
  writeFileSync(file, JSON.stringify({
    majors: MAJORS,
    instanceClasses: INSTANCE_CLASSES,
    engineDefault: ENGINE_DEFAULT,
    engineDescription: ENGINE_DESCRIPTION,
    licenseModel: LICENSE_MODEL,
    storageTypes: STORAGE_TYPES,
    storageMin: STORAGE_MIN,
    storageMax: STORAGE_MAX,
  }));
  return file;
}

/** Starts the corrected moto; resolves once it has printed its ready line. Retries a port taken meanwhile. */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const region = options.region ?? 'us-east-1';
  const catalog = writeCatalog();
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, catalog, region);
    } catch (err) {
      lastError = err as Error;
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

/**
 * moto uses botocore inside (e.g. for Route 53 zones), which looks for credentials: fake ones,
 * no config files and no instance metadata service, so it neither reaches beyond loopback nor
 * finds a developer's real credentials.
 */
function launcherEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // moto issues an ACM certificate once it has been PENDING_VALIDATION this many seconds
    // (real time, 60 by default; moto/settings.py); the CLI waits on a virtual clock, so at once.
    MOTO_ACM_VALIDATION_WAIT: '0',
  };
}

function launch(port: number, catalog: string, region: string): Promise<Moto> {
  // stdin stays an open pipe: the launcher exits at its EOF, i.e. when this process is gone.
  const child = spawn('python3', [LAUNCHER, '--host', '127.0.0.1', '--port', String(port), '--rds-catalog', catalog], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: launcherEnv(dirname(catalog)),
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Moto>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`moto did not report ready within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`));
    }, START_TIMEOUT_MS);
    // The tail only: what moto said last before it failed to start.
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8_000)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const ready = /^ready (http:\/\/\S+)$/m.exec(stdout);
      if (!ready) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ endpoint: ready[1]!, region, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`moto exited before it was ready (${signal ?? `exit ${code}`}):\n${stderr}`));
    });
  });
}

/** An SDK client config pointed at moto. */
export const motoClientConfig = (moto: Moto) => ({ endpoint: moto.endpoint, region: moto.region, credentials: MOTO_CREDENTIALS });

/**
 * The operator's world before promigrate: the public hosted zone and the record to cut over,
 * pointing at the on-premise web server. (moto already has the default VPC.)
 */
export async function seedOperatorZone(
  moto: Moto,
  opts: { zone: string; record: string; address: string; ttl: number },
): Promise<{ zoneId: string }> {
  const r53 = new Route53Client(motoClientConfig(moto));
  try {
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: opts.zone, CallerReference: `operator-${opts.zone}` }));
    const zoneId = zone.HostedZone!.Id!.replace(/^\/hostedzone\//, '');
    await r53.send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: opts.record, Type: 'A', TTL: opts.ttl, ResourceRecords: [{ Value: opts.address }] } }] },
    }));
    return { zoneId };
  } finally {
    r53.destroy();
  }
}

/** Tells the launcher's DMS which tables the source has (moto has no source database to read). */
export async function announceSourceTables(moto: Moto, tables: Array<{ schema: string; table: string; rows: number }>): Promise<void> {
  const res = await fetch(`${moto.endpoint}/_promigrate/dms/tables`, { method: 'POST', body: JSON.stringify({ tables }) });
  if (!res.ok) throw new Error(`the moto launcher refused the table list: HTTP ${res.status}`);
}

export interface MotoCall {
  /** Whose call it was: the access key id it was signed with. */
  accessKeyId: string;
  service: string;
  /** The API action; empty for REST calls (Route 53), which `method` and `path` name. */
  action: string;
  method: string;
  path: string;
}

/** Every AWS request moto has received so far, in order (the launcher's log); only those signed with `accessKeyId` when given. */
export async function motoCalls(moto: Moto, accessKeyId?: string): Promise<MotoCall[]> {
  const res = await fetch(`${moto.endpoint}/_promigrate/calls`);
  const { calls } = (await res.json()) as { calls: MotoCall[] };
  return accessKeyId === undefined ? calls : calls.filter((c) => c.accessKeyId === accessKeyId);
}

/** A call that changes something: not Describe/List/Get/Test…, and a REST call other than GET. */
export const isMutatingCall = (c: MotoCall): boolean =>
  c.action ? !/^(Describe|List|Get|Test|Lookup|Search|Check)/.test(c.action) : c.method !== 'GET';
