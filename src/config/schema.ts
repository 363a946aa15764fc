/**
 * The migration config: one zod schema, the source of truth for validation, defaults,
 * the TypeScript types and the JSON Schema editors use (scripts/write-json-schema.js).
 * Every object is strict: an unknown key is an error, so a typo never silently falls
 * back to a default. Passwords are referenced (passwordEnv / secretArn), never stored.
 */
import { z } from 'zod';
import {
  DEFAULT_ENGINE_VERSION,
  DEFAULT_PORT,
  ENGINE_FAMILY,
  ENGINES,
  HOSTED_ZONE_ID,
  PROJECT_NAME,
  REGION,
  VPC_ID,
  bool,
  cidrField,
  envVarField,
  hostField,
  httpUrlField,
  int,
  isDomainName,
  isHost,
  isHostname,
  oneOf,
  parseDbUrl,
  says,
  secretArnField,
  text,
} from './fields.js';
import { appSchema } from './app-schema.js';
import { findSubnetConflicts, subnetPlanProblem } from './subnets.js';

export const DEFAULT_VPC_CIDR = '10.0.0.0/16';
const VERSION = 'expected an engine version such as 8.0 or 16';
const VERSION_AS_NUMBER = 'expected the version as quoted text such as "8.0" (YAML reads 8.0 as the number 8)';
const BOTH_PASSWORDS = 'give either passwordEnv or secretArn, not both';

const projectSchema = z.strictObject({
  name: text(
    'expected 1–40 lowercase letters, digits or single hyphens, starting with a letter (it is used in AWS resource names)',
    PROJECT_NAME,
  ),
});

const awsSchema = z.strictObject({
  region: text('expected an AWS region such as ap-northeast-2', REGION).default('us-east-1'),
  profile: text('expected the name of an AWS CLI profile').optional(),
  mode: oneOf(['aws', 'sandbox']).default('aws').meta({ description: 'sandbox = simulated AWS, nothing is created' }),
  endpoint: httpUrlField().optional().meta({ description: 'Custom AWS endpoint URL (e.g. LocalStack)' }),
  maxAttempts: int(1, 20).default(5),
});

const tlsSchema = z.strictObject({
  mode: oneOf(['disable', 'prefer', 'require', 'verify-full']).default('prefer'),
  caFile: text('expected the path of a CA certificate file').optional(),
  certificateArn: text('expected a DMS certificate ARN like arn:aws:dms:us-east-1:123456789012:cert:ABC…', /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$/)
    .optional()
    .meta({ description: "The source's CA imported into DMS: lets DMS use SslMode verify-full (source.tls.mode verify-full)" }),
});

const sourceSchema = z
  .strictObject({
    engine: oneOf(ENGINES),
    host: hostField().meta({ description: 'Address AWS DMS uses to reach the source database' }),
    port: int(1, 65535, 'a number').optional().meta({ description: 'Default: 3306 (MySQL/MariaDB), 5432 (PostgreSQL)' }),
    user: text('expected a database user name'),
    databases: z
      .array(text('expected a database name'), says('expected a list of database names'))
      .min(1, says('expected at least one database name')),
    passwordEnv: envVarField().optional().meta({ description: 'Environment variable holding the password' }),
    secretArn: secretArnField().optional().meta({ description: 'Secrets Manager secret holding the password' }),
    tls: tlsSchema.prefault({}),
    connectTimeoutMs: int(100, 600_000).default(10_000),
    freezeUser: text('expected a database user name')
      .optional()
      .meta({ description: 'Account for `cutover --freeze-writes` (needs SUPER/SYSTEM_VARIABLES_ADMIN, or on PostgreSQL database ownership + pg_signal_backend); default: user' }),
    freezePasswordEnv: envVarField().optional().meta({ description: "Environment variable holding freezeUser's password" }),
    connectVia: z
      .strictObject({ host: hostField(), port: int(1, 65535, 'a number') })
      .optional()
      .meta({ description: "SSH tunnel / VPN address for promigrate's own connections (DMS still uses host/port)" }),
  })
  .superRefine((v, ctx) => {
    if (v.passwordEnv && v.secretArn) ctx.addIssue({ code: 'custom', message: BOTH_PASSWORDS, path: ['secretArn'] });
    if (!v.passwordEnv && !v.secretArn) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs passwordEnv (an environment variable name) or secretArn (a Secrets Manager ARN)',
        path: ['passwordEnv'],
      });
    }
    // A DMS PostgreSQL endpoint names one database, and so does everything built on it (the
    // task, the target schema, verify): several would be migrated only in part. Refused
    // rather than silently narrowed to the first; one project per database migrates them all.
    if (v.engine === 'postgres' && v.databases.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['databases'],
        message: `lists ${v.databases.length} PostgreSQL databases, but a project migrates one (a DMS PostgreSQL endpoint reads one database): keep one here and make a project (its own config and state dir) for each of the others`,
      });
    }
  })
  .transform((v) => ({ ...v, port: v.port ?? DEFAULT_PORT[v.engine] }));

const targetSchema = z
  .strictObject({
    engine: oneOf(ENGINES).optional().meta({ description: 'Default: the source engine' }),
    engineVersion: z
      .string({ error: (iss) => (typeof iss.input === 'number' ? VERSION_AS_NUMBER : VERSION) })
      .regex(/^\d+(\.\d+){0,2}$/, VERSION)
      .optional()
      .meta({ description: 'Default: mysql 8.0, mariadb 10.11, postgres 16' }),
    instanceClass: text('expected an RDS instance class such as db.t3.medium', /^db\.[a-z0-9-]+\.[a-z0-9]+$/).default(
      'db.t3.medium',
    ),
    allocatedStorageGb: int(20, 65536).default(50),
    multiAz: bool().default(false),
    readReplica: bool().default(false),
    deletionProtection: bool().default(true),
    backupRetentionDays: int(0, 35).default(7),
    masterUsername: text('expected a user name: a letter, then letters, digits or _', /^[A-Za-z][A-Za-z0-9_]{0,15}$/).default(
      'promigrate_admin',
    ),
    passwordEnv: envVarField().optional(),
    secretArn: secretArnField()
      .optional()
      .meta({ description: 'Neither passwordEnv nor secretArn: RDS generates the password into Secrets Manager' }),
    connectVia: z
      .union(
        [z.literal('bastion'), z.literal('direct'), z.strictObject({ host: hostField(), port: int(1, 65535, 'a number') })],
        says('expected bastion, direct, or {host, port} of your own SSH tunnel / VPN'),
      )
      .optional()
      .meta({
        description:
          "How promigrate reaches the private RDS instance (schema phases, cutover positions, verify): bastion = an SSH tunnel through the bastion it built, keyed by EC2 Instance Connect (the default with network.bastion); direct = the instance's own address (a VPN or Direct Connect into the VPC); {host, port} = your own tunnel",
      }),
  })
  .superRefine((v, ctx) => {
    if (v.passwordEnv && v.secretArn) ctx.addIssue({ code: 'custom', message: BOTH_PASSWORDS, path: ['secretArn'] });
    // RDS cannot make a read replica of an instance whose master password it manages in
    // Secrets Manager (RDS user guide, "Limitations for Secrets Manager integration").
    if (v.readReplica && !v.passwordEnv && !v.secretArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['readReplica'],
        message: 'needs target.passwordEnv or target.secretArn: RDS cannot replicate an instance whose password it manages itself',
      });
    }
  });

const subnetSchema = z.strictObject({ tier: oneOf(['public', 'private']), cidr: cidrField(16, 28) });

const networkSchema = z
  .strictObject({
    vpcId: text('expected a VPC id such as vpc-0a1b2c3d', VPC_ID)
      .optional()
      .meta({ description: 'Use this existing VPC instead of creating one' }),
    vpcCidr: cidrField(16, 28).optional().meta({ description: `New VPC CIDR; default ${DEFAULT_VPC_CIDR}` }),
    azCount: int(1, 6).default(2),
    subnetNewBits: int(1, 12).default(8).meta({ description: 'Subnet size = VPC prefix + this (8: /16 → /24)' }),
    natGateways: oneOf(['none', 'single', 'per-az']).default('single'),
    adminCidr: cidrField(16, 32).optional().meta({ description: 'Who may SSH to the bastion, e.g. 203.0.113.7/32' }),
    bastion: bool().default(false),
    subnets: z.array(subnetSchema, says('expected a list of {tier, cidr}')).min(1, says('expected at least one subnet')).optional(),
  })
  .transform((v) => ({ ...v, vpcCidr: v.vpcId ? v.vpcCidr : (v.vpcCidr ?? DEFAULT_VPC_CIDR) }))
  .superRefine((v, ctx) => {
    if (v.vpcId && v.vpcCidr) {
      ctx.addIssue({ code: 'custom', path: ['vpcCidr'], message: 'give either vpcId (existing VPC) or vpcCidr (new VPC), not both' });
    }
    if (v.bastion && !v.adminCidr) {
      ctx.addIssue({ code: 'custom', path: ['adminCidr'], message: 'is required when bastion is true (who may SSH to it, e.g. 203.0.113.7/32)' });
    }
    if (v.subnets) {
      for (const c of findSubnetConflicts(v.vpcCidr, v.subnets)) {
        ctx.addIssue({ code: 'custom', path: ['subnets', c.index, 'cidr'], message: c.message });
      }
    } else if (v.vpcCidr) {
      const problem = subnetPlanProblem(v.vpcCidr, v.azCount, v.subnetNewBits);
      if (problem) ctx.addIssue({ code: 'custom', path: ['subnetNewBits'], message: problem });
    }
  });

const tableRuleSchema = z.strictObject({
  schema: text('expected a schema name; % matches any'),
  table: text('expected a table name; % matches any'),
});

const dmsSchema = z.strictObject({
  instanceClass: text('expected a DMS instance class such as dms.t3.medium', /^dms\.[a-z0-9-]+\.[a-z0-9]+$/)
    .optional()
    .meta({ description: 'Default: suggested from the data size by assess' }),
  allocatedStorageGb: int(5, 6144).default(50),
  migrationType: oneOf(['full-load', 'full-load-and-cdc']).default('full-load-and-cdc'),
  tables: z
    .strictObject({
      include: z.array(tableRuleSchema, says('expected a list of {schema, table}')).default([{ schema: '%', table: '%' }]),
      exclude: z.array(tableRuleSchema, says('expected a list of {schema, table}')).default([]),
    })
    .prefault({}),
  lobMode: oneOf(['limited', 'full', 'inline']).default('limited'),
  lobMaxSizeKb: int(1, 102_400).default(32),
  validation: bool().default(true),
  secretsAccessRoleArn: text('expected an IAM role ARN like arn:aws:iam::123456789012:role/dms-secrets', /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/)
    .optional()
    .meta({ description: 'Role DMS assumes to read source.secretArn itself (the secret must hold host, port, username, password)' }),
  cdcLatencyThresholdSeconds: int(0, 3600).default(5),
  maxPendingValidationRecords: int(0, 1_000_000_000)
    .default(0)
    .meta({ description: 'cutover gate: validation records still pending that are tolerated (failed ones never are)' }),
  cdcStableSamples: int(1, 100).default(3),
});

/** Zone ids are kept as written; domain names are compared lowercase without the root dot. */
const normaliseName = (value: string) => (HOSTED_ZONE_ID.test(value) ? value : value.toLowerCase().replace(/\.$/, ''));

const dnsSchema = z
  .strictObject({
    hostedZone: text('expected a domain name such as example.com or a hosted zone id such as Z0123456789ABC', undefined, (v) =>
      HOSTED_ZONE_ID.test(v) || isDomainName(v.replace(/\.$/, '')),
    ).overwrite(normaliseName),
    record: text('expected a fully qualified record name such as www.example.com', undefined, (v) =>
      isHostname(v.replace(/^\*\./, '')),
    ).overwrite(normaliseName),
    currentTarget: text('expected the hostname or IP address the record points to today', undefined, isHost).optional(),
    newTarget: text('expected a hostname, an IP address or alias:<AWS DNS name>', undefined, (v) =>
      v.startsWith('alias:') ? isHostname(v.slice(6)) : isHost(v),
    ).optional(),
    aliasHostedZoneId: text('expected a Route 53 hosted zone id such as Z2FDTNDATAQYW2', HOSTED_ZONE_ID)
      .optional()
      .meta({ description: 'AliasTarget.HostedZoneId of an alias: target promigrate cannot derive (API Gateway, Elastic Beanstalk, VPC endpoint…)' }),
    createIfMissing: z
      .boolean(says('expected true or false'))
      .default(false)
      .meta({ description: 'dns.record does not exist yet: cutover creates it (simple strategy only) and rollback deletes it' }),
    strategy: oneOf(['simple', 'weighted']).default('simple'),
    weights: z
      .array(int(1, 100), says('expected a list of percentages such as [10, 50, 100]'))
      .min(1, says('expected at least one weight'))
      .refine((w) => w.every((x, i) => i === 0 || x > w[i - 1]!), says('expected ascending weights such as [10, 50, 100]'))
      .refine((w) => w[w.length - 1] === 100, says('expected the last weight to be 100 (all traffic on the new target)'))
      .default([10, 50, 100]),
    holdSeconds: int(0, 86_400).default(300).meta({ description: 'weighted: how long each weight is held (smoke-tested throughout) before the next' }),
    checkIntervalSeconds: int(1, 3600).default(30).meta({ description: 'weighted: how often the smoke test runs during a hold' }),
    errorBudgetPercent: int(0, 100).default(0).meta({ description: 'weighted: share of failed smoke tests during a hold that is tolerated; above it → automatic rollback' }),
    ttl: int(0, 172_800).default(60),
  })
  .superRefine((v, ctx) => {
    const zone = v.hostedZone;
    if (!HOSTED_ZONE_ID.test(zone) && v.record !== zone && !v.record.endsWith(`.${zone}`)) {
      ctx.addIssue({ code: 'custom', path: ['record'], message: `${v.record} is not inside the hosted zone ${zone}` });
    }
    if (v.createIfMissing && v.strategy === 'weighted') {
      ctx.addIssue({ code: 'custom', path: ['createIfMissing'], message: 'a weighted ramp shifts traffic from an existing record; a new name is created with strategy: simple' });
    }
  });

const verifySchema = z.strictObject({
  url: httpUrlField().optional(),
  expectedStatus: int(100, 599, 'an HTTP status').default(200),
  bodyMatch: text('expected text the page must contain').optional(),
  chunkRows: int(100, 10_000_000)
    .default(1_000_000)
    .meta({
      description:
        'The most rows in one checksum chunk when comparing source and target; chunks start at 10 000 rows (or this, when smaller), grow towards 0.5 s each while both sides match, and start small again after a chunk that differs',
    }),
  parallelTables: int(1, 16)
    .default(1)
    .meta({ description: 'Tables compared at once; each holds one read-only connection to the source and one to the target' }),
  recheckDelaySeconds: int(0, 3600)
    .default(5)
    .meta({ description: 'While CDC runs: wait this long and re-check a differing chunk before calling it different (0: no re-check)' }),
});

const sandboxSchema = z.strictObject({
  targetUrl: z
    .string(says('expected a database URL such as mysql://admin@127.0.0.1:3307/shop'))
    .superRefine((value, ctx) => {
      const parsed = parseDbUrl(value);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    })
    .optional()
    .meta({ description: 'A real local database the sandbox RDS instance maps to (no password in the URL)' }),
  targetPasswordEnv: envVarField()
    .optional()
    .meta({ description: "Environment variable holding targetUrl's password (default: target.passwordEnv; none: no password)" }),
  operatorAddress: text('expected an IPv4 address such as 203.0.113.7', /^(\d{1,3}\.){3}\d{1,3}$/)
    .optional()
    .meta({ description: "This machine's public address as the simulated AWS sees it (SSH to the bastion is allowed or not by its security group); default: network.adminCidr's address" }),
  appAddress: text('expected host:port of the local web server standing in for the new target, e.g. 127.0.0.1:8080', /^[^\s:]+:\d{1,5}$/)
    .optional()
    .meta({ description: 'Where dns.newTarget answers in the sandbox: smoke tests of the new target connect here (with the production Host header)' }),
});

export const migrationConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: projectSchema,
    aws: awsSchema.prefault({}),
    source: sourceSchema,
    target: targetSchema.prefault({}),
    network: networkSchema.prefault({}),
    dms: dmsSchema.prefault({}),
    dns: dnsSchema.optional().meta({ description: 'Route 53 cutover; required by the cutover step' }),
    verify: verifySchema.prefault({}),
    app: appSchema.optional().meta({ description: 'The web tier provision builds (load balancer, certificate, Auto Scaling group, alarms); cutover then points dns.record at its load balancer' }),
    sandbox: sandboxSchema.prefault({}),
  })
  .superRefine((v, ctx) => {
    const engine = v.target.engine ?? v.source.engine;
    if (ENGINE_FAMILY[engine] !== ENGINE_FAMILY[v.source.engine]) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'engine'],
        message: `${engine} cannot receive a ${v.source.engine} source (DMS copies within the MySQL/MariaDB or PostgreSQL family)`,
      });
    }
    if (v.target.connectVia === 'bastion' && !v.network.bastion) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'connectVia'],
        message: 'is bastion, but network.bastion is false: set network.bastion: true (and network.adminCidr) so provision builds one, or give the {host, port} of your own tunnel',
      });
    }
    if (v.app?.https) {
      if (!v.dns) {
        ctx.addIssue({ code: 'custom', path: ['app', 'https'], message: 'needs dns (hostedZone and record): the certificate is validated by DNS records in that zone; or set app.https: false' });
      } else if (!HOSTED_ZONE_ID.test(v.dns.hostedZone)) {
        const zone = v.dns.hostedZone;
        (v.app.certificateNames ?? [v.dns.record]).forEach((name, i) => {
          const bare = name.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
          if (bare !== zone && !bare.endsWith(`.${zone}`)) {
            ctx.addIssue({ code: 'custom', path: ['app', 'certificateNames', i], message: `${name} is outside the hosted zone ${zone}: ACM validates it by a DNS record promigrate writes there` });
          }
        });
      }
    }
    const sandboxUrl = v.sandbox.targetUrl ? parseDbUrl(v.sandbox.targetUrl) : undefined;
    if (sandboxUrl && 'engine' in sandboxUrl && ENGINE_FAMILY[sandboxUrl.engine] !== ENGINE_FAMILY[engine]) {
      ctx.addIssue({
        code: 'custom',
        path: ['sandbox', 'targetUrl'],
        message: `expected a ${engine} database URL to stand in for the ${engine} target`,
      });
    }
  })
  .transform(({ $schema: _ignored, ...v }) => {
    const engine = v.target.engine ?? v.source.engine;
    const target = {
      ...v.target,
      engine,
      engineVersion: v.target.engineVersion ?? DEFAULT_ENGINE_VERSION[engine],
      /** True when RDS generates the master password into Secrets Manager. */
      manageMasterUserPassword: !v.target.passwordEnv && !v.target.secretArn,
    };
    return { ...v, target };
  });

export type MigrationConfigInput = z.input<typeof migrationConfigSchema>;
export type MigrationConfig = z.output<typeof migrationConfigSchema>;
export type SourceConfig = MigrationConfig['source'];
export type TargetConfig = MigrationConfig['target'];
export type NetworkConfig = MigrationConfig['network'];
export type DnsConfig = NonNullable<MigrationConfig['dns']>;
export type AppConfig = NonNullable<MigrationConfig['app']>;
