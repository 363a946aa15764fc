/** The `app:` section of the config (see schema.ts): the web tier provision builds. */
import { z } from 'zod';
import { bool, cidrField, httpUrlField, int, isHostname, says, text } from './fields.js';

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The web tier provision builds when `app:` is set: an internet-facing ALB in the public
 * subnets, HTTPS with an ACM certificate validated in the hosted zone, instances from a
 * launch template in an Auto Scaling group across the private subnets, CPU target tracking,
 * and CloudWatch alarms to an SNS topic.
 */
export const appSchema = z
  .strictObject({
    amiId: text('expected an AMI id such as ami-0123456789abcdef0', AMI_ID)
      .optional()
      .meta({ description: 'Default: the latest Amazon Linux 2023 (public SSM parameter)' }),
    instanceType: text('expected an EC2 instance type such as t3.small', /^[a-z][a-z0-9-]*\.[a-z0-9]+$/).default('t3.small'),
    port: int(1, 65535, 'a number').default(80).meta({ description: 'The port the app listens on, on each instance' }),
    minSize: int(0, 100).default(2),
    desiredCapacity: int(0, 100).optional().meta({ description: 'Default: minSize' }),
    maxSize: int(1, 100).default(4),
    cpuTargetPercent: int(10, 95).default(70).meta({ description: 'Target tracking on the group\'s average CPU' }),
    healthCheckPath: text('expected a path starting with /, such as /health', /^\/[\x21-\x7e]*$/).default('/'),
    https: bool().default(true).meta({ description: 'HTTPS listener with an ACM certificate (HTTP redirects to it); false: HTTP only' }),
    certificateNames: z
      .array(text('expected a domain name such as www.example.com', undefined, (v) => isHostname(v.replace(/^\*\./, ''))), says('expected a list of domain names'))
      .min(1, says('expected at least one domain name'))
      .optional()
      .meta({ description: 'Names on the certificate; default: dns.record. Each must be inside dns.hostedZone (validated there by DNS)' }),
    allowedCidrs: z.array(cidrField(0, 32), says('expected a list of CIDRs such as 0.0.0.0/0')).min(1, says('expected at least one CIDR')).default(['0.0.0.0/0'])
      .meta({ description: 'Who may reach the load balancer on 80/443' }),
    userData: text('expected the path of a user-data template')
      .optional()
      .meta({ description: "Template for the instances' user data, relative to the config file ({{siteUrl}}, {{port}}, {{healthCheckPath}} are filled in); default: promigrate's templates/app/user-data.v1.sh" }),
    siteUrl: httpUrlField().optional().meta({ description: 'Where the user data fetches the site from (an https:// or http:// URL)' }),
    alarmEmails: z.array(text('expected an e-mail address', EMAIL), says('expected a list of e-mail addresses')).default([])
      .meta({ description: 'Subscribed to the alarm topic (each confirms by e-mail)' }),
  })
  .superRefine((v, ctx) => {
    if (v.minSize > v.maxSize) ctx.addIssue({ code: 'custom', path: ['minSize'], message: `is ${v.minSize}, above maxSize ${v.maxSize}` });
    const desired = v.desiredCapacity ?? v.minSize;
    if (v.minSize <= v.maxSize && (desired < v.minSize || desired > v.maxSize)) {
      ctx.addIssue({ code: 'custom', path: ['desiredCapacity'], message: `is ${desired}, outside minSize ${v.minSize} … maxSize ${v.maxSize}` });
    }
  })
  .transform((v) => ({ ...v, desiredCapacity: v.desiredCapacity ?? v.minSize }));
