import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateJsonSchema, renderJsonSchema } from '../../../src/config/json-schema.js';
import { validInput } from './fixtures.js';

const checkedIn = new URL('../../../schema/promigrate.schema.json', import.meta.url);

describe('JSON Schema', () => {
  const schema = generateJsonSchema() as { properties: Record<string, any>; required: string[]; additionalProperties: boolean };

  it('describes every section, strict, with defaults optional', () => {
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['project', 'aws', 'source', 'target', 'network', 'dms', 'dns', 'verify', 'sandbox']),
    );
    expect(schema.required.sort()).toEqual(['project', 'source']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.source.required).not.toContain('port');
    expect(schema.properties.source.properties).not.toHaveProperty('password');
    expect(schema.properties.aws.properties.region.default).toBe('us-east-1');
  });

  it('accepts a valid config when read back as a schema', () => {
    // Round trip through zod's own JSON Schema reader: the shape must accept what we accept.
    const reread = z.fromJSONSchema(generateJsonSchema() as never);
    expect(reread.safeParse({ $schema: 'x', ...validInput() }).success).toBe(true);
    expect(reread.safeParse({ ...validInput(), bogus: 1 }).success).toBe(false);
  });

  it('is checked in exactly as generated (run `npm run build` to refresh it)', () => {
    expect(readFileSync(checkedIn, 'utf8')).toBe(renderJsonSchema());
    expect(renderJsonSchema().endsWith('}\n')).toBe(true);
  });
});
