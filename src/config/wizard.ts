/**
 * The `promigrate init` wizard as data: each question has the flag that answers it, so
 * the same run works from a terminal (asked) or a runbook (flags + --yes). Order matters:
 * later defaults depend on earlier answers (the password variable on the engine, the
 * project name on the database, the DNS demo zone on --sandbox).
 */
import { DEFAULT_ENGINE_VERSION, ENV_VAR, PROJECT_NAME, REGION, SECRET_ARN, VPC_ID, cidrProblem, parseDbUrl } from './fields.js';
import { DEFAULT_VPC_CIDR } from './schema.js';
import { parseSourceUrl } from './source-url.js';
import { cutoverQuestions } from './wizard-cutover.js';
import { put, section, sourceEngine, str, valid, type WizardQuestion } from './wizard-kit.js';

export type { AnswerValue, Answers, ConfigDraft, WizardQuestion } from './wizard-kit.js';

/** `shop_db` → `shop-db`: a usable project name from the first database name. */
export function projectNameFrom(database: string): string | undefined {
  const name = database
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name === '' ? undefined : name;
}

const envVarFlag = (v: string) => ENV_VAR.test(v) || 'expected the name of an environment variable, e.g. SOURCE_DB_PASSWORD';
const secretArnFlag = (v: string) =>
  SECRET_ARN.test(v) || 'expected a Secrets Manager ARN like arn:aws:secretsmanager:us-east-1:123456789012:secret:name';
const passwordRef = (value: string) =>
  ENV_VAR.test(value) || SECRET_ARN.test(value)
    ? true
    : 'expected an environment variable name (e.g. SOURCE_DB_PASSWORD) or a Secrets Manager ARN';

function setPasswordRef(target: Record<string, unknown>, value: string): void {
  if (value.startsWith('arn:')) target.secretArn = value;
  else target.passwordEnv = value;
}

export const wizardQuestions: readonly WizardQuestion[] = [
  {
    id: 'source',
    flag: '--source',
    question: {
      kind: 'input',
      code: 'init.source',
      message: 'Source database URL (engine://user@host:port/database)',
      validate: (v) => {
        const parsed = parseSourceUrl(v);
        return 'problem' in parsed ? parsed.problem : true;
      },
    },
    required: true,
    paths: ['source.engine', 'source.host', 'source.port', 'source.user', 'source.databases'],
    toConfig(value, draft) {
      const parsed = parseSourceUrl(str(value));
      if ('problem' in parsed) return;
      const { engine, host, port, user, databases } = parsed;
      Object.assign(section(draft, 'source'), { engine, host, ...(port === undefined ? {} : { port }), user, databases });
    },
  },
  {
    id: 'sourcePassword',
    flag: '--source-password-env',
    flagCheck: envVarFlag,
    altFlags: [{ flag: '--source-secret-arn', check: secretArnFlag }],
    question: {
      kind: 'input',
      code: 'init.sourcePassword',
      message: 'Environment variable holding the source password (or a Secrets Manager ARN)',
      validate: passwordRef,
    },
    required: true,
    // The variables the engines' own clients read, so an operator's shell may already set them.
    default: (a) => {
      const engine = sourceEngine(a);
      return engine === undefined ? undefined : engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD';
    },
    paths: ['source.passwordEnv', 'source.secretArn'],
    toConfig: (value, draft) => setPasswordRef(section(draft, 'source'), str(value)),
  },
  {
    id: 'project',
    flag: '--project',
    question: {
      kind: 'input',
      code: 'init.project',
      message: 'Project name (used in AWS resource names and tags)',
      validate: (v) => PROJECT_NAME.test(v) || 'expected 1–40 lowercase letters, digits or single hyphens, starting with a letter',
    },
    required: true,
    default: (a) => {
      const parsed = parseSourceUrl(str(a.source));
      return 'databases' in parsed ? projectNameFrom(parsed.databases[0] ?? '') : undefined;
    },
    paths: ['project'],
    toConfig: put('project', 'name'),
  },
  {
    id: 'sandbox',
    flag: '--sandbox',
    question: {
      kind: 'confirm',
      code: 'init.sandbox',
      message: 'Rehearse in the built-in sandbox (simulated AWS, nothing is created)?',
      default: false,
    },
    required: false,
    default: () => false,
    paths: ['aws.mode'],
    toConfig(value, draft) {
      section(draft, 'aws').mode = value === true ? 'sandbox' : 'aws';
    },
  },
  {
    id: 'sandboxTarget',
    flag: '--sandbox-target',
    question: {
      kind: 'input',
      code: 'init.sandboxTarget',
      message: 'Local database the sandbox RDS stands for (URL without password; empty for none)',
      validate: (v) => {
        if (v === '') return true;
        const parsed = parseDbUrl(v);
        return 'problem' in parsed ? parsed.problem : true;
      },
    },
    required: false,
    default: () => '',
    when: (a) => a.sandbox === true,
    paths: ['sandbox.targetUrl'],
    toConfig: put('sandbox', 'targetUrl'),
  },
  {
    id: 'region',
    flag: '--region',
    question: {
      kind: 'input',
      code: 'init.region',
      message: 'AWS region',
      validate: (v) => REGION.test(v) || 'expected an AWS region such as ap-northeast-2',
    },
    required: true,
    default: () => 'us-east-1',
    paths: ['aws.region'],
    toConfig: put('aws', 'region'),
  },
  {
    id: 'targetEngineVersion',
    flag: '--target-engine-version',
    question: {
      kind: 'input',
      code: 'init.targetEngineVersion',
      message: 'Engine version of the new RDS database',
      validate: (v) => /^\d+(\.\d+){0,2}$/.test(v) || 'expected a version such as 8.0 or 16',
    },
    required: false,
    default: (a) => {
      const engine = sourceEngine(a);
      return engine ? DEFAULT_ENGINE_VERSION[engine] : undefined;
    },
    paths: ['target.engineVersion'],
    toConfig: put('target', 'engineVersion'),
  },
  {
    id: 'targetInstanceClass',
    flag: '--target-instance-class',
    question: {
      kind: 'input',
      code: 'init.targetInstanceClass',
      message: 'RDS instance class',
      validate: (v) => /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(v) || 'expected an RDS instance class such as db.t3.medium',
    },
    required: false,
    default: () => 'db.t3.medium',
    paths: ['target.instanceClass'],
    toConfig: put('target', 'instanceClass'),
  },
  {
    id: 'targetPassword',
    flag: '--target-password-env',
    flagCheck: envVarFlag,
    altFlags: [{ flag: '--target-secret-arn', check: secretArnFlag }],
    question: {
      kind: 'input',
      code: 'init.targetPassword',
      message: 'Environment variable (or Secrets Manager ARN) for the new master password; empty = RDS generates one',
      validate: (v) => v === '' || passwordRef(v),
    },
    required: false,
    default: () => '',
    paths: ['target.passwordEnv', 'target.secretArn'],
    toConfig: (value, draft) => setPasswordRef(section(draft, 'target'), str(value)),
  },
  {
    id: 'multiAz',
    flag: '--multi-az',
    question: { kind: 'confirm', code: 'init.multiAz', message: 'Run the database Multi-AZ (a standby in a second AZ)?', default: false },
    required: false,
    default: () => false,
    paths: ['target.multiAz'],
    toConfig: put('target', 'multiAz'),
  },
  {
    id: 'network',
    flag: '--vpc-cidr',
    flagCheck: (v) => valid(cidrProblem(v, 16, 28)),
    altFlags: [{ flag: '--vpc-id', check: (v) => VPC_ID.test(v) || 'expected a VPC id such as vpc-0a1b2c3d' }],
    question: {
      kind: 'input',
      code: 'init.network',
      message: 'CIDR of the new VPC (or the vpc-… id of an existing one)',
      validate: (v) => (VPC_ID.test(v) ? true : valid(cidrProblem(v, 16, 28))),
    },
    required: false,
    default: () => DEFAULT_VPC_CIDR,
    paths: ['network.vpcCidr', 'network.vpcId'],
    toConfig(value, draft) {
      const v = str(value);
      section(draft, 'network')[v.startsWith('vpc-') ? 'vpcId' : 'vpcCidr'] = v;
    },
  },
  ...cutoverQuestions,
];
