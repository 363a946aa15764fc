/**
 * Child processes in these tests run plain JS against compiled state modules. When dist/ is
 * fresh (the lead's `npm test` builds first) it is used; otherwise only the state modules
 * are compiled into a private directory, so this never races other builds of dist/ nor
 * depends on unrelated files compiling.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const ENTRY_POINTS = ['state/store', 'state/lock', 'state/audit'];

function newestSource(): number {
  const files = [
    ...readdirSync(join(REPO, 'src/state')).map((f) => join(REPO, 'src/state', f)),
    join(REPO, 'src/errors.ts'),
    join(REPO, 'src/version.ts'),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

function isFresh(outDir: string): boolean {
  const newest = newestSource();
  return ENTRY_POINTS.every((e) => {
    const out = join(outDir, `${e}.js`);
    return existsSync(out) && statSync(out).mtimeMs >= newest;
  });
}

/** A directory holding `state/store.js` etc., built from the current sources. Call `cleanup()` afterwards. */
export async function builtStateModules(): Promise<{ dir: string; cleanup(): void }> {
  // Lets one run the child-process tests against another build, e.g. a deliberately broken one.
  const override = process.env.PROMIGRATE_STATE_MODULES;
  if (override) return { dir: override, cleanup: () => undefined };
  const dist = join(REPO, 'dist');
  if (isFresh(dist)) return { dir: dist, cleanup: () => undefined };
  // Directly under the repo so that version.js finds ../package.json and node_modules resolve; ignored by git (.vitest-*/).
  const dir = join(REPO, `.vitest-state-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../tsconfig.json',
      compilerOptions: { rootDir: '../src', outDir: '.', sourceMap: false, noEmitOnError: true },
      files: ENTRY_POINTS.map((e) => `../src/${e}.ts`),
      include: [],
    }),
  );
  await promisify(execFile)(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
    cwd: REPO,
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
