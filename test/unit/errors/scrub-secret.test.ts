import { describe, expect, it } from 'vitest';
import { scrubSecret } from '../../../src/errors.js';
import { connectionError } from '../../../src/db/postgres-errors.js';
import { connectError } from '../../../src/db/mysql-errors.js';
import { queryError } from '../../../src/db/compare/errors.js';
import type { ConnectionSpec } from '../../../src/db/types.js';

describe('scrubSecret — one rule for every message that may carry a password', () => {
  it('masks a long password wherever it appears, even inside other text', () => {
    expect(scrubSecret('auth failed for s3cr3t-pw (was s3cr3t-pwX)', 's3cr3t-pw')).toBe('auth failed for *** (was ***X)');
  });

  it('masks a 1- or 2-character password only where it stands alone, never inside words', () => {
    expect(scrubSecret('fix the host/port; password x was rejected', 'x')).toBe('fix the host/port; password *** was rejected');
    expect(scrubSecret('exit: check the value of ab in the config', 'ab')).toBe('exit: check the value of *** in the config');
    expect(scrubSecret('about the absent table', 'ab')).toBe('about the absent table');
  });

  it('masks a short punctuation password next to words, and leaves text alone without a secret', () => {
    expect(scrubSecret('password=%% rejected', '%%')).toBe('password=*** rejected');
    expect(scrubSecret('nothing to hide', undefined)).toBe('nothing to hide');
    expect(scrubSecret('nothing to hide', '')).toBe('nothing to hide');
  });

  const spec = (engine: 'mysql' | 'postgres', password: string): ConnectionSpec => ({
    engine, host: '127.0.0.1', port: 1, user: 'u', password, database: 'shop', label: 'source database u@127.0.0.1:1/shop',
  } as ConnectionSpec);

  it('is the rule of the MySQL, PostgreSQL and comparison error messages alike', () => {
    const echo = (password: string) => Object.assign(new Error(`server said: fix it, password ${password} is wrong`), { code: 'XX_UNLISTED' });
    for (const password of ['f', 'pw-long-enough']) {
      const messages = [
        connectError(echo(password), spec('mysql', password)).message,
        connectionError(echo(password), spec('postgres', password)).message,
        queryError(echo(password), spec('mysql', password), 'shop.orders').message,
      ];
      for (const m of messages) {
        expect(m).toContain('password *** is wrong');
        expect(m).toContain('fix it');
        expect(m).not.toContain(`password ${password} `);
      }
    }
  });
});
