/** Cutover's smoke checks of the new target (before and during the switch), and how they read. */
import type { StepContext } from '../../engine/step.js';
import type { SmokeTestResult } from '../../http/smoke.js';
import { smokeNewTarget } from '../../http/target-smoke.js';

export function smokeConfigured(ctx: StepContext): boolean {
  return Boolean(ctx.config.verify.url && ctx.surroundings.newTarget);
}

export function smokeTarget(ctx: StepContext): Promise<SmokeTestResult> {
  return smokeNewTarget(ctx.config.verify, ctx.surroundings.newTarget!);
}

export function describeSmoke(r: SmokeTestResult, ctx: StepContext): string {
  const host = new URL(ctx.config.verify.url!).host;
  const at = ctx.surroundings.newTarget;
  const where = `Host ${host} → ${at?.address}${at?.port ? `:${at.port}` : ''}`;
  return r.ok ? `HTTP ${r.status} in ${r.latencyMs} ms (${where})` : `${r.problem}`;
}
