import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { buildTableMappings, dmsLike } from '../../../src/migration/table-mappings.js';
import { config, inventory, table } from './mapping-fixtures.js';

const rule = (id: number, action: 'include' | 'exclude', schema: string, tableName: string) => ({
  'rule-type': 'selection',
  'rule-id': String(id),
  'rule-name': `${action}${id}`,
  'object-locator': { 'schema-name': schema, 'table-name': tableName },
  'rule-action': action,
  filters: [],
});

describe('buildTableMappings: the DMS document', () => {
  it('MySQL, default include-all: one include per configured database, system databases never', () => {
    const m = buildTableMappings(config({}, { databases: ['shop', 'mysql', 'blog'] }));
    expect(JSON.parse(m.json)).toEqual({ rules: [rule(1, 'include', 'shop', '%'), rule(2, 'include', 'blog', '%')] });
    expect(m.rules).toEqual(JSON.parse(m.json).rules);
    expect(m.selected).toEqual([]);
  });

  it('exact JSON for include-all on MySQL', () => {
    expect(buildTableMappings(config()).json).toBe(
      [
        '{',
        '  "rules": [',
        '    {',
        '      "rule-type": "selection",',
        '      "rule-id": "1",',
        '      "rule-name": "include1",',
        '      "object-locator": {',
        '        "schema-name": "shop",',
        '        "table-name": "%"',
        '      },',
        '      "rule-action": "include",',
        '      "filters": []',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('MySQL: a wildcard schema is narrowed to the configured databases it matches', () => {
    const c = config({ tables: { include: [{ schema: 'shop%', table: 'order%' }] } }, { databases: ['shop', 'shop_eu', 'blog'] });
    expect(JSON.parse(buildTableMappings(c).json).rules).toEqual([rule(1, 'include', 'shop', 'order%'), rule(2, 'include', 'shop_eu', 'order%')]);
  });

  it('MySQL: an include matching no configured database → UsageError naming the field', () => {
    const c = config({ tables: { include: [{ schema: 'Shop', table: '%' }] } });
    expect(() => buildTableMappings(c)).toThrow(UsageError);
    expect(() => buildTableMappings(c)).toThrow(/dms\.tables\.include matches none of the source databases \(shop\): Shop\.%/);
  });

  it('exclude rules follow the includes with unique ids and names', () => {
    const c = config({ tables: { include: [{ schema: '%', table: '%' }], exclude: [{ schema: 'shop', table: 'sessions' }, { schema: 'shop', table: 'tmp_%' }] } });
    const { rules } = buildTableMappings(c);
    expect(rules).toEqual([rule(1, 'include', 'shop', '%'), rule(2, 'exclude', 'shop', 'sessions'), rule(3, 'exclude', 'shop', 'tmp_%')]);
    expect(new Set(rules.map((r) => r['rule-id'])).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r['rule-name'])).size).toBe(rules.length);
  });

  it('PostgreSQL: schema patterns stay as written; system schemas they reach are excluded', () => {
    const c = config({ tables: { include: [{ schema: '%', table: '%' }, { schema: 'app', table: 'users' }] } }, { engine: 'postgres', databases: ['shop'] });
    expect(JSON.parse(buildTableMappings(c).json).rules).toEqual([
      rule(1, 'include', '%', '%'),
      rule(2, 'include', 'app', 'users'),
      rule(3, 'exclude', 'pg_catalog', '%'),
      rule(4, 'exclude', 'information_schema', '%'),
    ]);
  });

  it('PostgreSQL: one named schema needs no system excludes', () => {
    const c = config({ tables: { include: [{ schema: 'public', table: '%' }] } }, { engine: 'postgres' });
    expect(JSON.parse(buildTableMappings(c).json).rules).toEqual([rule(1, 'include', 'public', '%')]);
  });
});

describe('buildTableMappings: selection against the inventory', () => {
  const inv = inventory([table('shop', 'orders'), table('shop', 'order_items'), table('shop', 'Orders2'), table('shop', 'sessions'), table('shop', 'tmp1')]);

  it('include all minus an exclude', () => {
    const m = buildTableMappings(config({ tables: { exclude: [{ schema: 'shop', table: 'sessions' }] } }), inv);
    expect(m.selected.map((t) => t.table)).toEqual(['order_items', 'orders', 'Orders2', 'tmp1']);
  });

  it('wildcards: % any run, _ exactly one character, case-sensitive', () => {
    const pick = (tableName: string) => buildTableMappings(config({ tables: { include: [{ schema: 'shop', table: tableName }] } }), inv).selected.map((t) => t.table);
    expect(pick('order%')).toEqual(['order_items', 'orders']);
    expect(pick('Order%')).toEqual(['Orders2']);
    expect(pick('tmp_')).toEqual(['tmp1']);
    expect(pick('order[_]%')).toEqual(['order_items']);
  });

  it('PostgreSQL: schema wildcards select across schemas, never system schemas', () => {
    const pg = inventory([table('public', 'users'), table('billing', 'invoices'), table('pg_catalog', 'pg_class')], 'postgres');
    const m = buildTableMappings(config({}, { engine: 'postgres' }), pg);
    expect(m.selected).toEqual([{ schema: 'billing', table: 'invoices' }, { schema: 'public', table: 'users' }]);
  });

  it('no selected table → UsageError listing what the source has', () => {
    const c = config({ tables: { include: [{ schema: 'shop', table: 'ORDERS' }] } });
    expect(() => buildTableMappings(c, inv)).toThrow(UsageError);
    expect(() => buildTableMappings(c, inv)).toThrow(
      'dms.tables selects no table of the source (include shop.ORDERS); the source has: shop.Orders2, shop.order_items, shop.orders, shop.sessions, shop.tmp1',
    );
  });

  it('everything excluded → UsageError; exit code 2', () => {
    const c = config({ tables: { exclude: [{ schema: '%', table: '%' }] } });
    let caught: unknown;
    try {
      buildTableMappings(c, inv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as UsageError).message).toMatch(/\(include %\.%; exclude %\.%\)/);
  });
});

describe('dmsLike', () => {
  it.each([
    ['%', '', true],
    ['a_c', 'abc', true],
    ['a_c', 'ac', false],
    ['[ab]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['a.b', 'axb', false],
    ['a+(b)', 'a+(b)', true],
    ['Shop', 'shop', false],
  ])('%s ~ %s → %s', (pattern, value, expected) => {
    expect(dmsLike(pattern, value)).toBe(expected);
  });
});
