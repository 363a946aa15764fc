#!/usr/bin/env node
// `--version` alone is answered here, before the CLI and commander load: scripts call it
// in loops, and it needs nothing but package.json. Everything else goes to the CLI.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { main } = await import('../dist/bundle/cli.js');
  process.exitCode = await main(process.argv);
}
