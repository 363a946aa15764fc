import { existsSync, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Resolves when another process creates `path` (inotify via fs.watch, no polling sleep);
 * the timeout only bounds a test that would otherwise hang.
 */
export function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path) && existsSync(path)) done();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out waiting for ${path}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    if (existsSync(path)) done();
  });
}

/**
 * Resolves when the JSON file at `path` (written atomically by another process) satisfies
 * `ready`; re-read on every change in its directory, no polling sleep.
 */
export function waitForJson(path: string, ready: (doc: any) => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      try {
        return ready(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        return false;
      }
    };
    const watcher = watch(dirname(path), () => {
      if (check()) done();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out waiting for ${path} to be ready`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    if (check()) done();
  });
}
