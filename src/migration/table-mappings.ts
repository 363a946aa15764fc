/**
 * DMS table mappings from the config's `dms.tables` include/exclude lists, built on the
 * versioned template `templates/dms/table-mappings.v1.json`, and — given the assessed
 * inventory — the tables DMS will actually select, computed with DMS's own wildcard rules.
 */
import type { MigrationConfig } from '../config/schema.js';
import type { Engine, Inventory } from '../db/types.js';
import { UsageError } from '../errors.js';
import { loadTemplate } from './templates.js';

export const TABLE_MAPPINGS_TEMPLATE = { name: 'dms/table-mappings', version: 1 } as const;

export interface TableRef {
  schema: string;
  table: string;
}

export interface SelectionRule {
  'rule-type': 'selection';
  'rule-id': string;
  'rule-name': string;
  'object-locator': { 'schema-name': string; 'table-name': string };
  'rule-action': 'include' | 'exclude';
  filters: unknown[];
}

interface MappingsTemplate {
  templateVersion: 1;
  document: { rules: SelectionRule[] };
  selectionRule: SelectionRule;
  systemSchemas: { mysql: string[]; postgres: string[] };
}

export interface TableMappings {
  /** The document for CreateReplicationTask's TableMappings. */
  json: string;
  rules: SelectionRule[];
  /** The inventory's tables these rules select, sorted; empty when no inventory was given. */
  selected: TableRef[];
}

export type MappingsConfig = Pick<MigrationConfig, 'source' | 'dms'>;

/**
 * A DMS object-locator pattern as a RegExp: `%` any run, `_` one character, `[_]` a literal
 * underscore, `[ab]` / `[a-d]` sets and ranges. Case-sensitive, as DMS documents its selection
 * rules (a case-insensitive source may match more; never less).
 */
export function dmsPattern(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const close = c === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (close > 0) {
      out += `[${pattern.slice(i + 1, close).replace(/[\\^\]]/g, '\\$&')}]`;
      i = close;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'su');
}

export function dmsLike(pattern: string, value: string): boolean {
  return dmsPattern(pattern).test(value);
}

const family = (engine: Engine): 'mysql' | 'postgres' => (engine === 'postgres' ? 'postgres' : 'mysql');

/**
 * Include rules as DMS will receive them. For MySQL/MariaDB a schema is a database and the
 * endpoint reaches every database on the server, so a schema pattern is narrowed to the
 * configured `source.databases` it matches: DMS then copies exactly what assess inventoried.
 */
function includeRefs(config: MappingsConfig, system: string[]): TableRef[] {
  const include = config.dms.tables.include;
  if (family(config.source.engine) === 'postgres') return include;
  const databases = config.source.databases.filter((d) => !system.includes(d));
  const refs = include.flatMap((r) => databases.filter((d) => dmsLike(r.schema, d)).map((d) => ({ schema: d, table: r.table })));
  const unique = [...new Map(refs.map((r) => [`${r.schema}\u0000${r.table}`, r])).values()];
  if (unique.length === 0) {
    throw new UsageError(
      `dms.tables.include matches none of the source databases (${databases.join(', ') || 'none outside the system databases'}): ${include.map(show).join(', ')}`,
      { hint: 'For MySQL/MariaDB the schema of a dms.tables rule is a database name from source.databases; % matches any.' },
    );
  }
  return unique;
}

/** PostgreSQL system schemas an include pattern could reach get an explicit exclude rule. */
function systemExcludes(config: MappingsConfig, includes: TableRef[], system: string[]): TableRef[] {
  if (family(config.source.engine) !== 'postgres') return [];
  return system.filter((s) => includes.some((r) => dmsLike(r.schema, s))).map((s) => ({ schema: s, table: '%' }));
}

const show = (r: TableRef) => `${r.schema}.${r.table}`;

export function buildTableMappings(config: MappingsConfig, inventory?: Inventory): TableMappings {
  const template = loadTemplate<MappingsTemplate>(TABLE_MAPPINGS_TEMPLATE.name, TABLE_MAPPINGS_TEMPLATE.version);
  const system = template.systemSchemas[family(config.source.engine)];
  const includes = includeRefs(config, system);
  const excludes = [...config.dms.tables.exclude, ...systemExcludes(config, includes, system)];
  const rule = (ref: TableRef, action: 'include' | 'exclude', index: number): SelectionRule => {
    const r = structuredClone(template.selectionRule);
    const id = String(index + 1);
    return { ...r, 'rule-id': id, 'rule-name': `${action}${id}`, 'rule-action': action, 'object-locator': { 'schema-name': ref.schema, 'table-name': ref.table } };
  };
  const rules = [
    ...includes.map((ref, i) => rule(ref, 'include', i)),
    ...excludes.map((ref, i) => rule(ref, 'exclude', includes.length + i)),
  ];
  const document = { ...template.document, rules };
  const selected = inventory ? selectTables(inventory, includes, excludes) : [];
  if (inventory && selected.length === 0) throw noTableSelected(config, inventory);
  return { json: JSON.stringify(document, null, 2), rules, selected };
}

/** The inventory's tables that some include matches and no exclude does (DMS: exclude wins). */
export function selectTables(inventory: Inventory, includes: TableRef[], excludes: TableRef[]): TableRef[] {
  const compile = (refs: TableRef[]) => refs.map((r) => ({ schema: dmsPattern(r.schema), table: dmsPattern(r.table) }));
  const inc = compile(includes);
  const exc = compile(excludes);
  const hits = (rules: typeof inc, t: TableRef) => rules.some((r) => r.schema.test(t.schema) && r.table.test(t.table));
  return inventory.tables
    .map((t) => ({ schema: t.schema, table: t.name }))
    .filter((t) => hits(inc, t) && !hits(exc, t))
    .sort((a, b) => a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table));
}

const LISTED = 12;

function noTableSelected(config: MappingsConfig, inventory: Inventory): UsageError {
  const names = inventory.tables.map((t) => `${t.schema}.${t.name}`).sort();
  const listed = names.length === 0 ? 'no tables at all' : names.slice(0, LISTED).join(', ') + (names.length > LISTED ? `, … (${names.length - LISTED} more)` : '');
  const { include, exclude } = config.dms.tables;
  const rules = `include ${include.map(show).join(', ')}${exclude.length ? `; exclude ${exclude.map(show).join(', ')}` : ''}`;
  return new UsageError(`dms.tables selects no table of the source (${rules}); the source has: ${listed}`, {
    hint: 'Fix dms.tables in the config: names are case-sensitive, % matches any run of characters, _ one character.',
  });
}
