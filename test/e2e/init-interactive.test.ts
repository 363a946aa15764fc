import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const DRIVER = new URL('../fixtures/pty-driver.py', import.meta.url).pathname;
const ENTER = '\r';
const DOWN = '\u001b[B';

interface Drive {
  exitCode: number;
  transcript: string;
  error: string | null;
}

/** Runs `promigrate init` in a pseudo-terminal and answers its prompts like a person. */
async function drive(cwd: string, script: Array<{ expect: string; send: string }>): Promise<Drive> {
  const child = spawn('python3', [DRIVER, JSON.stringify(script), '--', process.execPath, BIN, 'init'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`pty driver failed: ${stderr}`);
  return JSON.parse(stdout) as Drive;
}

afterAll(removeTempDirs);

describe('promigrate init in a terminal', () => {
  it('asks each question, re-asks an invalid answer, and writes the config and state', async () => {
    const cwd = tempDir();
    const run = await drive(cwd, [
      { expect: 'Source database URL', send: `oracle://dms@10.0.0.5/shop${ENTER}` },
      { expect: 'expected a mysql://, mariadb:// or postgres:// URL', send: '\u0015' + `mysql://dms@10.0.0.5:3306/shop${ENTER}` },
      { expect: 'Environment variable holding the source password', send: `SRC_PW${ENTER}` },
      { expect: 'Project name', send: '\u0015' + `shop-e2e${ENTER}` },
      { expect: 'Rehearse in the built-in sandbox', send: `y${ENTER}` },
      { expect: 'Local database the sandbox RDS stands for', send: ENTER },
      { expect: 'AWS region', send: `ap-northeast-2${ENTER}` },
      { expect: 'Engine version of the new RDS database', send: ENTER },
      { expect: 'RDS instance class', send: ENTER },
      { expect: 'new master password', send: ENTER },
      { expect: 'Multi-AZ', send: `y${ENTER}` },
      { expect: 'CIDR of the new VPC', send: '\u0015' + `10.20.0.0/16${ENTER}` },
      { expect: 'Route 53 hosted zone', send: ENTER },
      { expect: 'Record to switch', send: ENTER },
      { expect: 'Where the record points today', send: ENTER },
      { expect: 'Where it should point after cutover', send: ENTER },
      { expect: 'How to move traffic', send: `${DOWN}${ENTER}` },
      { expect: 'URL that must answer after cutover', send: `https://www.example.com/health${ENTER}` },
    ]);
    expect(run.error, run.transcript).toBeNull();
    expect(run.exitCode, run.transcript).toBe(0);
    const config = parse(readFileSync(join(cwd, 'promigrate.yaml'), 'utf8'));
    expect(config.project.name).toBe('shop-e2e');
    expect(config.aws).toMatchObject({ mode: 'sandbox', region: 'ap-northeast-2' });
    expect(config.source).toMatchObject({ engine: 'mysql', host: '10.0.0.5', port: 3306, user: 'dms', databases: ['shop'], passwordEnv: 'SRC_PW' });
    expect(config.target.multiAz).toBe(true);
    expect(config.network.vpcCidr).toBe('10.20.0.0/16');
    expect(config.dns).toMatchObject({ hostedZone: 'example.com', record: 'www.example.com', strategy: 'weighted' });
    expect(config.verify.url).toBe('https://www.example.com/health');
    expect(JSON.parse(readFileSync(join(cwd, '.promigrate/state.json'), 'utf8')).project).toBe('shop-e2e');
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const cwd = tempDir();
    const run = await drive(cwd, [{ expect: 'Source database URL', send: '\u0003' }]);
    expect(run.exitCode, run.transcript).toBe(130);
    expect(existsSync(join(cwd, 'promigrate.yaml'))).toBe(false);
    expect(existsSync(join(cwd, '.promigrate'))).toBe(false);
  });
});
