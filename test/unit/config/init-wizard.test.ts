import { afterEach, describe, expect, it } from 'vitest';
import { initSpec } from '../../../src/commands/init.spec.js';
import { loadConfig } from '../../../src/config/load.js';
import { wizardQuestions } from '../../../src/config/wizard.js';
import { flagsOf, optionKey } from '../../../src/config/wizard-run.js';
import { TestIoHost } from '../../helpers/test-io-host.js';
import { removeTempDirs } from '../../helpers/tmp.js';
import { initRun } from './init-helpers.js';

afterEach(() => removeTempDirs());

const ALL_QUESTIONS = [
  'init.source',
  'init.sourcePassword',
  'init.project',
  'init.sandbox',
  'init.sandboxTarget',
  'init.region',
  'init.targetEngineVersion',
  'init.targetInstanceClass',
  'init.targetPassword',
  'init.multiAz',
  'init.network',
  'init.hostedZone',
  'init.record',
  'init.currentTarget',
  'init.newTarget',
  'init.dnsStrategy',
  'init.verifyUrl',
];

describe('promigrate init in a terminal (scripted answers)', () => {
  it('asks every question in order and writes what was answered', async () => {
    const io = new TestIoHost()
      .mockResponse('init.source', 'mariadb://dms@10.0.0.5:3306/shop')
      .mockResponse('init.sourcePassword', 'SRC_PW')
      .mockResponse('init.project', 'hybrid-bts')
      .mockResponse('init.sandbox', true)
      .mockResponse('init.sandboxTarget', 'mariadb://admin@127.0.0.1:3307/shop')
      .mockResponse('init.region', 'ap-northeast-2')
      .mockResponse('init.targetEngineVersion', '10.6')
      .mockResponse('init.targetInstanceClass', 'db.t3.micro')
      .mockResponse('init.targetPassword', '')
      .mockResponse('init.multiAz', true)
      .mockResponse('init.network', '10.0.0.0/16')
      .mockResponse('init.hostedZone', 'bts.example')
      .mockResponse('init.record', 'www.bts.example')
      .mockResponse('init.currentTarget', '198.51.100.7')
      .mockResponse('init.newTarget', 'alias:alb-1.ap-northeast-2.elb.amazonaws.com')
      .mockResponse('init.dnsStrategy', 'weighted')
      .mockResponse('init.verifyUrl', 'https://www.bts.example/');
    const t = initRun(io);
    expect(await t.run({})).toBe(0);
    expect(io.askedCodes).toEqual(ALL_QUESTIONS);
    const { config } = await loadConfig(t.configPath);
    expect(config.project.name).toBe('hybrid-bts');
    expect(config.aws).toMatchObject({ mode: 'sandbox', region: 'ap-northeast-2' });
    expect(config.sandbox.targetUrl).toBe('mariadb://admin@127.0.0.1:3307/shop');
    expect(config.source).toMatchObject({ engine: 'mariadb', host: '10.0.0.5', port: 3306, passwordEnv: 'SRC_PW' });
    expect(config.target).toMatchObject({ engine: 'mariadb', engineVersion: '10.6', instanceClass: 'db.t3.micro', multiAz: true, manageMasterUserPassword: true });
    expect(config.dns).toMatchObject({ hostedZone: 'bts.example', record: 'www.bts.example', strategy: 'weighted', newTarget: 'alias:alb-1.ap-northeast-2.elb.amazonaws.com' });
    expect(config.verify.url).toBe('https://www.bts.example/');
  });

  it('offers defaults derived from earlier answers', async () => {
    const io = new TestIoHost().mockResponse('init.source', 'postgres://app@db.internal/shop_db');
    const t = initRun(io);
    expect(await t.run({})).toBe(0); // every other question takes its offered default
    const offered = Object.fromEntries(io.questions.map((q) => [q.code, q.default]));
    expect(offered).toMatchObject({
      'init.sourcePassword': 'PGPASSWORD',
      'init.project': 'shop-db',
      'init.sandbox': false,
      'init.region': 'us-east-1',
      'init.targetEngineVersion': '16',
      'init.network': '10.0.0.0/16',
      'init.hostedZone': '',
      'init.verifyUrl': '',
    });
    // No hosted zone: the record questions are skipped; no sandbox: no sandbox target.
    expect(io.askedCodes).not.toContain('init.record');
    expect(io.askedCodes).not.toContain('init.sandboxTarget');
    const { config } = await loadConfig(t.configPath);
    expect(config.project.name).toBe('shop-db');
    expect(config.dns).toBeUndefined();
  });

  it('does not ask what the flags answer', async () => {
    const io = new TestIoHost().mockResponse('init.multiAz', false).mockResponse('init.hostedZone', '');
    const t = initRun(io);
    await t.run({ project: 'shop', source: 'mysql://dms@10.0.0.5/shop', sourceSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s', vpcId: 'vpc-0a1b2c3d' }, { region: 'eu-west-1' });
    expect(io.askedCodes).toEqual(['init.sandbox', 'init.targetEngineVersion', 'init.targetInstanceClass', 'init.targetPassword', 'init.multiAz', 'init.hostedZone', 'init.verifyUrl']);
  });

  it('with --yes asks only what has no default', async () => {
    const io = new TestIoHost({ assumeYes: true }).mockResponse('init.source', 'mysql://dms@10.0.0.5/shop');
    const t = initRun(io);
    expect(await t.run({}, { yes: true })).toBe(0);
    expect(io.askedCodes).toEqual(['init.source']);
    expect((await loadConfig(t.configPath)).config.source.passwordEnv).toBe('MYSQL_PWD');
  });

  it('validates typed answers the way the prompt re-asks', () => {
    const byCode = new Map(wizardQuestions.map((q) => [q.question.code, q.question]));
    const validate = (code: string, value: string) => {
      const q = byCode.get(code);
      return q?.kind === 'input' && q.validate ? q.validate(value) : true;
    };
    expect(validate('init.source', 'mysql://u:pw@h/db')).toMatch(/contains a password/);
    expect(validate('init.source', 'mysql://u@h/db')).toBe(true);
    expect(validate('init.region', 'Seoul')).toMatch(/AWS region/);
    expect(validate('init.network', '10.0.0.0/8')).toMatch(/between \/16 and \/28/);
    expect(validate('init.network', 'vpc-0a1b2c3d')).toBe(true);
    expect(validate('init.targetPassword', '')).toBe(true);
    expect(validate('init.newTarget', 'alias:')).toMatch(/alias:<AWS DNS name>/);
  });
});

describe('the wizard as data', () => {
  it('has a unique code and flag per question', () => {
    const codes = wizardQuestions.map((q) => q.question.code);
    const flags = wizardQuestions.flatMap(flagsOf);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('declares every wizard flag on the command (--region and --sandbox are global)', () => {
    const declared = initSpec.options.map((o) => o.flags.split(' ')[0]);
    const expected = wizardQuestions.flatMap(flagsOf).filter((f) => f !== '--region' && f !== '--sandbox');
    expect(declared).toEqual(expect.arrayContaining([...expected, '--force']));
    expect(initSpec.examples.length).toBeGreaterThanOrEqual(2);
    for (const flag of ['--project', '--source', '--source-password-env', '--source-secret-arn', '--target-engine-version', '--target-instance-class', '--target-password-env', '--sandbox-target', '--multi-az', '--vpc-cidr', '--hosted-zone', '--record', '--current-target', '--new-target', '--dns-strategy', '--verify-url', '--force']) {
      expect(declared).toContain(flag);
    }
    expect(optionKey('--source-password-env')).toBe('sourcePasswordEnv');
  });
});
