/**
 * Fault injection for reliability tests, configured by environment variables:
 *
 *   PROMIGRATE_SANDBOX_SEED=42
 *       Seeds the fault PRNG (and the ids of a new world). Same seed + same calls = same faults.
 *       Default: the world's own seed.
 *   PROMIGRATE_SANDBOX_THROTTLE=0.2
 *       Probability (0–1) that any call, reads included, fails with the service's throttling
 *       error — EC2 `RequestLimitExceeded` (HTTP 503); RDS, Route 53 and STS `Throttling`
 *       (400); DMS and Secrets Manager `ThrottlingException` (400). The SDK retries these.
 *       Injected throttling is transient: the same request (operation and input) is throttled
 *       at most MAX_THROTTLE_STREAK times in a row, so the SDK's retries always get it
 *       through. Each request draws from its own seeded sequence, so which calls are throttled
 *       does not depend on how parallel calls happen to interleave.
 *   PROMIGRATE_SANDBOX_FAIL=Operation:count:ErrorName[,…]
 *       The named operation fails `count` times with `ErrorName`, then succeeds. The operation
 *       may be qualified with its service (`ec2:CreateVpc:1:InternalError`). Names containing
 *       Internal/Unavailable fail as server errors (HTTP 500/503), the SDK's throttling names
 *       as throttling, anything else as a client error (400).
 *   PROMIGRATE_SANDBOX_CRASH_AFTER=N
 *       Right after the Nth mutating call of this process has been applied and the world
 *       saved, the process SIGKILLs itself.
 *
 * Counters (FAIL counts, CRASH_AFTER) are per process: a resumed run starts counting again,
 * so a harness sets CRASH_AFTER only on the run it wants killed. The world keeps the total
 * of mutating calls over all runs in `faults.mutatingCalls`, which a harness can read to
 * choose crash points. Failed calls (injected or real) have no effect and are not counted.
 * Mutating = operation name not starting with Describe, List, Get or Test.
 */
import { UsageError } from '../../errors.js';
import { THROTTLING_ERROR_NAMES } from '../errors.js';
import { SimError } from './errors.js';
import type { ServiceName } from './types.js';

export interface FailRule {
  service?: ServiceName;
  operation: string;
  count: number;
  error: string;
}

export interface FaultConfig {
  seed?: number;
  throttle?: number;
  fail?: FailRule[];
  crashAfter?: number;
}

export const THROTTLING_ERRORS: Record<ServiceName, { name: string; httpStatusCode: number; message: string }> = {
  ec2: { name: 'RequestLimitExceeded', httpStatusCode: 503, message: 'Request limit exceeded.' },
  rds: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  route53: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  sts: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  dms: { name: 'ThrottlingException', httpStatusCode: 400, message: 'Rate exceeded' },
  secretsmanager: { name: 'ThrottlingException', httpStatusCode: 400, message: 'Rate exceeded' },
  cloudwatch: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  iam: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  // EC2 Instance Connect API reference, Errors: ThrottlingException, HTTP 400.
  'ec2-instance-connect': { name: 'ThrottlingException', httpStatusCode: 400, message: 'The requests were made too frequently and have been throttled.' },
  // The query APIs (ELBv2, Auto Scaling, SNS) throttle as `Throttling`; ACM and SSM (JSON) as ThrottlingException.
  elbv2: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  autoscaling: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  sns: { name: 'Throttling', httpStatusCode: 400, message: 'Rate exceeded' },
  acm: { name: 'ThrottlingException', httpStatusCode: 400, message: 'Rate exceeded' },
  ssm: { name: 'ThrottlingException', httpStatusCode: 400, message: 'Rate exceeded' },
};

const SERVICES: readonly ServiceName[] = ['ec2', 'rds', 'dms', 'route53', 'sts', 'secretsmanager', 'iam', 'ec2-instance-connect', 'elbv2', 'autoscaling', 'acm', 'sns', 'ssm'];

/** Reads PROMIGRATE_SANDBOX_*; a malformed value is a usage error naming the variable. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultConfig {
  const config: FaultConfig = {};
  const seed = env.PROMIGRATE_SANDBOX_SEED;
  if (seed !== undefined && seed !== '') config.seed = parseIntVar('PROMIGRATE_SANDBOX_SEED', seed);
  const throttle = env.PROMIGRATE_SANDBOX_THROTTLE;
  if (throttle !== undefined && throttle !== '') {
    const p = Number(throttle);
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new UsageError(`PROMIGRATE_SANDBOX_THROTTLE must be a probability between 0 and 1, not "${throttle}".`);
    }
    config.throttle = p;
  }
  const fail = env.PROMIGRATE_SANDBOX_FAIL;
  if (fail !== undefined && fail.trim() !== '') config.fail = fail.split(',').map((s) => parseFailRule(s.trim()));
  const crash = env.PROMIGRATE_SANDBOX_CRASH_AFTER;
  if (crash !== undefined && crash !== '') {
    const n = parseIntVar('PROMIGRATE_SANDBOX_CRASH_AFTER', crash);
    if (n < 1) throw new UsageError(`PROMIGRATE_SANDBOX_CRASH_AFTER must be 1 or more, not "${crash}".`);
    config.crashAfter = n;
  }
  return config;
}

function parseIntVar(name: string, value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${name} must be an integer, not "${value}".`);
  return Number.parseInt(value, 10);
}

export function parseFailRule(text: string): FailRule {
  const parts = text.split(':');
  const usage = `PROMIGRATE_SANDBOX_FAIL entries look like Operation:count:ErrorName (e.g. CreateVpc:2:InternalError), not "${text}".`;
  let service: ServiceName | undefined;
  if (parts.length === 4) {
    const s = parts.shift()!.toLowerCase();
    if (!SERVICES.includes(s as ServiceName)) throw new UsageError(`${usage} Unknown service "${s}".`);
    service = s as ServiceName;
  }
  if (parts.length !== 3) throw new UsageError(usage);
  const [operation, count, error] = parts as [string, string, string];
  if (!/^[A-Z][A-Za-z0-9]+$/.test(operation) || !/^\d+$/.test(count) || !/^[A-Za-z][\w.]*$/.test(error)) {
    throw new UsageError(usage);
  }
  return { ...(service ? { service } : {}), operation, count: Number(count), error };
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Throttles in a row for one request, at most: fewer than the SDK's default 3 attempts. */
export const MAX_THROTTLE_STREAK = 2;

/** FNV-1a: a request's key → a 32-bit seed offset. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class FaultInjector {
  private readonly seed: number;
  private readonly remaining: FailRule[];
  /** Per request key: its own random sequence and its current run of throttles. */
  private readonly requests = new Map<string, { random: () => number; streak: number }>();
  private mutations = 0;

  constructor(
    readonly config: FaultConfig,
    fallbackSeed: number,
  ) {
    this.seed = config.seed ?? fallbackSeed;
    this.remaining = (config.fail ?? []).map((r) => ({ ...r }));
  }

  private throttles(key: string, p: number): boolean {
    let r = this.requests.get(key);
    if (!r) {
      r = { random: mulberry32((this.seed ^ hash32(key)) >>> 0), streak: 0 };
      this.requests.set(key, r);
    }
    if (r.streak < MAX_THROTTLE_STREAK && r.random() < p) {
      r.streak++;
      return true;
    }
    r.streak = 0;
    return false;
  }

  /** The error to throw instead of running this call, if any. Consumes FAIL counts. */
  beforeCall(service: ServiceName, operation: string, input?: unknown): SimError | undefined {
    const rule = this.remaining.find(
      (r) => r.count > 0 && r.operation === operation && (r.service === undefined || r.service === service),
    );
    if (rule) {
      rule.count--;
      return injectedError(rule.error, operation);
    }
    const p = this.config.throttle ?? 0;
    if (p > 0 && this.throttles(`${service}:${operation}:${JSON.stringify(input ?? {})}`, p)) {
      const t = THROTTLING_ERRORS[service];
      return new SimError(t.name, t.message, {
        httpStatusCode: t.httpStatusCode,
        fault: t.httpStatusCode >= 500 ? 'server' : 'client',
        throttling: true,
      });
    }
    return undefined;
  }

  /** Counts an applied mutating call; true when this process must now crash. */
  countMutation(): boolean {
    this.mutations++;
    return this.config.crashAfter !== undefined && this.mutations === this.config.crashAfter;
  }

  get mutatingCallsThisProcess(): number {
    return this.mutations;
  }
}

function injectedError(name: string, operation: string): SimError {
  const message = `Injected failure of ${operation} (PROMIGRATE_SANDBOX_FAIL).`;
  if (THROTTLING_ERROR_NAMES.has(name)) return new SimError(name, message, { throttling: true });
  if (/Unavailable/i.test(name)) return new SimError(name, message, { fault: 'server', httpStatusCode: 503 });
  if (/Internal/i.test(name)) return new SimError(name, message, { fault: 'server', httpStatusCode: 500 });
  return new SimError(name, message);
}
