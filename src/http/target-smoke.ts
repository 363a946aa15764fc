/**
 * The smoke test of the new target: the configured verify URL, sent to the new target's
 * address with the production Host header and TLS server name. Cutover runs it before and
 * during the switch, verify after it.
 */
import type { TargetAddress } from '../aws/surroundings.js';
import type { MigrationConfig } from '../config/schema.js';
import { smokeTest, type SmokeTestResult } from './smoke.js';

/** The verify URL's request, without where it is sent. */
export function smokeRequest(verify: MigrationConfig['verify']): { url: string; expectedStatus: number; bodyMatch?: string } {
  return { url: verify.url!, expectedStatus: verify.expectedStatus, ...(verify.bodyMatch ? { bodyMatch: verify.bodyMatch } : {}) };
}

export function smokeNewTarget(verify: MigrationConfig['verify'], target: TargetAddress): Promise<SmokeTestResult> {
  return smokeTest({ ...smokeRequest(verify), target });
}
