/**
 * The migration user of a PostgreSQL DMS source. AWS DMS User Guide, "Using a PostgreSQL
 * database as an AWS DMS source": self-managed sources — superuser for CDC (DMS creates a DDL
 * capture event trigger), REPLICATION for the logical slot; RDS — rds_superuser and
 * rds_replication (or the master user); SELECT on every migrated table in both cases.
 */
import type { Finding } from './finding.js';
import { locate, quoteIdent, sqlFix, type PgCheckContext } from './postgres-fixes.js';

export function privilegeFindings(ctx: PgCheckContext): Finding[] {
  const { role, user } = ctx;
  const name = ctx.options.migrationUser;
  const object = `user ${name}`;
  if (!role.exists) {
    const create = ctx.rds
      ? [`CREATE ROLE ${user} WITH LOGIN PASSWORD '<password>';`, `GRANT rds_replication TO ${user};`, `GRANT rds_superuser TO ${user};`]
      : [`CREATE ROLE ${user} WITH LOGIN REPLICATION PASSWORD '<password>';`];
    return [{
      id: 'postgres.migration-user',
      severity: 'blocker',
      object,
      title: 'The migration user does not exist',
      evidence: `no role ${name}`,
      fix: 'Create the role DMS will use, then grant it SELECT on the migrated schemas.',
      fixLines: sqlFix(...create),
    }];
  }

  const out: Finding[] = [];
  if (!role.canLogin) {
    out.push({
      id: 'postgres.migration-user',
      severity: 'blocker',
      object,
      title: 'The migration user cannot log in',
      evidence: `${name} is NOLOGIN`,
      fix: 'Allow the role to log in.',
      fixLines: sqlFix(`ALTER ROLE ${user} WITH LOGIN;`),
    });
  }
  const ddlCapture = (evidence: string, grant: string): Finding => ({
    id: 'postgres.ddl-capture-privilege',
    severity: 'warning',
    object,
    title: 'DMS documents a superuser for change capture',
    evidence,
    fix: `DMS captures DDL through an event trigger it creates, which needs ${ctx.rds ? 'rds_superuser' : 'superuser'}: grant it for the migration, or set CaptureDdls=false on the DMS source endpoint (table DDL is then not replicated).`,
    fixLines: sqlFix(grant),
  });
  if (ctx.rds) {
    if (!role.rdsReplication && !role.superuser) {
      out.push({
        id: 'postgres.replication-privilege',
        severity: 'blocker',
        object,
        title: 'The migration user may not use logical replication',
        evidence: `${name} is not a member of rds_replication`,
        fix: 'Grant rds_replication: it lets the user create, manage and stream logical replication slots.',
        fixLines: sqlFix(`GRANT rds_replication TO ${user};`),
      });
    } else if (!role.rdsSuperuser && !role.superuser) {
      out.push(ddlCapture(`${name} is a member of rds_replication but not of rds_superuser`, `GRANT rds_superuser TO ${user};`));
    }
  } else if (!role.superuser && !role.replication) {
    out.push({
      id: 'postgres.replication-privilege',
      severity: 'blocker',
      object,
      title: 'The migration user has neither REPLICATION nor SUPERUSER',
      evidence: `${name}: rolreplication = false, rolsuper = false`,
      fix: 'Give the role the REPLICATION attribute so DMS can create and read its logical replication slot.',
      fixLines: sqlFix(`ALTER ROLE ${user} WITH REPLICATION;`),
    });
  } else if (!role.superuser) {
    out.push(ddlCapture(`${name} has REPLICATION but not SUPERUSER`, `ALTER ROLE ${user} WITH SUPERUSER;  -- for the migration only, or CaptureDdls=false`));
  }
  return out;
}

/** Schemas where the migration user lacks USAGE or SELECT on some table (one query per database). */
export async function selectGrantFindings(ctx: PgCheckContext): Promise<Finding[]> {
  if (!ctx.role.exists || ctx.role.superuser) return [];
  const qualify = ctx.inventory.databases.length > 1;
  const out: Finding[] = [];
  for (const database of ctx.inventory.databases) {
    const grants = await ctx.db.schemaGrants(ctx.options.migrationUser, database, (s) => (qualify ? `${database}.${s}` : s));
    for (const g of grants.filter((x) => x.tablesWithoutSelect > 0 || !x.usage)) {
      const where = locate(ctx.inventory, g.schema);
      const schema = quoteIdent(where.schema);
      out.push({
        id: `postgres.select-privilege:${g.schema}`,
        severity: 'blocker',
        object: `schema ${g.schema}`,
        title: 'The migration user cannot read every table',
        evidence: `${ctx.options.migrationUser}: ${g.usage ? '' : 'no USAGE on the schema; '}no SELECT on ${g.tablesWithoutSelect} of ${g.tables} table(s)`,
        fix: 'Grant USAGE on the schema and SELECT on its tables to the migration user.',
        fixLines: sqlFix(`GRANT USAGE ON SCHEMA ${schema} TO ${ctx.user};${where.inDb}`, `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${ctx.user};${where.inDb}`),
      });
    }
  }
  return out;
}
