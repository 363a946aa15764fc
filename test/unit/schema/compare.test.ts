import { describe, expect, it } from 'vitest';
import { compareSchemas, describeDifference, looseDefinition, sameDefinition } from '../../../src/db/schema/compare.js';
import type { SchemaSnapshot } from '../../../src/db/schema/types.js';

const snapshot = (): SchemaSnapshot => ({
  tables: {
    'shop.orders': {
      columns: [
        { name: 'id', type: 'int(11)', nullable: false, default: null, collation: null },
        { name: 'member', type: 'int(11)', nullable: true, default: null, collation: null },
        { name: 'note', type: 'varchar(80)', nullable: true, default: "'a, ''b'''", collation: 'utf8mb4_general_ci' },
      ],
      indexes: { PRIMARY: 'UNIQUE (id) BTREE', idx_member: '(member) BTREE' },
      constraints: { fk_member: 'FOREIGN KEY (member) REFERENCES shop.members (num) ON DELETE CASCADE', chk_note: 'CHECK (note <> \'\')' },
    },
  },
  objects: { 'view shop.v_orders': 'select id from orders', 'trigger shop.trg_orders': 'BEFORE INSERT ON orders …' },
  sequences: [{ schema: 'shop', name: 'orders', table: 'orders', column: 'id', next: '501', columnMax: '500' }],
});

const kinds = (s: SchemaSnapshot, t: SchemaSnapshot) => compareSchemas(s, t).differences.map((d) => `${d.problem} ${d.object}${d.cutover ? ' (cutover)' : ''}`);

describe('compareSchemas', () => {
  it('finds nothing between equal snapshots and counts what it compared', () => {
    const r = compareSchemas(snapshot(), snapshot());
    expect(r).toEqual({ tables: 1, objects: 2, sequences: 1, differences: [] });
  });

  it('names a missing index, a changed column, an extra constraint and a missing view', () => {
    const t = snapshot();
    const orders = t.tables['shop.orders']!;
    delete orders.indexes.idx_member;
    orders.columns[2] = { ...orders.columns[2]!, default: null };
    orders.constraints.extra = 'CHECK (id > 0)';
    delete t.objects['view shop.v_orders'];
    expect(kinds(snapshot(), t)).toEqual([
      'different column shop.orders.note',
      'missing index shop.orders.idx_member',
      'extra constraint shop.orders.extra',
      'missing view shop.v_orders',
    ]);
  });

  it('marks what only cutover builds: foreign keys, triggers, sequence positions', () => {
    const t = snapshot();
    delete t.tables['shop.orders']!.constraints.fk_member;
    delete t.objects['trigger shop.trg_orders'];
    t.sequences[0] = { ...t.sequences[0]!, next: '1' };
    expect(kinds(snapshot(), t)).toEqual([
      'missing constraint shop.orders.fk_member (cutover)',
      'missing trigger shop.trg_orders (cutover)',
      'behind sequence shop.orders (orders.id) (cutover)',
    ]);
  });

  it('a sequence is behind when its next value is at or below the MAX of its column, or below the source\'s next', () => {
    const at = snapshot();
    at.sequences[0] = { ...at.sequences[0]!, next: '500' };
    expect(kinds(snapshot(), at)).toEqual(['behind sequence shop.orders (orders.id) (cutover)']);
    const ahead = snapshot();
    ahead.sequences[0] = { ...ahead.sequences[0]!, next: '9000' };
    expect(kinds(snapshot(), ahead)).toEqual([]);
    // Values beyond 2^53 compare exactly (BIGINT UNSIGNED counters).
    const big = snapshot();
    big.sequences[0] = { ...big.sequences[0]!, next: '18446744073709551615', columnMax: '18446744073709551614' };
    const bigTarget = snapshot();
    bigTarget.sequences[0] = { ...big.sequences[0]!, next: '18446744073709551614' };
    expect(kinds(big, bigTarget)).toEqual(['behind sequence shop.orders (orders.id) (cutover)']);
  });

  it('a missing table is one difference, not one per column', () => {
    const t = snapshot();
    delete t.tables['shop.orders'];
    expect(kinds(snapshot(), t)).toEqual(['missing table shop.orders']);
  });

  it('describes each difference in a sentence', () => {
    const t = snapshot();
    delete t.tables['shop.orders']!.indexes.idx_member;
    t.sequences[0] = { ...t.sequences[0]!, next: '1', columnMax: '500' };
    expect(compareSchemas(snapshot(), t).differences.map(describeDifference)).toEqual([
      'index shop.orders.idx_member is missing on the target (source: (member) BTREE)',
      'sequence shop.orders (orders.id) is behind on the target (next 1, MAX 500; source next 501, MAX 500): the next insert would reuse an id',
    ]);
  });
});

describe('looseDefinition', () => {
  it("PostgreSQL's two deparsings of one CHECK compare equal; a changed value does not", () => {
    const source = "CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'paid'::character varying])::text[])))";
    const target = "CHECK (((status)::text = ANY (ARRAY[('pending'::character varying)::text, ('paid'::character varying)::text])))";
    expect(sameDefinition(source, target)).toBe(true);
    expect(sameDefinition(source, target.replace("'paid'", "'sent'"))).toBe(false);
    expect(looseDefinition("DEFAULT 'a (b)::text' :: x")).toBe("DEFAULT'a (b)::text'::x");
    expect(looseDefinition('x::timestamp with time zone + y::double precision::numeric(10,2)[]')).toBe('x+y');
    expect(looseDefinition('"Odd"""::"my type"')).toBe('"Odd"""');
  });
});

describe('identity columns', () => {
  it('ALWAYS on the source, BY DEFAULT on the target: pending until cutover sets it', () => {
    const withIdentity = (mode: string): SchemaSnapshot => ({
      tables: { 'public.products': { columns: [{ name: 'id', type: 'bigint', nullable: false, default: `GENERATED ${mode} AS IDENTITY`, collation: null }], indexes: {}, constraints: {} } },
      objects: {},
      sequences: [],
    });
    expect(compareSchemas(withIdentity('ALWAYS'), withIdentity('BY DEFAULT')).differences).toEqual([
      expect.objectContaining({ object: 'column public.products.id', problem: 'different', cutover: true }),
    ]);
    expect(compareSchemas(withIdentity('BY DEFAULT'), withIdentity('ALWAYS')).differences).toEqual([
      expect.objectContaining({ object: 'column public.products.id', problem: 'different', cutover: false }),
    ]);
  });
});
