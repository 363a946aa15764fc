import { stringify } from 'yaml';
import type { ConfigFormat } from '../../../src/config/load.js';
import { validInput } from './fixtures.js';

/** Malformed configs and what the error must say; shared by the unit and the CLI tests. */
export type Mutate = (c: Record<string, any>) => void;
export interface Case {
  name: string;
  /** A mutation of the valid input, or the raw file text. */
  input: Mutate | string;
  format?: ConfigFormat;
  /** The field path the message must name ('' = none). */
  path: string;
  /** Text the message must contain after `<file>: <path>: `. */
  says: string | RegExp;
}

export const cases: Case[] = [
  { name: 'wrong type: port as text', input: (c) => (c.source.port = 'abc'), path: 'source.port', says: 'expected a number between 1 and 65535' },
  { name: 'port out of range', input: (c) => (c.source.port = 70000), path: 'source.port', says: 'expected a number between 1 and 65535 (got 70000)' },
  { name: 'port zero', input: (c) => (c.source.port = 0), path: 'source.port', says: 'between 1 and 65535' },
  { name: 'unknown engine', input: (c) => (c.source.engine = 'oracle'), path: 'source.engine', says: 'expected one of mysql, mariadb, postgres' },
  { name: 'databases empty', input: (c) => (c.source.databases = []), path: 'source.databases', says: 'at least one database' },
  { name: 'databases not a list', input: (c) => (c.source.databases = 'shop'), path: 'source.databases', says: 'expected a list of database names' },
  { name: 'missing host', input: (c) => delete c.source.host, path: 'source.host', says: 'is required (expected a hostname or IP address)' },
  { name: 'host with a space', input: (c) => (c.source.host = 'db server'), path: 'source.host', says: 'expected a hostname or IP address' },
  { name: 'literal source password', input: (c) => (c.source.password = 'hunter2'), path: 'source.password', says: /literal password is not allowed; use passwordEnv .* or secretArn/ },
  { name: 'literal target password', input: (c) => (c.target = { password: 'hunter2' }), path: 'target.password', says: 'use passwordEnv' },
  { name: 'literal masterPassword', input: (c) => (c.target = { masterPassword: 'x' }), path: 'target.masterPassword', says: 'literal password is not allowed' },
  { name: 'password inside an unknown section', input: (c) => (c.database = { password: 'x' }), path: 'database.password', says: 'literal password is not allowed' },
  { name: 'no password reference', input: (c) => delete c.source.passwordEnv, path: 'source.passwordEnv', says: 'needs passwordEnv (an environment variable name) or secretArn' },
  { name: 'both password references', input: (c) => (c.source.secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db'), path: 'source.secretArn', says: 'either passwordEnv or secretArn, not both' },
  { name: 'bad env var name', input: (c) => (c.source.passwordEnv = 'my pass'), path: 'source.passwordEnv', says: 'expected the name of an environment variable' },
  { name: 'bad secret ARN', input: (c) => { delete c.source.passwordEnv; c.source.secretArn = 'arn:aws:s3:::bucket'; }, path: 'source.secretArn', says: 'expected a Secrets Manager ARN' },
  { name: 'unknown key', input: (c) => (c.source.hots = 'x'), path: 'source.hots', says: 'unknown setting' },
  { name: 'unknown top-level section', input: (c) => (c.extra = {}), path: 'extra', says: 'unknown setting' },
  { name: 'bad region', input: (c) => (c.aws.region = 'Seoul'), path: 'aws.region', says: 'expected an AWS region such as ap-northeast-2' },
  { name: 'bad aws mode', input: (c) => (c.aws.mode = 'live'), path: 'aws.mode', says: 'expected one of aws, sandbox' },
  { name: 'bad endpoint URL', input: (c) => (c.aws.endpoint = 'localhost:4566'), path: 'aws.endpoint', says: 'expected an http:// or https:// URL' },
  { name: 'bad project name', input: (c) => (c.project.name = 'My Shop'), path: 'project.name', says: 'lowercase letters, digits or single hyphens' },
  { name: 'project name too long', input: (c) => (c.project.name = 'a'.repeat(41)), path: 'project.name', says: 'expected 1–40' },
  { name: 'project missing', input: (c) => delete c.project, path: 'project', says: 'is required (expected a mapping of settings)' },
  { name: 'bad VPC CIDR', input: (c) => (c.network = { vpcCidr: '10.0.0.0/33' }), path: 'network.vpcCidr', says: 'expected an IPv4 CIDR between /16 and /28' },
  { name: 'VPC CIDR with host bits', input: (c) => (c.network = { vpcCidr: '10.0.0.5/16' }), path: 'network.vpcCidr', says: 'expected the network address 10.0.0.0/16' },
  { name: 'VPC CIDR too large', input: (c) => (c.network = { vpcCidr: '10.0.0.0/8' }), path: 'network.vpcCidr', says: 'between /16 and /28' },
  { name: 'vpcId malformed', input: (c) => (c.network = { vpcId: 'vpc-XYZ' }), path: 'network.vpcId', says: 'expected a VPC id such as vpc-0a1b2c3d' },
  { name: 'vpcId and vpcCidr', input: (c) => (c.network = { vpcId: 'vpc-0a1b2c3d', vpcCidr: '10.1.0.0/16' }), path: 'network.vpcCidr', says: 'either vpcId' },
  { name: 'azCount 0', input: (c) => (c.network = { azCount: 0 }), path: 'network.azCount', says: 'between 1 and 6 (got 0)' },
  { name: 'subnet plan does not fit', input: (c) => (c.network = { vpcCidr: '10.0.0.0/24', subnetNewBits: 8 }), path: 'network.subnetNewBits', says: 'smaller than the /28 AWS allows' },
  { name: 'too many subnets for the bits', input: (c) => (c.network = { azCount: 3, subnetNewBits: 2 }), path: 'network.subnetNewBits', says: '6 subnets (public + private in 3 AZs) do not fit' },
  {
    name: 'overlapping subnets',
    input: (c) => (c.network = { subnets: [{ tier: 'public', cidr: '10.0.0.0/23' }, { tier: 'private', cidr: '10.0.2.0/24' }, { tier: 'private', cidr: '10.0.1.0/24' }] }),
    path: 'network.subnets[2].cidr',
    says: '10.0.1.0/24 overlaps network.subnets[0].cidr 10.0.0.0/23',
  },
  {
    name: 'subnet outside the VPC',
    input: (c) => (c.network = { subnets: [{ tier: 'public', cidr: '10.1.0.0/24' }] }),
    path: 'network.subnets[0].cidr',
    says: '10.1.0.0/24 is outside the VPC network.vpcCidr 10.0.0.0/16',
  },
  { name: 'bad subnet tier', input: (c) => (c.network = { subnets: [{ tier: 'dmz', cidr: '10.0.0.0/24' }] }), path: 'network.subnets[0].tier', says: 'expected one of public, private' },
  { name: 'bastion without adminCidr', input: (c) => (c.network = { bastion: true }), path: 'network.adminCidr', says: 'is required when bastion is true' },
  { name: 'app: minSize above maxSize', input: (c) => (c.app = { minSize: 5, maxSize: 2 }), path: 'app.minSize', says: 'is 5, above maxSize 2' },
  { name: 'app: desiredCapacity outside min…max', input: (c) => (c.app = { minSize: 1, maxSize: 2, desiredCapacity: 3 }), path: 'app.desiredCapacity', says: 'is 3, outside minSize 1 … maxSize 2' },
  { name: 'app: a certificate name outside the hosted zone', input: (c) => (c.app = { certificateNames: ['www.example.org'] }), path: 'app.certificateNames[0]', says: 'www.example.org is outside the hosted zone example.com' },
  { name: 'app: an AMI id of the wrong format', input: (c) => (c.app = { amiId: 'ami-12345' }), path: 'app.amiId', says: 'expected an AMI id such as ami-0123456789abcdef0' },
  { name: 'app: a health-check path without a leading slash', input: (c) => (c.app = { healthCheckPath: 'health' }), path: 'app.healthCheckPath', says: 'expected a path starting with /, such as /health' },
  { name: 'connectVia bastion without a bastion', input: (c) => (c.target = { connectVia: 'bastion' }), path: 'target.connectVia', says: 'is bastion, but network.bastion is false: set network.bastion: true' },
  { name: 'connectVia neither a route nor an address', input: (c) => (c.target = { connectVia: 'ssh' }), path: 'target.connectVia', says: 'expected bastion, direct, or {host, port} of your own SSH tunnel / VPN' },
  { name: 'sandbox operatorAddress not an IPv4 address', input: (c) => (c.sandbox = { operatorAddress: 'my-laptop' }), path: 'sandbox.operatorAddress', says: 'expected an IPv4 address such as 203.0.113.7' },
  { name: 'bad instance class', input: (c) => (c.target = { instanceClass: 't3.medium' }), path: 'target.instanceClass', says: 'expected an RDS instance class such as db.t3.medium' },
  { name: 'engineVersion as a YAML number', input: 'project: {name: shop}\nsource: {engine: mysql, host: h, user: u, databases: [d], passwordEnv: P}\ntarget: {engineVersion: 8.0}\n', path: 'target.engineVersion', says: 'quoted text such as "8.0"' },
  { name: 'storage too small', input: (c) => (c.target = { allocatedStorageGb: 5 }), path: 'target.allocatedStorageGb', says: 'between 20 and 65536' },
  { name: 'read replica with an RDS-managed password', input: (c) => (c.target = { readReplica: true }), path: 'target.readReplica', says: 'needs target.passwordEnv or target.secretArn' },
  { name: 'multiAz not a boolean', input: (c) => (c.target = { multiAz: 'yes' }), path: 'target.multiAz', says: 'expected true or false' },
  { name: 'target engine of another family', input: (c) => (c.target = { engine: 'postgres' }), path: 'target.engine', says: 'postgres cannot receive a mysql source' },
  { name: 'bad LOB mode', input: (c) => (c.dms = { lobMode: 'huge' }), path: 'dms.lobMode', says: 'expected one of limited, full, inline' },
  { name: 'table rule without table', input: (c) => (c.dms = { tables: { include: [{ schema: 'shop' }] } }), path: 'dms.tables.include[0].table', says: 'is required' },
  { name: 'record outside the zone', input: (c) => (c.dns.record = 'www.example.org'), path: 'dns.record', says: 'www.example.org is not inside the hosted zone example.com' },
  { name: 'bad hosted zone', input: (c) => (c.dns.hostedZone = 'localhost'), path: 'dns.hostedZone', says: 'expected a domain name such as example.com' },
  { name: 'weights not ascending', input: (c) => (c.dns.weights = [50, 10, 100]), path: 'dns.weights', says: 'expected ascending weights' },
  { name: 'weights not ending at 100', input: (c) => (c.dns.weights = [10, 50]), path: 'dns.weights', says: 'last weight to be 100' },
  { name: 'weight out of range', input: (c) => (c.dns.weights = [0, 100]), path: 'dns.weights[0]', says: 'between 1 and 100' },
  { name: 'TTL out of range', input: (c) => (c.dns.ttl = 200000), path: 'dns.ttl', says: 'between 0 and 172800 (got 200000)' },
  { name: 'bad new target', input: (c) => (c.dns.newTarget = 'alias:'), path: 'dns.newTarget', says: 'alias:<AWS DNS name>' },
  { name: 'bad alias hosted zone id', input: (c) => (c.dns.aliasHostedZoneId = 'execute-api'), path: 'dns.aliasHostedZoneId', says: 'expected a Route 53 hosted zone id' },
  { name: 'new name with a weighted ramp', input: (c) => ((c.dns.createIfMissing = true), (c.dns.strategy = 'weighted')), path: 'dns.createIfMissing', says: 'a new name is created with strategy: simple' },
  { name: 'bad verify URL', input: (c) => (c.verify.url = 'ftp://example.com'), path: 'verify.url', says: 'expected an http:// or https:// URL' },
  { name: 'expected status out of range', input: (c) => (c.verify.expectedStatus = 99), path: 'verify.expectedStatus', says: 'between 100 and 599' },
  { name: 'sandbox.targetUrl with a password', input: (c) => (c.sandbox = { targetUrl: 'mysql://admin:s3cret@127.0.0.1:3307/shop' }), path: 'sandbox.targetUrl', says: 'must not contain a password' },
  { name: 'sandbox.targetUrl of another engine', input: (c) => (c.sandbox = { targetUrl: 'postgres://admin@127.0.0.1:5432/shop' }), path: 'sandbox.targetUrl', says: 'expected a mysql database URL' },
  { name: 'section of the wrong type', input: (c) => (c.network = 'default'), path: 'network', says: 'expected a mapping of settings, got text' },
  { name: 'YAML syntax error', input: 'project:\n  name: shop\n source: x\n', path: '', says: /^invalid YAML: / },
  { name: 'YAML duplicate key', input: 'project: {name: a}\nproject: {name: b}\n', path: '', says: 'invalid YAML: Map keys must be unique' },
  { name: 'empty file', input: '  \n', path: '', says: 'the file is empty' },
  { name: 'only comments', input: '# nothing yet\n', path: '', says: 'the file has no settings' },
  { name: 'non-object root (list)', input: '- project\n- source\n', path: '', says: 'expected a mapping of settings (project, aws, source, …) at the top level, got a list' },
  { name: 'non-object root (scalar)', input: 'hello', path: '', says: 'got a single string value' },
  { name: 'JSON syntax error', input: '{"project": {"name": "shop"},}', format: 'json', path: '', says: /^invalid JSON: Expected double-quoted property name/ },
];

export function textOf(c: Case): string {
  if (typeof c.input === 'string') return c.input;
  const config = validInput();
  c.input(config);
  return c.format === 'json' ? JSON.stringify(config) : stringify(config);
}

