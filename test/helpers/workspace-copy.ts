/**
 * A copy of a test workspace (config, state, reports, audit log, sandbox world) in a new
 * temp dir, with the absolute paths the state holds (report paths) pointed at the copy: a
 * costly setup (an assess, a provision) made once and handed to each test.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';

export function copyWorkspace(template: string): string {
  const cwd = tempDir();
  cpSync(template, cwd, { recursive: true });
  for (const name of readdirSync(join(cwd, '.promigrate'))) {
    if (!name.startsWith('state.json')) continue;
    const file = join(cwd, '.promigrate', name);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(template, cwd));
  }
  return cwd;
}
