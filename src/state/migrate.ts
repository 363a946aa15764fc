/**
 * Schema migrations: a chain of pure functions, migration N takes a schema-N document to
 * schema N+1. The reader validates only the final shape, so each function may assume its
 * input has the shape of its own version (they are only ever fed files we once wrote).
 * Adding schema 2: write `v1ToV2`, register it under 1, bump STATE_SCHEMA_VERSION.
 */
import { STATE_SCHEMA_VERSION, type ResourceRecord, type StateFile, type StepState } from './types.js';

/** Schema 0 (promigrate before 0.1): resources were a list, no checkpoints, no accepted risks, errors were strings. */
export interface StateFileV0 {
  schemaVersion: 0;
  lineage: string;
  serial: number;
  toolVersion: string;
  project: string;
  configHash: string;
  createdAt: string;
  updatedAt: string;
  steps: Record<
    string,
    {
      status: StepState['status'];
      attempt: number;
      startedAt?: string;
      finishedAt?: string;
      outputs: Record<string, unknown>;
      error?: string;
    }
  >;
  resources: Array<Omit<ResourceRecord, 'step'> & { key: string; step?: string }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each migration knows its own input shape
type Migration = (doc: any) => unknown;

export function v0ToV1(v0: StateFileV0): StateFile {
  const steps: Record<string, StepState> = {};
  for (const [id, s] of Object.entries(v0.steps ?? {})) {
    const step: StepState = {
      status: s.status,
      attempt: s.attempt,
      outputs: s.outputs ?? {},
      checkpoints: {},
    };
    if (s.startedAt !== undefined) step.startedAt = s.startedAt;
    if (s.finishedAt !== undefined) step.finishedAt = s.finishedAt;
    if (s.error !== undefined) step.error = { message: s.error, at: s.finishedAt ?? v0.updatedAt };
    steps[id] = step;
  }
  const resources: Record<string, ResourceRecord> = {};
  for (const { key, ...r } of v0.resources ?? []) {
    // v0 did not record the owning step; the key's first segment was the step by convention (`provision.vpc`).
    resources[key] = { ...r, step: r.step ?? key.split('.')[0] ?? 'unknown' };
  }
  return {
    schemaVersion: 1,
    lineage: v0.lineage,
    serial: v0.serial,
    toolVersion: v0.toolVersion,
    project: v0.project,
    configHash: v0.configHash,
    createdAt: v0.createdAt,
    updatedAt: v0.updatedAt,
    steps,
    resources,
    acceptedRisks: [],
  };
}

/** MIGRATIONS[n] turns a schema-n document into schema n+1. */
const MIGRATIONS: Record<number, Migration> = {
  0: v0ToV1,
};

/** The oldest schema this build can still read. */
export const OLDEST_READABLE_SCHEMA = 0;

/** Runs every migration from `fromVersion` up to the current schema; pure (the input is not modified). */
export function migrateState(doc: unknown, fromVersion: number): unknown {
  let current = structuredClone(doc);
  for (let v = fromVersion; v < STATE_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no state migration from schema ${v} to ${v + 1}`);
    current = step(current);
  }
  return current;
}
