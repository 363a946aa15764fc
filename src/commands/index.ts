/**
 * Every command as data. Importing this file must stay cheap: each spec's `load()` is the
 * only path to the implementation.
 */
import type { CommandSpec, OptionSpec } from './spec.js';
import { initSpec } from './init.spec.js';
// `status` is small and needs only node built-ins: loading it up front saves a
// dynamic-import round trip on the start-up path it is measured on.
import * as statusCommand from './status.js';

const acceptRiskOption: OptionSpec = {
  flags: '--accept-risk <finding-ids...>',
  description: 'go on despite these assess blockers (recorded in state and reports)',
};

const selectionOptions: OptionSpec[] = [
  { flags: '--from <step>', description: 'start at this step (earlier ones must be done)' },
  { flags: '--to <step>', description: 'stop after this step' },
  { flags: '--only <steps...>', description: 'run only these steps (comma or space separated)' },
];

export const commandSpecs: CommandSpec[] = [
  initSpec,
  {
    name: 'status',
    summary: 'show each step\'s status, attempts, times and last error, and the resources made',
    examples: ['promigrate status', 'promigrate status --json | jq .steps'],
    options: [],
    printsOnly: true,
    load: async () => statusCommand,
  },
  {
    name: 'plan',
    summary: 'show what every remaining step would do, with real current data; changes nothing',
    description: 'The same as `promigrate run --dry-run`: each step\'s plan() only, never apply().',
    examples: ['promigrate plan', 'promigrate plan --from provision --json'],
    options: selectionOptions,
    load: () => import('./plan.js'),
  },
  {
    name: 'run',
    summary: 'run every step that is not done yet, in order; resumes after a crash or Ctrl-C',
    examples: ['promigrate run', 'promigrate run --to provision', 'promigrate run --only assess --yes --json'],
    options: [...selectionOptions, acceptRiskOption],
    load: () => import('./run.js'),
  },
  {
    name: 'assess',
    summary: 'inventory the source, check it is ready for DMS full load + CDC, and pre-flight AWS; changes nothing',
    description:
      'Connects to the source (through source.connectVia when set), takes its inventory, checks binlog/WAL settings, ' +
      'the retention budget, privileges, keys, LOBs and types, and runs read-only AWS pre-flight checks. Writes ' +
      '<state-dir>/reports/assess.md and .json. Exit 1 when blockers remain that were not accepted with --accept-risk.',
    examples: [
      'promigrate assess',
      'promigrate assess --fix-script fixes.txt',
      'promigrate assess --accept-risk table.no-primary-key:shop.audit_log --json',
    ],
    options: [
      { flags: '--fix-script [file]', description: 'write every proposed fix (my.cnf/postgresql.conf lines, parameter group, GRANTs) to a file' },
      acceptRiskOption,
    ],
    load: () => import('./assess.js'),
  },
  {
    name: 'provision',
    summary: 'build the AWS landing zone (network, security groups, RDS, DMS); idempotent, resumable',
    description:
      'Creates — or finds and adopts — a private multi-AZ network, least-privilege security groups, an optional ' +
      'bastion, the encrypted private RDS target and the DMS replication instance, in parallel where independent. ' +
      'With --dry-run, lists every AWS call it would make against the real current state and makes none.',
    examples: ['promigrate provision --dry-run', 'promigrate provision --yes --json'],
    options: [],
    load: () => import('./provision.js'),
  },
  {
    name: 'sync',
    summary: 'replicate the data with AWS DMS (full load + CDC) and watch it until CDC has caught up',
    description:
      'Creates the DMS source and target endpoints and tests them from the replication instance, creates the ' +
      'replication task (table mappings and task settings from templates/dms, validation on), starts it with ' +
      'start-replication the first time and resume-processing after a stop, failure or crash, and shows per-table ' +
      'progress and CDC latency until every table is loaded and latency stays under dms.cdcLatencyThresholdSeconds. ' +
      'The task keeps running until cutover. With --dry-run: the endpoint and task definitions and every call, none made.',
    examples: ['promigrate sync --dry-run', 'promigrate sync --yes --json', 'promigrate sync --reload   # truncate and load every table again'],
    options: [{ flags: '--reload', description: 'reload every table (DMS reload-target); stops a running task first, after confirmation' }],
    load: () => import('./sync.js'),
  },
  {
    name: 'cutover',
    summary: 'switch the domain to the new stack in Route 53: gated, observable, with an exact way back',
    description:
      'Saves the current record sets (the rollback image) and lowers the TTL first, waits until the old TTL has ' +
      'expired, checks the gate (sync done, CDC latency, validation, the new target answers the smoke test with the ' +
      'production Host header), optionally freezes writes on the source, then switches — in one batch, or as a ' +
      'weighted ramp held and smoke-tested at each weight — and waits until Route 53 is in sync. A failed check ' +
      'restores the saved records automatically. With --dry-run: the whole timeline, every change batch, nothing changed.',
    examples: ['promigrate cutover --dry-run', 'promigrate cutover --prepare-only   # days ahead: save the image, lower the TTL', 'promigrate cutover --freeze-writes --yes --json'],
    options: [
      { flags: '--prepare-only', description: 'only save the rollback image and lower the TTL (run it ahead of the change window)' },
      { flags: '--ignore-ttl', description: 'switch without waiting for the old TTL to expire in resolver caches' },
      { flags: '--freeze-writes', description: 'make the source read-only before the switch (after confirmation) and wait for CDC to drain' },
    ],
    load: () => import('./cutover.js'),
  },
  {
    name: 'rollback',
    summary: 'restore the record sets saved before cutover, exactly, and lift the write freeze',
    examples: ['promigrate rollback --dry-run', 'promigrate rollback --yes'],
    options: [],
    load: () => import('./rollback.js'),
  },
  {
    name: 'verify',
    summary: 'prove the migration: every table compared, DNS and the app checked, a report to sign',
    description:
      'Compares every replicated table between source and target with chunked server-side checksums (bisecting only ' +
      'the chunks that differ, read-only on both sides), checks the record in Route 53 and at the zone\'s name ' +
      'servers, the app through DNS and at the new target, and DMS\'s statistics; writes reports/verify.md, .json and ' +
      '.html. Exit 1 when anything differs. A killed verify continues from its last chunk.',
    examples: ['promigrate verify', 'promigrate verify --data-only --tables shop.orders,shop.members', 'promigrate verify --json'],
    options: [
      { flags: '--data-only', description: 'compare the data only (any time after sync; does not mark the step done)' },
      { flags: '--tables <list>', description: 'only these tables: schema.table or table, comma-separated, % as wildcard' },
    ],
    load: () => import('./verify.js'),
  },
  {
    name: 'demo',
    summary: 'the whole migration on this machine: embedded databases, the sandbox, all five steps',
    description:
      'Creates a workspace (./promigrate-demo, or --dir) with an embedded PostgreSQL source seeded with a shop ' +
      '(~100k rows), a second embedded PostgreSQL standing in for the RDS target and a local web server for the new ' +
      'tier, then runs assess → provision → sync → cutover → verify against the sandbox with the normal output. ' +
      'Nothing to install but Node; no AWS account. Running it again resumes the workspace.',
    examples: ['npx promigrate demo', 'npx promigrate demo --break   # verify catches a row changed behind its back', 'npx promigrate demo --dir /tmp/rehearsal'],
    options: [
      { flags: '--dir <dir>', description: 'the demo workspace (created; an unrelated non-empty directory is refused)', defaultValue: 'promigrate-demo' },
      { flags: '--break', description: 'after sync, change one row on the target so verify has a difference to find' },
      { flags: '--interactive', description: 'walk through the init wizard first (the demo fills in its own databases)' },
      { flags: '--source <url>', description: 'a real MySQL/MariaDB source instead of the embedded shop: mysql://user@host:3306/db (password in PROMIGRATE_SOURCE_PASSWORD); the target is <db>_promigrate_target on the same server' },
      acceptRiskOption,
    ],
    load: () => import('./demo.js'),
  },
  {
    name: 'destroy',
    summary: 'delete every resource this project created (found by tag too), in reverse dependency order',
    description:
      'Adopted resources are never deleted. RDS deletion protection is turned off only after confirmation ' +
      '(or --yes), and a final snapshot is taken unless --skip-final-snapshot.',
    examples: ['promigrate destroy --dry-run', 'promigrate destroy --yes --skip-final-snapshot'],
    options: [
      { flags: '--skip-final-snapshot', description: 'delete the RDS instance without a final snapshot' },
      { flags: '--force', description: 'destroy even though cutover pointed the domain at this stack' },
    ],
    load: () => import('./destroy.js'),
  },
  {
    name: 'iam-policy',
    summary: 'print the least-privilege IAM policy for exactly the AWS actions this config needs',
    examples: ['promigrate iam-policy > promigrate-policy.json', 'aws iam create-policy --policy-name promigrate --policy-document "$(promigrate iam-policy)"'],
    options: [],
    load: () => import('./iam-policy.js'),
  },
  {
    name: 'unlock',
    summary: 'remove the state lock left by a process that is gone',
    examples: ['promigrate unlock', 'promigrate unlock --yes   # even if the holder still runs'],
    options: [],
    printsOnly: true,
    load: () => import('./unlock.js'),
  },
];
