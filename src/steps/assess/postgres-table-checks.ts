/**
 * Table and column checks for a PostgreSQL DMS source. AWS DMS User Guide, "Using a
 * PostgreSQL database as an AWS DMS source": CDC needs a primary key (else DMS ignores
 * UPDATE/DELETE; REPLICA IDENTITY FULL is the documented workaround); a table with an ARRAY
 * column and no primary key is suspended during the full load; the data type table
 * ("Doesn't migrate": ENUM, INET, MACADDR, TSVECTOR, TSQUERY, LINE, LSEG, BOX, PATH, CIRCLE,
 * COMPOSITE, RANGE; "Partially migrates": NUMERIC with p > 38 or without precision); and
 * "Working with LOB source data types" (text/json/jsonb are NCLOBs: 2 bytes a character).
 */
import type { PgColumnRef } from '../../db/postgres.js';
import type { DbColumn, DbTable } from '../../db/types.js';
import type { Finding } from './finding.js';
import { kb, locate, quoteIdent, sqlFix, type PgCheckContext } from './postgres-fixes.js';

const NOT_MIGRATED_TYPES = new Set(['inet', 'macaddr', 'tsvector', 'tsquery', 'line', 'lseg', 'box', 'path', 'circle']);
const NOT_MIGRATED_KINDS: Partial<Record<NonNullable<DbColumn['udtKind']>, string>> = { enum: 'ENUM', composite: 'composite', range: 'range' };
const NCLOB_TYPES = new Set(['text', 'json', 'jsonb']);

function unsupportedType(c: DbColumn): string | undefined {
  const kind = c.udtKind && NOT_MIGRATED_KINDS[c.udtKind];
  if (kind) return `${kind} type ${c.udtName ?? c.columnType}`;
  return NOT_MIGRATED_TYPES.has(c.dataType) ? c.dataType.toUpperCase() : undefined;
}

function lossyNumeric(c: DbColumn): boolean {
  if (c.dataType !== 'numeric') return false;
  const precision = /^numeric\((\d+)/.exec(c.columnType)?.[1];
  return precision === undefined || Number(precision) > 38;
}

export async function checkPostgresTables(ctx: PgCheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const t of ctx.inventory.tables) out.push(...keyFindings(ctx, t), ...columnFindings(ctx, t));
  out.push(...(await lobFindings(ctx)));
  const serial = ctx.inventory.tables.filter((t) => t.autoIncrement);
  if (serial.length > 0) {
    out.push({
      id: 'postgres.sequences',
      severity: 'info',
      object: `${serial.length} table(s)`,
      title: 'DMS does not migrate sequence positions',
      evidence: `serial/identity columns in ${serial.slice(0, 5).map((t) => `${t.schema}.${t.name}`).join(', ')}${serial.length > 5 ? ', …' : ''}`,
      fix: "Nothing to do by hand: DMS copies rows, not sequence positions, so cutover sets each sequence on the target from the frozen source, past its column's MAX (setval; use --freeze-writes for an exact position).",
    });
  }
  return out;
}

function keyFindings(ctx: PgCheckContext, t: DbTable): Finding[] {
  const name = `${t.schema}.${t.name}`;
  const where = locate(ctx.inventory, t.schema);
  const sqlName = where.table(t.name);
  const out: Finding[] = [];
  const arrays = t.columns.filter((c) => c.udtKind === 'array');
  if (!t.primaryKey && arrays.length > 0) {
    out.push({
      id: `table.array-without-primary-key:${name}`,
      severity: 'blocker',
      object: name,
      title: 'Table with an ARRAY column and no primary key',
      evidence: `ARRAY column(s) ${arrays.map((c) => c.name).join(', ')}; no primary key`,
      fix: 'DMS suspends such a table during the full load, and REPLICA IDENTITY FULL does not help: add a primary key.',
      fixLines: sqlFix(`-- add a primary key, e.g. ALTER TABLE ${sqlName} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;${where.inDb}`),
    });
  }
  if (t.primaryKey) {
    if (t.replicaIdentity === 'nothing') {
      out.push({
        id: `table.replica-identity:${name}`,
        severity: 'blocker',
        object: name,
        title: 'REPLICA IDENTITY NOTHING: updates and deletes carry no key',
        evidence: 'REPLICA IDENTITY NOTHING',
        fix: 'Return to the default replica identity (the primary key).',
        fixLines: sqlFix(`ALTER TABLE ${sqlName} REPLICA IDENTITY DEFAULT;${where.inDb}`),
      });
    }
    const lobKey = t.primaryKey.filter((k) => t.columns.find((c) => c.name === k)?.isLob);
    if (lobKey.length > 0) {
      out.push({
        id: `table.lob-primary-key:${name}`,
        severity: 'warning',
        object: name,
        title: 'The primary key is of a LOB data type',
        evidence: `primary key column(s) ${lobKey.join(', ')} are text/bytea/json (LOBs for DMS)`,
        fix: 'DMS looks LOBs up by primary key and its premigration assessment flags LOB keys: prefer varchar(n) for the key, and validate this table after the load.',
      });
    }
    return out;
  }

  const unique = t.uniqueKeys.length > 0 ? ` (unique key ${t.uniqueKeys.map((k) => `(${k.join(', ')})`).join(', ')} could become the primary key)` : '';
  if (t.replicaIdentity === 'full') {
    out.push({
      id: `table.no-primary-key:${name}`,
      severity: 'warning',
      object: name,
      title: 'No primary key; REPLICA IDENTITY FULL',
      evidence: `no primary key${unique}; REPLICA IDENTITY FULL`,
      fix: 'DMS can apply updates and deletes through REPLICA IDENTITY FULL, at the cost of logging whole old rows (AWS: test it carefully); a primary key is better.',
    });
  } else {
    out.push({
      id: `table.no-primary-key:${name}`,
      severity: t.replicaIdentity === 'index' ? 'warning' : 'blocker',
      object: name,
      title: 'No primary key: DMS ignores its UPDATEs and DELETEs during CDC',
      evidence: `no primary key${unique}; REPLICA IDENTITY ${(t.replicaIdentity ?? 'default').toUpperCase()}`,
      fix: `Add a primary key, or run ALTER TABLE ${sqlName} REPLICA IDENTITY FULL so the WAL carries the old row; otherwise changes made during the migration are lost on the target.`,
      fixLines: sqlFix(`ALTER TABLE ${sqlName} REPLICA IDENTITY FULL;${where.inDb}`),
    });
  }
  const lobs = t.columns.filter((c) => c.isLob);
  if (ctx.options.lobMode !== 'limited' && t.uniqueKeys.length === 0 && lobs.length > 0) {
    out.push({
      id: `table.lob-without-key:${name}`,
      severity: 'blocker',
      object: name,
      title: `LOB columns without a primary or unique key in ${ctx.options.lobMode} LOB mode`,
      evidence: `LOB column(s) ${lobs.map((c) => c.name).join(', ')}; no primary or unique key`,
      fix: 'In full and inline LOB mode DMS fetches LOBs by key: add a primary key, or use dms.lobMode: limited.',
    });
  }
  return out;
}

function columnFindings(ctx: PgCheckContext, t: DbTable): Finding[] {
  const out: Finding[] = [];
  const where = locate(ctx.inventory, t.schema);
  for (const c of t.columns) {
    const id = `${t.schema}.${t.name}.${c.name}`;
    const unsupported = unsupportedType(c);
    if (unsupported) {
      out.push({
        id: `column.unsupported-type:${id}`,
        severity: 'blocker',
        object: id,
        title: `AWS DMS does not migrate ${unsupported} columns`,
        evidence: `${c.name} ${c.columnType}`,
        fix: 'Copy this column outside DMS (e.g. pg_dump --table at cutover), or change it to text on the source for the migration and back on the target after cutover; validate it after the load either way.',
        fixLines: sqlFix(`-- ALTER TABLE ${where.table(t.name)} ALTER COLUMN ${quoteIdent(c.name)} TYPE text;  -- DMS does not migrate ${unsupported}${where.inDb}`),
      });
    } else if (lossyNumeric(c)) {
      out.push({
        id: `column.lossy-type:${id}`,
        severity: 'warning',
        object: id,
        title: 'NUMERIC without precision or above 38 digits migrates only partially',
        evidence: `${c.name} ${c.columnType}`,
        fix: 'DMS maps NUMERIC with precision > 38 to a string and NUMERIC without precision to a default precision/scale: declare numeric(p,s) with p ≤ 38 where the data allows, and validate this column.',
      });
    }
  }
  return out;
}

/** Largest LOB per column (one query per database) against the LOB mode. */
async function lobFindings(ctx: PgCheckContext): Promise<Finding[]> {
  const refs: PgColumnRef[] = ctx.inventory.tables.flatMap((t) =>
    t.columns.filter((c) => c.isLob).map((c) => ({ schema: t.schema, table: t.name, column: c.name, dataType: c.dataType })),
  );
  if (refs.length === 0) return [];
  const largest = await ctx.db.maxLobBytes(refs, ctx.inventory.databases);
  const dmsBytes = (r: PgColumnRef): number => (largest.get(r) ?? 0) * (NCLOB_TYPES.has(r.dataType) ? 2 : 1);
  const needKb = Math.ceil(Math.max(...refs.map(dmsBytes)) / 1024);
  const out: Finding[] = [];
  if (ctx.options.lobMode === 'limited') {
    for (const r of refs.filter((x) => dmsBytes(x) > ctx.options.lobMaxSizeKb * 1024)) {
      const id = `${r.schema}.${r.table}.${r.column}`;
      const bytes = largest.get(r) ?? 0;
      const nclob = NCLOB_TYPES.has(r.dataType) ? ` (${r.dataType} is an NCLOB for DMS: up to ${kb(bytes * 2)})` : '';
      out.push({
        id: `column.lob-truncated:${id}`,
        severity: 'blocker',
        object: id,
        title: 'LOB values larger than the limited-LOB-mode maximum would be truncated',
        evidence: `largest value ${kb(bytes)}${nclob} > dms.lobMaxSizeKb ${ctx.options.lobMaxSizeKb}`,
        fix: `Raise dms.lobMaxSizeKb to at least ${needKb}, or set dms.lobMode to inline or full; in limited LOB mode DMS truncates larger values.`,
        fixLines: [{ kind: 'config', lines: ['dms:', `  lobMaxSizeKb: ${needKb}`] }],
      });
    }
  }
  const top = refs.reduce((a, b) => (dmsBytes(b) > dmsBytes(a) ? b : a));
  out.push({
    id: 'postgres.lob-columns',
    severity: 'info',
    object: `${refs.length} column(s)`,
    title: `LOB columns (dms.lobMode ${ctx.options.lobMode})`,
    evidence: `${refs.length} LOB column(s); largest value ${kb(largest.get(top) ?? 0)} in ${top.schema}.${top.table}.${top.column}`,
    fix: ctx.options.lobMode === 'limited'
      ? `dms.lobMaxSizeKb must stay ≥ ${needKb} for these values.`
      : 'Full and inline LOB mode fetch large values by primary key, which is slower than limited mode.',
    // In the bytes DMS moves: text/json travel as NCLOB, twice their stored size.
    measure: { largestLobBytes: dmsBytes(top), largestLobColumn: `${top.schema}.${top.table}.${top.column}` },
  });
  return out;
}
