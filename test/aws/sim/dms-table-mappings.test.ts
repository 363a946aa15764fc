/**
 * The sandbox validates TableMappings as DMS does, per the DMS user guide "Using table mapping
 * to specify task settings" ("Selection rules and actions", "Transformation rules and actions",
 * wildcards `%`), and accepts every mapping promigrate generates.
 */
import { describe, expect, it } from 'vitest';
import { buildTableMappings } from '../../../src/migration/table-mappings.js';
import { config } from '../../unit/sync/mapping-fixtures.js';
import { createTask, setup } from './dms-env.js';
import { expectSimError } from './helpers.js';

const include = { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'include1', 'object-locator': { 'schema-name': 'shop', 'table-name': '%' }, 'rule-action': 'include' };
const rename = { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': 'rename2', 'rule-target': 'schema', 'object-locator': { 'schema-name': 'shop' }, 'rule-action': 'rename', value: 'shop_new' };
const refused = (rules: unknown[], message: string) => {
  const env = setup();
  expectSimError(() => createTask(env, { TableMappings: JSON.stringify({ rules }) }), 'InvalidParameterValueException', message);
};
const rule = (id: string, why: string) => `Error in mapping rules. Rule with ruleId = ${id} failed validation. ${why}`;

describe('DMS TableMappings validation', () => {
  it('refuses unknown rule types and actions, a missing rule-id, duplicate ids and names', () => {
    refused([{ ...include, 'rule-type': 'selecion' }], rule('1', 'Invalid rule type: selecion'));
    refused([{ ...include, 'rule-action': 'inclde' }], rule('1', 'Invalid rule action: inclde'));
    refused([{ ...include, 'rule-id': undefined }], 'Error in mapping rules. rule-id cannot be null');
    refused([include, { ...include, 'rule-name': 'other' }], rule('1', 'Rule id must be unique.'));
    refused([include, { ...include, 'rule-id': '3' }], rule('3', 'Rule name must be unique.'));
  });

  it('needs at least one selection rule that includes something', () => {
    refused([rename], 'Error in mapping rules. At least one selection rule is required.');
    refused([{ ...include, 'rule-action': 'exclude' }], 'Error in mapping rules. At least one selection rule is required.');
  });

  it('refuses a transformation without its target, action, locator or value', () => {
    refused([include, { ...rename, 'rule-target': undefined }], rule('2', 'rule-target cannot be null'));
    refused([include, { ...rename, 'rule-target': 'database' }], rule('2', 'Invalid rule target: database'));
    refused([include, { ...rename, 'rule-action': 'rename-all' }], rule('2', 'Invalid rule action: rename-all'));
    refused([include, { ...rename, value: undefined }], rule('2', 'value cannot be null for rule action rename'));
    refused([include, { ...rename, 'rule-action': 'replace-prefix', value: 'new_' }], rule('2', 'old-value cannot be null for rule action replace-prefix'));
    refused([include, { ...rename, 'rule-target': 'table' }], rule('2', 'table name cannot be null'));
    refused([include, { ...rename, 'rule-target': 'column', 'object-locator': { 'schema-name': 'shop', 'table-name': 'members' } }], rule('2', 'column name cannot be null'));
    refused([include, { ...rename, 'rule-action': 'remove-column', value: undefined }], rule('2', 'rule action remove-column requires rule-target column'));
    const env = setup();
    expect(createTask(env, { TableMappings: JSON.stringify({ rules: [include, rename, { ...rename, 'rule-id': '3', 'rule-name': 'lower', 'rule-target': 'table', 'object-locator': { 'schema-name': 'shop', 'table-name': '%' }, 'rule-action': 'convert-lowercase', value: undefined }] }) }).Status).toBe('creating');
  });

  it('accepts the mappings promigrate generates (MySQL databases, PostgreSQL with system-schema excludes)', () => {
    const cases = [
      config({ tables: { include: [{ schema: '%', table: '%' }], exclude: [{ schema: 'shop', table: 'audit_%' }] } }, { databases: ['shop', 'crm'] }),
      config({ tables: { include: [{ schema: '%', table: '%' }], exclude: [] } }, { engine: 'postgres', databases: ['shop'] }),
    ];
    for (const c of cases) {
      const env = setup();
      expect(createTask(env, { TableMappings: buildTableMappings(c).json }).Status).toBe('creating');
    }
  });
});
