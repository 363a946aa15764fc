/**
 * The sandbox's surroundings: names in the operator's world are not resolvable from it and
 * it has no real name servers; the new web tier answers at sandbox.appAddress, and "through
 * DNS" follows the simulated Route 53 record; the target database is the real one behind
 * sandbox.targetUrl, when given.
 */
import type { MigrationConfig } from '../../config/schema.js';
import { configuredNewTarget, type Surroundings, type TargetAddress, type TargetDatabase } from '../surroundings.js';
import { sandboxTargetSpec } from './copy/hooks.js';

function appAddress(config: MigrationConfig): TargetAddress | undefined {
  const raw = config.sandbox.appAddress;
  if (!raw) return configuredNewTarget(config.dns);
  const i = raw.lastIndexOf(':');
  return { address: raw.slice(0, i), port: Number(raw.slice(i + 1)) };
}

function sandboxTargetDatabase(config: MigrationConfig): TargetDatabase {
  if (!config.sandbox.targetUrl) {
    return {
      unavailable: 'the sandbox has no real target database (set sandbox.targetUrl to compare real data)',
      connection: () => Promise.reject(new Error('internal error: the sandbox has no target database to connect to')),
    };
  }
  // A MySQL sandbox target is one database standing in for all of them; PostgreSQL keeps schemas.
  const standsInForAll = config.target.engine !== 'postgres';
  // Read when asked, not when the run opens: the spec needs the target password's variable.
  const spec = () => sandboxTargetSpec(config)!;
  return {
    get standInSchema() {
      return standsInForAll ? spec().database : undefined;
    },
    connection: async (database) => (standsInForAll ? spec() : { ...spec(), database }),
  };
}

export function sandboxSurroundings(config: MigrationConfig): Surroundings {
  const newTarget = appAddress(config);
  return {
    names: { check: async () => ({ skipped: 'names in the operator\'s world are not resolvable from the sandbox' }) },
    newTarget,
    throughDns: (pointsAtNewTarget) =>
      pointsAtNewTarget ? { target: newTarget! } : { unavailable: 'the (simulated) record does not point at the new target, so DNS does not lead there' },
    publicDns: { unavailable: 'the sandbox has no real name servers' },
    targetDatabase: sandboxTargetDatabase(config),
  };
}
