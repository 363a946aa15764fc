import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { cases, textOf, type Case } from './malformed-cases.js';

function errorOf(c: Case): ConfigError {
  const format = c.format ?? 'yaml';
  try {
    parseConfigText(textOf(c), `cfg.${format}`, format);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`${c.name}: expected a ConfigError, the config was accepted`);
}

describe('malformed configs', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('$name → ConfigError naming $path', (c) => {
    const err = errorOf(c);
    expect(err.exitCode).toBe(2);
    const format = c.format ?? 'yaml';
    // `<file>: <path>: <what>`; syntax errors may carry `:line:col` after the file name.
    const prefix = c.path ? `cfg.${format}: ${c.path}: ` : new RegExp(`^cfg\\.${format}(:\\d+:\\d+)?: `);
    if (typeof prefix === 'string') expect(err.message.startsWith(prefix), err.message).toBe(true);
    else expect(err.message).toMatch(prefix);
    const rest = err.message.replace(/^cfg\.\w+(:\d+:\d+)?: /, '').slice(c.path ? c.path.length + 2 : 0);
    if (typeof c.says === 'string') expect(rest).toContain(c.says);
    else expect(rest).toMatch(c.says);
    if (c.path) expect(err.path).toBe(c.path);
    expect(err.message).not.toContain('\n');
    expect(err.hint).toBeTruthy();
  });

  it('reports a YAML syntax error with line and column', () => {
    const err = errorOf({ name: 'yaml', input: 'project:\n  name: shop\nsource: [1, 2\n', path: '', says: '' });
    expect(err.message).toMatch(/^cfg\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('reports a JSON syntax error with line and column, without quoting the file', () => {
    const err = errorOf({ name: 'json', input: '{\n  "source": {"password": "hunter2" "x": 1}\n}', format: 'json', path: '', says: '' });
    expect(err.message).toMatch(/^cfg\.json:2:\d+: invalid JSON: /);
    expect(err.message).not.toContain('hunter2');
  });

  it('does not quote the file in a JSON error without a position', () => {
    const err = errorOf({ name: 'json', input: '{"source": {"user": "hunter2",\n "x": }}', format: 'json', path: '', says: '' });
    expect(err.message).toMatch(/^cfg\.json(:\d+:\d+)?: invalid JSON: Unexpected token/);
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('\n');
  });

  it('never echoes a value given in the wrong field', () => {
    const err = errorOf({ name: 'secret', input: (c) => (c.source.passwordEnv = 'Tr0ub4dor&3 horse'), path: '', says: '' });
    expect(err.message).toContain('source.passwordEnv');
    expect(err.message).not.toContain('Tr0ub4dor');
    const url = errorOf({ name: 'url', input: (c) => (c.sandbox = { targetUrl: 'mysql://a:Tr0ub4dor@h/db' }), path: '', says: '' });
    expect(`${url.message} ${url.hint}`).not.toContain('Tr0ub4dor');
  });

  it('puts a literal password first and counts the other problems', () => {
    const err = errorOf({
      name: 'several',
      input: (c) => {
        c.source.port = 'x';
        c.dns.ttl = -1;
        c.target = { password: 'p' };
      },
      path: '',
      says: '',
    });
    expect(err.message).toMatch(/^cfg\.yaml: target\.password: a literal password is not allowed.* \(and 2 more\)$/);
    expect(err.hint).toContain('source.port');
    expect(err.hint).toContain('dns.ttl');
  });
});
