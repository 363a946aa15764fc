/**
 * A sandbox and the factory's clients wired to it, for tests:
 *
 *   const { sandbox, clients } = await makeSandbox();
 *   const ec2 = await clients.ec2;
 *
 * In memory unless `worldPath` is given; faults off unless `faults` is given (the
 * PROMIGRATE_SANDBOX_* variables of the test process are ignored).
 */
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../../src/aws/clients.js';
import { openSandbox, type Sandbox, type SandboxOptions } from '../../src/aws/sandbox/index.js';

export interface MakeSandboxOptions extends Partial<SandboxOptions> {
  dryRun?: boolean;
  audit?: AwsClientOptions['audit'];
  maxAttempts?: number;
}

export async function makeSandbox(opts: MakeSandboxOptions = {}): Promise<{ sandbox: Sandbox; clients: AwsClients }> {
  const { dryRun = false, audit, maxAttempts, ...sandboxOpts } = opts;
  const region = sandboxOpts.region ?? 'us-east-1';
  const sandbox = await openSandbox({ seed: 1, startTime: Date.UTC(2025, 0, 6, 9), faults: {}, ...sandboxOpts, region });
  const clients = createAwsClients({
    region,
    dryRun,
    sandbox,
    ...(audit ? { audit } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
  return { sandbox, clients };
}
