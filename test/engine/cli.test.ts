import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const COMMANDS = ['init', 'status', 'plan', 'run', 'unlock'];

describe('the CLI surface', () => {
  it('prints the version and global help with the global options and exit codes', async () => {
    const cwd = tempDir();
    const version = await runCli(['--version'], { cwd });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const flag of ['--config', '--state-dir', '--profile', '--region', '--endpoint-url', '--sandbox', '--dry-run', '--yes', '--json', '--no-color', '--verbose']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('Exit codes:');
    for (const name of COMMANDS) expect(help.stdout).toContain(name);
  });

  it.each(COMMANDS)('%s --help shows at least one example', async (name) => {
    const result = await runCli([name, '--help'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ promigrate /);
  });

  it('an unknown option or command is a usage error (exit 2) without a stack trace', async () => {
    const cwd = tempDir();
    for (const args of [['run', '--bogus'], ['frobnicate']]) {
      const result = await runCli(args, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: unknown/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a missing config is exit 2 with what to do next', async () => {
    const result = await runCli(['run'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('promigrate init');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--json errors are machine-readable on stdout', async () => {
    const result = await runCli(['status', '--json'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ ok: false, error: { exitCode: 2 } });
    expect(doc.error.message).toContain('no promigrate state');
  });
});

describe('lazy start-up', () => {
  const trace = new URL('../fixtures/trace-imports.mjs', import.meta.url).pathname;
  const loaded = async (args: string[], cwd: string): Promise<string> => {
    const out = join(cwd, 'imports.log');
    writeFileSync(out, '');
    const result = await runCli(args, { cwd, nodeArgs: ['--import', trace], env: { TRACE_IMPORTS_FILE: out } });
    expect(result.code, result.stderr).toBe(0);
    return readFileSync(out, 'utf8');
  };

  it('--version and status load no AWS SDK, inquirer or ora module', async () => {
    const cwd = tempDir();
    const stateDir = join(cwd, '.promigrate');
    await import('node:fs').then((fs) => fs.mkdirSync(stateDir));
    writeFileSync(
      join(stateDir, 'state.json'),
      JSON.stringify({
        schemaVersion: 1, lineage: 'l', serial: 1, toolVersion: pkg.version, project: 'shop', configHash: 'h',
        createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
        steps: { assess: { status: 'done', attempt: 1, outputs: {}, checkpoints: {} } }, resources: {}, acceptedRisks: [],
      }),
    );
    for (const args of [['--version'], ['status'], ['status', '--json']]) {
      const log = await loaded(args, cwd);
      expect(log, 'the trace hook recorded the launcher').toContain('bin/promigrate.js');
      if (args[0] === 'status') expect(log, 'status runs through the CLI').toContain('dist/bundle/cli.js');
      expect(log).not.toMatch(/@aws-sdk|@smithy|inquirer|\/ora\/|zod|yaml/);
    }
    const status = await runCli(['status'], { cwd });
    expect(status.stdout).toMatch(/assess\s+done\s+1/);
  });

  it('status says when the last verification is more than 24 h old', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, '.promigrate'));
    const step = (verifiedAt: string) => ({ status: 'done', attempt: 1, outputs: { verifiedAt, verdict: 'verified' }, checkpoints: {} });
    const write = (verifiedAt: string) => writeFileSync(join(cwd, '.promigrate/state.json'), JSON.stringify({
      schemaVersion: 1, lineage: 'l', serial: 1, toolVersion: pkg.version, project: 'shop', configHash: 'h',
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
      steps: { verify: step(verifiedAt) }, resources: {}, acceptedRisks: [],
    }));
    write(new Date(Date.now() - 25 * 3600_000).toISOString());
    const old = await runCli(['status'], { cwd });
    expect(old.stdout).toMatch(/more than 24 h old: run `promigrate verify` again/);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd })).stdout).verificationStale).toBe(true);
    write(new Date(Date.now() - 3600_000).toISOString());
    expect((await runCli(['status'], { cwd })).stdout).not.toContain('24 h old');
  });

  it('the trace hook does see heavy modules when a command loads them', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'promigrate.yaml'), 'project:\n  name: x\n');
    const out = join(cwd, 'imports.log');
    writeFileSync(out, '');
    await runCli(['plan'], { cwd, nodeArgs: ['--import', trace], env: { TRACE_IMPORTS_FILE: out } });
    expect(readFileSync(out, 'utf8')).toMatch(/zod/);
  });
});
