#!/usr/bin/env node
/**
 * The import graph of src/: which module imports which (static and dynamic `import`, type-only
 * imports included, since they too couple a layer to another), the layering rules it must
 * keep, and a drawing of it by component.
 *
 *   node scripts/import-graph.js            the drawing (Mermaid), then any rule broken
 *   node scripts/import-graph.js --check    exit 1 when a rule is broken
 *
 * test/unit/architecture.test.ts runs the same rules in `npm test`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/** Every `.ts` file under src/, as a path relative to src/ with forward slashes. */
export function sourceFiles(dir = SRC) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(relative(SRC, path).split('\\').join('/'));
  }
  return out.sort();
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The src/ files one file imports: `{ to, typeOnly }`, relative specifiers only (packages are not layers). */
export function importsOf(file, text = readFileSync(join(SRC, file), 'utf8')) {
  const found = new Map();
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3];
    if (!spec || !spec.startsWith('.')) continue;
    const to = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    const typeOnly = Boolean(m[1]);
    found.set(to, (found.get(to) ?? true) && typeOnly);
  }
  return [...found].map(([to, typeOnly]) => ({ to, typeOnly }));
}

export function importGraph() {
  return sourceFiles().flatMap((from) => importsOf(from).map((edge) => ({ from, ...edge })));
}

/** The component a file belongs to in the drawing: a step folder, a sub-system, or a layer. */
export function componentOf(file) {
  const parts = file.split('/');
  if (parts.length === 1) return ['cli.ts'].includes(file) ? 'cli' : 'core';
  if (parts[0] === 'steps' && parts.length > 2) return `steps/${parts[1]}`;
  if (parts[0] === 'aws' && parts[1] === 'sandbox') return 'aws/sandbox';
  if (parts[0] === 'engine' && parts[1] === 'resources') return 'engine/resources';
  return parts[0];
}

const stepFolder = (file) => (file.startsWith('steps/') && file.split('/').length > 2 ? file.split('/')[1] : undefined);
const inSandbox = (file) => file.startsWith('aws/sandbox/');

/** The layering rules: each returns why an edge breaks it, or undefined. */
export const RULES = [
  {
    name: 'no step folder imports another step folder',
    broken: ({ from, to }) => {
      const a = stepFolder(from);
      const b = stepFolder(to);
      return a && b && a !== b ? `${from} → ${to}` : undefined;
    },
  },
  {
    name: 'only the AWS runtime that opens the sandbox imports it (never aws/guards.ts, the client factory, or anything else outside it)',
    broken: ({ from, to }) => (inSandbox(to) && !inSandbox(from) && from !== 'aws/runtime.ts' ? `${from} → ${to}` : undefined),
  },
  {
    name: 'the engine imports nothing from commands/',
    broken: ({ from, to }) => (from.startsWith('engine/') && to.startsWith('commands/') ? `${from} → ${to}` : undefined),
  },
  {
    name: 'steps import nothing from the sandbox',
    broken: ({ from, to }) => (from.startsWith('steps/') && inSandbox(to) ? `${from} → ${to}` : undefined),
  },
  {
    name: 'steps, the engine and the AWS/DB/state layers use no terminal UI but the IoHost contract (ui/io-host.ts)',
    broken: ({ from, to }) =>
      /^(steps|engine|aws|db|state)\//.test(from) && to.startsWith('ui/') && to !== 'ui/io-host.ts' ? `${from} → ${to}` : undefined,
  },
];

/** A step must not be able to tell the sandbox from AWS: no mode test in src/steps/. */
export function sandboxModeTests() {
  return sourceFiles()
    .filter((f) => f.startsWith('steps/'))
    .flatMap((f) => readFileSync(join(SRC, f), 'utf8').split('\n').map((line, i) => ({ f, line, n: i + 1 })))
    .filter(({ line }) => /mode\s*[!=]==?\s*'sandbox'|'sandbox'\s*[!=]==?\s*\S*mode/.test(line))
    .map(({ f, n, line }) => `src/${f}:${n}: ${line.trim()}`);
}

export function violations(edges = importGraph()) {
  const out = [];
  for (const rule of RULES) for (const edge of edges) {
    const why = rule.broken(edge);
    if (why) out.push(`${rule.name}: ${why}`);
  }
  for (const hit of sandboxModeTests()) out.push(`steps cannot tell the sandbox from AWS: ${hit}`);
  return out;
}

/** The drawing by component; a dashed arrow is an edge made of type-only imports. */
export function mermaid(edges = importGraph()) {
  const byPair = new Map();
  for (const { from, to, typeOnly } of edges) {
    const a = componentOf(from);
    const b = componentOf(to);
    if (a === b) continue;
    const key = `${a} ${b}`;
    byPair.set(key, (byPair.get(key) ?? true) && typeOnly);
  }
  const id = (c) => c.replace(/[^a-z0-9]/gi, '_');
  const nodes = [...new Set([...byPair.keys()].flatMap((k) => k.split(' ')))].sort();
  const lines = ['flowchart LR', ...nodes.map((n) => `  ${id(n)}["${n}"]`)];
  for (const [key, typeOnly] of [...byPair].sort()) {
    const [a, b] = key.split(' ');
    lines.push(`  ${id(a)} ${typeOnly ? '-.->' : '-->'} ${id(b)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const broken = violations();
  if (!process.argv.includes('--check')) console.log(`\`\`\`mermaid\n${mermaid()}\n\`\`\``);
  for (const line of broken) console.error(`rule broken: ${line}`);
  if (broken.length > 0) process.exitCode = 1;
  else if (process.argv.includes('--check')) console.log('import rules: all kept');
}
