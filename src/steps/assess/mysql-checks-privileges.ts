/**
 * Privileges of the migration user DMS connects as: SELECT on every migrated database, and
 * for CDC REPLICATION CLIENT (named BINLOG MONITOR on MariaDB ≥ 10.5.2) and REPLICATION SLAVE.
 */
import { databasePatternMatches, type Grant } from '../../db/mysql-grants.js';
import { versionAtLeast } from '../../db/mysql-version.js';
import type { DbTable, ServerVersion } from '../../db/types.js';
import type { Finding } from './finding.js';
import { accountLabel, accountSql, quoteId, sql, type Account } from './mysql-fix.js';

export interface PrivilegeFacts {
  version: ServerVersion;
  account: Account;
  databases: string[];
  tables: DbTable[];
  cdc: boolean;
}

const ALL = 'ALL PRIVILEGES';

function hasGlobal(grants: Grant[], names: string[]): boolean {
  return grants.some((g) => g.scope.level === 'global' && g.privileges.some((p) => p === ALL || names.includes(p)));
}

function canSelect(grants: Grant[], database: string, tables: DbTable[]): boolean {
  const selects = (g: Grant) => g.privileges.some((p) => p === ALL || p === 'SELECT');
  if (grants.some((g) => selects(g) && (g.scope.level === 'global' || (g.scope.level === 'database' && databasePatternMatches(g.scope.database, database))))) return true;
  const own = tables.filter((t) => t.schema === database);
  return own.length > 0 && own.every((t) => grants.some((g) => selects(g) && g.scope.level === 'table' && g.scope.database === database && g.scope.table === t.name));
}

/** MariaDB 10.5.2 renamed REPLICATION CLIENT to BINLOG MONITOR (the old name is an alias). */
export function replicationClientName(v: ServerVersion): string {
  return v.flavor === 'mariadb' && versionAtLeast(v, 10, 5, 2) ? 'BINLOG MONITOR' : 'REPLICATION CLIENT';
}

/** The whole GRANT script for the migration user (used when its grants cannot be read). */
export function grantScript(f: PrivilegeFacts): string[] {
  const to = accountSql(f.account);
  return [
    ...f.databases.map((d) => `GRANT SELECT ON ${quoteId(d)}.* TO ${to};`),
    ...(f.cdc ? [`GRANT ${replicationClientName(f.version)}, REPLICATION SLAVE ON *.* TO ${to};`] : []),
  ];
}

export function checkPrivileges(grants: Grant[] | 'no-such-user' | 'unreadable', f: PrivilegeFacts): Finding[] {
  const user = accountLabel(f.account);
  const to = accountSql(f.account);
  if (grants === 'no-such-user') {
    return [{
      id: 'mysql.privilege.no-user', severity: 'blocker', object: `user ${user}`, title: 'The migration user does not exist on the source',
      evidence: `SHOW GRANTS FOR ${to}: no such user`,
      fix: `Create it with a strong password (store the password in Secrets Manager), then grant what DMS needs.`,
      fixLines: [sql(`CREATE USER ${to} IDENTIFIED BY '<password>';`, ...grantScript(f))],
    }];
  }
  if (grants === 'unreadable') {
    return [{
      id: 'mysql.privilege.unknown', severity: 'warning', object: `user ${user}`, title: 'Could not read the grants of the migration user',
      evidence: `SHOW GRANTS FOR ${to} was refused for the connecting user`,
      fix: 'Connect assess as the migration user (or a user with SELECT on the mysql schema), or make sure it has these grants.',
      fixLines: [sql(...grantScript(f))],
    }];
  }
  const out: Finding[] = [];
  for (const database of f.databases) {
    if (canSelect(grants, database, f.tables)) continue;
    out.push({
      id: `mysql.privilege.select:${database}`, severity: 'blocker', object: `user ${user}`, title: `The migration user cannot read ${database}`,
      evidence: `no SELECT on ${database}.* (nor globally) for ${user}`,
      fix: `Grant SELECT on the database to the migration user.`,
      fixLines: [sql(`GRANT SELECT ON ${quoteId(database)}.* TO ${to};`)],
    });
  }
  if (!f.cdc) return out;
  const client = replicationClientName(f.version);
  if (!hasGlobal(grants, ['REPLICATION CLIENT', 'BINLOG MONITOR'])) {
    out.push({
      id: 'mysql.privilege.replication-client', severity: 'blocker', object: `user ${user}`, title: `The migration user lacks ${client}: DMS cannot find the binlog position`,
      evidence: `no ${client} ON *.* for ${user}`,
      fix: `Grant ${client} on *.* to the migration user.`,
      fixLines: [sql(`GRANT ${client} ON *.* TO ${to};`)],
    });
  }
  if (!hasGlobal(grants, ['REPLICATION SLAVE', 'REPLICATION REPLICA'])) {
    out.push({
      id: 'mysql.privilege.replication-slave', severity: 'blocker', object: `user ${user}`, title: 'The migration user lacks REPLICATION SLAVE: DMS cannot read the binlog',
      evidence: `no REPLICATION SLAVE ON *.* for ${user}`,
      fix: 'Grant REPLICATION SLAVE on *.* to the migration user.',
      fixLines: [sql(`GRANT REPLICATION SLAVE ON *.* TO ${to};`)],
    });
  }
  return out;
}
