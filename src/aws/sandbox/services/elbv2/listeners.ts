/**
 * ELBv2 listeners of Application Load Balancers: CreateListener, DescribeListeners,
 * ModifyListener, DeleteListener (API reference), with the ALB Guide's rules for HTTPS listeners
 * ("Create an HTTPS listener", "Security policies") and listener rule actions ("forward",
 * "redirect", "fixed-response").
 *
 * An HTTPS listener needs one default certificate: an ACM certificate of the load balancer's
 * account and region that ACM reports ISSUED (ctx.hooks.certificateStatus; without the hook any
 * well-formed ACM ARN is taken). A certificate that is not issued yet fails with
 * CertificateNotFound ("Certificate '…' not found"), which is what ELB answers for a certificate
 * still pending validation. The security policy must be one of ELB's predefined policies; when
 * omitted it is ELBSecurityPolicy-2016-08, the default for listeners created through the API.
 */
import type {
  Action,
  Certificate,
  CreateListenerInput,
  DeleteListenerInput,
  DescribeListenersInput,
  Listener,
  ModifyListenerInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimError } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { partition } from '../sim-util.js';
import {
  checkArn,
  checkTags,
  elbErrors,
  elbState,
  fingerprintOf,
  forwardTargets,
  invalidConfig,
  listenerArn,
  loadBalancersOf,
  needListener,
  needLoadBalancer,
  needTargetGroup,
  pageByMarker,
  validation,
  type ActionRec,
  type ElbSlice,
  type ListenerRec,
  type LoadBalancerRec,
} from './state.js';

/** The predefined security policies for Application Load Balancers (ALB Guide, "Security policies"). */
export const SSL_POLICIES = [
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-1-2021-06',
  'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-0-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-1-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-FS-1-1-2019-08',
  'ELBSecurityPolicy-FS-2018-06',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-1-2017-01',
  'ELBSecurityPolicy-TLS-1-0-2015-04',
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-2015-05',
];

/** "Other methods (for example, the AWS CLI …) – The default security policy is ELBSecurityPolicy-2016-08." */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** "Listeners per Application Load Balancer": 50 (ALB Guide, Quotas). */
const MAX_LISTENERS = 50;

// ---- protocol, port, certificates -------------------------------------------------------------

function checkProtocol(protocol: string | undefined): 'HTTP' | 'HTTPS' {
  if (!protocol) throw validation('A listener protocol must be specified');
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    throw new SimError('UnsupportedProtocol', `Protocol '${protocol}' is not supported for load balancers of type 'application'`);
  }
  return protocol;
}

function checkPort(port: number | undefined): number {
  if (port === undefined) throw validation('A listener port must be specified');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw validation(`1 validation error detected: Value '${port}' at 'port' failed to satisfy constraint: Member must have value between 1 and 65535`);
  }
  return port;
}

function checkCertificates(ctx: SimContext, certs: Certificate[]): Array<{ CertificateArn: string }> {
  if (certs.length === 0) throw validation('A certificate must be specified for HTTPS listeners');
  if (certs.length > 1) throw validation('A listener can have only one default certificate; add others with AddListenerCertificates');
  const arn = certs[0]!.CertificateArn ?? '';
  const m = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/.exec(arn);
  const notFound = new SimError('CertificateNotFound', `Certificate '${arn}' not found`);
  // IAM server certificates are not simulated; an ACM certificate must be in the load balancer's account and region.
  if (!m || m[1] !== partition(ctx.region) || m[2] !== ctx.region || m[3] !== ctx.accountId) throw notFound;
  if (ctx.hooks.certificateStatus) {
    const status = ctx.hooks.certificateStatus(arn);
    if (status !== 'ISSUED') throw notFound;
  }
  return [{ CertificateArn: arn }];
}

function checkSslPolicy(policy: string | undefined): string {
  const name = policy ?? DEFAULT_SSL_POLICY;
  if (!SSL_POLICIES.includes(name)) throw new SimError('SSLPolicyNotFound', `SSL policy '${name}' not found`);
  return name;
}

/** The ACM certificates the listeners of `lbArn` use. */
function certificatesOf(s: ElbSlice, lbArn: string): Set<string> {
  return new Set(Object.values(s.listeners).filter((l) => l.loadBalancerArn === lbArn).flatMap((l) => l.certificates.map((c) => c.CertificateArn)));
}

/**
 * Runs a listener change and tells ACM which certificates the load balancer uses since
 * (DescribeCertificate InUseBy lists the load balancer; DeleteCertificate refuses while it does).
 */
export function withCertificateUse<T>(ctx: SimContext, s: ElbSlice, lbArn: string, change: () => T): T {
  const before = certificatesOf(s, lbArn);
  const out = change();
  const after = certificatesOf(s, lbArn);
  for (const arn of new Set([...before, ...after])) ctx.hooks.certificateInUse?.(arn, lbArn, after.has(arn));
  return out;
}

// ---- actions ------------------------------------------------------------------------------

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

function forwardAction(s: ElbSlice, lb: LoadBalancerRec, a: Action): ActionRec {
  const fromConfig = a.ForwardConfig?.TargetGroups ?? [];
  if (!a.TargetGroupArn && fromConfig.length === 0) throw validation('A forward action must specify a target group');
  if (fromConfig.length > 5) throw new SimError('TooManyTargetGroups', 'A forward action can have at most 5 target groups');
  if (a.TargetGroupArn && fromConfig.length && !(fromConfig.length === 1 && fromConfig[0]!.TargetGroupArn === a.TargetGroupArn)) {
    throw validation('You cannot specify a target group ARN and a forward config with other target groups in the same action');
  }
  const groups = fromConfig.length ? fromConfig : [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
  const out = groups.map((g) => {
    const tg = needTargetGroup(s, g.TargetGroupArn);
    if (tg.vpcId !== lb.vpcId) throw invalidConfig(`Target group '${tg.arn}' is in VPC '${tg.vpcId}', not in the load balancer's VPC '${lb.vpcId}'`);
    const others = loadBalancersOf(s, tg.arn).filter((arn) => arn !== lb.arn);
    if (others.length) {
      throw new SimError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${tg.arn}`);
    }
    const weight = g.Weight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 999) throw validation(`Target group weight '${weight}' must be between 0 and 999`);
    return { TargetGroupArn: tg.arn, Weight: weight };
  });
  const stickiness = a.ForwardConfig?.TargetGroupStickinessConfig;
  if (stickiness?.DurationSeconds !== undefined && (stickiness.DurationSeconds < 1 || stickiness.DurationSeconds > 604800)) {
    throw validation('Target group stickiness duration must be between 1 and 604800 seconds');
  }
  return {
    Type: 'forward',
    ...(out.length === 1 ? { TargetGroupArn: out[0]!.TargetGroupArn } : {}),
    ForwardConfig: {
      TargetGroups: out,
      TargetGroupStickinessConfig: stickiness?.Enabled ? { Enabled: true, DurationSeconds: stickiness.DurationSeconds ?? 3600 } : { Enabled: false },
    },
  };
}

function redirectAction(a: Action, listener: { protocol: string; port: number }): ActionRec {
  const r = a.RedirectConfig;
  if (!r) throw validation('A redirect action must specify a redirect configuration');
  if (r.StatusCode !== 'HTTP_301' && r.StatusCode !== 'HTTP_302') throw validation('The redirect status code must be HTTP_301 or HTTP_302');
  const out = {
    Protocol: r.Protocol ?? '#{protocol}',
    Port: r.Port ?? '#{port}',
    Host: r.Host ?? '#{host}',
    Path: r.Path ?? '/#{path}',
    Query: r.Query ?? '#{query}',
    StatusCode: r.StatusCode,
  };
  if (!['HTTP', 'HTTPS', '#{protocol}'].includes(out.Protocol)) throw validation(`Redirect protocol '${out.Protocol}' must be HTTP, HTTPS or #{protocol}`);
  if (out.Port !== '#{port}' && !(/^\d+$/.test(out.Port) && Number(out.Port) >= 1 && Number(out.Port) <= 65535)) {
    throw validation(`Redirect port '${out.Port}' must be between 1 and 65535 or #{port}`);
  }
  if (!out.Path.startsWith('/')) throw validation("The redirect path must start with a '/'");
  if (out.Query.startsWith('?')) throw validation("The redirect query must not start with '?'");
  const sameProtocol = out.Protocol === '#{protocol}' || out.Protocol === listener.protocol;
  const samePort = out.Port === '#{port}' || Number(out.Port) === listener.port;
  if (sameProtocol && samePort && out.Host === '#{host}' && out.Path === '/#{path}' && out.Query === '#{query}') {
    throw new SimError('InvalidLoadBalancerAction', 'The redirect configuration is not valid: it must change at least one of protocol, port, host, path or query, or it would loop');
  }
  return { Type: 'redirect', RedirectConfig: out };
}

function fixedResponseAction(a: Action): ActionRec {
  const f = a.FixedResponseConfig;
  if (!f?.StatusCode || !/^(2|4|5)\d\d$/.test(f.StatusCode)) throw validation('A fixed response status code must be 2XX, 4XX or 5XX');
  if (f.ContentType !== undefined && !CONTENT_TYPES.includes(f.ContentType)) throw validation(`Content type '${f.ContentType}' is not supported`);
  if ((f.MessageBody ?? '').length > 1024) throw validation('A fixed response message body can have at most 1024 characters');
  return { Type: 'fixed-response', FixedResponseConfig: { StatusCode: f.StatusCode, ...(f.ContentType ? { ContentType: f.ContentType } : {}), ...(f.MessageBody !== undefined ? { MessageBody: f.MessageBody } : {}) } };
}

/** The one terminal action a default action list may hold (forward, redirect or fixed-response). */
function checkActions(s: ElbSlice, lb: LoadBalancerRec, actions: Action[] | undefined, listener: { protocol: string; port: number }): ActionRec[] {
  if (!actions?.length) throw validation('At least one default action must be specified');
  if (actions.length > 1) {
    throw new SimError('InvalidLoadBalancerAction', 'A listener can have only one forward, redirect or fixed-response default action');
  }
  return actions.map((a) => {
    if (a.Order !== undefined && (a.Order < 1 || a.Order > 50000)) throw validation('Action order must be between 1 and 50000');
    const order = a.Order !== undefined ? { Order: a.Order } : {};
    switch (a.Type) {
      case 'forward': return { ...forwardAction(s, lb, a), ...order };
      case 'redirect': return { ...redirectAction(a, listener), ...order };
      case 'fixed-response': return { ...fixedResponseAction(a), ...order };
      case 'authenticate-oidc':
      case 'authenticate-cognito':
        throw new SimError('UnsupportedOperation', `The promigrate sandbox does not simulate '${a.Type}' actions.`);
      default:
        throw validation(`Action type '${String(a.Type)}' is not valid`);
    }
  });
}

/** Since when each forwarded target group is in use: kept for groups the listener already forwarded to. */
function forwardSince(ctx: SimContext, previous: Record<string, number>, actions: ActionRec[]): Record<string, number> {
  return Object.fromEntries(forwardTargets(actions).map((arn) => [arn, previous[arn] ?? ctx.now()]));
}

// ---- output -------------------------------------------------------------------------------

export function listenerOut(l: ListenerRec): Listener {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    ...(l.protocol === 'HTTPS' ? { Certificates: l.certificates.map((c) => ({ ...c })), SslPolicy: l.sslPolicy } : {}),
    DefaultActions: structuredClone(l.defaultActions) as Action[],
  };
}

// ---- operations ---------------------------------------------------------------------------

export const listenerOperations: ServiceSimulator = {
  CreateListener: (input: CreateListenerInput, ctx) => {
    const s = elbState(ctx);
    const lb = needLoadBalancer(s, input.LoadBalancerArn);
    const protocol = checkProtocol(input.Protocol);
    const port = checkPort(input.Port);
    let certificates: Array<{ CertificateArn: string }> = [];
    let sslPolicy: string | undefined;
    if (protocol === 'HTTPS') {
      certificates = checkCertificates(ctx, input.Certificates ?? []);
      sslPolicy = checkSslPolicy(input.SslPolicy);
    } else if (input.Certificates?.length || input.SslPolicy) {
      throw new SimError('IncompatibleProtocols', 'Certificates and an SSL policy can only be specified for HTTPS listeners');
    }
    if (input.AlpnPolicy?.length) throw new SimError('ALPNPolicyNotFound', 'ALPN policies are supported only for TLS listeners of Network Load Balancers');
    if (input.MutualAuthentication && input.MutualAuthentication.Mode && input.MutualAuthentication.Mode !== 'off') {
      throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate mutual TLS authentication.');
    }
    const actions = checkActions(s, lb, input.DefaultActions, { protocol, port });
    const tags = checkTags(input.Tags);
    const existing = Object.values(s.listeners).find((l) => l.loadBalancerArn === lb.arn && l.port === port);
    if (existing) {
      // "If you attempt to create multiple listeners with the same settings, each call succeeds."
      const same = fingerprintOf([existing.protocol, existing.certificates, existing.sslPolicy, existing.defaultActions, existing.tags])
        === fingerprintOf([protocol, certificates, sslPolicy, actions, tags]);
      if (!same) throw new SimError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
      return { Listeners: [listenerOut(existing)] };
    }
    if (Object.values(s.listeners).filter((l) => l.loadBalancerArn === lb.arn).length >= MAX_LISTENERS) {
      throw new SimError('TooManyListeners', `The maximum number of listeners (${MAX_LISTENERS}) for load balancer '${lb.arn}' has been reached`);
    }
    const l: ListenerRec = {
      arn: listenerArn(lb, ctx.newId('', 16)), loadBalancerArn: lb.arn, port, protocol, certificates,
      ...(sslPolicy ? { sslPolicy } : {}), defaultActions: actions, forwardSince: forwardSince(ctx, {}, actions),
      tags, createdAt: ctx.now(),
    };
    withCertificateUse(ctx, s, lb.arn, () => (s.listeners[l.arn] = l));
    return { Listeners: [listenerOut(l)] };
  },

  DescribeListeners: (input: DescribeListenersInput, ctx) => {
    const s = elbState(ctx);
    let list: ListenerRec[];
    if (input.LoadBalancerArn && input.ListenerArns?.length) throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
    if (input.LoadBalancerArn) {
      const lb = needLoadBalancer(s, input.LoadBalancerArn);
      list = Object.values(s.listeners).filter((l) => l.loadBalancerArn === lb.arn);
    } else if (input.ListenerArns?.length) {
      const missing = input.ListenerArns.filter((arn) => !s.listeners[checkArn('listener', arn)]);
      if (missing.length) throw elbErrors.listenerNotFound(missing);
      list = input.ListenerArns.map((arn) => s.listeners[arn]!);
    } else {
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    }
    const { items, NextMarker } = pageByMarker(list, input);
    return { Listeners: items.map(listenerOut), ...(NextMarker ? { NextMarker } : {}) };
  },

  ModifyListener: (input: ModifyListenerInput, ctx) => {
    const s = elbState(ctx);
    const l = needListener(s, input.ListenerArn);
    const lb = s.loadBalancers[l.loadBalancerArn]!;
    const protocol = input.Protocol !== undefined ? checkProtocol(input.Protocol) : l.protocol;
    const port = input.Port !== undefined ? checkPort(input.Port) : l.port;
    if (port !== l.port && Object.values(s.listeners).some((x) => x.loadBalancerArn === lb.arn && x.port === port)) {
      throw new SimError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
    }
    let certificates = l.certificates;
    let sslPolicy = l.sslPolicy;
    if (protocol === 'HTTPS') {
      certificates = input.Certificates !== undefined ? checkCertificates(ctx, input.Certificates) : l.protocol === 'HTTPS' ? l.certificates : checkCertificates(ctx, []);
      sslPolicy = checkSslPolicy(input.SslPolicy ?? (l.protocol === 'HTTPS' ? l.sslPolicy : undefined));
    } else {
      if (input.Certificates?.length || input.SslPolicy) {
        throw new SimError('IncompatibleProtocols', 'Certificates and an SSL policy can only be specified for HTTPS listeners');
      }
      certificates = [];
      sslPolicy = undefined;
    }
    const actions = input.DefaultActions !== undefined ? checkActions(s, lb, input.DefaultActions, { protocol, port }) : l.defaultActions;
    if (input.DefaultActions === undefined) {
      // The existing actions must still fit the new protocol and port (a redirect could now loop).
      checkActions(s, lb, structuredClone(l.defaultActions) as Action[], { protocol, port });
    }
    withCertificateUse(ctx, s, lb.arn, () => Object.assign(l, { protocol, port, certificates, defaultActions: actions, forwardSince: forwardSince(ctx, l.forwardSince, actions) }));
    if (sslPolicy) l.sslPolicy = sslPolicy;
    else delete l.sslPolicy;
    return { Listeners: [listenerOut(l)] };
  },

  DeleteListener: (input: DeleteListenerInput, ctx) => {
    const s = elbState(ctx);
    const l = needListener(s, input.ListenerArn);
    withCertificateUse(ctx, s, l.loadBalancerArn, () => delete s.listeners[l.arn]);
    return {};
  },
};
