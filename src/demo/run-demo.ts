/**
 * `promigrate demo`: the whole product on a laptop with nothing but Node. An embedded
 * PostgreSQL source seeded with a shop, a second one standing in for the RDS target, a
 * local web server for the new tier, the sandbox for AWS — then assess → provision → sync
 * → cutover → verify with the normal output. Re-running resumes the workspace.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import type { CommandArgs } from '../commands/spec.js';
import { orderSteps } from '../engine/registry.js';
import { acceptRisks } from '../engine/risks.js';
import { runSteps, type RunReport, type StepReport } from '../engine/runner.js';
import { createEffects, type Effects, type PlannedEffect } from '../engine/effects.js';
import { hashConfig, parseConfigText } from '../config/load.js';
import { withSession } from '../engine/session.js';
import { formatDuration } from '../aws/wait.js';
import { StepFailedError, UsageError } from '../errors.js';
import { loadSteps } from '../steps/index.js';
import type { IoHost } from '../ui/io-host.js';
import { startAppServer, type AppServer } from './app-server.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { pgliteTarget, seedShop, SHOP_TOTAL_ROWS } from './seed-shop.js';
import { anyFreePort, createWorkspace, DEMO_PASSWORD_ENV, demoConfig, inspectWorkspace, mysqlDemoConfig, portIfFree, savePorts, type DemoPorts, type DemoWorkspace, type MysqlDemoSource } from './workspace.js';

export interface DemoOptions {
  dir: string;
  /** Alter one target row after sync so verify has something to catch. */
  break: boolean;
  /** `mysql://user@host:port/db`: a real MySQL/MariaDB source instead of the embedded shop. */
  source?: string;
  /** More `--accept-risk` ids (a real source may carry risks of its own). */
  acceptRisks?: string[];
  /** Walk through the init wizard first (the terminal's own host asks). */
  interactive?: boolean;
}

/** Risks the demo's shop carries on purpose, accepted so the run goes on (the report still lists them). */
export const DEMO_ACCEPTED_RISKS = ['table.no-primary-key:public.access_log'];

interface Servers {
  app: AppServer;
  ports: DemoPorts;
  /** The config for these servers. */
  config: string;
  /** `--break`: change one target row behind promigrate's back. */
  breakOneRow(io: IoHost): Promise<void>;
  stop(): Promise<void>;
}

/** The servers the demo runs against, or — in plan mode — the ports and config they would get. */
interface Setup {
  ports: DemoPorts;
  config: string;
  /** Absent in plan mode: nothing was started. */
  servers?: Servers;
}

async function setUpMysqlDemo(ws: DemoWorkspace, raw: string, io: IoHost, effects: Effects): Promise<Setup> {
  const { createDemoTarget, parseDemoSource, probeDemoSource } = await import('./mysql-source.js');
  const src = await probeDemoSource(parseDemoSource(raw));
  await effects.perform(
    {
      kind: 'database',
      operation: 'db:source-server:create-database',
      description: `create the database ${src.targetDatabase} on ${src.host}:${src.port} if missing (the sandbox's stand-in for the RDS target)`,
      params: { server: `${src.user}@${src.host}:${src.port}`, statements: [`CREATE DATABASE IF NOT EXISTS \`${src.targetDatabase}\``] },
    },
    () => createDemoTarget(src),
  );
  const started = await effects.perform(
    { kind: 'file', operation: 'demo:start', description: `serve the demo web tier on 127.0.0.1 and note its port in ${ws.dir}`, params: { workspace: ws.dir } },
    () => startMysqlDemo(ws, src, io),
  );
  if (started.performed) return { ports: started.value.ports, config: started.value.config, servers: started.value };
  const ports = { source: src.port, target: src.port, app: ws.ports?.app ?? (await anyFreePort()) };
  return { ports, config: mysqlDemoConfig(src, ports.app) };
}

async function startMysqlDemo(ws: DemoWorkspace, src: MysqlDemoSource, io: IoHost): Promise<Servers> {
  const app = await startAppServer(await portIfFree(ws.ports?.app));
  io.notify({ level: 'info', code: 'demo.servers', message: `source ${src.engine} ${src.user}@${src.host}:${src.port}/${src.database}; sandbox target database ${src.targetDatabase} on the same server; web tier on 127.0.0.1:${app.port}` });
  savePorts(ws, { source: src.port, target: src.port, app: app.port });
  return {
    app,
    ports: { source: src.port, target: src.port, app: app.port },
    config: mysqlDemoConfig(src, app.port),
    async breakOneRow(host) {
      const { createConnection } = await import('mysql2/promise');
      const password = process.env[src.passwordEnv];
      const conn = await createConnection({ host: src.host, port: src.port, user: src.user, ...(password !== undefined ? { password } : {}), database: src.targetDatabase });
      try {
        const [keyed] = (await conn.query(
          `SELECT k.TABLE_NAME AS t, k.COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.TABLES x ON x.TABLE_SCHEMA = k.TABLE_SCHEMA AND x.TABLE_NAME = k.TABLE_NAME
           WHERE k.TABLE_SCHEMA = ? AND k.CONSTRAINT_NAME = 'PRIMARY' AND k.ORDINAL_POSITION = 1 AND x.TABLE_ROWS > 0 ORDER BY k.TABLE_NAME LIMIT 1`,
          [src.targetDatabase],
        )) as unknown as [Array<{ t: string; c: string }>];
        const pick = keyed[0];
        if (!pick) return void host.notify({ level: 'warn', code: 'demo.break', message: '--break: no table with a primary key and rows on the target; nothing changed.' });
        await conn.query(`DELETE FROM \`${pick.t}\` ORDER BY \`${pick.c}\` LIMIT 1`);
        host.notify({ level: 'warn', code: 'demo.break', message: `--break: deleted the first row of ${pick.t} on the target, behind promigrate's back. Watch verify catch it.` });
      } finally {
        await conn.end();
      }
    },
    stop: () => app.stop(),
  };
}

async function setUpEmbeddedDemo(ws: DemoWorkspace, io: IoHost, effects: Effects): Promise<Setup> {
  const started = await effects.perform(
    {
      kind: 'file',
      operation: 'demo:start',
      description: `start the embedded source and target PostgreSQL (data in ${ws.sourceData} and ${ws.targetData}), seed the shop (${SHOP_TOTAL_ROWS.toLocaleString('en-US')} rows) into the source, serve the demo web tier on 127.0.0.1`,
      params: { workspace: ws.dir },
    },
    () => startEmbeddedDemo(ws, io),
  );
  if (started.performed) return { ports: started.value.ports, config: started.value.config, servers: started.value };
  const ports = ws.ports ?? { source: await anyFreePort(), target: await anyFreePort(), app: await anyFreePort() };
  return { ports, config: demoConfig(ports) };
}

async function startEmbeddedDemo(ws: DemoWorkspace, io: IoHost): Promise<Servers> {
  const activity = io.activity('demo.servers', 'starting the embedded source and target databases and the demo web tier');
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const [sourcePort, targetPort, appPort] = await Promise.all([portIfFree(ws.ports?.source), portIfFree(ws.ports?.target), portIfFree(ws.ports?.app)]);
    const source = await startEmbeddedPostgres({ dataDir: ws.sourceData, port: sourcePort, settings: { wal_level: 'logical' } });
    started.push(source);
    const target = await startEmbeddedPostgres({ dataDir: ws.targetData, port: targetPort });
    started.push(target);
    const app = await startAppServer(appPort);
    started.push(app);
    activity.update(`seeding the shop (${SHOP_TOTAL_ROWS.toLocaleString('en-US')} rows) into the source`);
    const seeded = await seedShop(pgliteTarget(source.db));
    activity.succeed(`source PostgreSQL on 127.0.0.1:${source.port}${seeded.seeded ? `, seeded with ${SHOP_TOTAL_ROWS.toLocaleString('en-US')} rows` : ' (already seeded)'}; target on 127.0.0.1:${target.port}; web tier on 127.0.0.1:${app.port}`);
    const ports = { source: source.port, target: target.port, app: app.port };
    savePorts(ws, ports);
    return {
      app,
      ports,
      config: demoConfig(ports),
      breakOneRow: (host) => breakOneRow(target, host),
      stop: async () => void (await Promise.all([app.stop(), source.stop(), target.stop()].map((p) => p.catch(() => undefined)))),
    };
  } catch (err) {
    activity.stop();
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    throw err;
  }
}

/** The deliberate difference of `--break`: one order's total changed on the target. */
async function breakOneRow(target: EmbeddedPostgres, io: IoHost): Promise<void> {
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, database: target.database });
  await client.connect();
  try {
    const r = await client.query('UPDATE public.orders SET total = total + 1 WHERE id = (SELECT min(id) FROM public.orders) RETURNING id');
    io.notify({ level: 'warn', code: 'demo.break', message: `--break: changed the total of order ${r.rows[0]?.id} on the target, behind promigrate's back. Watch verify catch it.` });
  } finally {
    await client.end();
  }
}

export async function runDemo(args: CommandArgs, opts: DemoOptions): Promise<number> {
  // The demo answers its own confirmations: it is a rehearsal in a throwaway workspace.
  const { createIoHost } = await import('../ui/create-io-host.js');
  const io = args.globals.yes ? args.io : await createIoHost({ json: args.globals.json, yes: true, verbose: args.globals.verbose, color: args.globals.color, rich: true });
  try {
    return await demo(args, io, opts, args.io);
  } finally {
    if (io !== args.io) io.dispose();
  }
}

async function demo(args: CommandArgs, io: IoHost, opts: DemoOptions, wizardIo: IoHost): Promise<number> {
  if (opts.interactive && opts.source) {
    throw new UsageError('--interactive and --source do not go together: the wizard configures the embedded demo databases.', { hint: 'Leave one of them out.' });
  }
  if (opts.interactive && args.globals.dryRun) {
    throw new UsageError('--interactive and --dry-run do not go together: the wizard keeps its answers in the workspace.', { hint: 'Run `promigrate demo --dry-run` for the plan, or leave --dry-run out.' });
  }
  if (opts.interactive) (await import('./interactive.js')).checkCanAsk(opts.dir, wizardIo);
  const ws = inspectWorkspace(opts.dir);
  // Plan mode is decided here for the whole demo: the workspace, the servers, the config file and the five steps.
  const effects = createEffects({
    planMode: args.globals.dryRun,
    stateDir: ws.stateDir,
    warn: (message) => io.notify({ level: 'warn', code: 'aws.audit', message }),
  });
  const created = ws.fresh ? await effects.perform({ kind: 'file', operation: 'file:mkdir', description: `create the demo workspace ${ws.dir}`, params: { path: ws.dir } }, async () => createWorkspace(ws)) : undefined;
  if (created?.performed !== false) io.notify({ level: 'info', code: 'demo.workspace', message: `${ws.fresh ? 'Creating' : 'Resuming'} the demo workspace ${ws.dir}` });
  // Any password works for the embedded servers; it only has to exist, and must never be written down.
  process.env[DEMO_PASSWORD_ENV] ??= randomBytes(12).toString('base64url');
  const wallStart = Date.now();
  const setup = opts.source ? await setUpMysqlDemo(ws, opts.source, io, effects) : await setUpEmbeddedDemo(ws, io, effects);
  try {
    const config = opts.interactive
      ? await (await import('./interactive.js')).interactiveDemoConfig(ws, setup.ports, wizardIo)
      : setup.config;
    await effects.perform({ kind: 'file', operation: 'file:write', description: `write ${ws.config}:\n\n${config}`, params: { path: ws.config } }, async () => writeFileSync(ws.config, config));
    const parsed = parseConfigText(config, ws.config, 'yaml');
    const loaded = { config: parsed, path: ws.config, hash: hashConfig(parsed) };
    const globals = { ...args.globals, config: ws.config, stateDir: ws.stateDir, sandbox: true, yes: true };
    const ordered = orderSteps(await loadSteps());
    const verifyStep = ordered.filter((s) => s.id === 'verify');
    let simulatedMs = 0;
    let verifyFailed: StepFailedError | undefined;
    const reports: RunReport[] = [];
    await withSession(globals, io, 'demo', async (session) => {
      const simStart = session.clock.now();
      // Accepted risks are state, which plan mode does not write.
      if (!session.dryRun) await acceptRisks(session.store, [...(opts.source ? [] : DEMO_ACCEPTED_RISKS), ...(opts.acceptRisks ?? [])]);
      const upTo = (id: string) => ordered.slice(0, ordered.findIndex((s) => s.id === id) + 1);
      const before = opts.break ? upTo('cutover') : ordered;
      reports.push(await runSteps(session, ordered, before));
      if (opts.break) {
        if (session.store.data.steps.verify?.status === 'done') {
          io.notify({ level: 'info', code: 'demo.break.skipped', message: '--break: this workspace is already verified; run `promigrate verify` after changing a target row yourself, or use a new --dir.' });
        } else {
          // In plan mode no server runs, so there is no row to change: verify is planned as it comes.
          if (setup.servers) await setup.servers.breakOneRow(io);
          try {
            reports.push(await runSteps(session, ordered, verifyStep, { rerun: new Set(['verify']) }));
          } catch (err) {
            if (!(err instanceof StepFailedError)) throw err;
            verifyFailed = err;
          }
        }
      }
      simulatedMs = session.clock.now() - simStart;
    }, { config: loaded, effects });
    if (effects.planMode) {
      printPlan(io, ws, effects.planned(), reports.flatMap((r) => r.steps), opts.break);
      return 0;
    }
    const [{ readVerifyReport, verifyReportPaths }, { renderVerifySummary }] = await Promise.all([
      import('../reports/verify.js'), import('../ui/verify-view.js'),
    ]);
    const paths = verifyReportPaths(ws.stateDir);
    const report = readVerifyReport(ws.stateDir);
    const flags = `--config ${ws.config} --state-dir ${ws.stateDir}`;
    io.result({ workspace: ws.dir, verdict: report.verdict, reports: paths, wallMs: Date.now() - wallStart, simulatedMs, broke: opts.break }, () => [
      renderVerifySummary(report),
      '',
      `The migration took ${formatDuration(simulatedMs)} of simulated AWS time, ${formatDuration(Date.now() - wallStart)} of real time.`,
      verifyFailed ? 'verify caught the row --break changed (in a real run that is exit code 1).' : '',
      `Reports: ${paths.html} (open it in a browser), ${paths.md}, and ${ws.stateDir}/reports/assess.md`,
      '',
      'Explore (the databases run only while the demo runs; `promigrate demo` again resumes):',
      `  npx promigrate status ${flags}`,
      `  npx promigrate plan ${flags}`,
      `  npx promigrate rollback --dry-run ${flags}`,
      `  npx promigrate destroy --dry-run ${flags}`,
    ].filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n'));
    return 0;
  } finally {
    await setup.servers?.stop();
  }
}

/** `demo --dry-run`: what the demo would set up, then the five steps' plans (printed as they were planned). */
function printPlan(io: IoHost, ws: DemoWorkspace, setup: readonly PlannedEffect[], steps: readonly StepReport[], broke: boolean): void {
  const planned = steps.filter((s) => s.status === 'planned').length;
  io.result({ workspace: ws.dir, dryRun: true, setup, steps }, () => [
    ...setup.map((e) => e.line),
    ...(broke ? ["(plan) would change one target row behind promigrate's back (--break) before verify"] : []),
    `Plan for the demo: ${planned} step(s) would run; nothing was written or changed.`,
    'Run `promigrate demo` (without --dry-run) to run it.',
  ].join('\n'));
}
