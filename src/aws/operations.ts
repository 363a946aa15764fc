/**
 * What promigrate knows about an AWS call from inside an SDK v3 client's middleware: which
 * service the client talks to, the operation's name, and whether it may change anything.
 * The dry-run guard, the audit hook and the sandbox all classify calls with these.
 */

export type AwsServiceName =
  | 'ec2' | 'rds' | 'dms' | 'route53' | 'sts' | 'secretsmanager' | 'cloudwatch' | 'iam' | 'ec2-instance-connect'
  | 'elbv2' | 'autoscaling' | 'acm' | 'sns' | 'ssm';

/** The parts of an SDK v3 client the client factory, its guards and the sandbox use. */
export interface SdkClientLike {
  middlewareStack: {
    add(middleware: any, options: any): void;
    addRelativeTo(middleware: any, options: any): void;
    identify(): string[];
  };
  config: object;
}

/** Something that takes over a client's calls (the sandbox): the factory hands it every client it makes. */
export interface ClientAttacher {
  attach<C extends SdkClientLike>(client: C): C;
}

const SERVICE_IDS: Record<string, AwsServiceName> = {
  EC2: 'ec2',
  RDS: 'rds',
  'Database Migration Service': 'dms',
  'Route 53': 'route53',
  STS: 'sts',
  'Secrets Manager': 'secretsmanager',
  CloudWatch: 'cloudwatch',
  IAM: 'iam',
  'EC2 Instance Connect': 'ec2-instance-connect',
  'Elastic Load Balancing v2': 'elbv2',
  'Auto Scaling': 'autoscaling',
  ACM: 'acm',
  SNS: 'sns',
  SSM: 'ssm',
};

export function serviceOfClient(client: SdkClientLike): AwsServiceName {
  const id = (client.config as { serviceId?: string }).serviceId ?? '';
  const service = SERVICE_IDS[id];
  if (!service) throw new Error(`internal error: promigrate does not use the "${id}" service`);
  return service;
}

/** `CreateVpcCommand` → `CreateVpc`. */
export function operationOf(context: Record<string, unknown>): string {
  const name = typeof context.commandName === 'string' ? context.commandName : '';
  if (name) return name.replace(/Command$/, '');
  const smithy = context.__smithy_context as { operation?: string } | undefined;
  return smithy?.operation ?? 'Unknown';
}

const READ_PREFIXES = ['Describe', 'List', 'Get', 'Test'];

/** Anything but Describe/List/Get/Test may change something in AWS. */
export function isMutatingOperation(operation: string): boolean {
  return !READ_PREFIXES.some((p) => operation.startsWith(p));
}
