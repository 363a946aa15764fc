/**
 * The app after the cutover: the verify URL once through DNS (as users reach it) and once
 * straight at the new target with the production Host header. Where "through DNS" leads is
 * the surroundings' answer (in the sandbox it follows the simulated Route 53 record and
 * reaches the stand-in web tier only when the record points at the new target).
 */
import type { Surroundings } from '../../aws/surroundings.js';
import type { MigrationConfig } from '../../config/schema.js';
import { smokeTest, type SmokeTestResult } from '../../http/smoke.js';
import { smokeNewTarget, smokeRequest } from '../../http/target-smoke.js';
import type { DnsResult, HttpResult } from '../../reports/verify.js';

function viaDns(config: MigrationConfig, surroundings: Surroundings, dns: DnsResult | undefined): Promise<SmokeTestResult> {
  const base = smokeRequest(config.verify);
  const route = surroundings.throughDns(dns?.route53.ok ?? false);
  if ('unavailable' in route) return Promise.resolve({ url: base.url, via: 'dns', ok: false, problem: `${base.url}: ${route.unavailable}` });
  if (!route.target) return smokeTest(base);
  return smokeTest({ ...base, target: route.target }).then((r) => ({ ...r, via: 'dns' as const }));
}

export async function checkHttp(config: MigrationConfig, surroundings: Surroundings, dns: DnsResult | undefined): Promise<HttpResult> {
  if (!config.verify.url) return { ok: true, skipped: 'verify.url is not set' };
  const target = surroundings.newTarget;
  const [through, at] = await Promise.all([viaDns(config, surroundings, dns), target ? smokeNewTarget(config.verify, target) : Promise.resolve(undefined)]);
  return { viaDns: through, ...(at ? { atTarget: at } : {}), ok: through.ok && (at?.ok ?? true) };
}
