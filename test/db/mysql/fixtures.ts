/** Loads the SQL fixtures into a fresh database on a test server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminConnection } from '../../helpers/db/mariadb.js';
import type { DbServerInfo } from '../../helpers/db/server.js';

const SQL_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'sql');
export const HYBRIDBTS_SQL = readFileSync(join(SQL_DIR, 'hybridbts-mysql.sql'), 'utf8');
export const EXTRAS_SQL = readFileSync(join(SQL_DIR, 'mysql-extras.sql'), 'utf8');

/** (Re)creates `database` from the given scripts in one multi-statement round trip, then refreshes table statistics. */
export async function loadDatabase(server: DbServerInfo, database: string, ...scripts: string[]): Promise<void> {
  const conn = await adminConnection(server);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\`; USE \`${database}\`; ${scripts.join('\n')}`);
    const [tables] = await conn.query<Array<{ t: string } & import('mysql2').RowDataPacket>>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [database],
    );
    if (tables.length) await conn.query(`ANALYZE TABLE ${tables.map((r) => `\`${database}\`.\`${r.t}\``).join(', ')}`);
  } finally {
    await conn.end();
  }
}
