/**
 * The app after the cutover: the verify URL once through DNS (as users reach it) and once
 * straight at the new target with the production Host header. In the sandbox, "through DNS"
 * follows the simulated Route 53 record: it reaches the stand-in web tier only when the record
 * points at the new target.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { smokeTest, type SmokeTestResult } from '../../http/smoke.js';
import { newTargetAddress, smokeNewTarget } from '../cutover/smoke.js';
import type { DnsResult, HttpResult } from '../../reports/verify.js';


function viaDns(config: MigrationConfig, dns: DnsResult | undefined): Promise<SmokeTestResult> {
  const url = config.verify.url!;
  const base = { url, expectedStatus: config.verify.expectedStatus, ...(config.verify.bodyMatch ? { bodyMatch: config.verify.bodyMatch } : {}) };
  if (config.aws.mode !== 'sandbox') return smokeTest(base);
  if (!dns?.route53.ok) {
    return Promise.resolve({ url, via: 'dns', ok: false, problem: `${url}: the (simulated) record does not point at the new target, so DNS does not lead there` });
  }
  return smokeTest({ ...base, target: newTargetAddress(config)! }).then((r) => ({ ...r, via: 'dns' as const }));
}

export async function checkHttp(config: MigrationConfig, dns: DnsResult | undefined): Promise<HttpResult> {
  if (!config.verify.url) return { ok: true, skipped: 'verify.url is not set' };
  const [through, at] = await Promise.all([viaDns(config, dns), newTargetAddress(config) ? smokeNewTarget(config) : Promise.resolve(undefined)]);
  return { viaDns: through, ...(at ? { atTarget: at } : {}), ok: through.ok && (at?.ok ?? true) };
}
