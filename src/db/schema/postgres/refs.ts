/**
 * A PostgreSQL object on the target names its database too. The contract's ObjectRef has no
 * field for it (on MySQL the schema is the database), yet existing() is handed bare objects —
 * and the migration asks phase by phase, so after pre-data no `database` object comes along
 * to say which database the others are in. Each ref therefore carries it; existing() reads it.
 */
import type { ObjectRef } from '../types.js';

export interface PostgresObjectRef extends ObjectRef {
  /** The target database the object lives in (for a `database` object: that database). */
  database: string;
}

export const inDatabase = <T extends ObjectRef>(object: T, database: string): T & PostgresObjectRef => ({ ...object, database });

/** The database a ref names, when it is one of ours. */
export function databaseOf(object: ObjectRef): string | undefined {
  const database = (object as Partial<PostgresObjectRef>).database;
  return typeof database === 'string' ? database : undefined;
}
