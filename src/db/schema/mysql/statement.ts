/** One DdlStatement: its id is `<phase>/<objectKey>`, its database the object's target database. */
import { objectKey, type DdlPhase, type DdlStatement, type ObjectRef } from '../types.js';

export function statement(phase: DdlPhase, object: ObjectRef, sql: string, notes: string[] = []): DdlStatement {
  return { id: `${phase}/${objectKey(object)}`, phase, object, sql, database: object.schema, notes };
}
