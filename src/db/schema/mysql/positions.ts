/**
 * positions(): the AUTO_INCREMENT counters of the frozen source, as cutover statements.
 *
 * The counter is read from SHOW CREATE TABLE (information_schema.TABLES.AUTO_INCREMENT can
 * be a cached value on MySQL 8) and compared with MAX(column) + 1: the larger wins, so a row
 * inserted with an explicit id above the counter is never handed out again.
 */
import type { ConnectionSpec } from '../../types.js';
import type { DdlStatement, SchemaSelection } from '../types.js';
import { autoIncrementColumns, columnMaxima, tableKey } from './catalog.js';
import { naming } from './naming.js';
import { openSession, text } from './session.js';
import { statement } from './statement.js';
import { closingParen, mask, qq } from './sql-text.js';

/** The AUTO_INCREMENT=N table option of SHOW CREATE TABLE output (absent while the counter is 1). */
export function counterOf(ddl: string): bigint | undefined {
  const masked = mask(ddl);
  const options = masked.slice(closingParen(masked, masked.indexOf('(')) + 1);
  const m = /\bAUTO_INCREMENT\s*=\s*(\d+)/i.exec(options);
  return m ? BigInt(m[1]!) : undefined;
}

export async function positions(source: ConnectionSpec, selection: SchemaSelection): Promise<DdlStatement[]> {
  const names = naming(selection);
  const s = await openSession(source);
  try {
    const columns = await autoIncrementColumns(s, names.databases);
    const tables = [...selection.tables]
      .sort((a, b) => tableKey(a.schema, a.table).localeCompare(tableKey(b.schema, b.table)))
      .flatMap((t) => {
        const column = columns.get(tableKey(t.schema, t.table));
        return column === undefined ? [] : [{ ...t, column }];
      });
    const maxima = await columnMaxima(s, tables);
    const out: DdlStatement[] = [];
    for (const t of tables) {
      const ddl = text(await s.row(`SHOW CREATE TABLE ${qq(t.schema, t.table)}`), 'Create Table') ?? '';
      const counter = counterOf(ddl) ?? 1n;
      const max = maxima.get(tableKey(t.schema, t.table));
      const afterMax = max === null || max === undefined ? 1n : BigInt(max) + 1n;
      const next = counter > afterMax ? counter : afterMax;
      const target = names.toTarget(t.schema);
      out.push(
        statement('cutover', { kind: 'auto-increment', schema: target, table: t.table, name: t.column }, `ALTER TABLE ${qq(target, t.table)} AUTO_INCREMENT = ${next}`, [
          `The source's counter is ${counter}, MAX(${t.column}) is ${max ?? 'none (empty table)'}.`,
        ]),
      );
    }
    return out;
  } finally {
    await s.close();
  }
}
