import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMutatingOperation } from '../../src/aws/operations.js';
import { faultsFromEnv, FaultInjector, MAX_THROTTLE_STREAK, mulberry32 } from '../../src/aws/sandbox/faults.js';
import { UsageError } from '../../src/errors.js';
import { makeSandbox } from '../helpers/sandbox.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { localSimulators } from './local-simulators.js';

afterEach(() => removeTempDirs());

const ROOT = join(import.meta.dirname, '..', '..');

/** The child process runs the built CLI code: build dist/ when it is missing or older than src/. */
function ensureBuilt(): void {
  const sources = ['src/aws', 'src/errors.ts', 'src/clock.ts'].flatMap((p) => listTs(join(ROOT, p)));
  const stale = sources.some((src) => {
    const out = join(ROOT, 'dist', relative(join(ROOT, 'src'), src)).replace(/\.ts$/, '.js');
    return !existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs;
  });
  if (!stale) return;
  // Other modules' type errors must not stop this suite: tsc emits regardless.
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(ROOT, 'dist/aws/sandbox/index.js'))) throw new Error('building dist/ failed');
}

function listTs(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((name) => listTs(join(path, name)));
}

describe('fault configuration', () => {
  it('parses the PROMIGRATE_SANDBOX_* variables', () => {
    expect(
      faultsFromEnv({
        PROMIGRATE_SANDBOX_SEED: '42',
        PROMIGRATE_SANDBOX_THROTTLE: '0.2',
        PROMIGRATE_SANDBOX_FAIL: 'CreateVpc:2:InternalError, rds:CreateDBInstance:1:InsufficientDBInstanceCapacity',
        PROMIGRATE_SANDBOX_CRASH_AFTER: '7',
      }),
    ).toEqual({
      seed: 42,
      throttle: 0.2,
      fail: [
        { operation: 'CreateVpc', count: 2, error: 'InternalError' },
        { service: 'rds', operation: 'CreateDBInstance', count: 1, error: 'InsufficientDBInstanceCapacity' },
      ],
      crashAfter: 7,
    });
    expect(faultsFromEnv({})).toEqual({});
    for (const bad of [{ PROMIGRATE_SANDBOX_THROTTLE: '2' }, { PROMIGRATE_SANDBOX_FAIL: 'CreateVpc:x:Err' }, { PROMIGRATE_SANDBOX_CRASH_AFTER: '0' }]) {
      expect(() => faultsFromEnv(bad)).toThrow(UsageError);
    }
  });

  it('classifies mutating operations and repeats its random sequence for a seed', () => {
    expect(['CreateVpc', 'ModifyDBInstance', 'StartReplicationTask'].every(isMutatingOperation)).toBe(true);
    expect(['DescribeVpcs', 'ListTagsForResource', 'GetChange', 'TestConnection'].some(isMutatingOperation)).toBe(false);
    const a = mulberry32(5);
    const b = mulberry32(5);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    const injector = new FaultInjector({ throttle: 1 }, 1);
    expect(injector.beforeCall('dms', 'DescribeReplicationTasks')?.name).toBe('ThrottlingException');
    expect(injector.beforeCall('ec2', 'DescribeVpcs')?.httpStatusCode).toBe(503);
  });
});

describe('injected throttling is transient', () => {
  it('throttles one request at most MAX_THROTTLE_STREAK times in a row, each request on its own sequence', () => {
    const always = new FaultInjector({ throttle: 1 }, 1);
    const attempts = (input: unknown) => Array.from({ length: 6 }, () => always.beforeCall('rds', 'DescribeDBInstances', input)?.name ?? 'ok');
    expect(MAX_THROTTLE_STREAK).toBe(2);
    expect(attempts({ DBInstanceIdentifier: 'a' })).toEqual(['Throttling', 'Throttling', 'ok', 'Throttling', 'Throttling', 'ok']);
    // Another request is not let through by the first one's success, nor held back by its streak.
    expect(always.beforeCall('rds', 'DescribeDBInstances', { DBInstanceIdentifier: 'b' })?.name).toBe('Throttling');

    // Interleaving other calls does not change which attempts of a request are throttled.
    const alone = new FaultInjector({ throttle: 0.5 }, 9);
    const mixed = new FaultInjector({ throttle: 0.5 }, 9);
    const seq = (f: FaultInjector, noise: boolean) =>
      Array.from({ length: 20 }, (_, i) => {
        if (noise) f.beforeCall('ec2', 'DescribeVpcs', { n: i });
        return f.beforeCall('dms', 'DescribeReplicationTasks', {})?.name ?? 'ok';
      });
    expect(seq(mixed, true)).toEqual(seq(alone, false));
  });
});

describe('fault injection through the SDK', () => {
  const describeMany = async (ec2: EC2Client, n: number): Promise<string[]> => {
    const outcomes: string[] = [];
    for (let i = 0; i < n; i++) {
      outcomes.push(await ec2.send(new DescribeVpcsCommand({})).then(() => 'ok', (e: Error) => e.name));
    }
    return outcomes;
  };

  it('throttles at the configured rate, repeatably for a seed', async () => {
    const run = async (): Promise<string[]> => {
      const { clients } = await makeSandbox({ simulators: localSimulators, faults: { throttle: 0.2, seed: 42 }, maxAttempts: 1 });
      return describeMany(await clients.ec2, 1000);
    };
    const first = await run();
    const rate = first.filter((o) => o === 'RequestLimitExceeded').length / first.length;
    expect(rate).toBeGreaterThan(0.16);
    expect(rate).toBeLessThan(0.24);
    expect(await run()).toEqual(first);
  });

  it('lets the SDK retry injected throttling, with backoff slept on the simulated clock', async () => {
    const { sandbox, clients } = await makeSandbox({ simulators: localSimulators, faults: { throttle: 0.3, seed: 7 }, maxAttempts: 10 });
    const ec2 = await clients.ec2;
    const start = sandbox.clock.now();
    const real = performance.now();
    let retried = 0;
    for (let i = 0; i < 200; i++) {
      const out = await ec2.send(new DescribeVpcsCommand({}));
      if (out.$metadata.attempts! > 1) {
        retried++;
        expect(out.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(0);
      }
    }
    expect(retried).toBeGreaterThan(20);
    expect(sandbox.clock.now()).toBeGreaterThan(start); // backoff took simulated time…
    expect(performance.now() - real).toBeLessThan(2000); // …not real time
  });

  it('fails a named operation N times, then lets it succeed', async () => {
    const { clients } = await makeSandbox({
      simulators: localSimulators,
      faults: { fail: [{ operation: 'CreateVpc', count: 2, error: 'VpcLimitExceeded' }] },
    });
    const ec2 = await clients.ec2;
    const create = () => ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const err = await create().catch((e) => e);
    expect([err.name, err.$fault, err.$metadata.httpStatusCode]).toEqual(['VpcLimitExceeded', 'client', 400]);
    await expect(create()).rejects.toThrow('Injected failure of CreateVpc');
    expect((await create()).Vpc?.VpcId).toMatch(/^vpc-/);
  });

  it('retries an injected server error (5xx) like the SDK does for AWS', async () => {
    const { clients } = await makeSandbox({
      simulators: localSimulators,
      faults: { fail: [{ operation: 'CreateVpc', count: 2, error: 'InternalError' }] },
    });
    const out = await (await clients.ec2).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    expect(out.$metadata.attempts).toBe(3);
  });
});

describe('PROMIGRATE_SANDBOX_CRASH_AFTER', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  const child = (worldPath: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(import.meta.dirname, 'fixtures/sandbox-child.mjs'), worldPath], {
      cwd: ROOT,
      env: { ...process.env, PROMIGRATE_SANDBOX_SEED: '3', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('SIGKILLs the process right after the Nth mutating call is saved; a resumed run completes', () => {
    const worldPath = join(tempDir(), 'sandbox.json');
    const killed = child(worldPath, { PROMIGRATE_SANDBOX_CRASH_AFTER: '3' });
    expect(killed.signal).toBe('SIGKILL');
    const world = JSON.parse(readFileSync(worldPath, 'utf8'));
    expect(world.faults.mutatingCalls).toBe(3);
    const subnets = Object.values(world.slices.ec2.subnets as Record<string, { cidr: string }>).map((s) => s.cidr).sort();
    expect(subnets).toEqual(['10.0.1.0/24', '10.0.2.0/24', '172.31.0.0/20', '172.31.16.0/20', '172.31.32.0/20']);

    const resumed = child(worldPath, {});
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ done: true, mutatingCalls: 2 });
    const after = JSON.parse(readFileSync(worldPath, 'utf8'));
    const vpcs = Object.values(after.slices.ec2.vpcs as Record<string, { isDefault: boolean }>).filter((v) => !v.isDefault);
    expect(vpcs).toHaveLength(1);
    expect(Object.keys(after.slices.ec2.igws)).toHaveLength(2); // the default VPC's and ours
    expect(after.faults.mutatingCalls).toBe(5);
  });
});
