/**
 * A minimal SimContext for calling simulator handlers directly: a clock the test advances,
 * Map-backed slices (which `reload()` round-trips through JSON, as the persisted world
 * does) and deterministic ids.
 */
import { expect } from 'vitest';
import { SimError } from '../../../src/aws/sandbox/errors.js';
import { iamSimulator } from '../../../src/aws/sandbox/services/iam.js';
import { dmsTrustPolicy } from '../../../src/aws/dms/service-roles.js';
import type { ServiceSimulator, SimContext, SimDurations, SimHooks } from '../../../src/aws/sandbox/types.js';

const MINUTE = 60_000;

export const TEST_DURATIONS: SimDurations = {
  rdsCreate: 12 * MINUTE,
  rdsCreateMultiAz: 18 * MINUTE,
  rdsDelete: 6 * MINUTE,
  rdsModify: 5 * MINUTE,
  dmsInstanceCreate: 7 * MINUTE,
  dmsInstanceDelete: 3 * MINUTE,
  dmsTaskCreate: MINUTE,
  dmsTaskStart: MINUTE,
  dmsTestConnection: 30_000,
  dmsFullLoadRowsPerSecond: 1000,
  route53Propagation: 45_000,
  ec2InstanceStart: 40_000,
  natGatewayCreate: 2 * MINUTE,
  acmResourceRecord: 5_000,
  acmDnsValidation: 3 * MINUTE,
  cloudwatchAlarmEvaluation: MINUTE,
  elbProvision: 3 * MINUTE,
};

export interface TestSim {
  ctx: SimContext;
  advance(ms: number): void;
  /** Calls `sim[operation](input, ctx)`, as the middleware would. */
  call<T = any>(sim: ServiceSimulator, operation: string, input?: Record<string, unknown>): T;
  /** Replaces every slice by its JSON round-trip (a saved and reloaded world). */
  reload(): void;
  slices: Map<string, object>;
}

export function makeSim(opts: { hooks?: SimHooks; durations?: Partial<SimDurations>; region?: string } = {}): TestSim {
  let now = Date.UTC(2025, 0, 6, 9);
  let counter = 0;
  const slices = new Map<string, object>();
  const ctx: SimContext = {
    now: () => now,
    region: opts.region ?? 'us-east-1',
    accountId: '123456789012',
    newId: (prefix, hexLength = 17) => `${prefix}${(++counter * 2654435761).toString(16).padStart(hexLength, '0').slice(-hexLength)}`,
    slice: <T extends object>(service: string, init: () => T): T => {
      if (!slices.has(service)) slices.set(service, init());
      return slices.get(service) as T;
    },
    durations: { ...TEST_DURATIONS, ...opts.durations },
    hooks: opts.hooks ?? {},
  };
  return {
    ctx,
    slices,
    advance(ms) {
      now += ms;
    },
    call(sim, operation, input = {}) {
      const handler = sim[operation];
      if (!handler) throw new Error(`no handler ${operation}`);
      return handler(structuredClone(input), ctx) as any;
    },
    reload() {
      for (const [k, v] of slices) slices.set(k, JSON.parse(JSON.stringify(v)));
    },
  };
}

/** Asserts that `fn` throws a SimError with this name (and message, when given). */
export function expectSimError(fn: () => unknown, name: string, message?: string | RegExp): SimError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${name}`).toBeInstanceOf(SimError);
  const err = caught as SimError;
  expect(err.name).toBe(name);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

export const MIN = MINUTE;

/** What the DMS console does once per account: `dms-vpc-role` with AmazonDMSVPCManagementRole (DMS needs it for subnet groups). */
export function createDmsVpcRole(sim: TestSim): void {
  sim.call(iamSimulator, 'CreateRole', { RoleName: 'dms-vpc-role', AssumeRolePolicyDocument: dmsTrustPolicy() });
  sim.call(iamSimulator, 'AttachRolePolicy', { RoleName: 'dms-vpc-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole' });
}
