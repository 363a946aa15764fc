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

describe('the ephemeral key', () => {
  it('is always one ssh2 can read back (its Ed25519 keygen is not: ~1 in 300), and shows only its public half', async () => {
    const { ephemeralKey } = await import('../../../src/tunnel/ephemeral-key.js');
    const ssh2 = (await import('ssh2')).default;
    for (let i = 0; i < 1000; i++) {
      const key = ephemeralKey();
      expect(ssh2.utils.parseKey(key.privateKey)).not.toBeInstanceOf(Error);
      if (i === 0) {
        expect(key.publicKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ promigrate-ephemeral$/);
        expect(JSON.stringify(key)).not.toContain('PRIVATE');
      }
    }
  });
});
