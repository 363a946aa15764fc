/**
 * SHOW CREATE TABLE → what the target gets before the full load (columns, defaults, primary
 * key, CHECK constraints, charset/collation), and the secondary indexes and foreign keys it
 * gets later, each as its own ALTER TABLE.
 *
 * The definition list is split at top-level commas of the masked text (sql-text.ts), so a
 * DEFAULT or COMMENT holding commas, parentheses or backticks, a generated column's
 * expression or a CHECK stays one item, whatever the line breaks.
 */
import { IDENT, closingParen, identifiersIn, mask, q, qq, splitTopLevel } from './sql-text.js';

export interface TableRewriteInput {
  /** SHOW CREATE TABLE's `Create Table`. */
  ddl: string;
  sourceSchema: string;
  targetSchema: string;
  /** The table's AUTO_INCREMENT column, if any. */
  autoIncrementColumn?: string;
  /** The target database of a source database, or undefined when it is not migrated. */
  mapSchema(schema: string): string | undefined;
}

export interface IndexDefinition {
  name: string;
  /** `UNIQUE KEY \`u\` (\`a\`(10),\`b\` DESC) USING BTREE COMMENT '…'` as the server wrote it. */
  definition: string;
}

export interface ForeignKeyDefinition {
  name: string;
  /** `CONSTRAINT \`fk\` FOREIGN KEY (…) REFERENCES \`db\`.\`t\` (…) ON DELETE …`, the referenced table qualified with its target database. */
  definition: string;
  /** The referenced table, in source names. */
  references: { schema: string; table: string };
  /** False when the referenced table's database is not migrated (the reference was kept as it was). */
  mapped: boolean;
}

export interface TableRewrite {
  table: string;
  /** CREATE TABLE IF NOT EXISTS `target`.`table` (…) with only what the load needs. */
  createSql: string;
  indexes: IndexDefinition[];
  foreignKeys: ForeignKeyDefinition[];
  /** The source storage engine. */
  engine: string | undefined;
  notes: string[];
  warnings: string[];
}

type ItemKind = 'column' | 'primary' | 'index' | 'foreign-key' | 'check' | 'other';

interface Item {
  kind: ItemKind;
  text: string;
  masked: string;
}

const HEADER = new RegExp(`^\\s*CREATE\\s+TABLE\\s+(${IDENT}(?:\\s*\\.\\s*${IDENT})?)\\s*\\(`, 'i');
const INDEX_HEAD = new RegExp(`^(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?(?:KEY|INDEX)\\s+(${IDENT})`, 'i');

/** Options a MyISAM/Aria/MERGE table may carry that InnoDB refuses or that RDS does not allow. */
const NON_INNODB_OPTIONS = /\s*\b(?:(?:PACK_KEYS|DELAY_KEY_WRITE|PAGE_CHECKSUM|TRANSACTIONAL|INSERT_METHOD)\s*=\s*\w+|UNION\s*=\s*\([^)]*\)|ROW_FORMAT\s*=\s*(?:FIXED|PAGE)\b)/gi;
const DIRECTORY_OPTIONS = /\s*\b(?:DATA|INDEX)\s+DIRECTORY\s*=\s*'\s*'/gi;

function classify(masked: string): ItemKind {
  const m = masked.trimStart();
  if (m.startsWith('`')) return 'column';
  if (/^PRIMARY\s+KEY\b/i.test(m)) return 'primary';
  if (INDEX_HEAD.test(m)) return 'index';
  if (/^(?:CONSTRAINT\b[^(]*?\s+)?FOREIGN\s+KEY\b/i.test(m)) return 'foreign-key';
  if (/^(?:CONSTRAINT\b[^(]*?\s+)?CHECK\b/i.test(m)) return 'check';
  return 'other';
}

/** The first column of an index or key item (the first identifier inside its column list). */
function firstColumn(item: Item): string | undefined {
  const open = item.masked.indexOf('(');
  if (open < 0) return undefined;
  const m = new RegExp(`^\\(\\s*${IDENT}`).exec(item.masked.slice(open));
  return m ? identifiersIn(item.text, item.masked, open, open + m[0].length)[0] : undefined;
}

export function rewriteCreateTable(input: TableRewriteInput): TableRewrite {
  const { ddl, sourceSchema, targetSchema } = input;
  const masked = mask(ddl);
  const head = HEADER.exec(masked);
  if (!head) throw new Error(`unexpected SHOW CREATE TABLE output: ${ddl.slice(0, 80)}`);
  const table = identifiersIn(ddl, masked, head.index + head[0].indexOf(head[1]!), head.index + head[0].length).pop()!;
  const open = head.index + head[0].length - 1;
  const close = closingParen(masked, open);
  if (close < 0) throw new Error(`unbalanced parentheses in SHOW CREATE TABLE of ${table}`);

  const items: Item[] = splitTopLevel(masked, open + 1, close).map(([from, to]) => {
    // Trimmed by the original's whitespace: a trailing /*!80023 INVISIBLE */ is blank only in the masked copy.
    const raw = ddl.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    const text = raw.slice(lead, raw.length - trail);
    const itemMasked = masked.slice(from + lead, to - trail);
    return { kind: classify(itemMasked), text, masked: itemMasked };
  });

  const notes: string[] = [];
  const warnings: string[] = [];
  const kept: string[] = [];
  const indexes: IndexDefinition[] = [];
  const foreignKeys: ForeignKeyDefinition[] = [];
  const label = qq(sourceSchema, table);

  const ai = input.autoIncrementColumn;
  const primary = items.find((i) => i.kind === 'primary');
  // MySQL requires an AUTO_INCREMENT column to lead some index: when the primary key does not, CREATE TABLE keeps one.
  let aiIndexNeeded = ai !== undefined && (!primary || firstColumn(primary) !== ai);

  for (const item of items) {
    switch (item.kind) {
      case 'index': {
        const head = INDEX_HEAD.exec(item.masked)!;
        const name = identifiersIn(item.text, item.masked, head[0].length - head[1]!.length, head[0].length)[0]!;
        const plain = !/^(?:FULLTEXT|SPATIAL)\b/i.test(item.masked);
        if (aiIndexNeeded && plain && firstColumn(item) === ai) {
          kept.push(item.text);
          aiIndexNeeded = false;
          notes.push(`Kept index ${q(name)} in CREATE TABLE: MySQL needs an index on the AUTO_INCREMENT column ${q(ai!)}.`);
        } else {
          indexes.push({ name, definition: item.text });
        }
        break;
      }
      case 'foreign-key':
        foreignKeys.push(foreignKey(item, input));
        break;
      default:
        kept.push(item.text);
    }
  }
  if (aiIndexNeeded) {
    // Only MyISAM/Aria allow it (a per-group counter in a multi-column key); InnoDB does not.
    kept.push(`KEY ${q(ai!)} (${q(ai!)})`);
    notes.push(`Added index ${q(ai!)} on the AUTO_INCREMENT column: InnoDB requires one.`);
    warnings.push(
      `Table ${label} has its AUTO_INCREMENT column ${q(ai!)} inside a multi-column key, which only MyISAM/Aria allow: on InnoDB it gets an index of its own and one table-wide counter instead of one per group; check the application does not rely on per-group numbering.`,
    );
  }

  const options = new OptionsText(ddl.slice(close + 1), masked.slice(close + 1));
  // Positions are set at cutover from the frozen source (positions.ts).
  options.remove(/\s*\bAUTO_INCREMENT\s*=\s*\d+/gi);
  const engine = /\bENGINE\s*=\s*(\w+)/i.exec(options.masked)?.[1];
  if (engine !== undefined && engine.toLowerCase() !== 'innodb') {
    options.replace(/\bENGINE\s*=\s*\w+/gi, 'ENGINE=InnoDB');
    const dropped = options.remove(NON_INNODB_OPTIONS) > 0;
    notes.push(`Storage engine ${engine} replaced by InnoDB${dropped ? `, and its ${engine}-only table options dropped` : ''}.`);
    warnings.push(
      `Table ${label} uses the ${engine} storage engine: promigrate creates it as InnoDB on the target (the engine RDS supports fully); check the application does not rely on ${engine}-only behaviour such as non-transactional writes or table-level locking.`,
    );
  }
  if (options.remove(DIRECTORY_OPTIONS) > 0) notes.push('DATA/INDEX DIRECTORY dropped: RDS keeps every table in its own storage.');

  const createSql = `CREATE TABLE IF NOT EXISTS ${qq(targetSchema, table)} (\n${kept.map((k) => `  ${k}`).join(',\n')}\n)${options.text}`;
  return { table, createSql, indexes, foreignKeys, engine, notes, warnings };
}

const REFERENCES = new RegExp(`\\bREFERENCES\\s+(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?`, 'i');
const CONSTRAINT_NAME = new RegExp(`^CONSTRAINT\\s+(${IDENT})`, 'i');

function foreignKey(item: Item, input: TableRewriteInput): ForeignKeyDefinition {
  const named = CONSTRAINT_NAME.exec(item.masked);
  if (!named) throw new Error(`foreign key without a name in SHOW CREATE TABLE: ${item.text.slice(0, 80)}`);
  const name = identifiersIn(item.text, item.masked, named[0].length - named[1]!.length, named[0].length)[0]!;
  const ref = REFERENCES.exec(item.masked);
  if (!ref) throw new Error(`foreign key ${name} without REFERENCES: ${item.text.slice(0, 80)}`);
  const refEnd = ref.index + ref[0].length;
  const parts = identifiersIn(item.text, item.masked, refEnd - ref[0].length + 'REFERENCES'.length, refEnd);
  const schema = parts.length === 2 ? parts[0]! : input.sourceSchema;
  const table = parts[parts.length - 1]!;
  const target = input.mapSchema(schema);
  const definition = `${item.text.slice(0, ref.index)}REFERENCES ${qq(target ?? schema, table)}${item.text.slice(refEnd)}`;
  return { name, definition, references: { schema, table }, mapped: target !== undefined };
}

/** The table options after the definition list, edited through their masked copy. */
class OptionsText {
  constructor(
    public text: string,
    public masked: string,
  ) {}

  /** Replaces every match of the global `re` found in the masked text; answers how many. */
  replace(re: RegExp, by: string): number {
    let text = '';
    let masked = '';
    let last = 0;
    let count = 0;
    for (const m of this.masked.matchAll(re)) {
      text += this.text.slice(last, m.index) + by;
      masked += this.masked.slice(last, m.index) + by;
      last = m.index + m[0].length;
      count++;
    }
    this.text = text + this.text.slice(last);
    this.masked = masked + this.masked.slice(last);
    return count;
  }

  remove(re: RegExp): number {
    return this.replace(re, '');
  }
}
