import { connectPostgres } from '../../../src/db/postgres.js';
import type { Finding } from '../../../src/steps/assess/finding.js';
import { checkPostgresSource, type PostgresCheckOptions } from '../../../src/steps/assess/postgres-checks.js';
import type { DbServerInfo } from '../../helpers/db/server.js';
import { specFor } from './support.js';

export const DEFAULTS: PostgresCheckOptions = { lobMode: 'limited', lobMaxSizeKb: 32, migrationUser: 'promigrate_admin' };

/** Inventory + checks of `databases` (the first is the connection's), as assess runs them. */
export async function assessPostgres(server: DbServerInfo, databases: string[], options: Partial<PostgresCheckOptions> = {}): Promise<Finding[]> {
  const db = await connectPostgres(specFor(server, databases[0] ?? 'postgres'));
  try {
    const inventory = await db.inventory(databases);
    return await checkPostgresSource(db, inventory, { ...DEFAULTS, ...options });
  } finally {
    await db.close();
  }
}

export const blockers = (findings: Finding[]): string[] => findings.filter((f) => f.severity === 'blocker').map((f) => f.id).sort();

export function finding(findings: Finding[], id: string): Finding {
  const f = findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} among: ${findings.map((x) => `${x.id} (${x.severity})`).join(', ')}`);
  return f;
}

export const linesOf = (f: Finding, kind: string): string[] => f.fixLines?.find((l) => l.kind === kind)?.lines ?? [];
