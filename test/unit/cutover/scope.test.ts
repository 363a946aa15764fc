import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { UsageError } from '../../../src/errors.js';
import { sandboxSurroundings } from '../../../src/aws/sandbox/surroundings.js';
import { awsSurroundings } from '../../../src/aws/surroundings.js';
import type { MigrationConfig } from '../../../src/config/schema.js';
import { checkTargetResolves as checkWith } from '../../../src/steps/cutover/scope.js';

const config = (newTarget: string, mode = 'aws') => parseConfigText(`project: { name: shop }
aws: { mode: ${mode} }
source: { engine: mysql, host: 10.0.0.5, user: dms, databases: [shop], passwordEnv: PW }
dns: { hostedZone: example.com, record: www.example.com, newTarget: "${newTarget}" }
`, 'c.yaml', 'yaml');

/** As cutover calls it: with the names of the surroundings the runtime builds for the config. */
const checkTargetResolves = (c: MigrationConfig) =>
  checkWith(c, (c.aws.mode === 'sandbox' ? sandboxSurroundings(c) : awsSurroundings(c)).names);

describe('checkTargetResolves', () => {
  it('a host name or alias that does not resolve is bad input naming it (the .invalid TLD never resolves)', async () => {
    const err = await checkTargetResolves(config('shop-alb.example.invalid')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^dns\.newTarget shop-alb\.example\.invalid does not resolve \(\w+\): pointing www\.example\.com at it would take the site down\.$/);
    await expect(checkTargetResolves(config('alias:gone.example.invalid'))).rejects.toThrow(/does not resolve/);
  });
  it('IP addresses, names that resolve and the sandbox are not looked up / pass', async () => {
    await expect(checkTargetResolves(config('198.51.100.7'))).resolves.toBeUndefined();
    await expect(checkTargetResolves(config('localhost'))).resolves.toBeUndefined();
    await expect(checkTargetResolves(config('shop-alb.example.invalid', 'sandbox'))).resolves.toBeUndefined();
  });
});
