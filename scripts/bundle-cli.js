// Bundles the CLI entry for fast start-up: our own modules and commander go into a few
// ESM files (one per lazily imported command), so `promigrate --version` and `status`
// read two or three files instead of thirty. Every other package stays external and is
// loaded from node_modules only by the commands that use it.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const inlined = new Set(['commander']);
const external = Object.keys(pkg.dependencies).filter((name) => !inlined.has(name)).flatMap((name) => [name, `${name}/*`]);

rmSync(new URL('../dist/bundle', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
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
  plugins: [noChildProcess()],
  logLevel: 'warning',
});

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
