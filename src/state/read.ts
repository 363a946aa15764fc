/**
 * The lightweight state reader. `promigrate status` uses it, and its start-up budget is
 * 1.3× `node -e 0`: import node builtins and our own small modules only — no zod, yaml or
 * write-file-atomic here or in anything imported from here.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../errors.js';
import { migrateState, OLDEST_READABLE_SCHEMA } from './migrate.js';
import { backupPathFor } from './paths.js';
import { checkStateDir } from './state-dir.js';
import { STATE_SCHEMA_VERSION, type StateFile } from './types.js';
import { findStateProblem } from './validate.js';

/** Reads and checks a state file; undefined when it does not exist. Older schemas are migrated in memory. */
export async function readStateFile(path: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') await checkStateDir(dirname(path));
    throw new StateError(`Cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check the permissions of the state directory (see --state-dir).',
    });
  }
  return parseStateText(text, path);
}

/** Parses, version-checks, migrates and validates the text of a state file; `path` is for messages. */
export function parseStateText(text: string, path: string): StateFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (${(err as Error).message})`;
    throw damaged(path, `${path} ${what}: it is truncated or corrupt.`, err);
  }

  // The version decides how to read the rest, so it is checked before anything else.
  const version = typeof doc === 'object' && doc !== null ? (doc as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (!Number.isInteger(version)) {
    throw damaged(path, `${path} has no valid schemaVersion (got ${JSON.stringify(version) ?? 'nothing'}): it is not a promigrate state file or it is corrupt.`);
  }
  const v = version as number;
  if (v > STATE_SCHEMA_VERSION) {
    throw new StateError(`${path} was written by a newer promigrate (schema ${v}); upgrade promigrate.`, {
      hint: `This promigrate understands state schema ${STATE_SCHEMA_VERSION} and older. Install the newer version (npm install -g promigrate@latest) and re-run the command; do not edit the file by hand.`,
    });
  }
  if (v < OLDEST_READABLE_SCHEMA) {
    throw new StateError(`${path} uses state schema ${v}, which this promigrate can no longer read.`, {
      hint: `Open it with an older promigrate release first; that release upgrades it to a schema this one can migrate.`,
    });
  }

  let current: unknown = doc;
  if (v < STATE_SCHEMA_VERSION) {
    try {
      current = migrateState(doc, v);
    } catch (err) {
      throw damaged(path, `${path} (schema ${v}) could not be upgraded to schema ${STATE_SCHEMA_VERSION}: ${(err as Error).message}.`, err);
    }
  }
  const problem = findStateProblem(current);
  if (problem !== undefined) {
    const migrated = v < STATE_SCHEMA_VERSION ? ` (after upgrading it from schema ${v})` : '';
    throw damaged(path, `${path} is not a valid state file${migrated}: ${problem}.`);
  }
  return current as StateFile;
}

/** The error for a damaged file: names the backup and how to restore it. */
function damaged(path: string, message: string, cause?: unknown): StateError {
  const backup = backupPathFor(path);
  const hasBackup = existsSync(backup);
  const text = hasBackup
    ? `${message} The previous version is kept in ${backup}.`
    : `${message} There is no backup (${backup} does not exist).`;
  const hint = hasBackup
    ? `Restore the previous version with \`cp ${quote(backup)} ${quote(path)}\` and re-run the command; the backup lacks only the most recent change.`
    : `Move ${path} aside and run \`promigrate init\` to start a new state.`;
  return new StateError(text, { hint, cause });
}

function quote(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}
