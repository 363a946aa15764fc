import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh directory under the OS temp dir, removed by `removeTempDirs()`. */
export function tempDir(prefix = 'promigrate-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** KEEP_TMP=1 keeps them, to read a failed run's workspace (state, audit log) afterwards. */
export function removeTempDirs(): void {
  if (process.env.KEEP_TMP) return;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
