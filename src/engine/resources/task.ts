/**
 * A step that owns AWS resources (provision, sync) is a graph of resource tasks. Each task
 * owns one logical resource (a state key such as `network.vpc`) and knows how to find it in AWS (by promigrate tags, a
 * deterministic name, or an adopted id), create it (with tags, and an idempotency token
 * where the API has one), wait for it, and delete it. The runner checkpoints every id the
 * moment it is known, so a crash between a create call and the state write is healed on
 * resume by `find()`, never by creating again.
 */
import type { ConfigChoice } from '../../aws/refusals.js';
import type { AwsTag } from '../../aws/tags.js';
import type { MigrationConfig } from '../../config/schema.js';
import type { StepContext } from '../step.js';

export interface FoundResource {
  id: string;
  arn?: string;
  /** Existed before promigrate (configured id): never deleted by destroy. */
  adopted?: boolean;
  /** Values later tasks need (endpoint, port, subnet ids …); saved in the step's outputs. */
  outputs?: Record<string, unknown>;
}

/** One AWS call as the plan shows it. */
export interface PlannedCall {
  operation: string;
  params: Record<string, unknown>;
}

export interface TaskContext {
  step: StepContext;
  config: MigrationConfig;
  project: string;
  /** Tags for a resource created under `key`. */
  tags(key: string, name?: string): AwsTag[];
  /** The id of a resource an earlier task made or found; in a plan, `<key>` if not there yet. */
  id(key: string): string;
  /** Outputs an earlier task produced (see FoundResource.outputs). */
  outputs(key: string): Record<string, unknown>;
  /** The idempotency token for `key`, checkpointed in state before it is first used. */
  token(key: string): Promise<string>;
}

/** How a refused create names the resource, and the config choices behind it (aws/refusals.ts). */
export interface ResourceIdentity {
  /** e.g. `RDS instance` (default: the task's title). */
  noun?: string;
  /** The deterministic name, when the resource has one. */
  name?: string;
  engine?: string;
  instanceClass?: ConfigChoice;
  engineVersion?: ConfigChoice;
}

export interface ResourceTask {
  key: string;
  /** e.g. `ec2:vpc`, `rds:db-instance`. */
  type: string;
  title: string;
  dependsOn: string[];
  /** Read-only: the resource if it exists (by tag, name or configured id). */
  find(t: TaskContext): Promise<FoundResource | undefined>;
  /** The calls create() would make, for `--dry-run`. */
  planCreate(t: TaskContext): PlannedCall[];
  create(t: TaskContext): Promise<FoundResource>;
  /** Until the resource is usable (e.g. RDS `available`); returns fresh outputs. */
  waitReady?(t: TaskContext, found: FoundResource): Promise<Record<string, unknown> | void>;
  /** Deletes a resource this project created, waiting until it is gone. */
  destroy?(t: TaskContext, id: string): Promise<void>;
  /** A task that does not apply to this config (e.g. no bastion) is left out. */
  enabled?(config: MigrationConfig): boolean;
  /**
   * Destroy's sweep: every resource of this task's kind carrying this project's tags (or
   * its deterministic name), including orphans a crash left out of state.
   */
  findAll?(t: TaskContext): Promise<FoundResource[]>;
  /** For an AWS refusal of create(): which resource, built from which config values. */
  identify?(t: TaskContext): ResourceIdentity;
}
