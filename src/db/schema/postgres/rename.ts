/**
 * Schema renaming inside definitions the server deparsed (pg_get_viewdef, pg_get_expr, …):
 * read with `search_path = pg_catalog`, every non-catalog name in them is schema-qualified,
 * so mapping a schema means rewriting the qualifier of each `schema.name`. A small lexer
 * keeps string literals, quoted identifiers and comments intact; the exceptions are a
 * literal cast to a name type (`'crm.t_id_seq'::regclass`), whose content is a name too,
 * and — for routines — dollar-quoted bodies, which are code.
 */

/** Source schema name (as stored) → the identifier text to write instead (already quoted as needed). */
export type Qualifiers = ReadonlyMap<string, string>;

/** Sticky patterns, matched at a position without copying the rest of the text. */
const NAME_CAST = /::\s*(regclass|regtype|regproc|regprocedure|regoper|regoperator|regconfig|regdictionary|regcollation)\b/iy;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const at = (re: RegExp, text: string, i: number): RegExpExecArray | null => {
  re.lastIndex = i;
  return re.exec(text);
};
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The end (exclusive) of the quoted run starting at `i` (`quote` doubled inside is an escape). */
function quotedEnd(text: string, i: number, quote: string, backslash = false): number {
  let j = i + 1;
  while (j < text.length) {
    const ch = text[j];
    if (backslash && ch === '\\') j += 2;
    else if (ch === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return text.length;
}

/** A dotted name inside a name-typed literal (`crm.seq`, `"My Schema"."x"`), schema renamed. */
function renameLiteralName(content: string, qualifiers: Qualifiers): string {
  const m = /^("(?:[^"]|"")+"|[^".]+)\.(.+)$/s.exec(content);
  if (!m) return content;
  const raw = m[1]!;
  const schema = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
  const to = qualifiers.get(schema);
  return to === undefined ? content : `${to}.${m[2]}`;
}

/**
 * `text` with each schema qualifier found in `qualifiers` replaced. `bodies`: rewrite inside
 * dollar-quoted strings too (routine bodies); elsewhere they are constants and stay as they are.
 */
export function renameSchemas(text: string, qualifiers: Qualifiers, opts: { bodies?: boolean } = {}): string {
  if (qualifiers.size === 0) return text;
  let out = '';
  /** The last non-blank character written: a `.` before a name makes it a name's second part. */
  let last = '';
  const emit = (chunk: string, lastAs?: string) => {
    out += chunk;
    const trimmed = chunk.trimEnd();
    if (lastAs !== undefined) last = lastAs;
    else if (trimmed) last = trimmed[trimmed.length - 1]!;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      emit(text.slice(i, stop), ' ');
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      emit(text.slice(i, stop), ' ');
      i = stop;
    } else if (ch === "'" || ((ch === 'E' || ch === 'e') && next === "'" && !IDENT_PART.test(text[i - 1] ?? ' '))) {
      const start = ch === "'" ? i : i + 1;
      const end = quotedEnd(text, start, "'", start !== i);
      const literal = text.slice(start + 1, end - 1);
      const cast = at(NAME_CAST, text, end) !== null;
      emit(text.slice(i, start + 1) + (cast ? renameLiteralName(literal.replace(/''/g, "'"), qualifiers).replace(/'/g, "''") : literal) + "'");
      i = end;
    } else if (ch === '$' && !IDENT_PART.test(text[i - 1] ?? ' ')) {
      const tag = at(DOLLAR_TAG, text, i)?.[0];
      if (!tag) {
        emit(ch);
        i++;
        continue;
      }
      const close = text.indexOf(tag, i + tag.length);
      const stop = close === -1 ? text.length : close;
      const body = text.slice(i + tag.length, stop);
      emit(tag + (opts.bodies ? renameSchemas(body, qualifiers, opts) : body) + (close === -1 ? '' : tag));
      i = close === -1 ? text.length : close + tag.length;
    } else if (ch === '"' || IDENT_START.test(ch)) {
      let end: number;
      let name: string;
      if (ch === '"') {
        end = quotedEnd(text, i, '"');
        name = text.slice(i + 1, end - 1).replace(/""/g, '"');
      } else {
        end = i + 1;
        while (end < text.length && IDENT_PART.test(text[end]!)) end++;
        name = text.slice(i, end).toLowerCase();
      }
      const to = qualifiers.get(name);
      // A qualifier: followed by a dot, and not itself the second part of a dotted name.
      emit(to !== undefined && text[end] === '.' && last !== '.' ? to : text.slice(i, end));
      i = end;
    } else {
      emit(ch);
      i++;
    }
  }
  return out;
}
