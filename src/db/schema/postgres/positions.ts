/**
 * positions(): where each sequence feeding a selected table must restart on the target.
 * DMS copies the rows with their ids but not the sequences, whose target copies still stand
 * at their START: the next insert would collide. Read from the frozen source: the sequence
 * (last_value, is_called) and the column it feeds (MAX, or MIN for a descending sequence);
 * the target is set past both.
 */
import type { ConnectionSpec } from '../../types.js';
import { objectKey, type DdlStatement, type SchemaSelection } from '../types.js';
import { byText } from './catalog.js';
import { lit, namesFor, q } from './names.js';
import { inDatabase } from './refs.js';
import { readTables } from './relations.js';
import { readFeeds, readPositions, readSequences, type Position, type Sequence } from './sequences.js';
import { selectedDatabase, targetSchemaOf } from './selection.js';
import { withCatalog } from './session.js';

const big = (v: string) => BigInt(v);

/** `[value, is_called]` for setval: past every value handed out or stored; an untouched empty one stays at its start. */
export function restartAt(s: Sequence, p: Position | undefined, columnExtremes: Array<string | null>): [string, boolean] {
  const descending = big(s.increment) < 0n;
  const seen = [...(p?.isCalled ? [p.lastValue] : []), ...columnExtremes.filter((v): v is string => v !== null)].map(big);
  if (seen.length === 0) return [s.start, false];
  const pick = seen.reduce((a, b) => (descending ? (b < a ? b : a) : b > a ? b : a));
  return [pick.toString(), true];
}

export async function positions(source: ConnectionSpec, selection: SchemaSelection): Promise<DdlStatement[]> {
  const database = selectedDatabase(selection);
  const map = targetSchemaOf(selection);
  return withCatalog(source, async (client) => {
    const { tables } = await readTables(client, selection.tables);
    const byOid = new Map(tables.map((t) => [t.oid, t]));
    const feeds = await readFeeds(client, tables.map((t) => t.oid));
    const sequences = [...(await readSequences(client, [...new Set(feeds.map((f) => f.sequence))])).values()];
    const { positions: at, extremes } = await readPositions(client, sequences, feeds, (oid) => `${q(byOid.get(oid)!.schema)}.${q(byOid.get(oid)!.name)}`, 'sequence');
    const names = await namesFor(client, sequences.map((s) => s.schema), map);
    const out: DdlStatement[] = [];
    for (const s of sequences.sort((a, b) => byText(a.schema, b.schema) || byText(a.name, b.name))) {
      const fed = feeds.filter((f) => f.sequence === s.oid);
      const [value, called] = restartAt(s, at.get(s.oid), fed.map((f) => extremes.get(f) ?? null));
      const table = byOid.get(fed[0]!.table)!;
      const object = inDatabase({ kind: 'sequence-position' as const, schema: names.schema(s.schema), table: table.name, name: s.name }, database);
      out.push({
        id: `cutover/${objectKey(object)}`,
        phase: 'cutover',
        object,
        sql: `SELECT setval(${lit(names.qualified(s.schema, s.name))}::regclass, ${value}, ${called})`,
        database,
        notes: [],
      });
    }
    return out;
  });
}
