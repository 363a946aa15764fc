import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { MigrationConfig } from '../config/schema.js';
import { appendAudit } from '../state/audit.js';
import { settleAuditIntent, writeAuditIntent } from '../state/audit-journal.js';
import { createAwsClients, type AwsClients } from './clients.js';
import type { Sandbox } from './sandbox/index.js';
import { awsSurroundings, type Surroundings } from './surroundings.js';

export interface AwsRuntimeOptions {
  config: MigrationConfig;
  stateDir: string;
  dryRun: boolean;
  /** Told when an audit line could not be written (the AWS call itself succeeded). */
  warn(message: string): void;
}

/**
 * Where AWS calls go for one run: the real account (default credential chain, profile,
 * endpoint) or the sandbox, whose world lives beside the state and whose virtual clock
 * then becomes the run's clock, so every wait takes no real time.
 */
export interface AwsRuntime {
  readonly mode: 'aws' | 'sandbox';
  readonly region: string;
  readonly clock: Clock;
  /** What steps know of the world around the APIs: the real one, or the sandbox's. */
  readonly surroundings: Surroundings;
  /** Clients whose mutating calls are audited as made by `stepId`. */
  clients(stepId: string): AwsClients;
  close(): Promise<void>;
}

/**
 * Test-only: `PROMIGRATE_TEST_CLOCK=virtual` gives a run outside the sandbox (e.g. against
 * moto) the sandbox's virtual clock, so its waits (polling, TTL countdowns) take no real time.
 * Imported only when asked for: the start-up path stays as it is.
 */
export const TEST_CLOCK_ENV = 'PROMIGRATE_TEST_CLOCK';

async function virtualTestClock(): Promise<Clock> {
  const { VirtualClock } = await import('./sandbox/clock.js');
  return new VirtualClock();
}

export async function openAwsRuntime(opts: AwsRuntimeOptions): Promise<AwsRuntime> {
  const { config, stateDir, dryRun } = opts;
  const aws = config.aws;
  let sandbox: Sandbox | undefined;
  let surroundings = awsSurroundings(config);
  if (aws.mode === 'sandbox') {
    const { openSandbox, SANDBOX_WORLD_FILE } = await import('./sandbox/index.js');
    const { seedOperatorAccount, targetMappingHooks } = await import('./sandbox/seed.js');
    sandbox = await openSandbox({
      worldPath: join(stateDir, SANDBOX_WORLD_FILE),
      persist: !dryRun,
      region: aws.region,
      hooks: { ...targetMappingHooks(config), ...(await import('./sandbox/copy/hooks.js')).realDataHooks(config, stateDir) },
      initWorld: (ctx) => seedOperatorAccount(ctx, config),
    });
    surroundings = (await import('./sandbox/surroundings.js')).sandboxSurroundings(config, { sandbox, stateDir });
  }
  const made: AwsClients[] = [];
  return {
    mode: aws.mode,
    region: aws.region,
    clock: sandbox?.clock ?? (process.env[TEST_CLOCK_ENV] === 'virtual' ? await virtualTestClock() : systemClock),
    surroundings,
    clients(stepId) {
      const clients = createAwsClients({
        region: aws.region,
        ...(aws.profile ? { profile: aws.profile } : {}),
        ...(aws.endpoint ? { endpointUrl: aws.endpoint } : {}),
        maxAttempts: aws.maxAttempts,
        dryRun,
        ...(sandbox ? { sandbox } : {}),
        auditIntent: (intent) => writeAuditIntent(stateDir, { time: new Date().toISOString(), step: stepId, ...intent }),
        audit: async (entry) => {
          await appendAudit(stateDir, {
            time: new Date().toISOString(),
            step: stepId,
            operation: entry.operation,
            params: entry.params,
            ...(entry.resultId !== undefined ? { resultId: entry.resultId } : {}),
            outcome: entry.outcome ?? 'ok',
            ...(entry.error !== undefined ? { error: entry.error } : {}),
            ...(entry.callId !== undefined ? { callId: entry.callId } : {}),
          });
          if (entry.callId !== undefined) await settleAuditIntent(stateDir, entry.callId);
        },
        logger: { warn: opts.warn },
      });
      made.push(clients);
      return clients;
    },
    async close() {
      await surroundings.targetDatabase.release().catch(() => undefined);
      for (const clients of made) clients.destroy();
      await sandbox?.close();
    },
  };
}
