/**
 * The one AWS client factory. Every SDK v3 client promigrate uses comes from here, so
 * region, profile, endpoint, retries, the sandbox, the dry-run guard and the audit hook
 * are decided in one place.
 *
 * Clients are created on first access, and their SDK package is imported then, so a
 * command that never touches a service never loads it (the EC2 client alone takes
 * ~100 ms to import). Each property is therefore a promise: `const ec2 = await aws.ec2`.
 *
 * Without a sandbox the SDK's own configuration applies: the default credential chain
 * (or `profile`), `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` and `endpoint_url` in
 * the shared config (read natively by this SDK version; an explicit `endpointUrl`
 * overrides them), and the standard retry mode with `maxAttempts` (default: the SDK's,
 * i.e. AWS_MAX_ATTEMPTS or 3). Route 53 is global but is given the configured region too:
 * the SDK's endpoint rules map any commercial region to route53.amazonaws.com, and
 * LocalStack/moto accept whatever region the client signs with. IAM likewise: its endpoint
 * rules send any commercial region to iam.amazonaws.com, signed for us-east-1 (aws-cn and
 * aws-us-gov regions to their partition's IAM endpoint); an explicit or configured endpoint
 * URL replaces that as for every other client (LocalStack and moto serve IAM on theirs).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ACMClient } from '@aws-sdk/client-acm';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { STSClient } from '@aws-sdk/client-sts';
import { addCallContext } from './call-context.js';
import { addAuditHook, addDryRunGuard, type AuditIntentSink, type AuditSink, type GuardLogger } from './guards.js';
import type { ClientAttacher, SdkClientLike } from './operations.js';

export { DryRunViolation, type AuditRecord } from './guards.js';

export interface AwsClientOptions {
  region: string;
  profile?: string;
  endpointUrl?: string;
  /** Total attempts per call, first included (SDK default: AWS_MAX_ATTEMPTS or 3). */
  maxAttempts?: number;
  dryRun: boolean;
  /** The sandbox: takes over every client's calls. */
  sandbox?: ClientAttacher;
  audit?: AuditSink;
  /** Journals each mutating call before it is sent (with `audit`). */
  auditIntent?: AuditIntentSink;
  logger?: GuardLogger;
}

export interface AwsClients {
  readonly region: string;
  readonly ec2: Promise<EC2Client>;
  readonly rds: Promise<RDSClient>;
  readonly dms: Promise<DatabaseMigrationServiceClient>;
  readonly route53: Promise<Route53Client>;
  readonly sts: Promise<STSClient>;
  readonly secretsManager: Promise<SecretsManagerClient>;
  /** DMS reports CDC latency only as CloudWatch metrics (CDCLatencySource/Target). */
  readonly cloudwatch: Promise<CloudWatchClient>;
  /** The DMS service roles (assess checks them, provision creates them, destroy removes its own). */
  readonly iam: Promise<IAMClient>;
  /** SendSSHPublicKey: the run's ephemeral key for the SSH tunnel through the bastion. */
  readonly instanceConnect: Promise<EC2InstanceConnectClient>;
  /** The app tier (`app:`): load balancer, Auto Scaling group, certificate, alarm topic, AMI parameter. */
  readonly elbv2: Promise<ElasticLoadBalancingV2Client>;
  readonly autoscaling: Promise<AutoScalingClient>;
  readonly acm: Promise<ACMClient>;
  readonly sns: Promise<SNSClient>;
  readonly ssm: Promise<SSMClient>;
  /** Closes the HTTP connections of every client created so far. */
  destroy(): void;
}

type ServiceKey = 'ec2' | 'rds' | 'dms' | 'route53' | 'sts' | 'secretsManager' | 'cloudwatch' | 'iam' | 'instanceConnect' | 'elbv2' | 'autoscaling' | 'acm' | 'sns' | 'ssm';
type ClientCtor = new (config: Record<string, unknown>) => SdkClientLike & { destroy(): void };

const LOADERS: Record<ServiceKey, () => Promise<ClientCtor>> = {
  ec2: async () => (await import('@aws-sdk/client-ec2')).EC2Client as unknown as ClientCtor,
  rds: async () => (await import('@aws-sdk/client-rds')).RDSClient as unknown as ClientCtor,
  dms: async () =>
    (await import('@aws-sdk/client-database-migration-service')).DatabaseMigrationServiceClient as unknown as ClientCtor,
  route53: async () => (await import('@aws-sdk/client-route-53')).Route53Client as unknown as ClientCtor,
  sts: async () => (await import('@aws-sdk/client-sts')).STSClient as unknown as ClientCtor,
  secretsManager: async () => (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient as unknown as ClientCtor,
  cloudwatch: async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient as unknown as ClientCtor,
  iam: async () => (await import('@aws-sdk/client-iam')).IAMClient as unknown as ClientCtor,
  instanceConnect: async () => (await import('@aws-sdk/client-ec2-instance-connect')).EC2InstanceConnectClient as unknown as ClientCtor,
  elbv2: async () => (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client as unknown as ClientCtor,
  autoscaling: async () => (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient as unknown as ClientCtor,
  acm: async () => (await import('@aws-sdk/client-acm')).ACMClient as unknown as ClientCtor,
  sns: async () => (await import('@aws-sdk/client-sns')).SNSClient as unknown as ClientCtor,
  ssm: async () => (await import('@aws-sdk/client-ssm')).SSMClient as unknown as ClientCtor,
};

/** Fixed, obviously fake credentials: a sandboxed client never looks up the credential chain. */
const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIAPROMIGRATESANDBOX', secretAccessKey: 'promigrate-sandbox-not-a-secret' };

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  // The SDK warns on every process running Node < 22 about its 2027 support policy; that
  // is noise for an operator (engines says >=20). An explicit setting is left alone.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const created = new Map<ServiceKey, Promise<SdkClientLike & { destroy(): void }>>();

  const make = async (key: ServiceKey): Promise<SdkClientLike & { destroy(): void }> => {
    const Client = await LOADERS[key]();
    const client = new Client(clientConfig(opts));
    if (opts.sandbox) opts.sandbox.attach(client);
    addCallContext(client, { sandbox: opts.sandbox !== undefined });
    if (opts.dryRun) addDryRunGuard(client);
    if (opts.audit) addAuditHook(client, opts.audit, opts.logger, opts.auditIntent);
    return client;
  };

  const get = (key: ServiceKey): Promise<never> => {
    let client = created.get(key);
    if (!client) {
      client = make(key);
      created.set(key, client);
      client.catch(() => created.delete(key));
    }
    return client as Promise<never>;
  };

  return {
    region: opts.region,
    get ec2() {
      return get('ec2');
    },
    get rds() {
      return get('rds');
    },
    get dms() {
      return get('dms');
    },
    get route53() {
      return get('route53');
    },
    get sts() {
      return get('sts');
    },
    get secretsManager() {
      return get('secretsManager');
    },
    get cloudwatch() {
      return get('cloudwatch');
    },
    get iam() {
      return get('iam');
    },
    get instanceConnect() {
      return get('instanceConnect');
    },
    get elbv2() {
      return get('elbv2');
    },
    get autoscaling() {
      return get('autoscaling');
    },
    get acm() {
      return get('acm');
    },
    get sns() {
      return get('sns');
    },
    get ssm() {
      return get('ssm');
    },
    destroy() {
      for (const client of created.values()) client.then((c) => c.destroy(), () => undefined);
      created.clear();
    },
  };
}

function clientConfig(opts: AwsClientOptions): Record<string, unknown> {
  const common: Record<string, unknown> = { region: opts.region, retryMode: 'standard' };
  if (opts.maxAttempts !== undefined) common.maxAttempts = opts.maxAttempts;
  if (opts.sandbox) {
    // Everything explicit, so no shared config file or environment variable is consulted.
    return {
      ...common,
      maxAttempts: opts.maxAttempts ?? 3,
      credentials: SANDBOX_CREDENTIALS,
      ignoreConfiguredEndpointUrls: true,
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      authSchemePreference: [],
    };
  }
  return {
    ...common,
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl !== undefined ? { endpoint: opts.endpointUrl } : {}),
  };
}
