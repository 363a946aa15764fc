import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startPostgres } from '../../helpers/db/postgres.js';

describe('throwaway PostgreSQL server harness', () => {
  const saved = process.env.PROMIGRATE_PG_BIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROMIGRATE_PG_BIN;
    else process.env.PROMIGRATE_PG_BIN = saved;
  });

  it('applies settings (null removes a default), and stop() removes the data dir', async () => {
    const server = await startPostgres({ settings: { wal_level: null, max_wal_senders: 3 } });
    const client = new pg.Client({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, database: 'postgres' });
    try {
      await client.connect();
      const { rows } = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_wal_senders', 'listen_addresses', 'fsync') ORDER BY name",
      );
      expect(Object.fromEntries(rows.map((r) => [r.name, r.setting]))).toEqual({
        fsync: 'off', listen_addresses: '127.0.0.1', max_wal_senders: '3', wal_level: 'replica',
      });
      expect(server.version).toMatch(/^\d+\.\d+/);
    } finally {
      await client.end();
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it('a missing PostgreSQL installation says how to install it', async () => {
    process.env.PROMIGRATE_PG_BIN = '/nonexistent/postgresql/bin';
    await expect(startPostgres()).rejects.toThrow('postgresql is not installed: `apt-get install postgresql` (.ci/run does this)');
  });
});
