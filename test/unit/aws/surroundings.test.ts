import { describe, expect, it } from 'vitest';
import { sandboxSurroundings } from '../../../src/aws/sandbox/surroundings.js';
import { awsSurroundings, type Surroundings } from '../../../src/aws/surroundings.js';
import { parseConfigText } from '../../../src/config/load.js';
import { UsageError } from '../../../src/errors.js';

const config = (extra: string, opts: { mode?: string; engine?: string; newTarget?: string } = {}) => parseConfigText(`project: { name: shop }
aws: { mode: ${opts.mode ?? 'aws'} }
source: { engine: ${opts.engine ?? 'mysql'}, host: 10.0.0.5, user: dms, databases: [shop], passwordEnv: SRC_PW }
target: { engine: ${opts.engine ?? 'mysql'}, passwordEnv: TGT_PW }
dns: { hostedZone: example.com, record: www.example.com, newTarget: "${opts.newTarget ?? 'alias:shop-alb.example.com.'}" }
${extra}`, 'c.yaml', 'yaml');

const noAws = () => Promise.reject(new Error('no AWS in this test'));
const noSecrets = {
  secretsManager: noAws,
  ec2: noAws,
  instanceConnect: noAws,
  hostKeys: { get: () => undefined, pin: async () => undefined },
  now: () => new Date(0),
  notify: () => undefined,
};
const unavailable = (x: object): string | undefined => ('unavailable' in x ? (x as { unavailable: string }).unavailable : undefined);

describe('the AWS surroundings', () => {
  const aws: Surroundings = awsSurroundings(config(''));

  it('resolve names with the system resolver', async () => {
    await expect(aws.names.check('localhost')).resolves.toEqual({ resolves: true });
    const gone = await aws.names.check('shop-alb.example.invalid');
    expect(gone).toMatchObject({ resolves: false });
    expect((gone as { code: string }).code).toMatch(/^\w+$/);
  });

  it('send the new target\'s requests to dns.newTarget, and "through DNS" to the real resolver', () => {
    expect(aws.newTarget).toEqual({ address: 'shop-alb.example.com' });
    expect(aws.throughDns(false)).toEqual({});
    expect(aws.throughDns(true)).toEqual({});
    expect(awsSurroundings(config('', { newTarget: '198.51.100.7' })).newTarget).toEqual({ address: '198.51.100.7' });
  });

  it('can ask the public DNS, through 1.1.1.1', () => {
    expect(unavailable(aws.publicDns)).toBeUndefined();
    expect((aws.publicDns as { publicResolver: string }).publicResolver).toBe('1.1.1.1');
  });

  it('reach the target database at the RDS address provision recorded, or through target.connectVia', async () => {
    process.env.TGT_PW = 'target-secret';
    try {
      const db = aws.targetDatabase;
      expect(db.unavailable).toBeUndefined();
      expect(db.standInSchema).toBeUndefined();
      const outputs = { resources: { 'db.instance': { address: 'shop.abc.us-east-1.rds.amazonaws.com', port: 3306 } } };
      const spec = await db.connection('shop', { provisionOutputs: outputs, ...noSecrets });
      expect(spec).toMatchObject({ engine: 'mysql', host: 'shop.abc.us-east-1.rds.amazonaws.com', port: 3306, database: 'shop', password: 'target-secret', tls: { mode: 'require' } });
      expect(spec.label).toBe(`target database ${spec.user}@shop.abc.us-east-1.rds.amazonaws.com:3306/shop`);
      const tunneled = awsSurroundings({ ...config(''), target: { ...config('').target, connectVia: { host: '127.0.0.1', port: 13306 } } });
      expect(await tunneled.targetDatabase.connection('shop', { provisionOutputs: outputs, ...noSecrets })).toMatchObject({ host: '127.0.0.1', port: 13306 });
      const err = await aws.targetDatabase.connection('shop', { provisionOutputs: {}, ...noSecrets }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toBe('The RDS instance address is not known.');
    } finally {
      delete process.env.TGT_PW;
    }
  });
});

describe('the sandbox surroundings', () => {
  const sandbox = sandboxSurroundings(config('sandbox: { appAddress: "127.0.0.1:18080" }', { mode: 'sandbox' }));

  it('cannot resolve names of the operator\'s world: the check is skipped, with why', async () => {
    await expect(sandbox.names.check('shop-alb.example.invalid')).resolves.toEqual({ skipped: 'names in the operator\'s world are not resolvable from the sandbox' });
  });

  it('send the new target\'s requests to sandbox.appAddress (dns.newTarget without one)', () => {
    expect(sandbox.newTarget).toEqual({ address: '127.0.0.1', port: 18080 });
    expect(sandboxSurroundings(config('', { mode: 'sandbox' })).newTarget).toEqual({ address: 'shop-alb.example.com' });
  });

  it('lead "through DNS" to the stand-in web tier only when the simulated record points at the new target', () => {
    expect(sandbox.throughDns(true)).toEqual({ target: { address: '127.0.0.1', port: 18080 } });
    expect(unavailable(sandbox.throughDns(false))).toBe('the (simulated) record does not point at the new target, so DNS does not lead there');
  });

  it('have no public DNS to ask', () => {
    expect(unavailable(sandbox.publicDns)).toBe('the sandbox has no real name servers');
  });

  it('have no target database without sandbox.targetUrl', () => {
    expect(sandbox.targetDatabase.unavailable).toBe('the sandbox has no real target database (set sandbox.targetUrl to compare real data)');
    expect(sandbox.targetDatabase.standInSchema).toBeUndefined();
  });

  it('MySQL: the database behind sandbox.targetUrl stands in for every source database', async () => {
    const db = sandboxSurroundings(config('sandbox: { targetUrl: "mysql://root@127.0.0.1:13306/shop_target", targetPasswordEnv: SANDBOX_PW }', { mode: 'sandbox' })).targetDatabase;
    process.env.SANDBOX_PW = 'pw';
    try {
      expect(db.unavailable).toBeUndefined();
      expect(db.standInSchema).toBe('shop_target');
      expect(await db.connection('shop', { provisionOutputs: {}, ...noSecrets })).toMatchObject({ host: '127.0.0.1', port: 13306, user: 'root', database: 'shop_target', password: 'pw', tls: { mode: 'disable' } });
    } finally {
      delete process.env.SANDBOX_PW;
    }
  });

  it('PostgreSQL: the database behind sandbox.targetUrl keeps the schemas, connected to as asked', async () => {
    const db = sandboxSurroundings(config('sandbox: { targetUrl: "postgres://postgres@127.0.0.1:15432/shop_target", targetPasswordEnv: SANDBOX_PW }', { mode: 'sandbox', engine: 'postgres' })).targetDatabase;
    process.env.SANDBOX_PW = 'pw';
    try {
      expect(db.standInSchema).toBeUndefined();
      expect(await db.connection('shop', { provisionOutputs: {}, ...noSecrets })).toMatchObject({ engine: 'postgres', port: 15432, database: 'shop' });
    } finally {
      delete process.env.SANDBOX_PW;
    }
  });
});
