/** Names on the other side of a schema mapping: for the statements we write and the definitions we copy. */
import type pg from 'pg';
import { renameSchemas, type Qualifiers } from './rename.js';
import { quoteIdents } from './session.js';

/** Always-quoted identifier: safe for any name, in statements promigrate composes itself. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const lit = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export interface Names {
  /** The schema `schema` becomes on the other side. */
  schema(schema: string): string;
  /** `"schema"."name"` with the schema mapped. */
  qualified(schema: string, name: string): string;
  /** A deparsed definition with its schema qualifiers mapped (`bodies`: inside routine bodies too). */
  text(definition: string, bodies?: boolean): string;
}

/** `map` over the schemas the definitions may mention; renamed qualifiers are quoted as the server would. */
export async function namesFor(client: pg.Client, schemas: Iterable<string>, map: (schema: string) => string): Promise<Names> {
  const renamed = [...new Set(schemas)].filter((s) => map(s) !== s);
  const quoted = await quoteIdents(client, renamed.map(map));
  const qualifiers: Qualifiers = new Map(renamed.map((s) => [s, quoted.get(map(s)) ?? q(map(s))]));
  return {
    schema: map,
    qualified: (s, name) => `${q(map(s))}.${q(name)}`,
    text: (definition, bodies = false) => renameSchemas(definition, qualifiers, { bodies }),
  };
}

/** The inverse of a source → target mapping over `sources`: target schema → source schema. */
export function inverse(sources: Iterable<string>, map: (schema: string) => string): (schema: string) => string {
  const back = new Map([...new Set(sources)].map((s) => [map(s), s]));
  return (s) => back.get(s) ?? s;
}
