// Bundles the start-up path into ONE file, dist/bundle/cli.js: the CLI entry, commander,
// the command specs, the output hosts and `status`. Every other command is imported at
// run time from the tsc output in dist/commands/ — those commands load the AWS SDK, zod
// and the database drivers anyway, so their file count does not matter, while the
// start-up path reads two files instead of a dozen. Packages stay external.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const inlined = new Set(['commander']);
const external = Object.keys(pkg.dependencies).filter((name) => !inlined.has(name)).flatMap((name) => [name, `${name}/*`]);
const BUNDLED_COMMANDS = new Set(['status.js', 'spec.js', 'init.spec.js', 'index.js']);

rmSync(new URL('../dist/bundle', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, '@aws-sdk/*', '@smithy/*'],
  // commander is CommonJS and require()s node: built-ins. process.getBuiltinModule (Node
  // ≥ 20.16) serves them without loading node:module (and its source-map support).
  banner: {
    js:
      'const require = process.getBuiltinModule ? (id) => process.getBuiltinModule(id) : ' +
      "(await import('node:module')).createRequire(import.meta.url);",
  },
  minify: true,
  sourcemap: true,
  plugins: [noChildProcess(), commandsFromDist()],
  logLevel: 'warning',
});

/** `import('./run.js')` in src/commands/*.ts → `import('../commands/run.js')` (dist). */
function commandsFromDist() {
  return {
    name: 'commands-from-dist',
    setup(b) {
      b.onResolve({ filter: /^\.\/[a-z-]+(\.spec)?\.js$/ }, (args) => {
        if (!args.importer.includes('/src/commands/') || BUNDLED_COMMANDS.has(basename(args.path))) return undefined;
        return { path: `../commands/${basename(args.path)}`, external: true };
      });
    },
  };
}

/**
 * commander requires node:child_process at load time only for executable subcommands
 * (`git-style` separate binaries), which promigrate does not use; loading it costs ~3 ms
 * of every start-up, a tenth of the budget. The stub fails loudly if it is ever reached.
 */
function noChildProcess() {
  return {
    name: 'no-child-process',
    setup(b) {
      b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'stub' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
        contents:
          "const no = () => { throw new Error('promigrate: executable subcommands are not supported'); };\n" +
          'module.exports = { spawn: no, execFile: no, fork: no };',
        loader: 'js',
      }));
    },
  };
}
