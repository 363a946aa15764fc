/**
 * Lexical helpers for MySQL/MariaDB DDL text: SHOW CREATE output and routine bodies are
 * searched and edited on a *masked* copy of the same length, where the contents of string
 * literals, quoted identifiers and comments are blanked out. A comma, parenthesis or keyword
 * inside `DEFAULT 'a, (b)'`, a COMMENT or a backtick name then never looks like syntax, and
 * every index found in the masked copy is an index into the original text.
 */

/** A backtick-quoted identifier. */
export const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** `db`.`name` */
export const qq = (schema: string, name: string): string => `${q(schema)}.${q(name)}`;

/** A single-quoted string literal (backslash escapes on, as in the server's default sql_mode). */
export const lit = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** One identifier in masked text: backtick-quoted (contents masked) or bare. */
export const IDENT = '(?:`[^`]*`|[0-9A-Za-z_$\\u0080-\\uffff]+)';
/** The same under ANSI_QUOTES, where "…" is an identifier too. */
export const IDENT_ANSI = '(?:`[^`]*`|"[^"]*"|[0-9A-Za-z_$\\u0080-\\uffff]+)';

/** The name an identifier token stands for: unquoted and unescaped. */
export function unquote(token: string): string {
  const t = token.trim();
  if (t.startsWith('`') && t.endsWith('`')) return t.slice(1, -1).replace(/``/g, '`');
  if (t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t;
}

export interface MaskOptions {
  /** ANSI_QUOTES: "…" is an identifier, not a string. */
  ansiQuotes?: boolean;
}

/**
 * The text with the inside of every '…' / "…" literal blanked (spaces), every `…` identifier
 * filled with `_` (quotes kept, so it still reads as one identifier) and every comment blanked.
 */
export function mask(sql: string, opts: MaskOptions = {}): string {
  const out = sql.split('');
  const blank = (from: number, to: number, fill: string) => {
    for (let i = from; i < to; i++) out[i] = out[i] === '\n' ? '\n' : fill;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || (c === '"' && !opts.ansiQuotes)) {
      const end = endOfQuoted(sql, i, c, true);
      blank(i + 1, end - 1, ' ');
      i = end;
    } else if (c === '`' || c === '"') {
      const end = endOfQuoted(sql, i, c, false);
      blank(i + 1, end - 1, '_');
      i = end;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close < 0 ? sql.length : close + 2;
      blank(i, end, ' ');
      i = end;
    } else if (c === '#' || (c === '-' && next === '-' && /[\s]/.test(sql[i + 2] ?? ' '))) {
      const nl = sql.indexOf('\n', i);
      const end = nl < 0 ? sql.length : nl;
      blank(i, end, ' ');
      i = end;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** The index just after the closing quote of the literal or identifier opened at `start`. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** The index of the parenthesis closing the one at `open` (in masked text), or -1. */
export function closingParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** [start, end) ranges of the comma-separated items at parenthesis depth 0 within [from, to). */
export function splitTopLevel(masked: string, from: number, to: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = masked[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  if (masked.slice(start, to).trim() !== '') ranges.push([start, to]);
  return ranges;
}

export interface QualifierMapping {
  /** The new name of a schema used as a qualifier, or undefined to leave it alone. */
  rename(schema: string): string | undefined;
  /**
   * Whether `schema.name` names an object (table, view, routine) of that schema: a qualifier
   * is rewritten only then, so `alias.column` where the alias happens to equal a schema name
   * stays as it is.
   */
  isObject?(schema: string, name: string): boolean;
  ansiQuotes?: boolean;
}

export interface QualifiedRef {
  /** Where the qualifier starts, and its length as written. */
  at: number;
  length: number;
  schema: string;
  name: string;
}

/**
 * The `a.b` references outside literals and comments whose `a` can be a schema: only the
 * first part of a dotted chain, and never a user or system variable (`@a.b`, `@@a.b`).
 */
export function qualifiedRefs(sql: string, opts: MaskOptions = {}): QualifiedRef[] {
  const masked = mask(sql, opts);
  const id = opts.ansiQuotes ? IDENT_ANSI : IDENT;
  const re = new RegExp(`(?<![0-9A-Za-z_$\\u0080-\\uffff@.\`"])(${id})(\\s*\\.\\s*)(${id})`, 'g');
  const refs: QualifiedRef[] = [];
  for (const m of masked.matchAll(re)) {
    const length = m[1]!.length;
    const nameAt = m.index + length + m[2]!.length;
    refs.push({
      at: m.index,
      length,
      schema: unquote(sql.slice(m.index, m.index + length)),
      name: unquote(sql.slice(nameAt, nameAt + m[3]!.length)),
    });
  }
  return refs;
}

/** Rewrites schema qualifiers (`db`.x and bare db.x) outside literals and comments. */
export function mapSchemaQualifiers(sql: string, mapping: QualifierMapping): string {
  let out = '';
  let last = 0;
  for (const ref of qualifiedRefs(sql, { ansiQuotes: mapping.ansiQuotes })) {
    const renamed = mapping.rename(ref.schema);
    if (renamed === undefined || renamed === ref.schema) continue;
    if (mapping.isObject && !mapping.isObject(ref.schema, ref.name)) continue;
    out += sql.slice(last, ref.at) + q(renamed);
    last = ref.at + ref.length;
  }
  return out + sql.slice(last);
}

/** The names of the identifiers found in masked[from, to), read from the original text. */
export function identifiersIn(sql: string, masked: string, from = 0, to = masked.length, opts: MaskOptions = {}): string[] {
  const names: string[] = [];
  for (const m of masked.slice(from, to).matchAll(new RegExp(opts.ansiQuotes ? IDENT_ANSI : IDENT, 'g'))) {
    const at = from + m.index;
    names.push(unquote(sql.slice(at, at + m[0].length)));
  }
  return names;
}

/** An identifier chain `a` or `a`.`b` (masked text), as one capturing group. */
export const chain = (opts: MaskOptions = {}) => {
  const id = opts.ansiQuotes ? IDENT_ANSI : IDENT;
  return `(${id}(?:\\s*\\.\\s*${id})?)`;
};
