/**
 * Versioned JSON templates shipped in the package's `templates/` folder. A template is data:
 * promigrate reads it, checks its `templateVersion` and works on a fresh copy, never on the
 * file itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'promigrate';
const NAME = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

export interface VersionedTemplate {
  templateVersion: number;
}

/**
 * The package root: the nearest folder above `from` holding promigrate's package.json. Walks up
 * instead of fixed `../..` hops so the same code works from src/migration/ (tests, tsx),
 * dist/migration/ (tsc) and dist/bundle/ (esbuild chunks).
 */
export function findPackageRoot(from: string | URL = import.meta.url): string {
  const start = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  for (let dir = dirname(start); ; ) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && readPackageName(pkg) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`promigrate: cannot find its package root above ${start}`);
    dir = parent;
  }
}

function readPackageName(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** `templates/` of the package this module belongs to. */
export function templatesDir(from: string | URL = import.meta.url): string {
  return join(findPackageRoot(from), 'templates');
}

/** The file a template lives in, e.g. `templates/dms/task-settings.v2.json`. */
export function templatePath(name: string, version: number, dir: string = templatesDir()): string {
  if (!NAME.test(name)) throw new Error(`promigrate: invalid template name ${JSON.stringify(name)}`);
  if (!Number.isInteger(version) || version < 1) throw new Error(`promigrate: invalid template version ${version}`);
  return join(dir, `${name}.v${version}.json`);
}

const cache = new Map<string, string>();

/**
 * Loads `name` at `version` and returns a deep copy (each call parses afresh, so callers may
 * mutate what they get). A missing or mismatched template is a packaging bug, not bad input.
 */
export function loadTemplate<T extends VersionedTemplate>(name: string, version: number, dir?: string): T {
  const path = templatePath(name, version, dir);
  let text = cache.get(path);
  if (text === undefined) {
    if (!existsSync(path)) throw new Error(`promigrate: template ${name} v${version} is missing (${path}); reinstall promigrate`);
    text = readFileSync(path, 'utf8');
    cache.set(path, text);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`promigrate: template ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const found = (parsed as Partial<VersionedTemplate> | null)?.templateVersion;
  if (typeof parsed !== 'object' || parsed === null || found !== version) {
    throw new Error(`promigrate: template ${path} declares templateVersion ${String(found)}, expected ${version}`);
  }
  return parsed as T;
}
