/**
 * Table-level MySQL/MariaDB checks: storage engines, row identity for CDC, LOB sizes against
 * the LOB mode, mixed-case names, and AUTO_INCREMENT (which DMS does not carry over).
 */
import { MYSQL_NCLOB_TYPES, type MysqlColumn } from '../../db/mysql-inventory.js';
import { versionAtLeast } from '../../db/mysql-version.js';
import type { DbTable, Inventory, ServerVersion } from '../../db/types.js';
import type { Finding } from './finding.js';
import { config, formatBytes, listSome, quoteId, sql, tableRef } from './mysql-fix.js';

const name = (t: DbTable) => `${t.schema}.${t.name}`;

/**
 * Non-InnoDB tables: a warning, not a blocker. DMS loads them and captures their row events,
 * but the full load is no consistent snapshot (no MVCC) and the target table is InnoDB anyway.
 */
export function checkStorageEngines(tables: DbTable[]): Finding[] {
  return tables
    .filter((t) => t.storageEngine && t.storageEngine.toLowerCase() !== 'innodb')
    .map((t) => ({
      id: `table.storage-engine:${name(t)}`, severity: 'warning' as const, object: name(t),
      title: `${t.storageEngine} table: no consistent snapshot during the full load`,
      evidence: `ENGINE = ${t.storageEngine}`,
      fix: 'Convert it to InnoDB before the migration (DMS creates it as InnoDB on the target anyway), or load it while writes are stopped.',
      fixLines: [sql(`ALTER TABLE ${tableRef(t.schema, t.name)} ENGINE = InnoDB;`)],
    }));
}

/** A key identifies rows only if every one of its columns is NOT NULL. */
function rowIdentity(t: DbTable): string[] | undefined {
  if (t.primaryKey?.length) return t.primaryKey;
  const notNull = new Set(t.columns.filter((c) => !c.nullable).map((c) => c.name));
  return t.uniqueKeys.find((k) => k.every((c) => notNull.has(c)));
}

/**
 * Tables without a primary key or a NOT NULL unique key: a BLOCKER when CDC runs. DMS
 * full-loads them, but applies each captured UPDATE/DELETE by matching all columns: on
 * duplicate rows one source change hits several target rows (silent divergence), each change
 * scans the target table, and LOB columns cannot be looked up. Append-only tables (logs) are
 * the legitimate exception: accept them with --accept-risk table.no-primary-key:<db>.<table>.
 */
export function checkRowIdentity(tables: DbTable[], version: ServerVersion): Finding[] {
  const invisible = version.flavor === 'mariadb' ? versionAtLeast(version, 10, 3, 3) : versionAtLeast(version, 8, 0, 23);
  return tables.filter((t) => !rowIdentity(t)).map((t) => {
    const auto = (t.columns as MysqlColumn[]).find((c) => c.autoIncrement && !c.nullable);
    const nullableUnique = t.uniqueKeys.map((k) => `(${k.join(', ')})`);
    const lobs = t.columns.filter((c) => c.isLob).map((c) => c.name);
    const evidence = [
      'no PRIMARY KEY',
      nullableUnique.length ? `unique key(s) ${nullableUnique.join(', ')} allow NULLs` : 'no UNIQUE key',
      ...(lobs.length ? [`LOB column(s) ${lobs.join(', ')}`] : []),
      `~${t.rows} rows`,
    ].join('; ');
    const statement = auto
      ? `ALTER TABLE ${tableRef(t.schema, t.name)} ADD PRIMARY KEY (${quoteId(auto.name)});`
      : `ALTER TABLE ${tableRef(t.schema, t.name)} ADD COLUMN ${quoteId('promigrate_row_id')} BIGINT UNSIGNED NOT NULL AUTO_INCREMENT${invisible ? ' INVISIBLE' : ''} PRIMARY KEY;`;
    return {
      id: `table.no-primary-key:${name(t)}`, severity: 'blocker' as const, object: name(t),
      title: 'No primary key or NOT NULL unique key: CDC cannot apply updates and deletes reliably',
      evidence,
      fix: auto
        ? `Make the AUTO_INCREMENT column ${auto.name} the primary key.`
        : `Add a primary key${invisible ? ' (an invisible surrogate column keeps SELECT * and INSERT without column lists working)' : ''}; if the table is append-only, accept the risk instead.`,
      fixLines: [sql(statement)],
    };
  });
}

export interface LobFacts {
  lobMode: 'limited' | 'full' | 'inline';
  lobMaxSizeKb: number;
  /** Largest stored value per `schema.table.column`, when measured. */
  largest?: Map<string, number>;
}

export const MAX_LOB_MAX_SIZE_KB = 102_400;

export function checkLobs(tables: DbTable[], f: LobFacts): Finding[] {
  const lobs = tables.flatMap((t) => t.columns.filter((c) => c.isLob).map((c) => ({ table: t, column: c, key: `${t.schema}.${t.name}.${c.name}` })));
  if (lobs.length === 0) return [];
  const sized = lobs.map((l) => ({ ...l, bytes: f.largest?.get(l.key) })).sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1));
  const limit = f.lobMaxSizeKb * 1024;
  const out: Finding[] = [];
  const tooLarge = f.lobMode === 'limited' ? sized.filter((l) => l.bytes !== undefined && l.bytes > limit) : [];
  if (tooLarge.length) {
    const neededKb = Math.ceil(tooLarge[0]!.bytes! / 1024);
    const fits = neededKb <= MAX_LOB_MAX_SIZE_KB;
    for (const l of tooLarge) {
      out.push({
        id: `table.lob-too-large:${l.key}`, severity: 'blocker', object: l.key,
        title: 'LOB values larger than the limited-mode LOB size: DMS would truncate them',
        evidence: `largest value ${formatBytes(l.bytes!)} (${l.column.columnType}${MYSQL_NCLOB_TYPES.has(l.column.dataType) ? ', an NCLOB for DMS: 2 bytes a character' : ''}); dms.lobMode = limited, dms.lobMaxSizeKb = ${f.lobMaxSizeKb}`,
        fix: fits
          ? `Raise dms.lobMaxSizeKb to at least ${neededKb} (the largest LOB in the source), or use dms.lobMode: inline.`
          : 'Use dms.lobMode: inline (or full): these values exceed what limited mode can hold.',
        fixLines: [config('dms:', ...(fits ? [`  lobMaxSizeKb: ${neededKb}`] : ['  lobMode: inline']))],
      });
    }
  }
  const largest = sized[0]!;
  const tablesWithLobs = new Set(lobs.map((l) => `${l.table.schema}.${l.table.name}`)).size;
  out.push({
    id: 'mysql.lob-columns', severity: 'info', object: 'server',
    title: `${lobs.length} LOB column(s) in ${tablesWithLobs} table(s)`,
    evidence: `${largest.bytes === undefined ? 'sizes not measured' : `largest value ${formatBytes(largest.bytes)} in ${largest.key}`}; dms.lobMode = ${f.lobMode}${f.lobMode === 'full' ? '' : `, dms.lobMaxSizeKb = ${f.lobMaxSizeKb}`}; columns: ${listSome(sized.map((l) => l.key))}`,
    fix: f.lobMode === 'full'
      ? 'Full LOB mode copies every LOB in separate lookups: expect a slower full load on these tables.'
      : 'LOBs are migrated within the configured size; keep dms.lobMaxSizeKb above the largest value as data grows.',
    ...(largest.bytes !== undefined ? { measure: { largestLobBytes: largest.bytes, largestLobColumn: largest.key } } : {}),
  });
  return out;
}

/**
 * Upper-case letters in table names. With lower_case_table_names = 2 (case-insensitive file
 * system: Windows, macOS) DMS CDC does not support them — a blocker per table. With 0 the
 * target must keep case-sensitive names (RDS default, fixed at creation) — one warning.
 */
export function checkMixedCase(tables: DbTable[], lowerCaseTableNames: string | undefined): Finding[] {
  const mixed = tables.filter((t) => t.name !== t.name.toLowerCase());
  if (mixed.length === 0) return [];
  const lctn = lowerCaseTableNames ?? '0';
  if (lctn === '2' || lctn === '1') {
    return mixed.map((t) => ({
      id: `table.mixed-case:${name(t)}`, severity: 'blocker' as const, object: name(t),
      title: 'Upper-case table name on a case-insensitive source: DMS CDC does not support it',
      evidence: `table ${t.name}; lower_case_table_names = ${lctn}`,
      fix: 'Rename the table to lower case (and update the application), or accept the risk for a table that does not change during the migration.',
      fixLines: [sql(`RENAME TABLE ${tableRef(t.schema, t.name)} TO ${tableRef(t.schema, t.name.toLowerCase())};`)],
    }));
  }
  return [{
    id: 'mysql.mixed-case-names', severity: 'warning', object: 'server',
    title: `${mixed.length} table name(s) with upper-case letters`,
    evidence: `lower_case_table_names = ${lctn}; ${listSome(mixed.map(name))}`,
    fix: 'Keep lower_case_table_names = 0 on the target (the RDS default; it cannot change after the instance is created) and use the exact case in DMS table mappings and in the application.',
  }];
}

export function checkAutoIncrement(inventory: Inventory): Finding[] {
  const tables = inventory.tables.filter((t) => (t.columns as MysqlColumn[]).some((c) => c.autoIncrement)).map(name);
  if (tables.length === 0) return [];
  return [{
    id: 'mysql.auto-increment', severity: 'info', object: 'server',
    title: `${tables.length} table(s) use AUTO_INCREMENT, which DMS does not carry over`,
    evidence: listSome(tables),
    fix: "Nothing to do by hand: sync's schema phase creates each table from the source's own DDL (AUTO_INCREMENT included) before the full load, and cutover sets each counter from the frozen source (ALTER TABLE … AUTO_INCREMENT = n; use --freeze-writes for an exact position).",
  }];
}
