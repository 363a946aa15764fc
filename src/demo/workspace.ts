/**
 * The demo's workspace: a directory holding the demo's config, state, embedded databases and
 * a marker that says it is one (so a re-run resumes it and an unrelated directory is never
 * clobbered), and the ports the embedded servers used last time (reused when still free, so
 * the config stays the same between runs).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const MARKER = '.promigrate-demo.json';
export const DEMO_PASSWORD_ENV = 'PROMIGRATE_DEMO_PASSWORD';

export interface DemoPorts {
  source: number;
  target: number;
  app: number;
}

export interface DemoWorkspace {
  dir: string;
  config: string;
  stateDir: string;
  sourceData: string;
  targetData: string;
  fresh: boolean;
  ports?: DemoPorts;
}

interface Marker {
  demoVersion: 1;
  createdAt: string;
  ports?: DemoPorts;
}

/**
 * The workspace as it is, read only; refuses a directory that has content and is not a demo.
 * A fresh one is not created yet (createWorkspace does that).
 */
export function inspectWorkspace(dirArg: string): DemoWorkspace {
  const dir = resolve(dirArg);
  const marker = join(dir, MARKER);
  let fresh = false;
  let ports: DemoPorts | undefined;
  if (existsSync(marker)) {
    ports = (JSON.parse(readFileSync(marker, 'utf8')) as Marker).ports;
  } else {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new UsageError(`${dir} is not empty and is not a promigrate demo workspace; the demo will not write into it.`, {
        hint: 'Pick another directory with --dir (it is created), or remove that one.',
      });
    }
    fresh = true;
  }
  return {
    dir,
    config: join(dir, 'promigrate.yaml'),
    stateDir: join(dir, '.promigrate'),
    sourceData: join(dir, 'source-db'),
    targetData: join(dir, 'target-db'),
    fresh,
    ...(ports ? { ports } : {}),
  };
}

/** The directory and its marker. */
export function createWorkspace(ws: DemoWorkspace): void {
  mkdirSync(ws.dir, { recursive: true });
  writeFileSync(join(ws.dir, MARKER), `${JSON.stringify({ demoVersion: 1, createdAt: new Date().toISOString() } satisfies Marker, null, 2)}\n`);
}

export function savePorts(ws: DemoWorkspace, ports: DemoPorts): void {
  const path = join(ws.dir, MARKER);
  const marker = JSON.parse(readFileSync(path, 'utf8')) as Marker;
  writeFileSync(path, `${JSON.stringify({ ...marker, ports }, null, 2)}\n`);
}

/** The port bound when listening on `port` of 127.0.0.1 now (0: any), or undefined when it is taken. */
function probePort(port: number): Promise<number | undefined> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(undefined));
    probe.listen(port, '127.0.0.1', () => {
      const bound = (probe.address() as { port: number }).port;
      probe.close(() => done(bound));
    });
  });
}

/** `port` when it can be bound on 127.0.0.1 now, else 0 (any free port). */
export async function portIfFree(port: number | undefined): Promise<number> {
  return port ? ((await probePort(port)) ?? 0) : 0;
}

/** A port free on 127.0.0.1 now (for a plan: nothing is started on it). */
export async function anyFreePort(): Promise<number> {
  const port = await probePort(0);
  if (port === undefined) throw new Error('internal error: no free port on 127.0.0.1');
  return port;
}

const HEAD = `project:
  name: demo-shop
aws:
  mode: sandbox
  region: us-east-1
`;

/**
 * The operator's zone and record (seeded in the sandbox), the smoke test, and the web tier
 * provision builds (app:): cutover points the record at its load balancer by alias. In the
 * sandbox the local web server answers for that load balancer (sandbox.appAddress).
 */
const dnsAndVerify = (strategy: string) => `dns:
  hostedZone: example.com
  record: shop.example.com
  currentTarget: 203.0.113.10
${strategy}verify:
  url: http://shop.example.com/
  bodyMatch: Demo Shop
app:
  # An internet-facing load balancer (HTTPS with a DNS-validated certificate for
  # shop.example.com, HTTP redirected), 2–4 instances behind it, CPU target tracking at 70 %,
  # alarms to an SNS topic.
  minSize: 2
  maxSize: 4
  alarmEmails: [ops@example.com]
`;

/** A real MySQL/MariaDB source given with `--source`; the sandbox target is a second database on that server. */
export interface MysqlDemoSource {
  engine: 'mysql' | 'mariadb';
  host: string;
  port: number;
  user: string;
  database: string;
  targetDatabase: string;
  passwordEnv: string;
}

export function mysqlDemoConfig(src: MysqlDemoSource, appPort: number): string {
  return `# promigrate demo with your MySQL/MariaDB server as the source: the sandbox "RDS" target is
# the database ${src.targetDatabase} on the same server; AWS is the sandbox; the new web tier a local
# HTTP server. Rewritten by \`promigrate demo --source …\` on every run.
${HEAD}source:
  engine: ${src.engine}
  host: ${src.host}
  port: ${src.port}
  user: ${src.user}
  databases: [${src.database}]
  passwordEnv: ${src.passwordEnv}
  tls: { mode: prefer }
target:
  engine: ${src.engine}
  passwordEnv: ${src.passwordEnv}
dms:
  # LOBs of any size: inline up to 64 KB, larger ones in full LOB mode (no truncation).
  lobMode: inline
  lobMaxSizeKb: 64
${dnsAndVerify('')}sandbox:
  targetUrl: mysql://${src.user}@${src.host}:${src.port}/${src.targetDatabase}
  targetPasswordEnv: ${src.passwordEnv}
  appAddress: 127.0.0.1:${appPort}
`;
}

/** The demo's migration config: the sandbox, the embedded source and target, the stand-in web tier. */
export function demoConfig(ports: DemoPorts): string {
  return `# promigrate demo: everything local. The source and the "RDS" target are embedded PostgreSQL
# servers (PGlite) on loopback ports; AWS is the sandbox (a simulated control plane); the new
# web tier is a small local HTTP server. Rewritten by \`promigrate demo\` on every run.
${HEAD}source:
  engine: postgres
  host: 127.0.0.1
  port: ${ports.source}
  user: postgres
  databases: [postgres]
  passwordEnv: ${DEMO_PASSWORD_ENV}
  tls: { mode: disable }
target:
  engine: postgres
  passwordEnv: ${DEMO_PASSWORD_ENV}
dms:
  # The shop's largest LOBs (product images, long posts) are ~160 KB; DMS moves text as NCLOB (×2).
  lobMaxSizeKb: 256
${dnsAndVerify('  strategy: weighted\n  weights: [25, 100]\n  holdSeconds: 120\n')}sandbox:
  targetUrl: postgres://postgres@127.0.0.1:${ports.target}/postgres
  targetPasswordEnv: ${DEMO_PASSWORD_ENV}
  appAddress: 127.0.0.1:${ports.app}
`;
}
