/**
 * How promigrate itself reaches the provisioned RDS instance (target.connectVia): through
 * the bastion provision built (the default whenever there is one), directly (a VPN or
 * Direct Connect into the VPC), or at the {host, port} of the operator's own tunnel.
 *
 * An EC2 Instance Connect Endpoint is not offered: it accepts remote ports 22 and 3389
 * only (EC2 user guide, "Connect using EC2 Instance Connect Endpoint", Limitations), so it
 * cannot reach a database port; a team without a bastion uses its own tunnel or a VPN.
 */
import type { MigrationConfig } from '../config/schema.js';

/** The OS user of Amazon Linux 2023, the image provision launches ("The default username for AL2023 and Amazon Linux 2 is ec2-user", EC2 user guide). */
export const BASTION_OS_USER = 'ec2-user';

export type TargetRoute =
  | { kind: 'bastion' }
  | { kind: 'direct' }
  | { kind: 'address'; host: string; port: number };

export function targetRoute(config: Pick<MigrationConfig, 'target' | 'network'>): TargetRoute {
  const via = config.target.connectVia;
  if (via === 'bastion' || (via === undefined && config.network.bastion)) return { kind: 'bastion' };
  if (via === undefined || via === 'direct') return { kind: 'direct' };
  return { kind: 'address', host: via.host, port: via.port };
}
