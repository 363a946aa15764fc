/**
 * EC2 `Filters`: filters are ANDed, the values of one filter ORed; values may use the
 * wildcards `*` and `?`; `tag:<key>`, `tag-key` and `tag-value` work on every resource. An
 * unknown filter name is an error, as in EC2, so a typo in a provisioner fails loudly.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { invalidParameter, type Ec2Slice } from './store.js';

type FieldValue = string | number | boolean | undefined | null | Array<string | number | boolean | undefined | null>;
export type FilterFields<T> = Record<string, (rec: T) => FieldValue>;

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

export function applyFilters<T>(
  s: Ec2Slice,
  records: T[],
  filters: Filter[] | undefined,
  fields: FilterFields<T>,
  idOf: (rec: T) => string,
): T[] {
  if (!filters || filters.length === 0) return records;
  const tests = filters.map((f) => {
    const name = f.Name ?? '';
    const patterns = (f.Values ?? []).map(wildcard);
    const any = (values: FieldValue): boolean => {
      const list = (Array.isArray(values) ? values : [values]).filter((v) => v !== undefined && v !== null);
      return list.some((v) => patterns.some((p) => p.test(String(v))));
    };
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      return (rec: T) => any(s.tags[idOf(rec)]?.[key]);
    }
    if (name === 'tag-key') return (rec: T) => any(Object.keys(s.tags[idOf(rec)] ?? {}));
    if (name === 'tag-value') return (rec: T) => any(Object.values(s.tags[idOf(rec)] ?? {}));
    const field = fields[name];
    if (!field) throw invalidParameter(`The filter '${name}' is invalid`);
    return (rec: T) => any(field(rec));
  });
  return records.filter((rec) => tests.every((t) => t(rec)));
}
