import type { CommandSpec } from './spec.js';

/** `promigrate init` as data; the wizard itself loads only when the command runs. */
export const initSpec: CommandSpec = {
  name: 'init',
  summary: 'write the migration config (asks, or takes flags) and start a new state',
  description:
    'Writes the migration config (--config, default promigrate.yaml) and an initial state (--state-dir). ' +
    'In a terminal it asks for what the flags do not give; with --yes it takes the defaults; without a terminal ' +
    'and without --yes it fails (exit 4) naming the missing flags. The global --region and --sandbox answer their ' +
    'questions too. Passwords are never written: name an environment variable or a Secrets Manager secret instead.',
  examples: [
    'promigrate init',
    'promigrate init --sandbox --yes --project shop --source postgres://app@127.0.0.1:5432/shop --source-password-env PGPASSWORD',
    'promigrate init --yes --project shop --region ap-northeast-2 --source mysql://dms@10.0.0.5:3306/shop --source-password-env SRC_PW --multi-az --hosted-zone example.com --record www.example.com --new-target alias:my-alb-123.ap-northeast-2.elb.amazonaws.com',
  ],
  options: [
    { flags: '--project <name>', description: 'project name: lowercase letters, digits, hyphens (used in AWS names and tags)' },
    { flags: '--source <url>', description: 'source database as engine://user@host:port/db[,db2] (mysql, mariadb, postgres); no password' },
    { flags: '--source-password-env <var>', description: 'environment variable holding the source password' },
    { flags: '--source-secret-arn <arn>', description: 'Secrets Manager secret holding the source password' },
    { flags: '--target-engine-version <version>', description: 'RDS engine version (default: mysql 8.0, mariadb 10.11, postgres 16)' },
    { flags: '--target-instance-class <class>', description: 'RDS instance class (default db.t3.medium)' },
    { flags: '--target-password-env <var>', description: 'environment variable for the RDS master password (default: RDS generates one)' },
    { flags: '--target-secret-arn <arn>', description: 'Secrets Manager secret for the RDS master password' },
    { flags: '--multi-az', description: 'run the RDS database Multi-AZ' },
    { flags: '--vpc-cidr <cidr>', description: 'CIDR of the new VPC (default 10.0.0.0/16)' },
    { flags: '--vpc-id <id>', description: 'use this existing VPC instead of creating one' },
    { flags: '--sandbox-target <url>', description: 'with --sandbox: local database the simulated RDS maps to (no password)' },
    { flags: '--hosted-zone <zone>', description: 'Route 53 hosted zone (domain or zone id; with --sandbox default example.com)' },
    { flags: '--record <name>', description: 'DNS record to switch at cutover, e.g. www.example.com' },
    { flags: '--current-target <target>', description: 'where the record points today (IP or hostname)' },
    { flags: '--new-target <target>', description: 'where it points after cutover (hostname, IP or alias:<AWS DNS name>)' },
    { flags: '--dns-strategy <strategy>', description: 'how to move traffic (default simple)', choices: ['simple', 'weighted'] },
    { flags: '--verify-url <url>', description: 'URL that must answer after cutover' },
    { flags: '--force', description: 'overwrite an existing config (an existing state is kept if it is for the same project)' },
  ],
  load: () => import('./init.js'),
};
