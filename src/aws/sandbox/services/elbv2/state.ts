/**
 * The Elastic Load Balancing v2 slice of the sandbox world: records, ARNs, errors, the load
 * balancer lifecycle (derived from the clock), tags, Marker paging.
 *
 * Error codes are the awsQuery codes the API reference lists per operation (the SDK maps
 * `LoadBalancerNotFound` to LoadBalancerNotFoundException and so on); input constraints that
 * the reference states but no modelled error covers are `ValidationError`, as ELB answers them.
 */
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { partition } from '../sim-util.js';

export interface ElbTag {
  Key: string;
  Value: string;
}

export interface LoadBalancerRec {
  arn: string;
  name: string;
  /** The 16-hex part of the ARN. */
  id: string;
  type: 'application';
  scheme: 'internet-facing' | 'internal';
  ipAddressType: string;
  vpcId: string;
  zones: Array<{ subnetId: string; availabilityZone: string }>;
  securityGroups: string[];
  dnsName: string;
  createdAt: number;
  /** Non-default attribute values (key → value as ELB reports them). */
  attributes: Record<string, string>;
  tags: ElbTag[];
  /** The request's settings, for CreateLoadBalancer's same-name idempotency. */
  fingerprint: string;
}

export interface TargetRec {
  id: string;
  port: number;
  registeredAt: number;
  /** Set by DeregisterTargets: the target drains until drainUntil, then is gone. */
  deregisteredAt?: number;
  drainUntil?: number;
}

export interface HealthCheckRec {
  protocol: string;
  port: string;
  enabled: boolean;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
}

export interface TargetGroupRec {
  arn: string;
  name: string;
  id: string;
  protocol: string;
  protocolVersion: string;
  port: number;
  vpcId: string;
  targetType: 'instance';
  ipAddressType: string;
  healthCheck: HealthCheckRec;
  attributes: Record<string, string>;
  tags: ElbTag[];
  targets: TargetRec[];
  createdAt: number;
  fingerprint: string;
}

export interface ActionRec {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups?: Array<{ TargetGroupArn?: string; Weight?: number }>;
    TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number };
  };
  RedirectConfig?: { Protocol?: string; Port?: string; Host?: string; Path?: string; Query?: string; StatusCode?: string };
  FixedResponseConfig?: { MessageBody?: string; StatusCode?: string; ContentType?: string };
}

export interface ListenerRec {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  certificates: Array<{ CertificateArn: string }>;
  sslPolicy?: string;
  defaultActions: ActionRec[];
  /** Target group ARN → since when the default actions forward to it (health checks start then). */
  forwardSince: Record<string, number>;
  tags: ElbTag[];
  createdAt: number;
}

export interface ElbSlice {
  loadBalancers: Record<string, LoadBalancerRec>;
  targetGroups: Record<string, TargetGroupRec>;
  listeners: Record<string, ListenerRec>;
}

export function elbState(ctx: SimContext): ElbSlice {
  return ctx.slice<ElbSlice>('elbv2', () => ({ loadBalancers: {}, targetGroups: {}, listeners: {} }));
}

// ---- ARNs -------------------------------------------------------------------------------

const arnPrefix = (ctx: SimContext): string =>
  `arn:${partition(ctx.region)}:elasticloadbalancing:${ctx.region}:${ctx.accountId}`;

export const loadBalancerArn = (ctx: SimContext, name: string, id: string): string => `${arnPrefix(ctx)}:loadbalancer/app/${name}/${id}`;
export const targetGroupArn = (ctx: SimContext, name: string, id: string): string => `${arnPrefix(ctx)}:targetgroup/${name}/${id}`;
export const listenerArn = (lb: LoadBalancerRec, id: string): string =>
  lb.arn.replace(':loadbalancer/app/', ':listener/app/') + `/${id}`;

const ARN = '^arn:aws(-cn|-us-gov)?:elasticloadbalancing:[a-z0-9-]+:\\d{12}:';
const ARN_SHAPES = {
  'load balancer': new RegExp(`${ARN}loadbalancer/(app|net|gwy)/[^/]+/[0-9a-f]+$`),
  'target group': new RegExp(`${ARN}targetgroup/[^/]+/[0-9a-f]+$`),
  listener: new RegExp(`${ARN}listener/(app|net|gwy)/[^/]+/[0-9a-f]+/[0-9a-f]+$`),
} as const;
export type ArnKind = keyof typeof ARN_SHAPES;

/** An ARN of this kind, or ELB's ValidationError for a malformed one. */
export function checkArn(kind: ArnKind, arn: unknown): string {
  if (typeof arn !== 'string' || !ARN_SHAPES[kind].test(arn)) {
    throw validation(`'${String(arn)}' is not a valid ${kind} ARN`);
  }
  return arn;
}

export function kindOfArn(arn: string): ArnKind | undefined {
  return (Object.keys(ARN_SHAPES) as ArnKind[]).find((k) => ARN_SHAPES[k].test(arn));
}

// ---- errors -----------------------------------------------------------------------------

export const validation = (message: string): SimError => new SimError('ValidationError', message);
export const invalidConfig = (message: string): SimError => new SimError('InvalidConfigurationRequest', message);

export type AttributeSpecs = Record<string, { default: string; valid: (value: string) => boolean }>;

/**
 * Modify*Attributes: `current` with `changes` applied, each key known and each value valid
 * (InvalidConfigurationRequest otherwise); at least one change (ValidationError).
 */
export function withAttributes(noun: string, specs: AttributeSpecs, current: Record<string, string>, changes: Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  if (!changes?.length) throw validation('At least one attribute must be specified');
  const next = { ...current };
  for (const a of changes) {
    const spec = specs[a.Key ?? ''];
    if (!spec) throw invalidConfig(`${noun} attribute key '${a.Key ?? ''}' is not recognized`);
    const value = a.Value ?? '';
    if (!spec.valid(value)) throw invalidConfig(`${noun} attribute value '${value}' is not valid for attribute key '${a.Key}'`);
    next[a.Key!] = value;
  }
  return next;
}

export const elbErrors = {
  loadBalancerNotFound: (which?: string[]) =>
    new SimError('LoadBalancerNotFound', which?.length ? `Load balancers '[${which.join(', ')}]' not found` : 'One or more load balancers not found'),
  targetGroupNotFound: (which?: string[]) =>
    new SimError('TargetGroupNotFound', which?.length ? `Target groups '[${which.join(', ')}]' not found` : 'One or more target groups not found'),
  listenerNotFound: (which?: string[]) =>
    new SimError('ListenerNotFound', which?.length ? `Listeners '[${which.join(', ')}]' not found` : 'One or more listeners not found'),
};

export function needLoadBalancer(s: ElbSlice, arn: unknown): LoadBalancerRec {
  const lb = s.loadBalancers[checkArn('load balancer', arn)];
  if (!lb) throw elbErrors.loadBalancerNotFound([arn as string]);
  return lb;
}

export function needTargetGroup(s: ElbSlice, arn: unknown): TargetGroupRec {
  const tg = s.targetGroups[checkArn('target group', arn)];
  if (!tg) throw elbErrors.targetGroupNotFound([arn as string]);
  return tg;
}

export function needListener(s: ElbSlice, arn: unknown): ListenerRec {
  const l = s.listeners[checkArn('listener', arn)];
  if (!l) throw elbErrors.listenerNotFound([arn as string]);
  return l;
}

// ---- names ------------------------------------------------------------------------------

/**
 * CreateLoadBalancer/CreateTargetGroup `Name`: "unique per region per account, can have a
 * maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not
 * begin or end with a hyphen" (load balancers also "must not begin with internal-").
 */
export function checkName(kind: 'load balancer' | 'target group', name: unknown): string {
  if (typeof name !== 'string' || name === '') throw validation(`A ${kind} name must be specified`);
  if (name.length > 32) throw validation(`The ${kind} name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw validation(`The ${kind} name '${name}' can only contain characters that are alphanumeric characters and hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw validation(`The ${kind} name '${name}' cannot begin or end with a hyphen(-)`);
  if (kind === 'load balancer' && name.toLowerCase().startsWith('internal-')) {
    throw validation(`The load balancer name '${name}' cannot begin with 'internal-'`);
  }
  return name;
}

// ---- lifecycle --------------------------------------------------------------------------

/** LoadBalancerState: `provisioning` for durations.elbProvision after creation, then `active`. */
export function loadBalancerState(ctx: SimContext, lb: LoadBalancerRec): 'provisioning' | 'active' {
  return ctx.now() < lb.createdAt + ctx.durations.elbProvision ? 'provisioning' : 'active';
}

export const activeSince = (ctx: SimContext, lb: LoadBalancerRec): number => lb.createdAt + ctx.durations.elbProvision;

/** The listeners of load balancers that forward to `tg` (default actions). */
export function listenersForwardingTo(s: ElbSlice, tgArn: string): ListenerRec[] {
  return Object.values(s.listeners).filter((l) => s.loadBalancers[l.loadBalancerArn] && forwardTargets(l.defaultActions).includes(tgArn));
}

/** The target groups an action list forwards to. */
export function forwardTargets(actions: ActionRec[]): string[] {
  return [...new Set(actions.flatMap((a) =>
    a.Type !== 'forward' ? [] : [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)].filter((x): x is string => !!x)))];
}

/** The load balancers that route to a target group. */
export function loadBalancersOf(s: ElbSlice, tgArn: string): string[] {
  return [...new Set(listenersForwardingTo(s, tgArn).map((l) => l.loadBalancerArn))];
}

// ---- tags -------------------------------------------------------------------------------

/** ELB tag rules (API reference, Tag): key 1–128 characters, value 0–256, aws: reserved, 50 per resource. */
export function checkTags(tags: Array<{ Key?: string; Value?: string }> | undefined): ElbTag[] {
  const out: ElbTag[] = [];
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    if (!t.Key || t.Key.length > 128) throw validation('Tag keys must be between 1 and 128 characters long');
    if ((t.Value ?? '').length > 256) throw validation('Tag values must be 256 characters or fewer');
    if (t.Key.toLowerCase().startsWith('aws:')) throw validation(`Tag key '${t.Key}' cannot begin with 'aws:': that prefix is reserved for AWS use`);
    if (seen.has(t.Key)) throw new SimError('DuplicateTagKeys', `Tag key '${t.Key}' was specified more than once`);
    seen.add(t.Key);
    out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  return out;
}

export function mergeTags(existing: ElbTag[], added: ElbTag[]): ElbTag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of added) {
    const found = out.find((o) => o.Key === t.Key);
    if (found) found.Value = t.Value;
    else out.push({ ...t });
  }
  if (out.length > 50) throw new SimError('TooManyTags', "You've reached the limit on the number of tags for this resource (50)");
  return out;
}

// ---- paging and comparison --------------------------------------------------------------

/** Marker/PageSize paging (PageSize 1–400), NextMarker while more remain. */
export function pageByMarker<T>(items: T[], input: { Marker?: string; PageSize?: number }): { items: T[]; NextMarker?: string } {
  let start = 0;
  if (input.Marker !== undefined && input.Marker !== '') {
    const m = /^pm-elb:(\d+)$/.exec(Buffer.from(input.Marker, 'base64').toString('utf8'));
    if (!m) throw validation(`The marker '${input.Marker}' is not valid`);
    start = Number(m[1]);
  }
  if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) {
    throw validation(`1 validation error detected: Value '${input.PageSize}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400`);
  }
  const size = input.PageSize ?? 400;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { NextMarker: Buffer.from(`pm-elb:${end}`).toString('base64') } : {}) };
}

/** A stable fingerprint of request settings (keys sorted, undefined dropped). */
export function fingerprintOf(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(canonical(value));
}
