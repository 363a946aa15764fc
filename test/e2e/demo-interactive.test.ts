/** `promigrate demo --interactive` in a real pseudo-terminal: the init wizard first, then the five steps. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const DRIVER = new URL('../fixtures/pty-driver.py', import.meta.url).pathname;
const ENTER = '\r';

afterAll(removeTempDirs);

describe('promigrate demo --interactive', () => {
  it('asks the wizard\'s questions the demo cannot answer itself, then runs all five steps with those answers', async () => {
    const dir = join(tempDir(), 'ws');
    const script = [
      { expect: 'Project name', send: `\u0015wizard-demo${ENTER}` },
      ...['AWS region', 'Engine version', 'RDS instance class', 'Multi-AZ', 'CIDR of the new VPC', 'Route 53 hosted zone', 'Record to switch',
        'Where the record points today', 'Where it should point after cutover', 'How to move traffic', 'URL that must answer after cutover']
        .map((q) => ({ expect: q, send: ENTER })),
    ];
    const child = spawn('python3', [DRIVER, JSON.stringify(script), '--', process.execPath, BIN, 'demo', '--interactive', '--dir', dir], {
      cwd: tempDir(),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    const run = JSON.parse(stdout) as { exitCode: number; transcript: string; error: string | null };
    expect(run.error, run.transcript.slice(-2000)).toBeNull();
    expect(run.exitCode, run.transcript.slice(-2000)).toBe(0);
    // The source questions were answered by the demo, not asked.
    expect(run.transcript).not.toContain('Source database URL');
    expect(run.transcript).toContain('verify: VERIFIED');
    const config = parse(readFileSync(join(dir, 'promigrate.yaml'), 'utf8'));
    expect(config).toMatchObject({ project: { name: 'wizard-demo' }, aws: { mode: 'sandbox' }, source: { engine: 'postgres', host: '127.0.0.1' } });
    const answers = JSON.parse(readFileSync(join(dir, 'demo-answers.json'), 'utf8'));
    expect(answers.project).toBe('wizard-demo');

    const other = join(tempDir(), 'other');
    const noTerminal = await runCli(['demo', '--interactive', '--dir', other], { cwd: tempDir() });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain("promigrate demo --interactive asks the init wizard's questions and needs a terminal.");
    expect(existsSync(other)).toBe(false); // refused before anything was created
  });
});
