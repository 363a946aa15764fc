/**
 * Hand-written structural check of a schema-current state document (no zod: `status` reads
 * state and must start fast). Returns the first problem as `field.path: what is wrong`.
 */
import { STATE_SCHEMA_VERSION, STEP_STATUSES, type StateFile } from './types.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

class Problem extends Error {}

function fail(path: string, expected: string, got: unknown): never {
  throw new Problem(`${path}: expected ${expected}, got ${show(got)}`);
}

function str(o: Obj, key: string, path: string, optional = false): void {
  const v = o[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'string') fail(`${path}${key}`, 'a string', v);
}

function obj(o: Obj, key: string, path: string): Obj {
  const v = o[key];
  if (!isObject(v)) fail(`${path}${key}`, 'an object', v);
  return v;
}

function checkStep(s: unknown, path: string): void {
  if (!isObject(s)) fail(path, 'an object', s);
  const p = `${path}.`;
  if (!(STEP_STATUSES as readonly unknown[]).includes(s.status)) fail(`${p}status`, `one of ${STEP_STATUSES.join('|')}`, s.status);
  if (!Number.isInteger(s.attempt) || (s.attempt as number) < 0) fail(`${p}attempt`, 'a whole number ≥ 0', s.attempt);
  str(s, 'startedAt', p, true);
  str(s, 'finishedAt', p, true);
  obj(s, 'outputs', p);
  obj(s, 'checkpoints', p);
  if (s.error !== undefined) {
    const e = obj(s, 'error', p);
    str(e, 'message', `${p}error.`);
    str(e, 'code', `${p}error.`, true);
    str(e, 'at', `${p}error.`);
  }
}

function checkResource(r: unknown, path: string): void {
  if (!isObject(r)) fail(path, 'an object', r);
  const p = `${path}.`;
  for (const key of ['type', 'id', 'region', 'createdAt', 'step']) str(r, key, p);
  str(r, 'arn', p, true);
  if (r.adopted !== undefined && typeof r.adopted !== 'boolean') fail(`${p}adopted`, 'true or false', r.adopted);
}

/** Undefined when `doc` is a valid schema-current StateFile, else the first problem found. */
export function findStateProblem(doc: unknown): string | undefined {
  try {
    if (!isObject(doc)) fail('(top level)', 'an object', doc);
    if (doc.schemaVersion !== STATE_SCHEMA_VERSION) fail('schemaVersion', String(STATE_SCHEMA_VERSION), doc.schemaVersion);
    for (const key of ['lineage', 'toolVersion', 'project', 'configHash', 'createdAt', 'updatedAt']) str(doc, key, '');
    if (!Number.isInteger(doc.serial) || (doc.serial as number) < 0) fail('serial', 'a whole number ≥ 0', doc.serial);
    for (const [id, s] of Object.entries(obj(doc, 'steps', ''))) checkStep(s, `steps.${id}`);
    for (const [key, r] of Object.entries(obj(doc, 'resources', ''))) checkResource(r, `resources.${key}`);
    const risks = doc.acceptedRisks;
    if (!Array.isArray(risks)) fail('acceptedRisks', 'a list', risks);
    risks.forEach((r, i) => typeof r !== 'string' && fail(`acceptedRisks[${i}]`, 'a string', r));
    if (doc.hostKeys !== undefined) {
      for (const [id, pin] of Object.entries(obj(doc, 'hostKeys', ''))) {
        if (!isObject(pin)) fail(`hostKeys.${id}`, 'an object', pin);
        for (const key of ['fingerprint', 'algorithm', 'pinnedAt']) str(pin, key, `hostKeys.${id}.`);
      }
    }
    return undefined;
  } catch (err) {
    if (err instanceof Problem) return err.message;
    throw err;
  }
}

export function isStateFile(doc: unknown): doc is StateFile {
  return findStateProblem(doc) === undefined;
}
