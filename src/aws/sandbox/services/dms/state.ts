/**
 * The DMS slice of the sandbox world, ARNs, errors and the Filters helper.
 * Resources are keyed by ARN; replication instance and subnet group identifiers are stored
 * lower-case, as DMS does.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { partition, type Tag } from '../sim-util.js';
import type { StopAfterFullLoad } from './mapping.js';

export interface SubnetGroupRec {
  id: string;
  description: string;
  vpcId: string;
  subnets: Array<{ subnetId: string; availabilityZone: string }>;
  tags: Tag[];
}

export interface ReplicationInstanceRec {
  id: string;
  arn: string;
  instanceClass: string;
  allocatedStorage: number;
  engineVersion: string;
  multiAz: boolean;
  availabilityZone: string;
  secondaryAvailabilityZone?: string;
  subnetGroupId: string;
  vpcSecurityGroupIds: string[];
  publiclyAccessible: boolean;
  kmsKeyId: string;
  privateIp: string;
  publicIp?: string;
  tags: Tag[];
  createdAt: number;
  deletingAt?: number;
}

export interface EndpointRec {
  id: string;
  arn: string;
  type: 'source' | 'target';
  engineName: string;
  username?: string;
  serverName?: string;
  port?: number;
  databaseName?: string;
  sslMode: string;
  certificateArn?: string;
  extraConnectionAttributes?: string;
  kmsKeyId: string;
  /** Engine settings as given, minus any password. */
  settings: Record<string, Record<string, unknown>>;
  /** A password was supplied (it is never stored). */
  passwordSet: boolean;
  tags: Tag[];
  createdAt: number;
}

export interface ConnectionRec {
  instanceArn: string;
  endpointArn: string;
  startedAt: number;
  ok: boolean;
  message?: string;
}

export interface TableSpec {
  schema: string;
  table: string;
  rows: number;
}

export interface RunRec {
  type: 'start-replication' | 'resume-processing' | 'reload-target';
  startedAt: number;
  /** Every selected table, resolved when the run started. */
  tables: TableSpec[];
  /** Keys (`schema.table`) this run loads; the others were loaded by an earlier run. */
  toLoad: string[];
  stopRequestedAt?: number;
  /** The real copy (`hooks.fullLoad`) failed on this table: the run fails there, as DMS would. */
  copyFailure?: { table: string; message: string };
  /** The stop-after-full-load setting when the run started (a later ModifyReplicationTask does not rewrite history). */
  stopAfterFullLoad?: StopAfterFullLoad;
}

/** A line of the task's log (what DMS writes to its CloudWatch log stream). */
export interface TaskLogLine {
  at: number;
  /** DMS's severity letter: I(nfo), W(arning), E(rror). */
  level: 'I' | 'W' | 'E';
  component: 'SOURCE_UNLOAD' | 'TARGET_LOAD' | 'TASK_MANAGER';
  message: string;
}

export interface LoadedTable {
  rows: number;
  startedAt: number;
  finishedAt: number;
  reloaded: boolean;
}

export interface TaskRec {
  id: string;
  arn: string;
  resourceId: string;
  instanceArn: string;
  sourceArn: string;
  targetArn: string;
  migrationType: 'full-load' | 'cdc' | 'full-load-and-cdc';
  tableMappings: string;
  settings: string;
  taskData?: string;
  tags: Tag[];
  createdAt: number;
  deletingAt?: number;
  freshStartAt?: number;
  run?: RunRec;
  /** Tables fully loaded by earlier runs (kept across resume-processing). */
  loaded: Record<string, LoadedTable>;
  /** LastFailureMessage of the most recent failed run (DMS keeps it after a restart). */
  lastFailure?: string;
  /** Earlier CDC windows, for the CloudWatch latency metrics. */
  cdcHistory: Array<{ start: number; end: number; backlogSeconds: number }>;
  /** The task log's warnings and errors (absent in worlds saved before it existed). */
  log?: TaskLogLine[];
}

export interface DmsSlice {
  subnetGroups: Record<string, SubnetGroupRec>;
  instances: Record<string, ReplicationInstanceRec>;
  endpoints: Record<string, EndpointRec>;
  connections: ConnectionRec[];
  tasks: Record<string, TaskRec>;
}

/** The slice, with resources whose deletion has finished removed. */
export function dmsState(ctx: SimContext): DmsSlice {
  const s = ctx.slice<DmsSlice>('dms', () => ({
    subnetGroups: {},
    instances: {},
    endpoints: {},
    connections: [],
    tasks: {},
  }));
  const now = ctx.now();
  for (const [key, t] of Object.entries(s.tasks)) {
    if (t.deletingAt !== undefined && now >= t.deletingAt + ctx.durations.dmsTaskCreate) delete s.tasks[key];
  }
  for (const [key, i] of Object.entries(s.instances)) {
    if (i.deletingAt !== undefined && now >= i.deletingAt + ctx.durations.dmsInstanceDelete) {
      delete s.instances[key];
      s.connections = s.connections.filter((c) => c.instanceArn !== key);
    }
  }
  return s;
}

export const dmsArn = (ctx: SimContext, type: 'rep' | 'endpoint' | 'task' | 'subgrp', id: string): string =>
  `arn:${partition(ctx.region)}:dms:${ctx.region}:${ctx.accountId}:${type}:${id}`;

const err = (name: string) => (message: string) => new SimError(name, message, { httpStatusCode: 400 });

export const dmsErrors = {
  notFound: err('ResourceNotFoundFault'),
  exists: (message: string, resourceArn?: string) =>
    Object.assign(new SimError('ResourceAlreadyExistsFault', message), resourceArn ? { resourceArn } : {}),
  state: err('InvalidResourceStateFault'),
  value: err('InvalidParameterValueException'),
  combination: err('InvalidParameterCombinationException'),
  invalidSubnet: (ids: string[]) => new SimError('InvalidSubnet', `Invalid subnet(s): ${ids.join(', ')}`),
};

export const identifierMessage = (param: string): string =>
  `The parameter ${param} is not a valid identifier. Identifiers must begin with a letter and must contain only ASCII letters, digits, and hyphens. They can't end with a hyphen or contain two consecutive hyphens.`;

type Filter = { Name?: string; Values?: string[] };

/**
 * Applies DMS `Filters` (AND across filters, OR within a filter's values). Every filter
 * name must be known to `fields`.
 */
export function applyFilters<T>(
  items: T[],
  filters: Filter[] | undefined,
  fields: Record<string, (item: T) => string | undefined>,
): T[] {
  for (const f of filters ?? []) {
    if (!f.Name || !fields[f.Name]) throw dmsErrors.value(`Invalid filter name: ${f.Name}`);
  }
  return items.filter((item) =>
    (filters ?? []).every((f) => {
      const v = fields[f.Name!]!(item);
      return v !== undefined && (f.Values ?? []).includes(v);
    }),
  );
}

export function instanceStatus(ctx: SimContext, r: ReplicationInstanceRec): 'creating' | 'available' | 'deleting' {
  if (r.deletingAt !== undefined) return 'deleting';
  return ctx.now() < r.createdAt + ctx.durations.dmsInstanceCreate ? 'creating' : 'available';
}

export function requireInstance(ctx: SimContext, instanceArn: unknown): ReplicationInstanceRec {
  const r = dmsState(ctx).instances[String(instanceArn ?? '')];
  if (!r) throw dmsErrors.notFound('Replication Instance not found');
  return r;
}

export function requireEndpoint(ctx: SimContext, endpointArn: unknown): EndpointRec {
  const e = dmsState(ctx).endpoints[String(endpointArn ?? '')];
  if (!e) throw dmsErrors.notFound('Endpoint not found');
  return e;
}

export function requireTask(ctx: SimContext, taskArn: unknown): TaskRec {
  const t = dmsState(ctx).tasks[String(taskArn ?? '')];
  if (!t) throw dmsErrors.notFound('Replication Task not found');
  return t;
}
