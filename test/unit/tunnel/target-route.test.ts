import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { targetRoute } from '../../../src/tunnel/target-route.js';
import { validInput } from '../config/fixtures.js';

const route = (target: Record<string, unknown>, network: Record<string, unknown> = {}) => {
  const input = validInput();
  input.target = { ...(input.target ?? {}), ...target };
  input.network = { ...(input.network ?? {}), ...network };
  return targetRoute(parseConfigText(stringify(input), 'test.yaml', 'yaml'));
};

describe('target.connectVia', () => {
  const bastion = { bastion: true, adminCidr: '203.0.113.7/32' };
  it('defaults to the bastion whenever provision builds one, else to the instance address', () => {
    expect(route({}, bastion)).toEqual({ kind: 'bastion' });
    expect(route({})).toEqual({ kind: 'direct' });
  });
  it('direct and an own tunnel override the bastion default', () => {
    expect(route({ connectVia: 'direct' }, bastion)).toEqual({ kind: 'direct' });
    expect(route({ connectVia: { host: '127.0.0.1', port: 13306 } }, bastion)).toEqual({ kind: 'address', host: '127.0.0.1', port: 13306 });
    expect(route({ connectVia: 'bastion' }, bastion)).toEqual({ kind: 'bastion' });
  });
});
