/**
 * `promigrate demo --dry-run` writes nothing — no workspace, config, state, audit log, sandbox
 * world or cached database template — and exits 0 with the plan of all five steps. The built CLI.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** Every path under `dir` with its size, mtime and content hash: equal trees, equal snapshots. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        out.push(`${path}/`);
        walk(path);
      } else {
        out.push(`${path} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return out;
}

const STEP_HEADINGS = ['assess: ', 'provision: ', 'sync: ', 'cutover: ', 'verify: '];

function dryRunDemo(cwd: string, home: string, extra: string[] = []) {
  return runCli(['demo', '--dry-run', '--dir', 'ws', ...extra], { cwd, env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PROMIGRATE_DEMO_PASSWORD: undefined } });
}

describe('promigrate demo --dry-run', () => {
  it('a new workspace: exit 0, the plan of all five steps and of the setup, and nothing on disk', async () => {
    const cwd = tempDir();
    const home = tempDir();
    const r = await dryRunDemo(cwd, home);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    for (const heading of STEP_HEADINGS) expect(lines.some((l) => l.startsWith(heading)), heading).toBe(true);
    expect(r.stdout).toContain('(plan) would create network.vpc');
    expect(r.stdout).toContain(`(plan) would create the demo workspace ${join(cwd, 'ws')}`);
    expect(r.stdout).toContain('(plan) would start the embedded source and target PostgreSQL');
    expect(r.stdout).toContain(`(plan) would write ${join(cwd, 'ws', 'promigrate.yaml')}:`);
    expect(r.stdout).toContain('Plan for the demo: 5 step(s) would run; nothing was written or changed.');
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });

  it('an existing workspace: it is read (its ports are planned), and nothing in it changes, --break included', async () => {
    const cwd = tempDir();
    const home = tempDir();
    const ws = join(cwd, 'ws');
    mkdirSync(ws);
    const ports = { source: 41001, target: 41002, app: 41003 };
    writeFileSync(join(ws, '.promigrate-demo.json'), `${JSON.stringify({ demoVersion: 1, createdAt: '2026-12-01T00:00:00.000Z', ports }, null, 2)}\n`);
    const before = snapshot(cwd);
    const r = await dryRunDemo(cwd, home, ['--break']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('(plan) would create the demo workspace');
    expect(r.stdout).toContain(`connect to postgres postgres@127.0.0.1:${ports.source}`);
    expect(r.stdout).toContain(`appAddress: 127.0.0.1:${ports.app}`);
    expect(r.stdout).toContain("(plan) would change one target row behind promigrate's back (--break) before verify");
    expect(r.stdout.split('\n').filter((l) => l.startsWith('verify: '))).toHaveLength(1);
    expect(snapshot(cwd)).toEqual(before);
    expect(readdirSync(home)).toEqual([]);
  });

  it('--interactive is refused: the wizard would keep its answers in the workspace', async () => {
    const cwd = tempDir();
    const r = await dryRunDemo(cwd, tempDir(), ['--interactive']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interactive and --dry-run do not go together');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
