/**
 * The smoke test of the new target before and during the switch: the configured verify URL,
 * sent to the new target's address with the production Host header and TLS server name.
 * In the sandbox the new target answers at `sandbox.appAddress` (a local web server).
 */
import type { MigrationConfig } from '../../config/schema.js';
import { smokeTest, type SmokeTestResult } from '../../http/smoke.js';

export interface TargetAddress {
  address: string;
  port?: number;
}

/** Where the new target answers: sandbox.appAddress in the sandbox, else dns.newTarget. */
export function newTargetAddress(config: MigrationConfig): TargetAddress | undefined {
  if (config.aws.mode === 'sandbox' && config.sandbox.appAddress) {
    const i = config.sandbox.appAddress.lastIndexOf(':');
    return { address: config.sandbox.appAddress.slice(0, i), port: Number(config.sandbox.appAddress.slice(i + 1)) };
  }
  const target = config.dns?.newTarget;
  if (!target) return undefined;
  return { address: target.replace(/^alias:/, '').replace(/\.$/, '') };
}

export function smokeConfigured(config: MigrationConfig): boolean {
  return Boolean(config.verify.url && newTargetAddress(config));
}

export function smokeNewTarget(config: MigrationConfig): Promise<SmokeTestResult> {
  const target = newTargetAddress(config)!;
  return smokeTest({
    url: config.verify.url!,
    expectedStatus: config.verify.expectedStatus,
    ...(config.verify.bodyMatch ? { bodyMatch: config.verify.bodyMatch } : {}),
    target,
  });
}

export function describeSmoke(r: SmokeTestResult, config: MigrationConfig): string {
  const host = new URL(config.verify.url!).host;
  const at = newTargetAddress(config);
  const where = `Host ${host} → ${at?.address}${at?.port ? `:${at.port}` : ''}`;
  return r.ok ? `HTTP ${r.status} in ${r.latencyMs} ms (${where})` : `${r.problem}`;
}
