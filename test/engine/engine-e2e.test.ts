import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { waitForFile } from '../helpers/wait-for-file.js';

const STEPS = new URL('../fixtures/steps/resumable-steps.js', import.meta.url).pathname;
const CONFIG = `project:
  name: enginetest
aws:
  mode: sandbox
source:
  engine: postgres
  host: 127.0.0.1
  user: app
  databases: [shop]
  passwordEnv: SRC_PW
`;

let work: string;
let world: string;
const env = () => ({ PROMIGRATE_EXTRA_STEPS: STEPS, PROMIGRATE_BUILTIN_STEPS: 'none', TEST_WORLD_DIR: world });
const cli = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd: work, env: { ...env(), ...extraEnv } });
const state = () => JSON.parse(readFileSync(join(work, '.promigrate/state.json'), 'utf8'));
const creations = () =>
  existsSync(join(world, 'creations.log')) ? readFileSync(join(world, 'creations.log'), 'utf8').trim().split('\n') : [];

beforeEach(() => {
  work = tempDir();
  world = tempDir('promigrate-world-');
  writeFileSync(join(work, 'promigrate.yaml'), CONFIG);
});
afterAll(removeTempDirs);

describe('promigrate run', () => {
  it('runs every step in dependency order and records resources', async () => {
    const result = await cli(['run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(creations()).toEqual(['alpha-1', 'beta-1', 'beta-2', 'beta-3', 'gamma-1']);
    const s = state();
    expect(Object.keys(s.steps)).toEqual(['alpha', 'beta', 'gamma']);
    expect(Object.values(s.steps).map((x: any) => x.status)).toEqual(['done', 'done', 'done']);
    expect(Object.keys(s.resources).sort()).toEqual(['alpha-1', 'beta-1', 'beta-2', 'beta-3', 'gamma-1']);
    const again = await cli(['run', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).steps.map((x: any) => x.status)).toEqual(['already-done', 'already-done', 'already-done']);
    expect(creations()).toHaveLength(5);
  });

  it('refuses a step whose dependency is not done, and changes nothing', async () => {
    const result = await cli(['run', '--only', 'beta']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Step beta needs alpha');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(creations()).toEqual([]);
  });

  it('selects with --from/--to and rejects unknown step names', async () => {
    expect((await cli(['run', '--to', 'alpha'])).code).toBe(0);
    expect(creations()).toEqual(['alpha-1']);
    expect((await cli(['run', '--from', 'beta', '--to', 'beta'])).code).toBe(0);
    expect(state().steps.gamma).toBeUndefined();
    const bad = await cli(['run', '--only', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('there is no step "nope"');
  });

  it.each(['before-beta-2', 'created-beta-2', 'created-alpha-1', 'before-gamma-1'])(
    'resumes after kill -9 at %s without duplicating a side effect',
    async (point) => {
      const child = spawnCli(['run'], { cwd: work, env: { ...env(), TEST_BLOCK_AT: point } });
      const exited = collect(child);
      await waitForFile(join(world, `blocked-${point}`));
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      const mid = state();
      const running = Object.entries(mid.steps).find(([, s]: [string, any]) => s.status === 'running');
      expect(running, 'a step is left running by the crash').toBeDefined();

      const resumed = await cli(['run']);
      expect(resumed.stderr).toContain('took over a stale lock');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain('was interrupted');
      expect(creations().sort()).toEqual(['alpha-1', 'beta-1', 'beta-2', 'beta-3', 'gamma-1']);
      expect(Object.values(state().steps).every((s: any) => s.status === 'done')).toBe(true);
    },
  );

  it('Ctrl-C saves state, releases the lock and exits 130; the next run resumes', async () => {
    const child = spawnCli(['run'], { cwd: work, env: { ...env(), TEST_BLOCK_AT: 'before-beta-3' } });
    const exited = collect(child);
    await waitForFile(join(world, 'blocked-before-beta-3'));
    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Cancelled during beta');
    expect(existsSync(join(work, '.promigrate/lock'))).toBe(false);
    const s = state();
    expect(s.steps.beta.status).toBe('failed');
    expect(s.steps.beta.error.code).toBe('Cancelled');
    expect(s.steps.beta.checkpoints).toEqual({ 'beta-1': 'done', 'beta-2': 'done' });
    const resumed = await cli(['run']);
    expect(resumed.code).toBe(0);
    expect(creations()).toHaveLength(5);
    expect(state().steps.beta.attempt).toBe(2);
  });

  it('a second process gets exit 3 naming the holder while the first runs', async () => {
    const first = spawnCli(['run'], { cwd: work, env: { ...env(), TEST_BLOCK_AT: 'before-alpha-1' } });
    const firstDone = collect(first);
    await waitForFile(join(world, 'blocked-before-alpha-1'));
    const second = await cli(['run']);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    const unlock = await cli(['unlock']);
    expect(unlock.code, 'unlocking a live holder needs a confirmation').toBe(4);
    first.kill('SIGINT');
    expect((await firstDone).code).toBe(130);
  });
});

describe('plan mode', () => {
  it('calls plan() only: no apply, no state file, no lock, no audit log', async () => {
    for (const args of [['plan'], ['run', '--dry-run'], ['plan', '--json']]) {
      const result = await cli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(creations()).toEqual([]);
      expect(existsSync(join(work, '.promigrate'))).toBe(false);
    }
    const human = await cli(['plan']);
    expect(human.stdout).toContain('(plan) would create alpha-1: test resource alpha-1');
    expect(human.stdout).toContain('gamma ← beta');
    expect(human.stdout).toContain('Run `promigrate run` (without --dry-run) to apply.');
    const json = JSON.parse((await cli(['plan', '--json'])).stdout);
    expect(json.dryRun).toBe(true);
    expect(json.steps.map((s: any) => [s.id, s.status, s.plan.length])).toEqual([
      ['alpha', 'planned', 1],
      ['beta', 'planned', 3],
      ['gamma', 'planned', 1],
    ]);
  });

  it('plans only what is left after a partial run, and still writes nothing', async () => {
    expect((await cli(['run', '--to', 'alpha'])).code).toBe(0);
    const before = readFileSync(join(work, '.promigrate/state.json'), 'utf8');
    const auditBefore = readFileSync(join(work, '.promigrate/audit.jsonl'), 'utf8');
    const plan = JSON.parse((await cli(['plan', '--json'])).stdout);
    expect(plan.steps.map((s: any) => s.status)).toEqual(['already-done', 'planned', 'planned']);
    expect(readFileSync(join(work, '.promigrate/state.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(work, '.promigrate/audit.jsonl'), 'utf8')).toBe(auditBefore);
  });
});
