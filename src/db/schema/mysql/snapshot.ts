/**
 * snapshot(): the selection's schema as it stands on one side, for verify. Keys are in
 * SOURCE names on both sides; on the target each source database is read where
 * `targetSchema` puts it.
 */
import type { ConnectionSpec } from '../../types.js';
import type { SchemaSelection, SchemaSnapshot } from '../types.js';
import { tableKey } from './catalog.js';
import { naming } from './naming.js';
import { openSession } from './session.js';
import { counters, objectTexts } from './snapshot-objects.js';
import { tableShapes, type SideNames } from './snapshot-tables.js';

export async function snapshot(conn: (database: string) => Promise<ConnectionSpec>, selection: SchemaSelection, side: 'source' | 'target'): Promise<SchemaSnapshot> {
  const n = naming(selection);
  const names: SideNames = side === 'target' ? { here: n.toTarget, back: n.toSource } : { here: (s) => s, back: (s) => s };
  const schemas = n.databases.map(names.here);
  if (schemas.length === 0) return { tables: {}, objects: {}, sequences: [] };
  const wanted = new Map(selection.tables.map((t) => [tableKey(names.here(t.schema), t.table), tableKey(t.schema, t.table)]));
  const s = await openSession(await conn(schemas[0]!));
  try {
    const relations = await s.query<{ k: string }>(
      `SELECT LOWER(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME)) AS k FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)
       UNION SELECT LOWER(CONCAT(ROUTINE_SCHEMA, '.', ROUTINE_NAME)) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?)`,
      [schemas, schemas],
    );
    const known = new Set(relations.map((r) => r.k));
    return {
      tables: await tableShapes(s, schemas, wanted, names),
      objects: await objectTexts(s, { schemas, names, wanted, known }),
      sequences: await counters(s, schemas, wanted, names),
    };
  } finally {
    await s.close();
  }
}
