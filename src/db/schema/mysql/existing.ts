/**
 * existing(): which of the given target objects are already there, with one bulk
 * information_schema query per kind asked about (never one per object). Positions
 * (auto-increment, sequence-position) are never "existing": they are always re-applied.
 */
import { objectKey, type ObjectKind, type ObjectRef } from '../types.js';
import type { Session } from './session.js';

interface Lookup {
  sql: string;
  /** The objectKey of a row. */
  key(row: Record<string, string>): string;
}

const lookups: Partial<Record<ObjectKind, Lookup>> = {
  database: {
    sql: 'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    key: (r) => objectKey({ kind: 'database', schema: r.s!, name: r.s! }),
  },
  schema: {
    sql: 'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    key: (r) => objectKey({ kind: 'schema', schema: r.s!, name: r.s! }),
  },
  table: {
    sql: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
    key: (r) => objectKey({ kind: 'table', schema: r.s!, name: r.n! }),
  },
  sequence: {
    sql: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'SEQUENCE'",
    key: (r) => objectKey({ kind: 'sequence', schema: r.s!, name: r.n! }),
  },
  view: {
    sql: 'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?)',
    key: (r) => objectKey({ kind: 'view', schema: r.s!, name: r.n! }),
  },
  procedure: {
    sql: "SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?) AND ROUTINE_TYPE = 'PROCEDURE'",
    key: (r) => objectKey({ kind: 'procedure', schema: r.s!, name: r.n! }),
  },
  function: {
    sql: "SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?) AND ROUTINE_TYPE = 'FUNCTION'",
    key: (r) => objectKey({ kind: 'function', schema: r.s!, name: r.n! }),
  },
  index: {
    sql: 'SELECT DISTINCT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?)',
    key: (r) => objectKey({ kind: 'index', schema: r.s!, table: r.t!, name: r.n! }),
  },
  constraint: {
    sql: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA IN (?) AND CONSTRAINT_TYPE IN ('CHECK', 'UNIQUE')",
    key: (r) => objectKey({ kind: 'constraint', schema: r.s!, table: r.t!, name: r.n! }),
  },
  'foreign-key': {
    sql: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA IN (?) AND CONSTRAINT_TYPE = 'FOREIGN KEY'",
    key: (r) => objectKey({ kind: 'foreign-key', schema: r.s!, table: r.t!, name: r.n! }),
  },
  trigger: {
    sql: 'SELECT TRIGGER_SCHEMA AS s, EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?)',
    key: (r) => objectKey({ kind: 'trigger', schema: r.s!, table: r.t!, name: r.n! }),
  },
  event: {
    sql: 'SELECT EVENT_SCHEMA AS s, EVENT_NAME AS n FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (?)',
    key: (r) => objectKey({ kind: 'event', schema: r.s!, name: r.n! }),
  },
};

export async function existing(s: Session, objects: ObjectRef[]): Promise<Set<string>> {
  const wanted = new Map<ObjectKind, { schemas: Set<string>; keys: Set<string> }>();
  for (const o of objects) {
    if (!lookups[o.kind]) continue;
    const entry = wanted.get(o.kind) ?? { schemas: new Set<string>(), keys: new Set<string>() };
    entry.schemas.add(o.schema);
    entry.keys.add(objectKey(o));
    wanted.set(o.kind, entry);
  }
  const found = new Set<string>();
  for (const [kind, { schemas, keys }] of wanted) {
    const lookup = lookups[kind]!;
    for (const row of await s.query<Record<string, string>>(lookup.sql, [[...schemas]])) {
      const key = lookup.key(row);
      if (keys.has(key)) found.add(key);
    }
  }
  return found;
}
