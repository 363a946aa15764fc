/** The shape of `<state-dir>/state.json`, schema version 1. */
export const STATE_SCHEMA_VERSION = 1;

export const STEP_STATUSES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StepError {
  message: string;
  /** Error name or AWS error code, when known. */
  code?: string;
  at: string;
}

export interface StepState {
  status: StepStatus;
  attempt: number;
  startedAt?: string;
  finishedAt?: string;
  /** What the step produced (ids, endpoints, report paths); read by later steps. */
  outputs: Record<string, unknown>;
  /** Sub-task checkpoints, e.g. `{ "endpoints": "done", "task.startType": "start-replication" }`. */
  checkpoints: Record<string, unknown>;
  error?: StepError;
}

export interface ResourceRecord {
  type: string;
  id: string;
  arn?: string;
  region: string;
  createdAt: string;
  /** The step that created or adopted it. */
  step: string;
  /** True when the resource existed before promigrate and must never be deleted by it. */
  adopted?: boolean;
}

export interface StateFile {
  schemaVersion: typeof STATE_SCHEMA_VERSION;
  /** Random id fixed at creation; idempotency tokens derive from it. */
  lineage: string;
  /** Incremented on every write; a file on disk with a higher serial was written by someone else. */
  serial: number;
  toolVersion: string;
  project: string;
  /** sha256 of the normalised config the last run used. */
  configHash: string;
  createdAt: string;
  updatedAt: string;
  steps: Record<string, StepState>;
  resources: Record<string, ResourceRecord>;
  /** Finding ids the operator accepted with --accept-risk. */
  acceptedRisks: string[];
  /** SSH host keys of the bastion, pinned on first connection, by instance id (absent until one is). */
  hostKeys?: Record<string, { fingerprint: string; algorithm: string; pinnedAt: string }>;
}

export function emptyStepState(): StepState {
  return { status: 'pending', attempt: 0, outputs: {}, checkpoints: {} };
}
