import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crashMatrix } from '../helpers/crash-matrix.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { cases, textOf } from '../unit/config/malformed-cases.js';

afterAll(removeTempDirs);

// Every case's message, path and hint are checked in process (test/unit/config/malformed.test.ts);
// through the real CLI (exit 2, the one-sentence error and hint on stderr, no stack trace,
// nothing written: one path for every ConfigError) a sample runs: every case without a path
// (syntax errors, with line:col) or not in YAML, and a random 10 of the others, drawn from the
// run's sample seed like the kill -9 matrices (test/helpers/crash-matrix.ts; all of them with
// PROMIGRATE_CRASH_MATRIX=full); every other one of the sample with `plan` as well as `run`.
const special = cases.filter((c) => !c.path || c.format !== undefined);
const drawn = crashMatrix('config-errors', [special, cases.filter((c) => !special.includes(c))], [special.length, 10]);
const sample = drawn.points.map((c, i) => ({ ...c, commands: i % 2 === 0 ? ['run', 'plan'] : ['run'] }));

describe(`a malformed config through the real CLI (${drawn.label})`, () => {
  it.concurrent.each(sample)('$name → exit 2, names $path, no stack trace, nothing written', async (c) => {
    const cwd = tempDir();
    const file = `promigrate.${c.format ?? 'yaml'}`;
    writeFileSync(join(cwd, file), textOf(c));
    for (const command of c.commands) {
      const result = await runCli(['--config', file, command], { cwd });
      expect(result.code, result.stderr).toBe(2);
      const [first, ...rest] = result.stderr.trim().split('\n');
      expect(first).toMatch(new RegExp(`^error: ${file.replace('.', '\\.')}(:\\d+:\\d+)?: `));
      if (c.path) expect(first).toContain(`: ${c.path}: `);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(rest.length, 'the message is followed by a hint').toBeGreaterThan(0);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(cwd)).toEqual([file]);
    expect(existsSync(join(cwd, '.promigrate'))).toBe(false);
  });
});
