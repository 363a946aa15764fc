import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkStateDir, ensureStateDir } from '../../../src/state/state-dir.js';
import { readStateFile } from '../../../src/state/read.js';
import { runCli } from '../../helpers/cli.js';
import { removeTempDirs, tempDir } from '../../helpers/tmp.js';

afterEach(removeTempDirs);

describe('the state directory', () => {
  it('is created with its parents when missing', async () => {
    const dir = join(tempDir(), 'a', 'b', '.promigrate');
    await ensureStateDir(dir);
    expect(existsSync(dir)).toBe(true);
    await expect(checkStateDir(dir)).resolves.toBeUndefined();
  });

  it('refuses a regular file, and a path under one, as bad input naming the path', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(ensureStateDir(file)).rejects.toMatchObject({ exitCode: 2, message: `The state directory ${file} is a file, not a directory.` });
    await expect(ensureStateDir(join(file, 'sub'))).rejects.toMatchObject({
      exitCode: 2,
      message: `The state directory ${join(file, 'sub')} cannot be used: a part of its path is a file, not a directory.`,
    });
    await expect(readStateFile(join(file, 'state.json'))).rejects.toMatchObject({ exitCode: 2, message: `The state directory ${file} is a file, not a directory.` });
  });

  it('given as a regular file: every command exits 2 with one sentence and a fix, and writes nothing', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'init'));
    const init = await runCli(
      ['init', '--yes', '--sandbox', '--project', 'shop', '--source', 'mysql://app@127.0.0.1:3306/shop', '--source-password-env', 'PW', '--state-dir', join(cwd, 'init', 'st'), '--config', join(cwd, 'promigrate.yaml')],
      { cwd },
    );
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(join(cwd, 'afile'), 'x');
    const before = readdirSync(cwd).sort();
    for (const command of [['run'], ['status']]) {
      const r = await runCli([...command, '--state-dir', 'afile'], { cwd });
      expect(r.code, `${command.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('error: The state directory afile is a file, not a directory.');
      expect(r.stderr).toContain('Point --state-dir at a directory');
      expect(r.stderr).not.toMatch(/bug in promigrate|\n\s+at /);
    }
    expect(readdirSync(cwd).sort()).toEqual(before);
  });
});
