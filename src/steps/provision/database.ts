/**
 * RDS resources of provision: the DB subnet group over the private subnets, the target's
 * own DB parameter group, the instance and the optional read replica
 * (database-instance.ts). Names are deterministic (`<project>-db`, …): RDS has no
 * idempotency tokens, so the name is how a resumed run finds what a crashed one made.
 *
 * The parameter group: the default group cannot be changed later, so the target always
 * gets its own, with one engine-specific setting:
 * - PostgreSQL: `rds.force_ssl=1` — only encrypted connections (already the default from
 *   PostgreSQL 15; explicit so that 14 behaves the same).
 * - MySQL/MariaDB: `log_bin_trust_function_creators=1` — backups on means binary logging
 *   on, and RDS gives no SUPER privilege, so without it loading the application's
 *   triggers and stored functions into the target fails (error 1419). Time zone needs
 *   nothing: RDS runs in UTC unless told otherwise.
 */
import {
  CreateDBParameterGroupCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBParameterGroupCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBParametersCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  ModifyDBParameterGroupCommand,
  type Parameter,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { instanceTask, replicaTask } from './database-instance.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createOrAdopt } from '../../engine/resources/create-or-adopt.js';
import { conflictError, foreignOwner, leaveForeign } from '../../engine/resources/ownership.js';
import { privateSubnetKeys } from './database-shared.js';
import type { FoundResource, ResourceTask, TaskContext } from '../../engine/resources/task.js';

export type { DestroyOptions } from './database-shared.js';

const SUBNET_GROUP = 'db.subnet-group';
const PARAMETER_GROUP = 'db.parameter-group';
const groupName = (project: string): string => `${project}-db`;

/** Every RDS resource provision manages for this config (the replica only when configured). */
export function databaseTasks(config: MigrationConfig): ResourceTask[] {
  return [subnetGroupTask(config), parameterGroupTask(config), instanceTask(config), replicaTask(config)];
}

async function tagsOf(rds: RDSClient, arn: string | undefined) {
  return arn ? (await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList : undefined;
}

// ---- DB subnet group ------------------------------------------------------------------

function subnetGroupTask(config: MigrationConfig): ResourceTask {
  const subnetKeys = privateSubnetKeys(config);
  const lookup = async (t: TaskContext, strict: boolean, onForeign?: (why: string) => void): Promise<FoundResource | undefined> => {
    const rds = await t.step.aws.rds;
    const name = groupName(t.project);
    const out = await unlessNotFound(() => rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name })), 'DBSubnetGroupNotFoundFault');
    const group = out?.DBSubnetGroups?.[0];
    if (!group) return undefined;
    const problems = [foreignOwner(await tagsOf(rds, group.DBSubnetGroupArn), t.project)].filter((p): p is string => !!p);
    if (strict && !problems.length) {
      const have = (group.Subnets ?? []).map((s) => s.SubnetIdentifier).sort();
      const want = subnetKeys.map((k) => t.id(k)).sort();
      if (have.join() !== want.join()) problems.push(`its subnets are ${have.join(', ')}, not ${want.join(', ')}`);
    }
    if (problems.length) {
      if (strict) throw conflictError(`DB subnet group ${name}`, problems);
      onForeign?.(problems.join('; '));
      return undefined;
    }
    return { id: group.DBSubnetGroupName ?? name, ...(group.DBSubnetGroupArn ? { arn: group.DBSubnetGroupArn } : {}) };
  };
  const input = (t: TaskContext) => ({
    DBSubnetGroupName: groupName(t.project),
    DBSubnetGroupDescription: `promigrate ${t.project}: private subnets of the target database`,
    SubnetIds: subnetKeys.map((k) => t.id(k)),
    Tags: t.tags(SUBNET_GROUP, groupName(t.project)),
  });
  return {
    key: SUBNET_GROUP,
    type: 'rds:db-subnet-group',
    title: 'RDS DB subnet group over the private subnets',
    dependsOn: subnetKeys,
    find: (t) => lookup(t, true),
    planCreate(t) {
      return [{ operation: 'rds:CreateDBSubnetGroup', params: input(t) }];
    },
    async create(t) {
      const rds = await t.step.aws.rds;
      return createOrAdopt<FoundResource>({
        create: async () => {
          const group = (await rds.send(new CreateDBSubnetGroupCommand(input(t)))).DBSubnetGroup;
          return { id: group?.DBSubnetGroupName ?? groupName(t.project), ...(group?.DBSubnetGroupArn ? { arn: group.DBSubnetGroupArn } : {}) };
        },
        alreadyExists: ['DBSubnetGroupAlreadyExistsFault'],
        adopt: () => lookup(t, true),
      });
    },
    async destroy(t, id) {
      if (!(await lookup(t, false, (why) => leaveForeign(t, SUBNET_GROUP, id, why)))) return;
      const rds = await t.step.aws.rds;
      await unlessNotFound(() => rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: id })), 'DBSubnetGroupNotFoundFault');
    },
    findAll: async (t) => {
      const found = await lookup(t, false);
      return found ? [found] : [];
    },
  };
}

// ---- DB parameter group ---------------------------------------------------------------

/** The family RDS names for a configured version: mysql8.0, mariadb10.11, postgres16 … */
export function parameterGroupFamily(engine: string, version: string): string {
  const parts = version.split('.');
  return engine === 'postgres' ? `postgres${parts[0]}` : `${engine}${parts.slice(0, 2).join('.')}`;
}

export function targetParameters(engine: string): Array<{ ParameterName: string; ParameterValue: string; ApplyMethod: 'immediate' }> {
  const name = engine === 'postgres' ? 'rds.force_ssl' : 'log_bin_trust_function_creators';
  return [{ ParameterName: name, ParameterValue: '1', ApplyMethod: 'immediate' }];
}

/** The family RDS itself reports for the configured engine version (read-only call). */
async function familyFromRds(t: TaskContext): Promise<string> {
  const { engine, engineVersion } = t.config.target;
  const rds = await t.step.aws.rds;
  const familyOf = async (input: { Engine: string; EngineVersion?: string; DBParameterGroupFamily?: string }) =>
    ((await rds.send(new DescribeDBEngineVersionsCommand(input))).DBEngineVersions ?? []).find((v) => v.DBParameterGroupFamily)?.DBParameterGroupFamily;
  // A major-only version (`8.0`) is matched as a prefix; should a region not, ask by family.
  const family =
    (await familyOf({ Engine: engine, EngineVersion: engineVersion })) ??
    (await familyOf({ Engine: engine, DBParameterGroupFamily: parameterGroupFamily(engine, engineVersion) }));
  if (!family) {
    throw new UsageError(`RDS in ${t.step.aws.region} offers no ${engine} ${engineVersion}.`, {
      hint: `Set target.engineVersion to a version \`aws rds describe-db-engine-versions --engine ${engine}\` lists.`,
    });
  }
  return family;
}

function parameterGroupTask(config: MigrationConfig): ResourceTask {
  const lookup = async (t: TaskContext, strict: boolean, onForeign?: (why: string) => void): Promise<FoundResource | undefined> => {
    const rds = await t.step.aws.rds;
    const name = groupName(t.project);
    const out = await unlessNotFound(() => rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name })), 'DBParameterGroupNotFoundFault');
    const group = out?.DBParameterGroups?.[0];
    if (!group) return undefined;
    const problems = [foreignOwner(await tagsOf(rds, group.DBParameterGroupArn), t.project)].filter((p): p is string => !!p);
    if (strict && !problems.length) {
      const family = await familyFromRds(t);
      if (group.DBParameterGroupFamily !== family) problems.push(`its family is ${group.DBParameterGroupFamily}, not ${family}`);
    }
    if (problems.length) {
      if (strict) throw conflictError(`DB parameter group ${name}`, problems);
      onForeign?.(problems.join('; '));
      return undefined;
    }
    return { id: name, ...(group.DBParameterGroupArn ? { arn: group.DBParameterGroupArn } : {}), outputs: { family: group.DBParameterGroupFamily } };
  };
  const createInput = (t: TaskContext, family: string) => ({
    DBParameterGroupName: groupName(t.project),
    DBParameterGroupFamily: family,
    Description: `promigrate ${t.project}: ${t.config.target.engine} target settings`,
    Tags: t.tags(PARAMETER_GROUP, groupName(t.project)),
  });
  return {
    key: PARAMETER_GROUP,
    type: 'rds:db-parameter-group',
    title: `RDS DB parameter group (${targetParameters(config.target.engine).map((p) => `${p.ParameterName}=${p.ParameterValue}`).join(', ')})`,
    dependsOn: [],
    find: (t) => lookup(t, true),
    planCreate(t) {
      const { engine, engineVersion } = t.config.target;
      return [
        { operation: 'rds:CreateDBParameterGroup', params: createInput(t, parameterGroupFamily(engine, engineVersion)) },
        { operation: 'rds:ModifyDBParameterGroup', params: { DBParameterGroupName: groupName(t.project), Parameters: targetParameters(engine) } },
      ];
    },
    async create(t) {
      const rds = await t.step.aws.rds;
      return createOrAdopt<FoundResource>({
        create: async () => {
          const group = (await rds.send(new CreateDBParameterGroupCommand(createInput(t, await familyFromRds(t))))).DBParameterGroup;
          return { id: groupName(t.project), ...(group?.DBParameterGroupArn ? { arn: group.DBParameterGroupArn } : {}), outputs: { family: group?.DBParameterGroupFamily } };
        },
        alreadyExists: ['DBParameterGroupAlreadyExistsFault'],
        adopt: () => lookup(t, true),
      });
    },
    // Sets the parameters for a new group and heals one a crash left between create and modify.
    async waitReady(t, found) {
      const rds = await t.step.aws.rds;
      const current = new Map<string, string | undefined>();
      let marker: string | undefined;
      do {
        const page = await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: found.id, Source: 'user', ...(marker ? { Marker: marker } : {}) }));
        page.Parameters?.forEach((p: Parameter) => current.set(p.ParameterName ?? '', p.ParameterValue));
        marker = page.Marker;
      } while (marker);
      const missing = targetParameters(t.config.target.engine).filter((p) => current.get(p.ParameterName) !== p.ParameterValue);
      if (missing.length) await rds.send(new ModifyDBParameterGroupCommand({ DBParameterGroupName: found.id, Parameters: missing }));
    },
    async destroy(t, id) {
      if (!(await lookup(t, false, (why) => leaveForeign(t, PARAMETER_GROUP, id, why)))) return;
      const rds = await t.step.aws.rds;
      await unlessNotFound(() => rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: id })), 'DBParameterGroupNotFoundFault');
    },
    findAll: async (t) => {
      const found = await lookup(t, false);
      return found ? [found] : [];
    },
  };
}
