import { mkdir, stat } from 'node:fs/promises';
import { StateError } from '../errors.js';

const HINT = 'Point --state-dir at a directory (promigrate creates it if it is missing), or move the file that is in the way.';

/** Refuses a state dir that is a file (or lies under one); a missing one is fine. Read-only. */
export async function checkStateDir(stateDir: string): Promise<void> {
  try {
    if (!(await stat(stateDir)).isDirectory()) throw notADirectory(stateDir);
  } catch (err) {
    if (err instanceof StateError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw cannotUse(stateDir, err);
  }
}

/** Creates the state dir (and its parents) or says in one sentence why it cannot be used. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await checkStateDir(stateDir);
  try {
    await mkdir(stateDir, { recursive: true });
  } catch (err) {
    throw cannotUse(stateDir, err);
  }
}

function notADirectory(stateDir: string): StateError {
  return new StateError(`The state directory ${stateDir} is a file, not a directory.`, { hint: HINT });
}

function cannotUse(stateDir: string, err: unknown): StateError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of its path is a file, not a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'the file system is read-only'
    : (err as Error).message;
  return new StateError(`The state directory ${stateDir} cannot be used: ${why}.`, {
    cause: err,
    hint: code === 'EACCES' || code === 'EPERM' ? 'Fix its permissions or point --state-dir at a directory you can write to.' : HINT,
  });
}
