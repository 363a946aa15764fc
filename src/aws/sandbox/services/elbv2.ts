/**
 * Simulated Elastic Load Balancing v2, Application Load Balancers (the app tier's front door):
 *
 * - load balancers: `provisioning` → `active` after durations.elbProvision, two or more
 *   subnets in different AZs of one VPC, an internet gateway for internet-facing ones, a
 *   network interface per subnet, deletion protection, attributes (elbv2/load-balancers.ts);
 * - target groups (HTTP/HTTPS, instance targets), their health check settings and attributes
 *   (elbv2/target-groups.ts), targets and their health on the clock (elbv2/targets.ts,
 *   elbv2/health.ts);
 * - listeners: HTTP and HTTPS (ACM certificate that must be ISSUED, predefined security
 *   policies), forward / redirect / fixed-response default actions (elbv2/listeners.ts);
 * - tags (elbv2/tags.ts).
 *
 * Auto Scaling registers and deregisters its instances through the helpers exported here.
 */
import type { ServiceSimulator } from '../types.js';
import { listenerOperations } from './elbv2/listeners.js';
import { loadBalancerOperations } from './elbv2/load-balancers.js';
import { tagOperations } from './elbv2/tags.js';
import { targetGroupOperations } from './elbv2/target-groups.js';
import { targetOperations } from './elbv2/targets.js';

export const elbv2Simulator: ServiceSimulator = {
  ...loadBalancerOperations,
  ...targetGroupOperations,
  ...targetOperations,
  ...listenerOperations,
  ...tagOperations,
};

export { deregisterInstance, instanceHealthIn, registerInstance, targetGroupVpc } from './elbv2/targets.js';
