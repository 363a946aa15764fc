/**
 * The databases sync's schema phase created on the RDS instance (`target.database.<name>`,
 * recorded the moment they exist): destroy's view of them. They live inside the instance and
 * go when it is deleted — destroy deletes the instance right after them (they depend on it) —
 * so nothing is dropped one by one: a DROP DATABASE would need a connection into the private
 * VPC, only to lose the data a final snapshot of the instance is meant to keep.
 */
import type { MigrationConfig } from '../../config/schema.js';
import type { ResourceTask } from '../../engine/resources/task.js';
import { targetDatabaseKey } from '../../migration/target-schema.js';

const INSTANCE = 'db.instance';

export function targetDatabaseTasks(config: MigrationConfig): ResourceTask[] {
  return config.source.databases.map((name) => ({
    key: targetDatabaseKey(name),
    type: 'db:database',
    title: `database ${name} on the RDS instance`,
    dependsOn: [INSTANCE],
    find: async (t) => {
      const recorded = t.step.resource(targetDatabaseKey(name));
      return recorded ? { id: recorded.id } : undefined;
    },
    planCreate: () => [{ operation: 'db:target:database', params: { database: name, by: 'the schema phase of sync (CREATE DATABASE with the source\'s character set and collation)' } }],
    create: () => Promise.reject(new Error(`internal error: ${targetDatabaseKey(name)} is created by the schema phase, not as a resource task`)),
    async destroy(t, id) {
      t.step.io.notify({ level: 'info', code: 'destroy.database', message: `${targetDatabaseKey(name)}: the database ${id} goes with the RDS instance (deleted next).` });
    },
  }));
}
