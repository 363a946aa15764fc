/**
 * SHOW GRANTS output parsed into privileges and scope. The statement text itself is never
 * kept: on MariaDB it carries the password hash (`IDENTIFIED BY PASSWORD '*…'`).
 */
export type GrantScope =
  | { level: 'global' }
  | { level: 'database'; database: string }
  | { level: 'table'; database: string; table: string }
  | { level: 'routine'; database: string; routine: string };

export interface Grant {
  /** Upper-case privilege names, e.g. `SELECT`, `REPLICATION SLAVE`, `ALL PRIVILEGES`; column grants as `SELECT (a, b)`. */
  privileges: string[];
  scope: GrantScope;
}

/** Splits `SELECT (a, b), INSERT, REPLICATION CLIENT` on commas outside parentheses. */
function splitPrivileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out.map((p) => p.replace(/\s+/g, ' ').replace(/^([A-Z_ ]+?)(\s*\(|$)/i, (_, name: string, rest: string) => name.toUpperCase() + rest));
}

/** One identifier at the start of `text`: `name`, `*` or a backquoted name (with `` `` `` escapes). */
function readIdentifier(text: string): [string, string] {
  if (text.startsWith('`')) {
    let i = 1;
    let name = '';
    while (i < text.length) {
      if (text[i] === '`') {
        if (text[i + 1] === '`') {
          name += '`';
          i += 2;
          continue;
        }
        return [name, text.slice(i + 1)];
      }
      name += text[i];
      i++;
    }
    return [name, ''];
  }
  const m = /^[^.\s]+/.exec(text);
  return [m?.[0] ?? '', text.slice(m?.[0].length ?? 0)];
}

function parseScope(target: string): GrantScope | undefined {
  let rest = target.trim();
  let kind: 'table' | 'routine' = 'table';
  const prefix = /^(TABLE|PROCEDURE|FUNCTION|PACKAGE(?: BODY)?)\s+/i.exec(rest);
  if (prefix) {
    kind = /TABLE/i.test(prefix[1]!) ? 'table' : 'routine';
    rest = rest.slice(prefix[0].length);
  }
  const [db, afterDb] = readIdentifier(rest);
  if (!afterDb.startsWith('.')) return undefined;
  const [obj] = readIdentifier(afterDb.slice(1));
  if (db === '*' && obj === '*') return { level: 'global' };
  if (obj === '*') return { level: 'database', database: db };
  return kind === 'routine' ? { level: 'routine', database: db, routine: obj } : { level: 'table', database: db, table: obj };
}

/** Parses SHOW GRANTS rows; role grants (`GRANT role TO user`) and PROXY grants are skipped. */
export function parseGrants(lines: string[]): Grant[] {
  const grants: Grant[] = [];
  for (const line of lines) {
    const m = /^GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s+/is.exec(line);
    if (!m) continue;
    const privileges = splitPrivileges(m[1]!);
    if (privileges.length === 1 && privileges[0] === 'PROXY') continue;
    const scope = parseScope(m[2]!);
    if (scope) grants.push({ privileges, scope });
  }
  return grants;
}

/** MySQL LIKE-style database patterns in grants (`shop\_%`), as MySQL matches them. */
export function databasePatternMatches(pattern: string, database: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(database);
}
