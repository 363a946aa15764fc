/**
 * RDS DB subnet groups, DB parameter groups and the read-only catalogue operations
 * (DescribeDBEngineVersions, DescribeOrderableDBInstanceOptions).
 */
import { SimError, alreadyExists, invalidState } from '../../errors.js';
import type { ServiceSimulator, SimContext } from '../../types.js';
import { mergeTags, paginate, placeSubnets } from '../sim-util.js';
import {
  ENGINE_DEFAULT, ENGINE_DESCRIPTION, INSTANCE_CLASSES, LICENSE_MODEL, MAJORS, STORAGE_MAX,
  STORAGE_MIN, STORAGE_TYPES, isFamily, parametersOf, type ParameterDef,
} from './catalog.js';
import { arn, rdsErrors, rdsState, type ParameterGroupRec, type SubnetGroupRec } from './state.js';

export function checkMaxRecords(max: number | undefined, upper = 100): void {
  if (max !== undefined && (max < 20 || max > upper)) {
    throw rdsErrors.value(`Invalid value ${max} for MaxRecords. Must be between 20 and ${upper}`);
  }
}

const blank = (param: string) =>
  rdsErrors.value(`The parameter ${param} must be provided and must not be blank.`);

export function subnetGroupOut(ctx: SimContext, g: SubnetGroupRec) {
  return {
    DBSubnetGroupName: g.name,
    DBSubnetGroupDescription: g.description,
    VpcId: g.vpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: g.subnets.map((s) => ({
      SubnetIdentifier: s.subnetId,
      SubnetAvailabilityZone: { Name: s.availabilityZone },
      SubnetOutpost: {},
      SubnetStatus: 'Active',
    })),
    DBSubnetGroupArn: arn(ctx, 'subgrp', g.name),
    SupportedNetworkTypes: ['IPV4'],
  };
}

/** A parameter group by name, synthesising `default.<family>` groups on demand. */
export function findParameterGroup(ctx: SimContext, name: string): ParameterGroupRec | undefined {
  const key = name.toLowerCase();
  const found = rdsState(ctx).parameterGroups[key];
  if (found) return found;
  const family = key.startsWith('default.') ? key.slice('default.'.length) : undefined;
  if (family && isFamily(family)) {
    return { name: key, family, description: `Default parameter group for ${family}`, values: {}, tags: [] };
  }
  return undefined;
}

const parameterGroupOut = (ctx: SimContext, g: ParameterGroupRec) => ({
  DBParameterGroupName: g.name,
  DBParameterGroupFamily: g.family,
  Description: g.description,
  DBParameterGroupArn: arn(ctx, 'pg', g.name),
});

function checkAllowed(def: ParameterDef, value: string): void {
  if (!def.allowedValues || value.startsWith('{') || /^[A-Z]+\(/.test(value)) return;
  const range = /^(-?\d+)-(\d+)$/.exec(def.allowedValues);
  if (range) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < Number(range[1]) || n > Number(range[2])) {
      throw rdsErrors.value(`Value: ${value} is outside of range: ${def.allowedValues} for parameter: ${def.name}`);
    }
    return;
  }
  const allowed = def.allowedValues.split(',');
  const values = def.name === 'shared_preload_libraries' ? value.split(',') : [value];
  if (!values.every((v) => allowed.includes(v.trim()))) {
    throw rdsErrors.value(
      `Invalid parameter value: ${value} for: ${def.name} allowed values are: ${def.allowedValues}`,
    );
  }
}

export const groupHandlers: ServiceSimulator = {
  CreateDBSubnetGroup(input, ctx) {
    const s = rdsState(ctx);
    const name = String(input.DBSubnetGroupName ?? '').toLowerCase();
    if (!name) throw blank('DBSubnetGroupName');
    if (!/^[a-z0-9._ -]{1,255}$/.test(name) || name === 'default') {
      throw rdsErrors.value(`Invalid DB subnet group name: ${input.DBSubnetGroupName}`);
    }
    if (!input.DBSubnetGroupDescription) throw blank('DBSubnetGroupDescription');
    const ids: string[] = input.SubnetIds ?? [];
    if (ids.length === 0) throw blank('SubnetIds');
    if (s.subnetGroups[name]) {
      throw alreadyExists('DBSubnetGroupAlreadyExistsFault', `The DB subnet group '${name}' already exists.`);
    }
    const placed = placeSubnets(ctx, ids, rdsErrors.invalidSubnet);
    if (new Set(placed.map((p) => p.vpcId)).size > 1) {
      throw new SimError('InvalidSubnet', 'Subnets in a DB subnet group must all be in the same VPC.');
    }
    const azs = [...new Set(placed.map((p) => p.availabilityZone))];
    if (azs.length < 2) {
      throw new SimError(
        'DBSubnetGroupDoesNotCoverEnoughAZs',
        `The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: ${azs.join(', ')}. Add subnets to cover at least 2 AZs.`,
      );
    }
    const g: SubnetGroupRec = {
      name,
      description: input.DBSubnetGroupDescription,
      vpcId: placed[0]!.vpcId,
      subnets: placed.map((p) => ({ subnetId: p.subnetId, availabilityZone: p.availabilityZone })),
      tags: mergeTags([], input.Tags),
    };
    s.subnetGroups[name] = g;
    return { DBSubnetGroup: subnetGroupOut(ctx, g) };
  },

  DescribeDBSubnetGroups(input, ctx) {
    checkMaxRecords(input.MaxRecords);
    const s = rdsState(ctx);
    let groups = Object.values(s.subnetGroups).sort((a, b) => a.name.localeCompare(b.name));
    if (input.DBSubnetGroupName) {
      const g = s.subnetGroups[String(input.DBSubnetGroupName).toLowerCase()];
      if (!g) throw rdsErrors.subnetGroupNotFound(input.DBSubnetGroupName);
      groups = [g];
    }
    const page = paginate(groups, input.MaxRecords, input.Marker);
    return { DBSubnetGroups: page.items.map((g) => subnetGroupOut(ctx, g)), Marker: page.marker };
  },

  DeleteDBSubnetGroup(input, ctx) {
    const s = rdsState(ctx);
    const name = String(input.DBSubnetGroupName ?? '').toLowerCase();
    if (!s.subnetGroups[name]) throw rdsErrors.subnetGroupNotFound(input.DBSubnetGroupName);
    const user = Object.values(s.instances).find((i) => i.subnetGroup === name);
    if (user) {
      throw invalidState(
        'InvalidDBSubnetGroupStateFault',
        `Cannot delete the subnet group '${name}' because at least one database instance: ${user.id} is still using it.`,
      );
    }
    delete s.subnetGroups[name];
    return {};
  },

  CreateDBParameterGroup(input, ctx) {
    const s = rdsState(ctx);
    const name = String(input.DBParameterGroupName ?? '').toLowerCase();
    if (!name) throw blank('DBParameterGroupName');
    if (!/^[a-z][a-z0-9-]{0,254}$/.test(name) || name.endsWith('-') || name.includes('--')) {
      throw rdsErrors.value(`Invalid parameter group name: ${input.DBParameterGroupName}`);
    }
    if (!input.DBParameterGroupFamily) throw blank('DBParameterGroupFamily');
    if (!isFamily(input.DBParameterGroupFamily)) {
      throw rdsErrors.value(`DBParameterGroupFamily ${input.DBParameterGroupFamily} is not a valid parameter group family`);
    }
    if (!input.Description) throw blank('Description');
    if (s.parameterGroups[name]) {
      throw alreadyExists('DBParameterGroupAlreadyExistsFault', `Parameter group ${name} already exists`);
    }
    const g: ParameterGroupRec = {
      name,
      family: input.DBParameterGroupFamily,
      description: input.Description,
      values: {},
      tags: mergeTags([], input.Tags),
    };
    s.parameterGroups[name] = g;
    return { DBParameterGroup: parameterGroupOut(ctx, g) };
  },

  ModifyDBParameterGroup(input, ctx) {
    const name = String(input.DBParameterGroupName ?? '').toLowerCase();
    const g = findParameterGroup(ctx, name);
    if (!g) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
    if (g.name.startsWith('default.')) throw rdsErrors.value('Cannot modify a default parameter group.');
    const params: Array<{ ParameterName?: string; ParameterValue?: string; ApplyMethod?: string }> =
      input.Parameters ?? [];
    if (params.length < 1 || params.length > 20) {
      throw rdsErrors.value('The parameter Parameters must contain between 1 and 20 elements.');
    }
    const defs = parametersOf(g.family);
    const next = { ...g.values };
    for (const p of params) {
      const def = defs.find((d) => d.name === p.ParameterName);
      if (!def) throw rdsErrors.value(`Could not find parameter with name: ${p.ParameterName}`);
      if (def.modifiable === false) throw rdsErrors.value(`The parameter ${def.name} cannot be modified.`);
      const method = p.ApplyMethod ?? (def.applyType === 'static' ? 'pending-reboot' : 'immediate');
      if (method === 'immediate' && def.applyType === 'static') {
        throw rdsErrors.combination('cannot use immediate apply method for static parameter');
      }
      checkAllowed(def, String(p.ParameterValue ?? ''));
      next[def.name] = { value: String(p.ParameterValue ?? ''), applyMethod: method };
    }
    g.values = next;
    return { DBParameterGroupName: g.name };
  },

  DescribeDBParameterGroups(input, ctx) {
    checkMaxRecords(input.MaxRecords);
    const s = rdsState(ctx);
    let groups: ParameterGroupRec[];
    if (input.DBParameterGroupName) {
      const g = findParameterGroup(ctx, input.DBParameterGroupName);
      if (!g) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
      groups = [g];
    } else {
      const defaults = new Set(Object.values(s.instances).map((i) => i.parameterGroup));
      groups = [...Object.values(s.parameterGroups)];
      for (const name of defaults) {
        const g = findParameterGroup(ctx, name);
        if (g && !s.parameterGroups[name]) groups.push(g);
      }
      groups.sort((a, b) => a.name.localeCompare(b.name));
    }
    const page = paginate(groups, input.MaxRecords, input.Marker);
    return { DBParameterGroups: page.items.map((g) => parameterGroupOut(ctx, g)), Marker: page.marker };
  },

  DescribeDBParameters(input, ctx) {
    checkMaxRecords(input.MaxRecords);
    const g = findParameterGroup(ctx, String(input.DBParameterGroupName ?? ''));
    if (!g) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
    const all = parametersOf(g.family).map((d) => {
      const user = g.values[d.name];
      return {
        ParameterName: d.name,
        ParameterValue: user ? user.value : d.value,
        Description: d.description,
        Source: user ? 'user' : d.modifiable === false ? 'system' : 'engine-default',
        ApplyType: d.applyType,
        DataType: d.dataType,
        AllowedValues: d.allowedValues,
        IsModifiable: d.modifiable !== false,
        ApplyMethod: user?.applyMethod ?? 'pending-reboot',
      };
    });
    const filtered = input.Source ? all.filter((p) => p.Source === input.Source) : all;
    const page = paginate(filtered, input.MaxRecords, input.Marker);
    return { Parameters: page.items, Marker: page.marker };
  },

  DeleteDBParameterGroup(input, ctx) {
    const s = rdsState(ctx);
    const name = String(input.DBParameterGroupName ?? '').toLowerCase();
    if (name.startsWith('default.') && findParameterGroup(ctx, name)) {
      throw invalidState('InvalidDBParameterGroupStateFault', `Default DBParameterGroup cannot be deleted: ${name}`);
    }
    if (!s.parameterGroups[name]) throw rdsErrors.parameterGroupNotFound(input.DBParameterGroupName);
    if (Object.values(s.instances).some((i) => i.parameterGroup === name)) {
      throw invalidState(
        'InvalidDBParameterGroupStateFault',
        `One or more database instances are still members of this parameter group ${name}, so the group cannot be deleted`,
      );
    }
    delete s.parameterGroups[name];
    return {};
  },

  DescribeDBEngineVersions(input) {
    checkMaxRecords(input.MaxRecords);
    const wanted = input.EngineVersion as string | undefined;
    const matches = (v: string) => !wanted || v === wanted || v.startsWith(`${wanted}.`);
    const rows: Array<{ engine: string; version: string; family: string; major: string }> = [];
    for (const m of MAJORS) {
      if (input.Engine && m.engine !== input.Engine) continue;
      if (input.DBParameterGroupFamily && m.family !== input.DBParameterGroupFamily) continue;
      for (const v of m.versions) {
        if (!matches(v)) continue;
        if (input.DefaultOnly) {
          const def = wanted ? m.default : ENGINE_DEFAULT[m.engine];
          if (v !== def) continue;
        }
        rows.push({ engine: m.engine, version: v, family: m.family, major: m.major });
      }
    }
    const page = paginate(rows, input.MaxRecords, input.Marker);
    return {
      DBEngineVersions: page.items.map((r) => {
        const major = MAJORS.find((m) => m.family === r.family)!;
        return {
          Engine: r.engine,
          EngineVersion: r.version,
          MajorEngineVersion: r.major,
          DBParameterGroupFamily: r.family,
          DBEngineDescription: ENGINE_DESCRIPTION[r.engine as keyof typeof ENGINE_DESCRIPTION],
          DBEngineVersionDescription:
            r.engine === 'postgres' ? `PostgreSQL ${r.version}-R1` : `${r.engine === 'mysql' ? 'MySQL' : 'MariaDB'} ${r.version}`,
          ValidUpgradeTarget: major.versions
            .filter((v) => major.versions.indexOf(v) > major.versions.indexOf(r.version))
            .map((v) => ({ Engine: r.engine, EngineVersion: v, Description: v, AutoUpgrade: false, IsMajorVersionUpgrade: false })),
          ExportableLogTypes: r.engine === 'postgres' ? ['postgresql', 'upgrade'] : ['audit', 'error', 'general', 'slowquery'],
          SupportsLogExportsToCloudwatchLogs: true,
          SupportsReadReplica: true,
          SupportedEngineModes: ['provisioned'],
          Status: 'available',
          SupportsParallelQuery: false,
          SupportsGlobalDatabases: false,
          SupportsBabelfish: false,
          SupportsCertificateRotationWithoutRestart: true,
          SupportedCACertificateIdentifiers: ['rds-ca-ecc384-g1', 'rds-ca-rsa2048-g1', 'rds-ca-rsa4096-g1'],
        };
      }),
      Marker: page.marker,
    };
  },

  DescribeOrderableDBInstanceOptions(input, ctx) {
    if (!input.Engine) throw blank('Engine');
    checkMaxRecords(input.MaxRecords, 1000);
    const rows: Array<Record<string, unknown>> = [];
    const azs = ['a', 'b', 'c', 'd'].map((l) => ({ Name: `${ctx.region}${l}` }));
    for (const m of MAJORS.filter((x) => x.engine === input.Engine)) {
      for (const version of m.versions) {
        if (input.EngineVersion && version !== input.EngineVersion) continue;
        for (const cls of INSTANCE_CLASSES) {
          if (input.DBInstanceClass && cls !== input.DBInstanceClass) continue;
          for (const storage of STORAGE_TYPES) {
            rows.push({
              Engine: m.engine,
              EngineVersion: version,
              DBInstanceClass: cls,
              LicenseModel: LICENSE_MODEL[m.engine],
              AvailabilityZones: azs,
              MultiAZCapable: true,
              ReadReplicaCapable: true,
              Vpc: true,
              SupportsStorageEncryption: true,
              StorageType: storage,
              SupportsIops: storage === 'gp3',
              SupportsStorageThroughput: storage === 'gp3',
              SupportsEnhancedMonitoring: true,
              SupportsIAMDatabaseAuthentication: true,
              SupportsPerformanceInsights: !cls.includes('.micro'),
              MinStorageSize: STORAGE_MIN,
              MaxStorageSize: STORAGE_MAX,
              SupportedEngineModes: ['provisioned'],
              SupportsStorageAutoscaling: true,
              SupportedNetworkTypes: ['IPV4', 'DUAL'],
            });
          }
        }
      }
    }
    const page = paginate(rows, input.MaxRecords, input.Marker);
    return { OrderableDBInstanceOptions: page.items, Marker: page.marker };
  },
};
