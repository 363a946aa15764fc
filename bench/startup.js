// Start-up benchmark: median wall time of `node -e 0`, `promigrate --version` and
// `promigrate status` (with a state file present), measured in the same run; prints the
// ratios against `node -e 0`. Bar: both ≤ 1.3×.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/promigrate.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 25);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

export function benchStartup() {
  const cwd = mkdtempSync(join(tmpdir(), 'promigrate-bench-'));
  try {
    mkdirSync(join(cwd, '.promigrate'));
    const now = new Date().toISOString();
    const steps = Object.fromEntries(
      ['assess', 'provision', 'sync', 'cutover', 'verify'].map((id, i) => [
        id,
        { status: i < 2 ? 'done' : 'pending', attempt: i < 2 ? 1 : 0, outputs: {}, checkpoints: {}, ...(i < 2 ? { startedAt: now, finishedAt: now } : {}) },
      ]),
    );
    writeFileSync(
      join(cwd, '.promigrate/state.json'),
      JSON.stringify({ schemaVersion: 1, lineage: 'bench', serial: 7, toolVersion: '0.0.0', project: 'bench', configHash: 'x', createdAt: now, updatedAt: now, steps, resources: {}, acceptedRisks: [] }),
    );
    // For context: the floor any ESM entry point pays over `node -e 0` on this machine.
    writeFileSync(join(cwd, 'floor.mjs'), "process.stdout.write('0\\n');\n");
    const cases = {
      'node -e 0': ['-e', '0'],
      'trivial .mjs (floor)': [join(cwd, 'floor.mjs')],
      'promigrate --version': [BIN, '--version'],
      'promigrate status': [BIN, 'status'],
    };
    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) {
      // Interleaved so that machine noise hits every case alike.
      for (const [name, args] of Object.entries(cases)) samples[name].push(time(args, cwd));
    }
    const base = median(samples['node -e 0']);
    const rows = Object.entries(samples).map(([name, s]) => ({ name, medianMs: median(s), ratio: median(s) / base }));
    const measured = rows.filter((r) => r.name.startsWith('promigrate'));
    return { runs: RUNS, baseline: 'node -e 0', rows, bar: 1.3, pass: measured.every((r) => r.ratio <= 1.3) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export function formatStartup(r) {
  return [
    '# start-up (median wall time, measured in the same run)',
    ...r.rows.map((row) => `${row.name.padEnd(22)} ${row.medianMs.toFixed(1).padStart(7)} ms   ${row.ratio.toFixed(2)}× node -e 0`),
    `bar ≤ ${r.bar}× for --version and status: ${r.pass ? 'met' : 'NOT met'} (${r.runs} runs each)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatStartup(benchStartup()));
