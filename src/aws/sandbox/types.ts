/**
 * Contracts shared by the sandbox's framework (world, clock, middleware, faults) and its
 * per-service simulators (src/aws/sandbox/services/*.ts).
 *
 * A service simulator is a map from operation name (the SDK command name without the
 * `Command` suffix, e.g. `CreateVpc`) to a handler. Handlers are synchronous and pure
 * apart from mutating their own slice of the world: lifecycles are derived from the
 * simulated clock when described (status = f(now - createdAt)), so a world saved to disk
 * and reloaded later is consistent with any amount of simulated time having passed.
 */
import type { AwsServiceName } from '../operations.js';
import type { TablePrepMode } from './copy/prep-mode.js';
export type ServiceName = AwsServiceName;

export interface SimContext {
  /** Simulated milliseconds since the epoch. */
  now(): number;
  region: string;
  accountId: string;
  /** Deterministic, world-unique id with the given prefix, e.g. `vpc-` → `vpc-0a1b2c3d4e5f60718`. */
  newId(prefix: string, hexLength?: number): string;
  /** The service's own persisted slice of the world (plain JSON only). */
  slice<T extends object>(service: ServiceName, init: () => T): T;
  /** Durations used for lifecycles, overridable for tests (milliseconds). */
  durations: SimDurations;
  /** Optional hooks to real local resources (e.g. a sandbox RDS mapped to a real DB). */
  hooks: SimHooks;
}

export interface SimDurations {
  rdsCreate: number;
  rdsCreateMultiAz: number;
  rdsDelete: number;
  rdsModify: number;
  dmsInstanceCreate: number;
  dmsInstanceDelete: number;
  dmsTaskCreate: number;
  dmsTaskStart: number;
  dmsTestConnection: number;
  /** Full load throughput in rows per simulated second, per table. */
  dmsFullLoadRowsPerSecond: number;
  route53Propagation: number;
  ec2InstanceStart: number;
  natGatewayCreate: number;
  /** ACM: from RequestCertificate until DescribeCertificate shows each domain's DNS validation ResourceRecord. */
  acmResourceRecord: number;
  /** ACM: from the validation CNAME answering in public DNS (its Route 53 change INSYNC) until the domain is validated. */
  acmDnsValidation: number;
  /** CloudWatch: from PutMetricAlarm until the alarm's first evaluation (alarms are evaluated every minute). */
  cloudwatchAlarmEvaluation: number;
  /** An Application Load Balancer goes `provisioning` → `active` after this long. */
  elbProvision: number;
}

/** What a hook is told about a DMS endpoint. */
export interface SimEndpoint {
  engineName: string;
  serverName?: string;
  port?: number;
  databaseName?: string;
}

export interface SimHooks {
  /** For `sandbox.targetUrl`: the address an RDS instance's endpoint should report. */
  rdsEndpointFor?(dbInstanceIdentifier: string): { address: string; port: number } | undefined;
  /**
   * The tables a DMS source endpoint really holds (e.g. read from the sandbox's embedded
   * source database), so a task's full load progresses over real names and row counts.
   * Undefined → the DMS simulator derives a plausible list from the task's table mapping.
   */
  sourceTables?(endpointArn: string, endpoint: SimEndpoint): Array<{ schema: string; table: string; rows: number }> | undefined;
  /**
   * The real full load: when a task starts, copy these source tables into the database the
   * target endpoint stands for (sandbox.targetUrl), returning the rows copied per table. It
   * runs inside StartReplicationTask while the simulated clock is held. A rejection naming
   * a table (`{ table: 'schema.table' }` on the error) fails the run at that table.
   * Undefined result → no real database behind the target; nothing was copied.
   */
  fullLoad?(load: {
    source: SimEndpoint;
    target: SimEndpoint;
    tables: Array<{ schema: string; table: string }>;
    /** The task's FullLoadSettings.TargetTablePrepMode. */
    prepMode: TablePrepMode;
    /** Limited LOB mode: TargetMetadata.LobMaxSize (KB); absent in full and inline LOB modes (LOBs whole). */
    lobMaxSizeKb?: number;
  }): Promise<Array<{
    schema: string;
    table: string;
    rows: number;
    /** LOB values cut by limited LOB mode, per column. */
    truncatedLobs?: Array<{ column: string; values: number; maxBytes: number }>;
  }> | undefined>;
  /**
   * TestConnection of a PostgreSQL target endpoint: whether its DatabaseName exists on the
   * real database behind it (sandbox.targetUrl's server). Undefined → no real database: the
   * simulator decides from the RDS instance (its DBName, or `postgres`).
   */
  targetDatabaseExists?(endpoint: SimEndpoint & { databaseName: string }): Promise<boolean> | undefined;
  /**
   * VPC and AZ of an EC2 subnet, for RDS/DMS subnet groups (wire it to the EC2 simulator).
   * Undefined result → the subnet does not exist (`InvalidSubnet`). Hook absent → the
   * simulators assume the subnets exist and spread them over AZs a, b, c… in input order.
   */
  subnetInfo?(subnetId: string): { vpcId: string; availabilityZone: string } | undefined;
  /**
   * Called when CreateDBInstance is given ManageMasterUserPassword, so the Secrets Manager
   * simulator can materialise the RDS-managed secret (`rds!db-…`) the instance reports.
   */
  rdsManagedSecretCreated?(secret: {
    secretArn: string;
    secretName: string;
    username: string;
    dbInstanceIdentifier: string;
  }): void;
  /**
   * The ACM status of a certificate (e.g. `ISSUED`, `PENDING_VALIDATION`) for an HTTPS
   * listener; undefined → ACM has no such certificate. Hook absent → the ELBv2 simulator
   * accepts any well-formed ACM certificate ARN of the load balancer's account and region.
   */
  certificateStatus?(certificateArn: string): string | undefined;
  /** ELBv2 → ACM: whether `resourceArn` (a load balancer) uses the certificate now (its InUseBy). */
  certificateInUse?(certificateArn: string, resourceArn: string, inUse: boolean): void;
}

export type OperationHandler = (input: any, ctx: SimContext) => unknown;
export type ServiceSimulator = Record<string, OperationHandler>;

/**
 * An error shaped as the SDK throws for the real service: `name` is the AWS error code
 * (e.g. `DBInstanceAlreadyExistsFault`), `$fault` client|server, `$metadata.httpStatusCode`.
 */
export interface SimErrorShape {
  name: string;
  message: string;
  fault: 'client' | 'server';
  httpStatusCode: number;
  retryable?: { throttling?: boolean };
}
