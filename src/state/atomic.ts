/**
 * Durable file replacement for the state file. write-file-atomic does temp file + fsync +
 * rename; a rename is only durable once the directory entry is, so callers fsync the
 * directory afterwards (once, after the last rename of a batch).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

type WriteFileAtomic = typeof import('write-file-atomic');
let writeFileAtomic: Promise<WriteFileAtomic> | undefined;

/** Replaces `path` atomically (readers see the old or the new content, never a mix), file data fsynced. */
export async function atomicReplace(path: string, data: string): Promise<void> {
  // Loaded on first write so that read-only commands (`status`) never load it.
  writeFileAtomic ??= import('write-file-atomic').then((m) => m.default);
  await (await writeFileAtomic)(path, data, { fsync: true });
}

/** Makes renames and creations inside `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there; NTFS journals renames
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // Some file systems (certain network and FUSE mounts) do not support fsync on a directory.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Creates `path` with `data` only if it does not exist yet, atomically and durably: the
 * content is written to a temp file and hard-linked into place (link fails if the target
 * exists, so two creators cannot both win and nobody sees a half-written file).
 * Returns false when the file already existed.
 */
export async function createExclusive(path: string, data: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw err;
    // No hard links on this file system: check-then-rename, racy only against a concurrent `init`.
    if (await exists(path)) return false;
    await rename(tmp, path);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(dirname(path));
  return true;
}

/**
 * Removes temp files a killed writer left next to `path` (write-file-atomic names them
 * `<file>.<number>`, createExclusive `<file>.<pid>.<hex>.tmp`). Only files older than
 * `olderThanMs` go: a younger one may belong to a write in progress.
 */
export async function sweepTempFiles(path: string, olderThanMs = 60_000): Promise<void> {
  const dir = dirname(path);
  const base = basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${base}(?:\\.backup)?\\.(?:\\d+|\\d+\\.[0-9a-f]+\\.tmp)$`);
  const cutoff = Date.now() - olderThanMs;
  for (const name of await readdir(dir)) {
    if (!pattern.test(name)) continue;
    const file = join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}
