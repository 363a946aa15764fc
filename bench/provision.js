// Provision against the sandbox with realistic simulated durations (RDS Multi-AZ ~18 min,
// DMS instance ~7 min, NAT ~2 min): simulated wall time against the critical path — the
// longest chain of dependent tasks, each weighted by its own simulated duration — and
// describe calls per waited resource-minute. Bar: ≤ 1.05× the critical path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseConfigText } from '../dist/config/load.js';
import { openAwsRuntime } from '../dist/aws/runtime.js';
import { createStepContext } from '../dist/engine/context.js';
import { createEffects } from '../dist/engine/effects.js';
import { applyGraph } from '../dist/engine/resources/graph.js';
import { taskContext } from '../dist/engine/resources/context.js';
import { provisionTasks } from '../dist/steps/provision/tasks.js';
import { PlainIoHost } from '../dist/ui/plain-host.js';
import { readAudit } from '../dist/state/audit.js';

const MIN = 60_000;
const CONFIG = `project: { name: bench }
aws: { mode: sandbox, region: us-east-1 }
source: { engine: mysql, host: 10.1.2.3, user: dms, databases: [shop], passwordEnv: SRC_PW }
target: { multiAz: true }
network: { natGateways: per-az }
`;

function memoryStore(stateDir) {
  let data = { schemaVersion: 1, lineage: randomUUID(), serial: 0, toolVersion: 'bench', project: 'bench', configHash: 'x', createdAt: '', updatedAt: '', steps: {}, resources: {}, acceptedRisks: [] };
  return {
    stateDir,
    get data() { return data; },
    async update(mutate) { const draft = structuredClone(data); await mutate(draft); draft.serial += 1; data = draft; },
  };
}

export async function benchProvision() {
  const stateDir = mkdtempSync(join(tmpdir(), 'promigrate-bench-prov-'));
  try {
    const config = parseConfigText(CONFIG, 'bench.yaml', 'yaml');
    const aws = await openAwsRuntime({ config, stateDir, dryRun: false, warn: () => undefined });
    const sink = { write: () => true };
    const io = new PlainIoHost({ streams: { stdin: process.stdin, stdout: sink, stderr: sink }, assumeYes: true, verbose: false });
    const ctx = createStepContext({ project: 'bench', config, configPath: 'bench.yaml', store: memoryStore(stateDir), io, clock: aws.clock, aws, dryRun: false, effects: createEffects({ planMode: false, stateDir }), signal: new AbortController().signal }, 'provision');
    const tasks = provisionTasks(config).filter((t) => t.enabled?.(config) ?? true);
    const span = new Map();
    const start = aws.clock.now();
    const realStart = performance.now();
    let describes = 0;
    for (const service of ['ec2', 'rds', 'dms', 'secretsManager', 'sts']) {
      (await ctx.aws[service]).middlewareStack.add(
        (next, context) => async (args) => {
          if (/^(Describe|List|Get)/.test(context.commandName ?? '')) describes += 1;
          return next(args);
        },
        { step: 'initialize', name: 'benchCountReads' },
      );
    }
    const found = new Map();
    await applyGraph(tasks, taskContext(ctx, found), {
      now: () => aws.clock.now(),
      record: async (task, resource) => void found.set(task.key, resource),
      progress: (task, status) => {
        const s = span.get(task.key) ?? { start: aws.clock.now() };
        if (status === 'ready') s.end = aws.clock.now();
        span.set(task.key, s);
      },
    });
    const wall = aws.clock.now() - start;
    const realMs = performance.now() - realStart;
    // Critical path: longest chain, each task weighted by its own duration.
    const memo = new Map();
    const byKey = new Map(tasks.map((t) => [t.key, t]));
    const finish = (key) => {
      if (memo.has(key)) return memo.get(key);
      const task = byKey.get(key);
      const own = span.get(key).end - span.get(key).start;
      const value = own + Math.max(0, ...task.dependsOn.filter((d) => byKey.has(d)).map(finish));
      memo.set(key, value);
      return value;
    };
    const critical = Math.max(...tasks.map((t) => finish(t.key)));
    const waitedMinutes = [...span.values()].reduce((n, s) => n + (s.end - s.start), 0) / MIN;
    const calls = await readAudit(stateDir);
    aws.close && (await aws.close());
    return { wall, critical, ratio: wall / critical, realMs, tasks: tasks.length, mutating: calls.length, waitedMinutes, describes, describesPerMinute: describes / waitedMinutes };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export function formatProvision(r) {
  return [
    '# provision against the sandbox (Multi-AZ RDS, NAT per AZ, DMS instance)',
    `simulated wall time     ${(r.wall / MIN).toFixed(2)} min vs critical path ${(r.critical / MIN).toFixed(2)} min = ${r.ratio.toFixed(3)}× (bar ≤ 1.05×: ${r.ratio <= 1.05 ? 'met' : 'NOT met'})`,
    `resources               ${r.tasks} tasks, ${r.mutating} mutating calls, ${r.waitedMinutes.toFixed(1)} resource-minutes waited in parallel`,
    `describe calls          ${r.describes} = ${r.describesPerMinute.toFixed(2)} per waited resource-minute`,
    `real time               ${r.realMs.toFixed(0)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatProvision(await benchProvision()));
