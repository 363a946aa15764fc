/**
 * The step contract (see design.md). A step is data plus four functions; the engine owns
 * ordering, locking, state, plan mode and resume. Steps never import inquirer or ora and
 * never write state directly: they go through the StepContext.
 */
import type { AwsClients } from '../aws/clients.js';
import type { Surroundings } from '../aws/surroundings.js';
import type { HostKeyPins } from '../tunnel/host-key.js';
import type { Clock } from '../clock.js';
import type { MigrationConfig } from '../config/schema.js';
import type { ResourceRecord, StateFile, StepState } from '../state/types.js';
import type { IoHost } from '../ui/io-host.js';
import type { Effects } from './effects.js';

export type StepId = string;

/** One line of a plan: what apply would do, computed from real current data. */
export interface PlannedChange {
  action: 'create' | 'adopt' | 'update' | 'delete' | 'call' | 'wait' | 'check' | 'noop';
  /** Logical resource key or object the change is about, e.g. `network.vpc`. */
  target?: string;
  description: string;
  /** Key parameters (never secrets), e.g. the API operation and its input. */
  details?: Record<string, unknown>;
  /** A definition the operator reviews in full (e.g. DMS table mappings), printed as JSON under the line. */
  document?: unknown;
}

export interface CheckResult {
  ok: boolean;
  reason?: string;
}

export type StepOutputs = Record<string, unknown>;

export interface AuditEntryInput {
  operation: string;
  /** Key parameters of the call; never a secret. */
  params?: Record<string, unknown>;
  resultId?: string;
  outcome?: 'ok' | 'error';
  error?: string;
}

export interface StepContext {
  readonly stepId: StepId;
  readonly project: string;
  readonly config: MigrationConfig;
  readonly configPath: string;
  readonly stateDir: string;
  readonly io: IoHost;
  readonly clock: Clock;
  /**
   * AWS SDK clients (created on first use): the real account, or the sandbox — a step
   * cannot tell which. Mutating calls are audited as this step's; under --dry-run they
   * are refused before they leave the process.
   */
  readonly aws: AwsClients;
  /** Every change outside the state (a source database, a file elsewhere) goes through here; plan mode is decided there. */
  readonly effects: Effects;
  /** Name resolution, the new target's address, public DNS, the target database: built with `aws`, as real or simulated as it. */
  readonly surroundings: Surroundings;
  readonly dryRun: boolean;
  /** Options given to this step's own command (e.g. `promigrate sync --reload`); empty under `run`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted on SIGINT/SIGTERM: long waits must pass it on and stop promptly. */
  readonly signal: AbortSignal;
  /** A snapshot of the whole state as it is now. */
  state(): Readonly<StateFile>;
  /** This step's own state entry. */
  self(): Readonly<StepState>;
  /** Outputs of an earlier step (empty when it has none). */
  outputsOf(stepId: StepId): Readonly<Record<string, unknown>>;
  getCheckpoint<T = unknown>(name: string): T | undefined;
  /** Saves a sub-task checkpoint to state at once (atomic write). */
  checkpoint(name: string, value: unknown): Promise<void>;
  /**
   * Merges outputs into this step's state at once, before the step finishes. Given a function,
   * it is called with the outputs as saved when this write's turn comes (writes are queued), so
   * parallel read-modify-writes of one output (e.g. `resources`) never lose each other's part.
   */
  setOutputs(outputs: StepOutputs | ((saved: Readonly<StepOutputs>) => StepOutputs)): Promise<void>;
  resource(key: string): ResourceRecord | undefined;
  /** Records a created or adopted resource in state as soon as its id is known. */
  recordResource(
    key: string,
    resource: Omit<ResourceRecord, 'createdAt' | 'step'> & { createdAt?: string },
  ): Promise<void>;
  forgetResource(key: string): Promise<void>;
  /** Appends to `<state-dir>/audit.jsonl`. */
  audit(entry: AuditEntryInput): Promise<void>;
  /** A stable idempotency token for `key`, derived from the state's lineage. */
  idempotencyToken(key: string): string;
  /** The bastion host keys pinned in state (pinning is not saved under --dry-run). */
  readonly hostKeys: HostKeyPins;
}

export interface Step {
  readonly id: StepId;
  readonly title: string;
  readonly dependsOn: readonly StepId[];
  /** Read-only: what apply would do, with real current data. */
  plan(ctx: StepContext): Promise<PlannedChange[]>;
  /** Idempotent: running it twice creates nothing twice. */
  apply(ctx: StepContext): Promise<StepOutputs>;
  /** Post-condition: is this step's work really there? Used on resume after a crash. */
  check(ctx: StepContext): Promise<CheckResult>;
  rollback?(ctx: StepContext): Promise<void>;
}
