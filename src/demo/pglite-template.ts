/**
 * A fresh PGlite cluster runs initdb in WASM: ~3–5 s and ~800 MB RSS on a 2-core machine.
 * Loading a tarball of an initdb'd cluster instead takes ~0.9 s and ~400 MB, so the first
 * start caches one (per PGlite version) and later starts load it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** The installed PGlite's version, from its package.json (the export map hides that file). */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg)) continue;
    const { name, version } = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
    if (name === '@electric-sql/pglite' && version) return version;
  }
  return 'unknown';
}

/** `$XDG_CACHE_HOME/promigrate` or `~/.cache/promigrate`. */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'promigrate');
}

export const templateFile = (cacheDir: string): string => join(cacheDir, `pglite-${pgliteVersion()}-initdb.tar.gz`);

/** The cached cluster, or undefined when there is none (or it is unreadable). */
export function readTemplate(cacheDir: string): Blob | undefined {
  try {
    return new Blob([readFileSync(templateFile(cacheDir))]);
  } catch {
    return undefined;
  }
}

export function dropTemplate(cacheDir: string): void {
  rmSync(templateFile(cacheDir), { force: true });
}

/**
 * Caches `db`'s cluster; call it on a freshly initialised instance, before any user data.
 * Best effort: a read-only home must not stop the demo. Written to a temp name and renamed, so
 * a concurrent start never reads half a file.
 */
export async function writeTemplate(db: PGlite, cacheDir: string): Promise<void> {
  const file = templateFile(cacheDir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const blob = await db.dumpDataDir('gzip');
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
