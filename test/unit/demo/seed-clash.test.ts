import { describe, expect, it } from 'vitest';
import { seedShop } from '../../../src/demo/seed-shop.js';
import { UsageError } from '../../../src/errors.js';

describe('seeding the demo shop into a database that holds other tables', () => {
  it('refuses as bad input (exit 2) naming the tables, and runs nothing but the two look-ups', async () => {
    const sent: string[] = [];
    const run = async (sql: string) => {
      sent.push(sql);
      return /string_agg/.test(sql) ? [{ names: 'members, orders' }] : [{ comment: null }];
    };
    const err = await seedShop({ run }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toBe('Cannot seed the demo shop: the database already has tables members, orders but no demo marker.');
    expect((err as UsageError).hint).toContain('empty database');
    expect(sent).toHaveLength(2);
  });
});
