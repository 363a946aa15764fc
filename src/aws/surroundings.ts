/**
 * What a step may know of the world around AWS's APIs: whether a name resolves, where the new
 * web tier answers, what "through DNS" leads to, the public DNS, and the target database as
 * promigrate reaches it. The AWS runtime builds it — the real one here, the sandbox's in
 * src/aws/sandbox/surroundings.ts — so a step asks the same questions of both and cannot
 * tell which answered.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DnsConfig, MigrationConfig } from '../config/schema.js';
import type { ConnectionSpec } from '../db/types.js';
import type { HostKeyPins } from '../tunnel/host-key.js';
import type { TunnelLoss } from '../tunnel/tunnel-keeper.js';
import { publicDns, systemNames } from './public-dns.js';
import { internetTunnelNetwork } from './tunnel-network.js';
import { rdsTargetDatabase } from './target-database.js';

/** Where an HTTP request is sent instead of where its URL's host resolves. */
export interface TargetAddress {
  address: string;
  port?: number;
}

/** Something that cannot be done from here, and why (a sentence fragment for reports). */
export interface Unavailable {
  unavailable: string;
}

export type NameCheck = { resolves: true } | { resolves: false; code: string } | { skipped: string };

export interface NameResolver {
  /** Whether `name` resolves where promigrate runs (`skipped`: it cannot be asked here). */
  check(name: string): Promise<NameCheck>;
}

export interface DnsAnswer {
  value: string;
  ttl?: number;
}

/** The Internet's DNS as seen from here. */
export interface PublicDns {
  /** The public resolver asked what users' resolvers may still cache. */
  readonly publicResolver: string;
  /** A, else CNAME answers for `name` from these servers (empty when none answer). */
  ask(servers: string[], name: string, withTtl?: boolean): Promise<DnsAnswer[]>;
  /** The IPv4 address the system resolver gives `name`, if any. */
  addressOf(name: string): Promise<string | undefined>;
  /** Every IPv4 address `name` has (empty when none). */
  addressesOf(name: string): Promise<string[]>;
}

/** What is known of the provisioned target without asking the step's own state. */
export interface TargetFacts {
  provisionOutputs: Readonly<Record<string, unknown>>;
  secretsManager: () => Promise<SecretsManagerClient>;
  /** For the bastion tunnel: the instance's state and address, and SendSSHPublicKey. */
  ec2: () => Promise<EC2Client>;
  instanceConnect: () => Promise<EC2InstanceConnectClient>;
  /** The bastion host keys pinned in state. */
  hostKeys: HostKeyPins;
  now: () => Date;
  notify: (message: string) => void;
}

export interface TargetDatabase {
  /** Why no target database can be reached for a comparison, or undefined when one can. */
  readonly unavailable?: string;
  /** The schema every table lands in when the target holds them all in one (else their own). */
  readonly standInSchema?: string;
  /** How to connect to the target's `database` (opening the step's tunnel when the route is the bastion). */
  connection(database: string, facts: TargetFacts): Promise<ConnectionSpec>;
  /** Closes the step's tunnel, if one is open; says whether it had dropped before. */
  release(): Promise<TunnelLoss | undefined>;
}

export interface Surroundings {
  readonly names: NameResolver;
  /** Where the new web tier answers, when dns.newTarget (or its stand-in) is known. */
  readonly newTarget: TargetAddress | undefined;
  /**
   * How a request "through DNS" reaches the app once Route 53's record does (or does not)
   * point at the new target: `{}` is the real resolver, a target is where the name leads.
   */
  throughDns(recordPointsAtNewTarget: boolean): { target?: TargetAddress } | Unavailable;
  /** The zone's name servers and a public resolver, or why they cannot be asked. */
  readonly publicDns: PublicDns | Unavailable;
  readonly targetDatabase: TargetDatabase;
}

/** dns.newTarget as an address to send requests to (an alias's DNS name, without the dot). */
export function configuredNewTarget(dns: DnsConfig | undefined): TargetAddress | undefined {
  const target = dns?.newTarget;
  if (!target) return undefined;
  return { address: target.replace(/^alias:/, '').replace(/\.$/, '') };
}

export function awsSurroundings(config: MigrationConfig): Surroundings {
  return {
    names: systemNames,
    // Read when asked: with app:, dns.newTarget is the load balancer once provision built it.
    get newTarget() {
      return configuredNewTarget(config.dns);
    },
    throughDns: () => ({}),
    publicDns,
    targetDatabase: rdsTargetDatabase(config, internetTunnelNetwork),
  };
}
