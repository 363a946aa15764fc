/**
 * `promigrate sync` end to end: the built CLI against the sandbox, with a real MariaDB
 * source and a real MariaDB database standing in for the RDS target (sandbox.targetUrl),
 * so the sandbox's full load copies real rows.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DescribeReplicationTasksCommand, StopReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { adminConnection } from '../helpers/db/mariadb.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const mariadb = inject('mariadb');
const SRC_PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;
const HYBRIDBTS = readFileSync(new URL('../fixtures/sql/hybridbts-mysql.sql', import.meta.url), 'utf8');
const PROJECT = 'sync-e2e';
const SOURCE_DB = 'sync_src';
const ORDERS = 6000;

function config(targetDb: string, extra = ''): string {
  return `project:
  name: ${PROJECT}
aws:
  mode: sandbox
source:
  engine: mariadb
  host: 127.0.0.1
  port: ${mariadb.port}
  user: dms_sync
  databases: [${SOURCE_DB}]
  passwordEnv: SRC_PW
  tls: { mode: disable }
target:
  engine: mariadb
  passwordEnv: TGT_PW
sandbox:
  targetUrl: mysql://${mariadb.adminUser}@127.0.0.1:${mariadb.port}/${targetDb}
dns:
  hostedZone: example.com
  record: www.example.com
${extra}`;
}

let admin: Connection;
let base: string;
let targets = 0;

const cli = (cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd, env: { SRC_PW: SRC_PASSWORD, TGT_PW: mariadb.adminPassword, PROMIGRATE_SANDBOX_SEED: '7', ...env } });

const stateOf = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
const audit = (cwd: string): Array<{ step: string; operation: string; params?: Record<string, unknown> }> =>
  existsSync(join(cwd, '.promigrate/audit.jsonl'))
    ? readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
const calls = (cwd: string, operation: string) => audit(cwd).filter((e) => e.operation === operation);

/** A copy of the provisioned workspace whose sandbox target is a fresh, empty database. */
async function workspace(extra = ''): Promise<{ cwd: string; targetDb: string }> {
  const cwd = tempDir();
  cpSync(base, cwd, { recursive: true });
  const targetDb = `sync_tgt_${++targets}`;
  await admin.query(`DROP DATABASE IF EXISTS ${targetDb}; CREATE DATABASE ${targetDb}`);
  writeFileSync(join(cwd, 'promigrate.yaml'), config(targetDb, extra));
  return { cwd, targetDb };
}

async function tasksIn(cwd: string) {
  const { sandbox, clients } = await makeSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json') });
  try {
    return (await (await clients.dms).send(new DescribeReplicationTasksCommand({}))).ReplicationTasks ?? [];
  } finally {
    await sandbox.close();
  }
}

async function checksums(db: string, tables: string[]): Promise<Record<string, string>> {
  const [rows] = await admin.query(`CHECKSUM TABLE ${tables.map((t) => `${db}.${t}`).join(', ')}`);
  return Object.fromEntries((rows as Array<{ Table: string; Checksum: string }>).map((r) => [r.Table.split('.')[1]!, String(r.Checksum)]));
}

beforeAll(async () => {
  admin = await adminConnection(mariadb);
  await admin.query(`DROP DATABASE IF EXISTS ${SOURCE_DB}; CREATE DATABASE ${SOURCE_DB}; USE ${SOURCE_DB}; ${HYBRIDBTS}
    CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(40), amount DECIMAL(10,2), note TEXT) DEFAULT CHARSET=utf8mb4;
    INSERT INTO orders (customer, amount, note) SELECT CONCAT('c', seq), seq * 1.5, REPEAT('é', seq % 50) FROM seq_1_to_${ORDERS};
    CREATE OR REPLACE USER 'dms_sync'@'%' IDENTIFIED BY '${SRC_PASSWORD}';
    GRANT SELECT ON ${SOURCE_DB}.* TO 'dms_sync'@'%'; GRANT BINLOG MONITOR, REPLICATION SLAVE ON *.* TO 'dms_sync'@'%';`);
  base = tempDir();
  writeFileSync(join(base, 'promigrate.yaml'), config('sync_unused'));
  for (const step of ['assess', 'provision']) {
    const r = await cli(base, [step, '--yes']);
    expect(r.code, `${step}: ${r.stderr}`).toBe(0);
  }
});

afterAll(async () => {
  for (let i = 1; i <= targets; i++) await admin?.query(`DROP DATABASE IF EXISTS sync_tgt_${i}`);
  await admin?.query(`DROP DATABASE IF EXISTS ${SOURCE_DB}; DROP DATABASE IF EXISTS sync_fail_src`);
  await admin?.end();
  removeTempDirs();
});

describe('promigrate sync (sandbox, real MariaDB source and target)', () => {
  it('creates and tests the endpoints, starts with start-replication, copies every row and reports per-table progress', async () => {
    const { cwd, targetDb } = await workspace();
    const r = await cli(cwd, ['sync', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/sync\.endpoint\.source: ready/);
    expect(out).toMatch(/sync\.endpoint\.target: ready/);
    expect(out).toContain('Starting the replication task with start-replication.');
    expect(out).toContain(`${SOURCE_DB}.orders: ${ORDERS.toLocaleString('en-US')} rows loaded`);
    expect(out).toMatch(/running \(full load\) · tables 0\/3 loaded, 3 loading/);
    expect(out).toMatch(/CDC latency source [\d.]+ s \/ target [\d.]+ s \(3\/3 samples ≤ 5 s\)/);

    expect(await checksums(targetDb, ['orders', 'members', 'board'])).toEqual(await checksums(SOURCE_DB, ['orders', 'members', 'board']));
    const state = stateOf(cwd);
    expect(state.steps.sync.status).toBe('done');
    expect(state.steps.sync.outputs).toMatchObject({ tables: 3, rowsLoaded: ORDERS + 1, startType: 'start-replication', validationFailed: 0 });
    expect(Object.keys(state.resources).filter((k) => k.startsWith('sync.')).sort()).toEqual(['sync.endpoint.source', 'sync.endpoint.target', 'sync.task']);
    expect(calls(cwd, 'dms:CreateReplicationTask')).toHaveLength(1);
    // Full load, DMS's pause for the index build, then the cached changes and CDC.
    expect(calls(cwd, 'dms:StartReplicationTask').map((c) => c.params?.StartReplicationTaskType)).toEqual(['start-replication', 'resume-processing']);
    expect(out).toContain('Resuming the replication task (resume-processing): DMS applies the changes it cached during the full load, then CDC continues.');
    const created = calls(cwd, 'dms:CreateEndpoint');
    expect(created.map((c) => c.params?.EndpointType)).toEqual(expect.arrayContaining(['source', 'target']));
    for (const c of created) expect(c.params?.Tags).toEqual(expect.arrayContaining([{ Key: 'promigrate:project', Value: PROJECT }, { Key: 'promigrate:step', Value: 'sync' }]));
    // No password anywhere: output, state, audit, sandbox world.
    for (const text of [out, readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'), readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8'), readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8')]) {
      expect(text).not.toContain(SRC_PASSWORD);
      expect(text).not.toContain(mariadb.adminPassword);
    }

    // Again: nothing is created or started twice; the running task is only watched.
    const again = await cli(cwd, ['sync', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toContain('already running; watching it');
    expect(calls(cwd, 'dms:CreateReplicationTask')).toHaveLength(1);
    expect(calls(cwd, 'dms:CreateEndpoint')).toHaveLength(2);
    expect(calls(cwd, 'dms:StartReplicationTask')).toHaveLength(2);
    expect(calls(cwd, 'db:target:table')).toHaveLength(3); // the schema is there: nothing created again
  });

  it('--json: one JSON line per progress sample with per-table rows, then the result document', async () => {
    const { cwd } = await workspace();
    const r = await cli(cwd, ['sync', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const samples = lines.filter((l) => l.event === 'progress' && l.code === 'sync.progress');
    expect(samples.length).toBeGreaterThanOrEqual(3);
    const last = samples[samples.length - 1];
    expect(last).toMatchObject({ done: true, phase: 'cdc', status: 'running', stableSamples: 3, validationSettled: true });
    const orders = last.tables.find((t: { table: string }) => t.table === 'orders');
    expect(orders).toMatchObject({ schema: SOURCE_DB, state: 'Table completed', rowsLoaded: ORDERS, validation: { state: 'Validated', failed: 0 } });
    expect(typeof orders.rowsEstimated).toBe('number');
    expect(last.cdcLatency.source).toBeLessThanOrEqual(5);
    expect(samples.some((s) => s.phase === 'full-load')).toBe(true);
    const result = lines[lines.length - 1];
    expect(result.steps[0]).toMatchObject({ id: 'sync', status: 'done' });
  });

  it('kill -9 right after the start: the resumed run does not start it again (only resumes after the full-load pause); after a stop it resumes with resume-processing, never a second task', async () => {
    const { cwd, targetDb } = await workspace();
    // Four mutating calls: two endpoints, the task, the start. The kill lands after the start.
    const crashed = await cli(cwd, ['sync', '--yes'], { PROMIGRATE_SANDBOX_CRASH_AFTER: '4' });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(stateOf(cwd).steps.sync.checkpoints.start.type).toBe('start-replication');

    // The kill lands before the audit line of the start is written; the world is the truth.
    // FreshStartDate: the last start-replication/reload-target (a resume keeps it).
    const startedAt = (await tasksIn(cwd))[0]!.ReplicationTaskStats?.FreshStartDate;
    expect(startedAt).toBeDefined();

    const resumed = await cli(cwd, ['sync', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).toMatch(/already (starting|running); watching it/);
    // The start's journal note became an interrupted line; nothing was started again.
    expect(resumed.stdout + resumed.stderr).toContain('The last run stopped while 1 AWS call(s) were in flight');
    // The one start call after it: resume-processing at DMS's pause after the full load
    // (StopTaskCachedChangesNotApplied), once the secondary indexes are built.
    expect(calls(cwd, 'dms:StartReplicationTask').map((c) => [c.params?.StartReplicationTaskType, (c as { outcome?: string }).outcome])).toEqual([['start-replication', 'interrupted'], ['resume-processing', 'ok']]);
    const [running] = await tasksIn(cwd);
    expect(running!.ReplicationTaskStats?.FreshStartDate).toEqual(startedAt);

    // The operator (or DMS) stops the task; the next sync must resume, not restart.
    const { sandbox, clients } = await makeSandbox({ worldPath: join(cwd, '.promigrate/sandbox.json') });
    const dms = await clients.dms;
    await dms.send(new StopReplicationTaskCommand({ ReplicationTaskArn: running!.ReplicationTaskArn! }));
    await sandbox.clock.sleep(120_000);
    await sandbox.close();
    await admin.query(`DELETE FROM ${targetDb}.orders WHERE id > 10`); // a restarted load would have to bring these back

    const afterStop = await cli(cwd, ['sync', '--yes']);
    expect(afterStop.code, afterStop.stderr).toBe(0);
    expect(afterStop.stdout + afterStop.stderr).toContain('Starting the replication task with resume-processing (it was stopped).');
    expect(calls(cwd, 'dms:StartReplicationTask').map((c) => c.params?.StartReplicationTaskType)).toEqual(['start-replication', 'resume-processing', 'resume-processing']);
    expect(await tasksIn(cwd)).toHaveLength(1);
    // Finished tables are not loaded again by resume-processing.
    const [[{ n }]] = (await admin.query(`SELECT COUNT(*) AS n FROM ${targetDb}.orders`)) as unknown as [[{ n: number }]];
    expect(Number(n)).toBe(10);
  });

  it('an injected table failure fails the step naming the table and DMS\'s reason; a re-run resumes the task', async () => {
    await admin.query(`DROP DATABASE IF EXISTS sync_fail_src; CREATE DATABASE sync_fail_src;
      CREATE TABLE sync_fail_src.customers (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO sync_fail_src.customers VALUES (1, 'a'), (2, 'b');
      CREATE TABLE sync_fail_src.__promigrate_fail__ (id INT PRIMARY KEY); INSERT INTO sync_fail_src.__promigrate_fail__ SELECT seq FROM seq_1_to_5000;
      GRANT SELECT ON sync_fail_src.* TO 'dms_sync'@'%';`);
    const cwd = tempDir();
    await admin.query('DROP DATABASE IF EXISTS sync_tgt_fail; CREATE DATABASE sync_tgt_fail');
    writeFileSync(join(cwd, 'promigrate.yaml'), config('sync_tgt_fail').replace(`databases: [${SOURCE_DB}]`, 'databases: [sync_fail_src]'));
    for (const step of ['assess', 'provision']) expect((await cli(cwd, [step, '--yes'])).code).toBe(0);

    const failed = await cli(cwd, ['sync', '--yes']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toContain("Load failed for table 'sync_fail_src'.'__promigrate_fail__'");
    expect(failed.stderr).toContain('re-run `promigrate sync`');
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stateOf(cwd).steps.sync.status).toBe('failed');

    const again = await cli(cwd, ['sync', '--yes']);
    expect(again.code).toBe(1);
    expect(calls(cwd, 'dms:StartReplicationTask').map((c) => c.params?.StartReplicationTaskType)).toEqual(['start-replication', 'resume-processing']);
    expect(calls(cwd, 'dms:CreateReplicationTask')).toHaveLength(1);
    await admin.query('DROP DATABASE IF EXISTS sync_tgt_fail');
  });

  it('--dry-run shows the endpoint and task definitions and calls, and changes nothing', async () => {
    const { cwd } = await workspace();
    const world = readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8');
    const auditBefore = readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8');
    const r = await cli(cwd, ['sync', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('dms:CreateReplicationTask');
    expect(out).toContain('"EndpointIdentifier": "sync-e2e-source"');
    expect(out).toContain('"Password": "(from env SRC_PW)"');
    expect(out).toContain('"rule-action": "include"');
    expect(out).toContain('"EnableValidation": true');
    expect(out).toContain('dms:StartReplicationTask start-replication');
    expect(out).not.toContain(SRC_PASSWORD);
    expect(readFileSync(join(cwd, '.promigrate/sandbox.json'), 'utf8')).toBe(world);
    expect(readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8')).toBe(auditBefore);
  });

  it('a table mapping that selects no table: exit 2, one sentence, nothing created', async () => {
    const { cwd } = await workspace('dms:\n  tables:\n    include: [{ schema: "%", table: "nothing_like_this%" }]\n');
    const before = audit(cwd).length;
    const r = await cli(cwd, ['sync', '--yes']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/dms\.tables selects no table of the source .*the source has: sync_src\.board, sync_src\.members, sync_src\.orders/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(audit(cwd)).toHaveLength(before);
  });
  it('a changed dms.migrationType replaces the task ("Modifying a task": DMS cannot change a task\'s migration type): asked first, and a kill -9 between delete and create loses nothing', async () => {
    const { cwd, targetDb } = await workspace();
    const first = await cli(cwd, ['sync', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    const [old] = await tasksIn(cwd);
    writeFileSync(join(cwd, 'promigrate.yaml'), config(targetDb, 'dms:\n  migrationType: full-load\n  validation: false\n'));

    // Not interactive and no --yes: exit 4, the task untouched.
    const asked = await cli(cwd, ['sync']);
    expect(asked.code, asked.stderr).toBe(4);
    expect(asked.stderr).toContain('needs a confirmation (sync.task.replace)');
    expect(calls(cwd, 'dms:DeleteReplicationTask')).toHaveLength(0);
    expect(calls(cwd, 'dms:ModifyReplicationTask')).toHaveLength(0);

    // Confirmed; killed right after the delete (mutating calls: the stop, the delete).
    const crashed = await cli(cwd, ['sync', '--yes'], { PROMIGRATE_SANDBOX_CRASH_AFTER: '2' });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(stateOf(cwd).steps.sync.checkpoints['task.replace']).toMatchObject({ fromArn: old!.ReplicationTaskArn, from: 'full-load-and-cdc', to: 'full-load' });
    expect((await tasksIn(cwd)).map((x) => x.Status)).toEqual(['deleting']);

    const resumed = await cli(cwd, ['sync', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const tasks = await tasksIn(cwd);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ ReplicationTaskIdentifier: `${PROJECT}-sync`, MigrationType: 'full-load', Status: 'stopped' });
    expect(tasks[0]!.ReplicationTaskArn).not.toBe(old!.ReplicationTaskArn);
    const state = stateOf(cwd);
    expect(state.resources['sync.task'].arn).toBe(tasks[0]!.ReplicationTaskArn);
    expect(state.steps.sync.outputs).toMatchObject({ taskArn: tasks[0]!.ReplicationTaskArn, migrationType: 'full-load', startType: 'start-replication' });
    expect(state.steps.sync.checkpoints['task.replace']).toBeNull();
    expect(calls(cwd, 'dms:ModifyReplicationTask')).toHaveLength(0);
    expect(calls(cwd, 'dms:DeleteReplicationTask')).toHaveLength(1);
    expect(calls(cwd, 'dms:CreateReplicationTask').map((c) => c.params?.MigrationType)).toEqual(['full-load-and-cdc', 'full-load']);
    expect(await checksums(targetDb, ['orders', 'members', 'board'])).toEqual(await checksums(SOURCE_DB, ['orders', 'members', 'board']));
  }, 180_000);
});
