import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { countWorld } from '../helpers/sandbox-world.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const STEPS = new URL('../fixtures/steps/sandbox-resources.js', import.meta.url).pathname;
const SECRET_VALUE = 'sandbox-harness-secret-value-0451';
const CONFIG = `project:
  name: harness
aws:
  mode: sandbox
  region: us-east-1
source:
  engine: postgres
  host: 10.0.0.5
  user: app
  databases: [shop]
  passwordEnv: SRC_PW
dns:
  hostedZone: example.com
  record: www.example.com
`;
const EXPECTED = {
  vpcs: 1,
  subnets: 2,
  securityGroups: 1,
  secrets: 1,
  dbSubnetGroups: 1,
  dbInstances: 1,
  dmsSubnetGroups: 1,
  dmsInstances: 1,
};

afterAll(removeTempDirs);

function workspace(): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'promigrate.yaml'), CONFIG);
  return cwd;
}

const run = (cwd: string, env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(['run'], { cwd, env: { PROMIGRATE_EXTRA_STEPS: STEPS, PROMIGRATE_BUILTIN_STEPS: 'none', PROMIGRATE_SANDBOX_SEED: '7', ...env } });

function stateParses(cwd: string): void {
  const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
  expect(state.schemaVersion).toBe(1);
}

async function expectExactWorld(cwd: string): Promise<void> {
  const world = await countWorld(join(cwd, '.promigrate'), 'harness');
  expect(world).toMatchObject(EXPECTED);
  expect(world.records.filter((r) => r.name === '_promigrate.example.com.' && r.type === 'TXT')).toHaveLength(1);
  const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
  expect(Object.values(state.steps).map((s: any) => s.status)).toEqual(['done', 'done', 'done']);
  expect(Object.keys(state.resources).sort()).toEqual(
    ['db.instance', 'db.subnet-group', 'dms.instance', 'dms.subnet-group', 'net.sg-db', 'net.subnet-a', 'net.subnet-b', 'net.vpc', 'secret'],
  );
  for (const file of ['state.json', 'audit.jsonl', 'sandbox.json']) {
    expect(readFileSync(join(cwd, '.promigrate', file), 'utf8')).not.toContain(SECRET_VALUE);
  }
}

/** Mutating calls a clean run makes (each crash point below is one of them). */
let cleanCalls = 0;

// Every test has its own workspace: they run concurrently (two cores), with a longer timeout
// for a busy machine.
describe.concurrent('the sandbox reliability harness', { timeout: 180_000 }, () => {
  it('a clean run creates exactly the expected resources, waits in simulated time, and audits every mutating call', async () => {
    const cwd = workspace();
    const result = await run(cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(SECRET_VALUE);
    await expectExactWorld(cwd);
    const world = await countWorld(join(cwd, '.promigrate'), 'harness');
    cleanCalls = world.mutatingCalls;
    expect(cleanCalls).toBeGreaterThanOrEqual(10);
    const audit = readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((a) => a.operation)).toEqual(expect.arrayContaining(['ec2:CreateVpc', 'rds:CreateDBInstance', 'dms:CreateReplicationInstance', 'route53:ChangeResourceRecordSets', 'secretsmanager:CreateSecret']));
    expect(audit).toHaveLength(cleanCalls);
    expect(audit.every((a) => typeof a.step === 'string' && a.outcome === 'ok')).toBe(true);
    const state = JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8'));
    // RDS (12 min) and DMS (7 min) were waited for in parallel: the longer one, not the sum.
    expect(state.steps.database.outputs.waitedMs).toBeGreaterThanOrEqual(12 * 60_000);
    expect(state.steps.database.outputs.waitedMs).toBeLessThan(13 * 60_000);
    // Re-running is a no-op: nothing new is created.
    expect((await run(cwd)).code).toBe(0);
    expect((await countWorld(join(cwd, '.promigrate'), 'harness')).mutatingCalls).toBe(cleanCalls);
  });

  // Crash points: after each of the first 12 mutating calls of a clean run, then double
  // crashes (a crash, a resume that crashes again after its own Nth call, a final resume).
  const single = Array.from({ length: 12 }, (_, i) => [i + 1]);
  const double = [1, 3, 5, 7, 9, 11].flatMap((first) => [1, 4].map((second) => [first, second]));
  // All 24 under `npm run test:crash`; under `npm test` one of them, a single or a double
  // crash (test/helpers/crash-matrix.ts; test/e2e/provision.test.ts samples single crashes too).
  const crashes = crashMatrix('sandbox-reliability', [[...single, ...double]], [1]);

  it.each(crashes.points.map((points) => [points.join(' then '), points] as const))(
    `kill -9 after mutating call %s, resume → exactly one of everything (${crashes.label})`,
    async (_label, points) => {
      const cwd = workspace();
      let crashes = 0;
      for (const n of points) {
        const crashed = await run(cwd, { PROMIGRATE_SANDBOX_CRASH_AFTER: String(n) });
        if (crashed.signal === null) {
          // The run needed fewer mutating calls than the crash point: it completed.
          expect(crashed.code, crashed.stderr).toBe(0);
          break;
        }
        expect(crashed.signal).toBe('SIGKILL');
        crashes++;
        stateParses(cwd);
      }
      const resumed = await run(cwd);
      expect(resumed.code, resumed.stderr).toBe(0);
      await expectExactWorld(cwd);
      // The kill came after AWS (the sandbox) carried out the call and before promigrate wrote
      // its audit line: the journal note made the next run write it as interrupted, so every
      // call made has exactly one line.
      const audit = readFileSync(join(cwd, '.promigrate/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(audit).toHaveLength((await countWorld(join(cwd, '.promigrate'), 'harness')).mutatingCalls);
      expect(audit.filter((a) => a.outcome === 'interrupted')).toHaveLength(crashes);
      expect(readdirSync(join(cwd, '.promigrate/audit-pending'))).toEqual([]);
    },
  );

  it('with 20 % of calls throttled the run still completes, with the same world', async () => {
    const cwd = workspace();
    const result = await run(cwd, { PROMIGRATE_SANDBOX_THROTTLE: '0.2' });
    expect(result.code, result.stderr).toBe(0);
    await expectExactWorld(cwd);
  });

  it('a failing create is retried by a re-run, not duplicated', async () => {
    const cwd = workspace();
    const failed = await run(cwd, { PROMIGRATE_SANDBOX_FAIL: 'CreateDBInstance:1:StorageQuotaExceeded' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Step database failed');
    expect(failed.stderr).toContain('StorageQuotaExceeded');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const resumed = await run(cwd);
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectExactWorld(cwd);
  });
});

describe.concurrent('permission errors', { timeout: 180_000 }, () => {
  it('an AccessDenied-style failure points at `promigrate iam-policy` and resumes after', async () => {
    const cwd = workspace();
    const denied = await run(cwd, { PROMIGRATE_SANDBOX_FAIL: 'CreateVpc:1:UnauthorizedOperation' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('UnauthorizedOperation');
    expect(denied.stderr).toContain('`promigrate iam-policy` prints the policy promigrate needs');
    expect((await run(cwd)).code).toBe(0);
  });
});

describe.concurrent('plan mode against the sandbox', { timeout: 180_000 }, () => {
  it('refuses a mutating AWS call made during --dry-run before it leaves the process', async () => {
    const cwd = workspace();
    const result = await runCli(['plan'], { cwd, env: { PROMIGRATE_EXTRA_STEPS: STEPS, PROMIGRATE_BUILTIN_STEPS: 'none', HARNESS_PLAN_MUTATES: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ec2:CreateVpc was called during --dry-run');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(cwd)).toEqual(['promigrate.yaml']);
  });

  it('makes no mutating call: no state, no audit log, no world file', async () => {
    const cwd = workspace();
    const result = await runCli(['plan'], { cwd, env: { PROMIGRATE_EXTRA_STEPS: STEPS, PROMIGRATE_BUILTIN_STEPS: 'none' } });
    expect(result.code, result.stderr).toBe(0);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(cwd)).toEqual(['promigrate.yaml']);
  });
});
