/**
 * Runs provision resource tasks in-process, for unit tests of any task file:
 *
 *   const { sandbox, clients } = await makeSandbox();
 *   const h = makeTaskContext({ config: testConfig(), clients, clock: sandbox.clock });
 *   await applyTasks(h, networkTasks(h.config));
 *   const again = makeTaskContext({ ...same options, state: h.state });  // a resumed run
 *
 * The StepContext is the engine's own (`createStepContext`) over an in-memory state, so
 * checkpoints, idempotency tokens, recorded resources and the dry-run guard behave as in
 * a real run. With aws-sdk-client-mock, pass `createAwsClients({ region, dryRun: false })`
 * and `instantClock()`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { AwsRuntime } from '../../../src/aws/runtime.js';
import { sandboxSurroundings } from '../../../src/aws/sandbox/surroundings.js';
import type { Clock } from '../../../src/clock.js';
import { migrationConfigSchema, type MigrationConfig, type MigrationConfigInput } from '../../../src/config/schema.js';
import { createStepContext } from '../../../src/engine/context.js';
import { createEffects } from '../../../src/engine/effects.js';
import type { StepContext } from '../../../src/engine/step.js';
import { STATE_SCHEMA_VERSION, type StateFile } from '../../../src/state/types.js';
import type { IoHost } from '../../../src/ui/io-host.js';
import { taskContext } from '../../../src/engine/resources/context.js';
import { destroyComplete, destroyResources, destroyTargets } from '../../../src/engine/resources/destroy.js';
import { applyGraph } from '../../../src/engine/resources/graph.js';
import { graphHooks } from '../../../src/engine/resources/record.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../../src/engine/resources/task.js';
import { TestIoHost } from '../../helpers/test-io-host.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A valid config (project `shop`, MySQL source at 10.20.0.5, sandbox mode) with overrides per section. */
export function testConfig(overrides: DeepPartial<MigrationConfigInput> = {}): MigrationConfig {
  const base: Record<string, Record<string, unknown>> = {
    project: { name: 'shop' },
    aws: { region: 'us-east-1', mode: 'sandbox' },
    source: { engine: 'mysql', host: '10.20.0.5', user: 'dms', databases: ['shop'], passwordEnv: 'SRC_PW' },
  };
  const input: Record<string, unknown> = { ...base };
  for (const [section, value] of Object.entries(overrides)) {
    input[section] = { ...(base[section] ?? {}), ...(value as Record<string, unknown>) };
  }
  return migrationConfigSchema.parse(input);
}

export function emptyState(project = 'shop', lineage = 'test-lineage'): StateFile {
  const now = new Date(0).toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    lineage,
    serial: 0,
    toolVersion: 'test',
    project,
    configHash: 'test',
    createdAt: now,
    updatedAt: now,
    steps: {},
    resources: {},
    acceptedRisks: [],
  };
}

/** A clock whose sleeps return at once (moving its time), for tests without a sandbox. */
export function instantClock(start = Date.UTC(2025, 0, 6, 9)): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      now += ms;
    },
  };
}

export interface HarnessOptions {
  config: MigrationConfig;
  clients: AwsClients;
  clock?: Clock;
  io?: IoHost;
  dryRun?: boolean;
  /** Pass the state of an earlier harness to simulate a resumed run. */
  state?: StateFile;
  signal?: AbortSignal;
  stepId?: string;
}

export interface Harness {
  config: MigrationConfig;
  state: StateFile;
  step: StepContext;
  t: TaskContext;
  /** What this run found or made (the task context's ids come from here first). */
  found: Map<string, FoundResource>;
  io: IoHost;
}

export function makeTaskContext(opts: HarnessOptions): Harness {
  const state = opts.state ?? emptyState(opts.config.project.name);
  const clock = opts.clock ?? instantClock();
  const io = opts.io ?? new TestIoHost({ interactive: false, assumeYes: true });
  const runtime: AwsRuntime = {
    mode: 'sandbox',
    region: opts.clients.region,
    clock,
    surroundings: sandboxSurroundings(opts.config),
    clients: () => opts.clients,
    close: async () => undefined,
  };
  const step = createStepContext(
    {
      project: opts.config.project.name,
      config: opts.config,
      configPath: 'promigrate.yaml',
      store: {
        get data() {
          return state;
        },
        stateDir: join(tmpdir(), 'promigrate-task-harness'),
        update: async (mutate) => {
          await mutate(state);
          state.serial++;
        },
      },
      io,
      clock,
      aws: runtime,
      effects: createEffects({ planMode: opts.dryRun ?? false }),
      dryRun: opts.dryRun ?? false,
      signal: opts.signal ?? new AbortController().signal,
    },
    opts.stepId ?? 'provision',
  );
  const found = new Map<string, FoundResource>();
  return { config: opts.config, state, step, t: taskContext(step, found), found, io };
}

/** Tasks that apply to the config, as the provision step filters them. */
export const enabledTasks = (tasks: ResourceTask[], config: MigrationConfig): ResourceTask[] =>
  tasks.filter((task) => task.enabled?.(config) ?? true);

/** applyGraph with the provision step's own hooks: every resource recorded in state at once. */
export async function applyTasks(h: Harness, tasks: ResourceTask[]): Promise<Map<string, FoundResource>> {
  return applyGraph(enabledTasks(tasks, h.config), h.t, graphHooks(h.step, 'provision.resource', h.found));
}

/**
 * Destroy as the engine does it (destroyTargets + destroyResources): every non-adopted
 * resource from state plus every one findAll() sweeps up, deleted in reverse dependency
 * order. Returns the ids destroyed.
 */
export async function destroyTasks(h: Harness, tasks: ResourceTask[]): Promise<string[]> {
  const { targets, notInventoried } = await destroyTargets(h.t, tasks);
  const outcome = await destroyResources(h.t, tasks, targets, notInventoried);
  if (notInventoried.length > 0 || !destroyComplete(outcome)) {
    const { deleted: _deleted, ...left } = outcome;
    throw new Error(`destroy left resources behind: ${JSON.stringify({ notInventoried, ...left })}`);
  }
  return targets.map((x) => x.id);
}

/** Thrown by `crashAfter` clients: stands for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash (kill -9)');
    this.name = 'SimulatedCrash';
  }
}

const READS = ['Describe', 'List', 'Get', 'Test'];

/**
 * Clients that "die" right after the `n`th mutating call has been applied: that call and
 * every later one throw SimulatedCrash, as if the process had been killed between an AWS
 * call and the state write that should follow it.
 */
export function crashAfter(clients: AwsClients, n: number): AwsClients {
  let count = 0;
  let dead = false;
  const wrap = <C extends object>(client: C): C =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'send' || typeof value !== 'function') return value;
        return async (command: object, ...rest: unknown[]) => {
          if (dead) throw new SimulatedCrash();
          const out = await (value as (...a: unknown[]) => Promise<unknown>).call(target, command, ...rest);
          const operation = command.constructor.name.replace(/Command$/, '');
          if (!READS.some((p) => operation.startsWith(p)) && ++count >= n) {
            dead = true;
            throw new SimulatedCrash();
          }
          return out;
        };
      },
    });
  const lazy = <K extends 'ec2' | 'rds' | 'dms' | 'route53' | 'sts' | 'secretsManager' | 'cloudwatch' | 'iam' | 'instanceConnect' | 'elbv2' | 'autoscaling' | 'acm' | 'sns' | 'ssm'>(key: K) =>
    clients[key].then((c) => wrap(c)) as AwsClients[K];
  return {
    region: clients.region,
    get ec2() { return lazy('ec2'); },
    get rds() { return lazy('rds'); },
    get dms() { return lazy('dms'); },
    get route53() { return lazy('route53'); },
    get sts() { return lazy('sts'); },
    get instanceConnect() { return lazy('instanceConnect'); },
    get elbv2() { return lazy('elbv2'); },
    get autoscaling() { return lazy('autoscaling'); },
    get acm() { return lazy('acm'); },
    get sns() { return lazy('sns'); },
    get ssm() { return lazy('ssm'); },
    get secretsManager() { return lazy('secretsManager'); },
    get cloudwatch() { return lazy('cloudwatch'); },
    get iam() { return lazy('iam'); },
    destroy: () => clients.destroy(),
  };
}
