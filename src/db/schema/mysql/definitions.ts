/**
 * SHOW CREATE VIEW / PROCEDURE / FUNCTION / TRIGGER / EVENT → the statement for the target:
 * the DEFINER becomes the target's admin user (RDS grants no SUPER, so no one can create an
 * object for another user), the object's name (and a trigger's table) is qualified with the
 * target database, and qualifiers naming a migrated source database inside the body point
 * to its target database.
 */
import { chain, identifiersIn, mapSchemaQualifiers, mask, q, qq, type MaskOptions, type QualifierMapping } from './sql-text.js';

export interface DefinitionInput {
  /** The server's CREATE statement (SHOW CREATE … output). */
  sql: string;
  targetSchema: string;
  /** The target's admin user (`DEFINER=\`user\`@\`%\``). */
  targetUser: string;
  /** Rewrites source-database qualifiers in the body. */
  qualifiers: QualifierMapping;
}

export interface Definition {
  sql: string;
  name: string;
  /** The definer it had, when it was another one. */
  definerWas?: string;
  /** Whether the body named a migrated source database that has another name on the target. */
  bodyRewritten: boolean;
}

// Backticks, or under ANSI_QUOTES (SHOW CREATE writes a routine's header in its own sql_mode) double quotes.
const DEFINER = /\bDEFINER\s*=\s*(?:`[^`]*`(?:\s*@\s*`[^`]*`)?|"[^"]*"(?:\s*@\s*"[^"]*")?|'[^']*'\s*@\s*'[^']*'|CURRENT_USER(?:\s*\(\s*\))?)/i;

function heads(opts: MaskOptions) {
  const c = chain(opts);
  return {
    view: new RegExp(`\\bVIEW\\s+${c}`, 'id'),
    procedure: new RegExp(`\\bPROCEDURE\\s+${c}`, 'id'),
    function: new RegExp(`\\bFUNCTION\\s+${c}`, 'id'),
    event: new RegExp(`\\bEVENT\\s+${c}`, 'id'),
    trigger: new RegExp(`\\bTRIGGER\\s+${c}\\s+(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+${c}`, 'id'),
  };
}

export type DefinitionKind = keyof ReturnType<typeof heads>;

export function rewriteDefinition(kind: DefinitionKind, input: DefinitionInput): Definition {
  const { sql, targetSchema } = input;
  const opts = { ansiQuotes: input.qualifiers.ansiQuotes };
  const masked = mask(sql, opts);
  const head = heads(opts)[kind].exec(masked);
  if (!head?.indices) throw new Error(`unexpected SHOW CREATE ${kind.toUpperCase()} output: ${sql.slice(0, 80)}`);
  const nameOf = ([from, to]: [number, number]) => identifiersIn(sql, masked, from, to, opts).pop()!;
  // The object's name, and for a trigger its table: [from, to, replacement].
  const edits: Array<[number, number, string]> = [];
  const nameSpan = head.indices[1]!;
  const name = nameOf(nameSpan);
  edits.push([nameSpan[0], nameSpan[1], qq(targetSchema, name)]);
  if (kind === 'trigger') {
    const tableSpan = head.indices[2]!;
    edits.push([tableSpan[0], tableSpan[1], qq(targetSchema, nameOf(tableSpan))]);
  }

  let definerWas: string | undefined;
  const definer = DEFINER.exec(masked);
  if (definer && definer.index < head.index) {
    const wanted = `${q(input.targetUser)}@\`%\``;
    const was = sql.slice(definer.index, definer.index + definer[0].length).replace(/^DEFINER\s*=\s*/i, '');
    if (was.replace(/[`"'\s]/g, '') !== `${input.targetUser}@%`) definerWas = was;
    edits.unshift([definer.index, definer.index + definer[0].length, `DEFINER=${wanted}`]);
  }

  let out = '';
  let cursor = 0;
  for (const [from, to, by] of edits) {
    out += sql.slice(cursor, from) + by;
    cursor = to;
  }
  const body = sql.slice(cursor);
  const mapped = mapSchemaQualifiers(body, input.qualifiers);
  return { sql: out + mapped, name, ...(definerWas !== undefined ? { definerWas } : {}), bodyRewritten: mapped !== body };
}

/**
 * With binary logging on, a server without SUPER (RDS) refuses a function that declares none
 * of DETERMINISTIC, NO SQL, READS SQL DATA unless log_bin_trust_function_creators is set.
 */
export function unsafeFunctionWarning(qualifiedName: string, routine: { deterministic: boolean; dataAccess: string }): string | undefined {
  if (routine.deterministic || ['NO SQL', 'READS SQL DATA'].includes(routine.dataAccess.toUpperCase())) return undefined;
  return `Function ${qualifiedName} declares none of DETERMINISTIC, NO SQL or READS SQL DATA: with binary logging on, RDS refuses to create it unless the DB parameter group sets log_bin_trust_function_creators = 1 (or declare the right characteristic on the source).`;
}
