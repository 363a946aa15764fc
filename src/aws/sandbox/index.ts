/**
 * The sandbox: a simulated AWS control plane that real SDK v3 clients talk to in-process.
 *
 *   const sandbox = await openSandbox({ worldPath: '.promigrate/sandbox.json', region });
 *   const ec2 = sandbox.attach(new EC2Client({ region, credentials }));
 *   await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
 *
 * Time is a VirtualClock whose value is persisted in the world, so a resumed run continues
 * where the last stopped; every wait that goes through `sandbox.clock` takes no real time.
 */
import { SimError } from './errors.js';
import { VirtualClock } from './clock.js';
import { isMutatingOperation, type ClientAttacher, type SdkClientLike } from '../operations.js';
import { FaultInjector, faultsFromEnv, mulberry32, type FaultConfig } from './faults.js';
import { attachSimulator, requestIdGenerator, type SimulatorHost } from './middleware.js';
import { ClockRetryStrategy } from './retry.js';
import { findSubnet } from './services/ec2.js';
import { putManagedSecret } from './services/secretsmanager.js';
import { certificateStatus, markCertificateInUse } from './services/acm.js';
import type { ServiceName, ServiceSimulator, SimContext, SimDurations, SimHooks } from './types.js';
import { World } from './world.js';

export { VirtualClock } from './clock.js';
export { SimError } from './errors.js';
export { faultsFromEnv, type FaultConfig } from './faults.js';
export type { SdkClientLike } from '../operations.js';
export { World } from './world.js';

const MINUTE = 60_000;

/** The world file's name in the state directory: `<state-dir>/sandbox.json`. */
export const SANDBOX_WORLD_FILE = 'sandbox.json';

/** Realistic lifecycle durations (simulated milliseconds). */
export const DEFAULT_DURATIONS: SimDurations = {
  rdsCreate: 12 * MINUTE,
  rdsCreateMultiAz: 18 * MINUTE,
  rdsDelete: 6 * MINUTE,
  rdsModify: 5 * MINUTE,
  dmsInstanceCreate: 7 * MINUTE,
  dmsInstanceDelete: 3 * MINUTE,
  dmsTaskCreate: 1 * MINUTE,
  dmsTaskStart: 1 * MINUTE,
  dmsTestConnection: 30_000,
  dmsFullLoadRowsPerSecond: 50_000,
  route53Propagation: 45_000,
  ec2InstanceStart: 40_000,
  natGatewayCreate: 2 * MINUTE,
  acmResourceRecord: 5_000,
  acmDnsValidation: 3 * MINUTE,
  cloudwatchAlarmEvaluation: MINUTE,
  // An ALB is typically active about three minutes after CreateLoadBalancer.
  elbProvision: 3 * MINUTE,
};

/** The world's time is saved when the clock has moved this far since the last save. */
const SAVE_EVERY_SIMULATED_MS = MINUTE;

export interface SandboxOptions {
  /** `<state-dir>/sandbox.json`; in memory when absent. */
  worldPath?: string;
  /** False: read the world file but never write it (open it so under --dry-run). Default true. */
  persist?: boolean;
  region: string;
  /** For a new world (default: derived from the seed). */
  accountId?: string;
  /** For a new world (default: PROMIGRATE_SANDBOX_SEED, else random). */
  seed?: number;
  /** Simulated start time of a new world (default: now). */
  startTime?: number;
  durations?: Partial<SimDurations>;
  hooks?: SimHooks;
  /** Default: from PROMIGRATE_SANDBOX_* environment variables. */
  faults?: FaultConfig;
  /** Replaces the registry of simulators (tests). */
  simulators?: Partial<Record<ServiceName, ServiceSimulator>>;
  /** Runs once when a new world is created: what the operator's account already holds. */
  initWorld?(ctx: SimContext): void;
}

export interface Sandbox extends ClientAttacher {
  readonly clock: VirtualClock;
  readonly world: World;
  readonly region: string;
  readonly durations: SimDurations;
  readonly faults: FaultInjector;
  /** Routes every command of a real SDK client to the simulator. Returns the client. */
  attach<C extends SdkClientLike>(client: C): C;
  /** A simulator context, e.g. to inspect or seed the world in tests. */
  context(region?: string): SimContext;
  save(): Promise<void>;
  /** Saves the world (with the current simulated time) and stops listening to the clock. */
  close(): Promise<void>;
}

export async function openSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const faultConfig = opts.faults ?? faultsFromEnv();
  const seed = opts.seed ?? faultConfig.seed;
  const world = await World.open(opts.worldPath, {
    ...(seed !== undefined ? { seed } : {}),
    ...(opts.persist !== undefined ? { persist: opts.persist } : {}),
    ...(opts.accountId !== undefined ? { accountId: opts.accountId } : {}),
    ...(opts.startTime !== undefined ? { startTime: opts.startTime } : {}),
  });
  const simulators: Partial<Record<ServiceName, ServiceSimulator>> =
    opts.simulators ?? (await import('./services/index.js')).simulators;
  const clock = new VirtualClock(world.data.now);
  const durations: SimDurations = { ...DEFAULT_DURATIONS, ...opts.durations };
  const faults = new FaultInjector(faultConfig, world.seed);
  const jitter = mulberry32((faultConfig.seed ?? world.seed) ^ 0x5bd1e995);
  const requestId = requestIdGenerator(world.seed);

  const context = (region: string = opts.region): SimContext => {
    const ctx: SimContext = {
      now: () => clock.now(),
      region,
      accountId: world.accountId,
      newId: (prefix, hexLength) => world.newId(prefix, hexLength),
      slice: (service, init) => world.slice(service, init),
      durations,
      hooks: {},
    };
    ctx.hooks = {
      subnetInfo: (subnetId) => findSubnet(ctx, subnetId),
      rdsManagedSecretCreated: (secret) => putManagedSecret(ctx, { ...secret, owningService: 'rds' }),
      certificateStatus: (arn) => certificateStatus(ctx, arn),
      certificateInUse: (arn, resource, inUse) => void markCertificateInUse(ctx, arn, resource, inUse),
      ...opts.hooks,
    };
    return ctx;
  };

  let lastSaved = world.data.now;
  const unsubscribe = clock.onAdvance((now) => {
    world.data.now = now;
    if (world.path !== undefined && now - lastSaved >= SAVE_EVERY_SIMULATED_MS) {
      lastSaved = now;
      // A failed save here resurfaces on the next mutating call, which must save.
      world.save().catch(() => undefined);
    }
  });

  if (world.fresh) {
    opts.initWorld?.(context());
    await world.save();
  }

  const host: SimulatorHost = {
    requestId,
    async call(service, operation, input, region) {
      const release = clock.hold();
      try {
        const simulator = simulators[service];
        const handler = simulator && Object.hasOwn(simulator, operation) ? simulator[operation] : undefined;
        if (!handler) {
          throw new SimError(
            'UnsupportedOperation',
            `The promigrate sandbox does not simulate ${service}:${operation}. Use a real AWS account (or LocalStack) for this operation.`,
          );
        }
        const injected = faults.beforeCall(service, operation, input);
        if (injected) throw injected;
        const mutating = isMutatingOperation(operation);
        // Failed calls have no effect, as in AWS: undo any partial change a handler made.
        const before = mutating ? JSON.stringify({ slices: world.data.slices, idCounter: world.data.idCounter }) : undefined;
        let output: Record<string, unknown>;
        try {
          output = structuredClone(((await handler(structuredClone(input ?? {}), context(region))) ?? {}) as Record<string, unknown>);
        } catch (err) {
          if (before !== undefined) Object.assign(world.data, JSON.parse(before));
          throw err;
        }
        if (mutating) {
          world.data.faults.mutatingCalls++;
          world.data.now = clock.now();
          await world.save();
          lastSaved = world.data.now;
          if (faults.countMutation()) {
            process.kill(process.pid, 'SIGKILL');
            await new Promise(() => undefined);
          }
        }
        return output;
      } finally {
        release();
      }
    },
  };

  return {
    clock,
    world,
    region: opts.region,
    durations,
    faults,
    context,
    attach(client) {
      attachSimulator(client, host);
      const config = client.config as { maxAttempts?: unknown; retryStrategy?: unknown };
      const maxAttempts = async (): Promise<number> => {
        const value = typeof config.maxAttempts === 'function' ? await (config.maxAttempts as () => Promise<number>)() : config.maxAttempts;
        return typeof value === 'number' ? value : 3;
      };
      const strategy = new ClockRetryStrategy(clock, maxAttempts, jitter);
      // The retry middleware reads config.retryStrategy on every send.
      config.retryStrategy = async () => strategy;
      return client;
    },
    async save() {
      world.data.now = clock.now();
      await world.save();
    },
    async close() {
      unsubscribe();
      world.data.now = clock.now();
      await world.save();
    },
  };
}
