/**
 * The JSON Schema editors use to complete and check promigrate.yaml / .json. Generated
 * from the zod schema on the input side, so defaulted fields are optional; written to
 * schema/promigrate.schema.json by scripts/write-json-schema.js at build time.
 */
import { z } from 'zod';
import { migrationConfigSchema } from './schema.js';

export function generateJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(migrationConfigSchema, { io: 'input', unrepresentable: 'any' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'promigrate migration config',
    description: 'Settings for `promigrate`: source database, AWS target, network, DMS, DNS cutover and verification.',
    ...rest,
  };
}

/** The file's exact text: 2-space JSON and a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}
