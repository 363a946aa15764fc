/**
 * The provisioned RDS instance as promigrate reaches it: the address provision recorded, or
 * target.connectVia when the operator reaches it through a tunnel or bastion.
 */
import type { MigrationConfig } from '../config/schema.js';
import { resolvePassword } from '../db/password.js';
import { UsageError } from '../errors.js';
import type { TargetDatabase } from './surroundings.js';

export function rdsTargetDatabase(config: MigrationConfig): TargetDatabase {
  return {
    async connection(database, facts) {
      const db = ((facts.provisionOutputs.resources ?? {}) as Record<string, Record<string, unknown>>)['db.instance'] ?? {};
      if (typeof db.address !== 'string') {
        throw new UsageError('The RDS instance address is not known.', { hint: 'Run `promigrate provision` first (it records the endpoint), then verify.' });
      }
      const { target } = config;
      const ref = target.manageMasterUserPassword ? { secretArn: String(db.masterUserSecretArn) } : target;
      const password = await resolvePassword(ref, 'target', facts.secretsManager);
      const host = target.connectVia?.host ?? db.address;
      const port = target.connectVia?.port ?? Number(db.port);
      return {
        engine: target.engine,
        host,
        port,
        user: target.masterUsername,
        ...(password !== undefined ? { password } : {}),
        database,
        tls: { mode: 'require' },
        connectTimeoutMs: config.source.connectTimeoutMs,
        label: `target database ${target.masterUsername}@${host}:${port}/${database}`,
      };
    },
  };
}
