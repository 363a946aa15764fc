// The PostgreSQL schema adapter's pure parts: schema renaming in deparsed text, the
// pre-data order, CREATE DATABASE options and where a sequence restarts.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/db/schema/postgres/closure.js';
import { createDatabase, createIndex, indexShape } from '../../../src/db/schema/postgres/ddl.js';
import type { Names } from '../../../src/db/schema/postgres/names.js';
import { preDataOrder } from '../../../src/db/schema/postgres/order.js';
import { restartAt } from '../../../src/db/schema/postgres/positions.js';
import { renameSchemas } from '../../../src/db/schema/postgres/rename.js';
import type { Sequence } from '../../../src/db/schema/postgres/sequences.js';

const crm = new Map([
  ['crm', 'crm_rds'],
  ['My Schema', '"Other"'],
]);

describe('renameSchemas', () => {
  it('rewrites schema qualifiers, bare and quoted, and nothing else', () => {
    expect(renameSchemas('SELECT t.id FROM (crm.tickets t JOIN "My Schema".x ON x.id = t.id) WHERE crm.f(t.crm) > 0', crm)).toBe(
      'SELECT t.id FROM (crm_rds.tickets t JOIN "Other".x ON x.id = t.id) WHERE crm_rds.f(t.crm) > 0',
    );
    // An unquoted name folds to lower case; a quoted one does not.
    expect(renameSchemas('CRM.a, "CRM".b, crmx.c, a.crm.d', crm)).toBe('crm_rds.a, "CRM".b, crmx.c, a.crm.d');
  });

  it('leaves string constants and comments alone, except a name cast to a name type', () => {
    expect(renameSchemas("SELECT 'crm.tickets', E'it\\'s crm.x' -- crm.y\n/* crm.z */", crm)).toBe("SELECT 'crm.tickets', E'it\\'s crm.x' -- crm.y\n/* crm.z */");
    expect(renameSchemas("nextval('crm.tickets_id_seq'::regclass), 'crm.t'::text, '\"My Schema\".s'::regclass", crm)).toBe(
      "nextval('crm_rds.tickets_id_seq'::regclass), 'crm.t'::text, '\"Other\".s'::regclass",
    );
  });

  it('rewrites inside dollar-quoted bodies only when asked (routines)', () => {
    const fn = "CREATE FUNCTION crm.f() RETURNS int AS $function$ SELECT count(*) FROM crm.t WHERE s = 'crm.x' $function$";
    expect(renameSchemas(fn, crm)).toBe("CREATE FUNCTION crm_rds.f() RETURNS int AS $function$ SELECT count(*) FROM crm.t WHERE s = 'crm.x' $function$");
    expect(renameSchemas(fn, crm, { bodies: true })).toBe(
      "CREATE FUNCTION crm_rds.f() RETURNS int AS $function$ SELECT count(*) FROM crm_rds.t WHERE s = 'crm.x' $function$",
    );
  });
});

const names = (map: Record<string, string>): Names => ({
  schema: (s) => map[s] ?? s,
  qualified: (s, n) => `"${map[s] ?? s}"."${n}"`,
  text: (d) => renameSchemas(d, new Map(Object.entries(map))),
});

describe('index definitions', () => {
  const def = 'CREATE UNIQUE INDEX tickets_open_idx ON ONLY crm.tickets USING btree (crm.norm(subject)) WHERE (closed_at IS NULL)';

  it('become re-runnable on the mapped table, without ONLY', () => {
    const index = { oid: 1, name: 'tickets_open_idx', definition: def, forConstraint: false, inherited: false };
    expect(createIndex(index, { schema: 'crm', name: 'tickets' }, names({ crm: 'crm_rds' }))).toBe(
      'CREATE UNIQUE INDEX IF NOT EXISTS tickets_open_idx ON "crm_rds"."tickets" USING btree (crm_rds.norm(subject)) WHERE (closed_at IS NULL)',
    );
  });

  it('compare without their name, table and IF NOT EXISTS', () => {
    const onTarget = 'CREATE UNIQUE INDEX IF NOT EXISTS tickets_open_idx ON crm_rds.tickets USING btree (crm_rds.norm(subject)) WHERE (closed_at IS NULL)';
    expect(indexShape(onTarget, names({ crm_rds: 'crm' }))).toBe('UNIQUE USING btree (crm.norm(subject)) WHERE (closed_at IS NULL)');
    expect(indexShape(def, names({}))).toBe('UNIQUE USING btree (crm.norm(subject)) WHERE (closed_at IS NULL)');
  });
});

describe('preDataOrder', () => {
  const item = (kind: Item['kind'], oid: number): Item => ({ kind, oid, schema: 's', name: `${kind}${oid}`, subkind: '' });
  const key = (i: Item) => `${i.kind}:${i.oid}`;

  it('puts dependencies first, then orders by kind, then as given', () => {
    const items = [item('view', 1), item('table', 2), item('table', 3), item('function', 4), item('type', 5), item('view', 6)];
    // view1 reads view6; function4 returns table3's row type.
    const needs = new Map([
      ['view:1', new Set(['view:6'])],
      ['function:4', new Set(['table:3'])],
    ]);
    expect(preDataOrder(items, needs, key).map(key)).toEqual(['type:5', 'table:2', 'table:3', 'function:4', 'view:6', 'view:1']);
  });

  it('breaks a cycle at the highest-priority item instead of dropping anything', () => {
    const items = [item('table', 1), item('function', 2)];
    const needs = new Map([
      ['table:1', new Set(['function:2'])],
      ['function:2', new Set(['table:1'])],
    ]);
    expect(preDataOrder(items, needs, key).map(key)).toEqual(['function:2', 'table:1']);
  });
});

describe('createDatabase', () => {
  const base = { encoding: 'UTF8', datcollate: 'en_US.UTF-8', datctype: "it's" };

  it("copies the encoding and the libc locale, quoted, from template0", () => {
    expect(createDatabase('shop', { ...base, datlocprovider: 'c' })).toBe(`CREATE DATABASE "shop" ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'it''s' TEMPLATE template0`);
  });

  it('copies an ICU locale (15–16: daticulocale, 17+: datlocale) and its rules, and a builtin one', () => {
    expect(createDatabase('shop', { ...base, datlocprovider: 'i', daticulocale: 'en-US' })).toContain(`LOCALE_PROVIDER icu ICU_LOCALE 'en-US' TEMPLATE`);
    expect(createDatabase('shop', { ...base, datlocprovider: 'i', datlocale: 'de', daticurules: '&a < b' })).toContain(`ICU_LOCALE 'de' ICU_RULES '&a < b'`);
    expect(createDatabase('shop', { ...base, datlocprovider: 'b', datlocale: 'C.UTF-8' })).toContain(`LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'`);
  });
});

describe('restartAt', () => {
  const seq = (over: Partial<Sequence> = {}): Sequence => ({
    oid: 1, schema: 's', name: 'q', type: 'bigint', start: '1', increment: '1', min: '1', max: '100', cache: '1', cycle: false, ...over,
  });

  it('goes past both the last value handed out and the largest value stored', () => {
    expect(restartAt(seq(), { lastValue: '7', isCalled: true }, ['40', null])).toEqual(['40', true]);
    expect(restartAt(seq(), { lastValue: '70', isCalled: true }, ['40'])).toEqual(['70', true]);
    // Never called: its last_value is the start, not a value handed out.
    expect(restartAt(seq(), { lastValue: '1', isCalled: false }, ['9'])).toEqual(['9', true]);
  });

  it('leaves an unused sequence of an empty table at its start', () => {
    expect(restartAt(seq({ start: '1000' }), { lastValue: '1000', isCalled: false }, [null])).toEqual(['1000', false]);
  });

  it('goes below everything for a descending sequence', () => {
    expect(restartAt(seq({ increment: '-1', start: '-1', min: '-100', max: '-1' }), { lastValue: '-5', isCalled: true }, ['-9'])).toEqual(['-9', true]);
  });
});
