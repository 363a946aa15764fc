import { expect } from 'vitest';
import { connectMysql } from '../../../src/db/mysql.js';
import type { Inventory } from '../../../src/db/types.js';
import type { Finding } from '../../../src/steps/assess/finding.js';
import { checkMysqlSource, type MysqlCheckOptions } from '../../../src/steps/assess/mysql-checks.js';
import { mariadbSpec } from '../../helpers/db/mariadb.js';
import type { DbServerInfo } from '../../helpers/db/server.js';

export const DEFAULT_OPTIONS: MysqlCheckOptions = { lobMode: 'limited', lobMaxSizeKb: 32, migrationUser: 'promigrate_admin' };

export interface CheckRun {
  findings: Finding[];
  inventory: Inventory;
  queries: number;
}

/** Connects (as the admin unless told otherwise), takes the inventory and runs the MySQL checks. */
export async function runChecks(
  server: DbServerInfo,
  database: string,
  options: Partial<MysqlCheckOptions> = {},
  connectAs: { user: string; password: string } = { user: server.adminUser, password: server.adminPassword },
  adjust: (inventory: Inventory) => Inventory = (i) => i,
): Promise<CheckRun> {
  const db = await connectMysql(mariadbSpec(server, { database, ...connectAs }));
  try {
    const inventory = adjust(await db.inventory([database]));
    const before = db.queryCount;
    const findings = await checkMysqlSource(db, inventory, { ...DEFAULT_OPTIONS, ...options });
    // Every blocker comes with a copy-pasteable fix.
    for (const f of findings.filter((x) => x.severity === 'blocker')) expect(f.fixLines?.length, f.id).toBeGreaterThan(0);
    return { findings, inventory, queries: db.queryCount - before };
  } finally {
    await db.close();
  }
}

export const ids = (findings: Finding[], severity?: Finding['severity']) =>
  findings.filter((f) => !severity || f.severity === severity).map((f) => f.id).sort();

export function finding(findings: Finding[], id: string): Finding {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id} among ${ids(findings).join(', ')}`);
  return found;
}

export const linesOf = (f: Finding, kind: NonNullable<Finding['fixLines']>[number]['kind']) => f.fixLines?.find((l) => l.kind === kind)?.lines;
