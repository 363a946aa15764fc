import { createHash } from 'node:crypto';
import type { AwsRuntime } from '../aws/runtime.js';
import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { MigrationConfig } from '../config/schema.js';
import { appendAudit } from '../state/audit.js';
import { effectsForStep, type Effects } from './effects.js';
import { emptyStepState, type StateFile, type StepState } from '../state/types.js';
import type { IoHost } from '../ui/io-host.js';
import type { AuditEntryInput, StepContext, StepId } from './step.js';

/** What the engine needs of a state store; a dry run without a state file uses a read-only one. */
export interface StateView {
  readonly data: Readonly<StateFile>;
  readonly stateDir: string;
  update(mutate: (draft: StateFile) => void | Promise<void>): Promise<void>;
}

export interface RunEnvironment {
  project: string;
  config: MigrationConfig;
  configPath: string;
  store: StateView;
  io: IoHost;
  clock: Clock;
  aws: AwsRuntime;
  /** Decides plan mode for the run; `dryRun` is its `planMode`. */
  effects: Effects;
  dryRun: boolean;
  signal: AbortSignal;
  /** Options the operator gave a step's own command (e.g. `sync --reload`), by step id. */
  stepOptions?: Record<StepId, Readonly<Record<string, unknown>>>;
}

/**
 * Every write a step makes goes through here and reaches disk before the call returns,
 * so a crash right after `recordResource` or `checkpoint` loses nothing.
 */
export function createStepContext(env: RunEnvironment, stepId: StepId): StepContext {
  const { store } = env;
  const own = (draft: StateFile): StepState => (draft.steps[stepId] ??= emptyStepState());
  const guardDryRun = (what: string): void => {
    if (env.effects.planMode) throw new Error(`internal error: step "${stepId}" tried to ${what} in plan mode`);
  };

  let clients: AwsClients | undefined;
  return {
    stepId,
    project: env.project,
    config: env.config,
    configPath: env.configPath,
    stateDir: store.stateDir,
    io: env.io,
    clock: env.clock,
    get aws() {
      return (clients ??= env.aws.clients(stepId));
    },
    effects: effectsForStep(env.effects, stepId),
    surroundings: env.aws.surroundings,
    dryRun: env.effects.planMode,
    signal: env.signal,
    options: env.stepOptions?.[stepId] ?? {},
    state: () => store.data,
    self: () => store.data.steps[stepId] ?? emptyStepState(),
    outputsOf: (id) => store.data.steps[id]?.outputs ?? {},
    getCheckpoint: <T>(name: string) => store.data.steps[stepId]?.checkpoints[name] as T | undefined,
    checkpoint: async (name, value) => {
      guardDryRun(`checkpoint "${name}"`);
      await store.update((draft) => {
        own(draft).checkpoints[name] = value;
      });
    },
    setOutputs: async (outputs) => {
      guardDryRun('save outputs');
      await store.update((draft) => {
        const entry = own(draft);
        Object.assign(entry.outputs, typeof outputs === 'function' ? outputs(entry.outputs) : outputs);
      });
    },
    resource: (key) => store.data.resources[key],
    recordResource: async (key, resource) => {
      guardDryRun(`record resource "${key}"`);
      await store.update((draft) => {
        draft.resources[key] = {
          ...resource,
          step: stepId,
          createdAt: resource.createdAt ?? new Date(env.clock.now()).toISOString(),
        };
      });
    },
    forgetResource: async (key) => {
      guardDryRun(`forget resource "${key}"`);
      await store.update((draft) => {
        delete draft.resources[key];
      });
    },
    audit: async (entry: AuditEntryInput) => {
      guardDryRun(`audit ${entry.operation}`);
      await appendAudit(store.stateDir, {
        // Wall time, not the (possibly simulated) clock: an audit log records when it happened.
        time: new Date().toISOString(),
        step: stepId,
        outcome: entry.outcome ?? 'ok',
        ...entry,
      });
    },
    idempotencyToken: (key) => idempotencyToken(store.data.lineage, key),
    hostKeys: {
      get: (instanceId) => store.data.hostKeys?.[instanceId],
      pin: async (instanceId, pin) => {
        if (env.effects.planMode) return;
        await store.update((draft) => {
          (draft.hostKeys ??= {})[instanceId] = pin;
        });
      },
    },
  };
}

/**
 * Stable per state lineage and logical key: a retried create after a crash sends the same
 * token, so AWS returns the resource it already made instead of a second one. 32 hex
 * characters fit every API's limit (EC2 ClientToken ≤ 64, Route 53 CallerReference ≤ 128).
 */
export function idempotencyToken(lineage: string, key: string): string {
  return createHash('sha256').update(`${lineage}:${key}`).digest('hex').slice(0, 32);
}
