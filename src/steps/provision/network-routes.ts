/**
 * Route tables: `network.rt.public` (0.0.0.0/0 → the internet gateway, every public
 * subnet) and `network.rt.private.<n>` (0.0.0.0/0 → its NAT gateway when there is one,
 * the private subnets it serves).
 *
 * create() only makes the table (with a ClientToken); the default route and the subnet
 * associations are converged in waitReady(), which runs after find() too. So whatever a
 * crash interrupted (route missing, some associations missing, a subnet still associated
 * with another of this project's tables after natGateways changed), the next run adds
 * exactly what is missing, and nothing twice.
 */
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  type EC2Client,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { tagSpecifications } from '../../aws/tags.js';
import { waitFor } from '../../aws/wait.js';
import type { MigrationConfig } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { unlessNotFound } from '../../aws/errors.js';
import { createWithToken, ec2Of, isPlaceholder, keyFilters, ownedBy, retryWhileInUse, skipForeign } from './ec2-common.js';
import { IGW_KEY, PUBLIC_RT_KEY, subnetKeys, VPC_KEY, vpcIdOf, type PrivateRouteTable } from './network-plan.js';
import type { PlannedCall, ResourceTask, TaskContext } from '../../engine/resources/task.js';

const ANYWHERE = '0.0.0.0/0';

interface Target {
  GatewayId?: string;
  NatGatewayId?: string;
}

interface RouteTableSpec {
  key: string;
  title: string;
  dependsOn: string[];
  subnetKeys: string[];
  /** The default route's target, or none (a private table without NAT). */
  target(t: TaskContext): Target | undefined;
}

export function publicRouteTableTask(config: MigrationConfig): ResourceTask {
  const subnets = subnetKeys(config, 'public');
  return routeTableTask({
    key: PUBLIC_RT_KEY,
    title: 'public route table',
    dependsOn: [VPC_KEY, IGW_KEY, ...subnets],
    subnetKeys: subnets,
    target: (t) => ({ GatewayId: t.id(IGW_KEY) }),
  });
}

export function privateRouteTableTask(rt: PrivateRouteTable): ResourceTask {
  return routeTableTask({
    key: rt.key,
    title: `private route table ${rt.key.split('.').pop()}`,
    dependsOn: [VPC_KEY, ...rt.subnetKeys, ...(rt.natKey ? [rt.natKey] : [])],
    subnetKeys: rt.subnetKeys,
    target: (t) => (rt.natKey ? { NatGatewayId: t.id(rt.natKey) } : undefined),
  });
}

/** Subnets this table should hold; adopted subnets keep the routing their owner gave them. */
function subnetIds(t: TaskContext, spec: RouteTableSpec): string[] {
  return spec.subnetKeys.filter((k) => t.outputs(k).adopted !== true).map((k) => t.id(k));
}

function routeTableTask(spec: RouteTableSpec): ResourceTask {
  const { key } = spec;
  const tags = (t: TaskContext) => tagSpecifications('route-table', t.tags(key));
  return {
    key,
    type: 'ec2:route-table',
    title: spec.title,
    dependsOn: spec.dependsOn,

    async find(t) {
      const ec2 = await ec2Of(t);
      const table = (await ec2.send(new DescribeRouteTablesCommand({ Filters: keyFilters(t, key) }))).RouteTables?.[0];
      return table ? { id: table.RouteTableId!, outputs: { subnetIds: subnetIds(t, spec) } } : undefined;
    },

    planCreate(t) {
      const id = `<${key}>`;
      const target = spec.target(t);
      const calls: PlannedCall[] = [
        { operation: 'ec2:CreateRouteTable', params: { VpcId: vpcIdOf(t), ClientToken: `<token ${key}>`, TagSpecifications: tags(t) } },
      ];
      if (target) calls.push({ operation: 'ec2:CreateRoute', params: { RouteTableId: id, DestinationCidrBlock: ANYWHERE, ...target } });
      for (const subnetId of subnetIds(t, spec)) calls.push({ operation: 'ec2:AssociateRouteTable', params: { RouteTableId: id, SubnetId: subnetId } });
      return calls;
    },

    async create(t) {
      const ec2 = await ec2Of(t);
      const out = await createWithToken(t, key, (ClientToken) =>
        ec2.send(new CreateRouteTableCommand({ VpcId: vpcIdOf(t), ClientToken, TagSpecifications: tags(t) })),
      );
      return { id: out.RouteTable!.RouteTableId!, outputs: { subnetIds: subnetIds(t, spec) } };
    },

    async waitReady(t, found) {
      await reconcile(t, spec, found.id);
    },

    async destroy(t, id) {
      const ec2 = await ec2Of(t);
      const table = await describeTable(ec2, id);
      if (!table) return;
      if (!ownedBy(table.Tags, t.project)) return skipForeign(t, key, id);
      for (const association of table.Associations ?? []) {
        if (association.Main || !association.RouteTableAssociationId) continue;
        await unlessNotFound(() =>
          ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId })),
        );
      }
      await retryWhileInUse(t, `route table ${id}`, async () => {
        await unlessNotFound(() => ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })));
      });
    },

    async findAll(t) {
      const ec2 = await ec2Of(t);
      const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: keyFilters(t, key) }))).RouteTables ?? [];
      return tables.map((r) => ({ id: r.RouteTableId! }));
    },
  };
}

async function describeTable(ec2: EC2Client, id: string): Promise<RouteTable | undefined> {
  return (await unlessNotFound(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))))?.RouteTables?.[0];
}

const sameTarget = (route: Route, target: Target): boolean =>
  (route.GatewayId ?? undefined) === target.GatewayId && (route.NatGatewayId ?? undefined) === target.NatGatewayId;

async function reconcile(t: TaskContext, spec: RouteTableSpec, id: string): Promise<void> {
  const ec2 = await ec2Of(t);
  // Right after CreateRouteTable, EC2 may not know the id yet (eventual consistency).
  const { value: table } = await waitFor<RouteTable | undefined>({
    what: `route table ${id} (${spec.key})`,
    clock: t.step.clock,
    signal: t.step.signal,
    preset: 'ec2',
    pollMs: 2000,
    timeoutMs: 2 * 60_000,
    readyLabel: 'visible',
    describe: () => describeTable(ec2, id),
    done: (x) => x !== undefined,
  });

  const target = spec.target(t);
  if (target && Object.values(target).some((v) => v === undefined || isPlaceholder(v))) {
    throw new Error(`internal error: ${spec.key}: the default route's target is not known yet`);
  }
  const current = (table!.Routes ?? []).find((r) => r.DestinationCidrBlock === ANYWHERE);
  if (current && (!target || !sameTarget(current, target))) {
    await unlessNotFound(() => ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationCidrBlock: ANYWHERE })));
  }
  if (target && (!current || !sameTarget(current, target))) {
    await ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: ANYWHERE, ...target }));
  }

  const associated = new Set((table!.Associations ?? []).map((a) => a.SubnetId).filter(Boolean));
  for (const subnetId of subnetIds(t, spec)) {
    if (associated.has(subnetId)) continue;
    await releaseFromOtherTable(t, ec2, spec.key, subnetId);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
  }
}

/** A subnet has one explicit route table: take it from another of this project's tables. */
async function releaseFromOtherTable(t: TaskContext, ec2: EC2Client, key: string, subnetId: string): Promise<void> {
  const others =
    (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] })))
      .RouteTables ?? [];
  for (const other of others) {
    const association = other.Associations?.find((a) => a.SubnetId === subnetId);
    if (!association?.RouteTableAssociationId) continue;
    if (!ownedBy(other.Tags, t.project)) {
      throw new UsageError(`${key}: subnet ${subnetId} is associated with route table ${other.RouteTableId}, which promigrate did not create`, {
        hint: 'Remove that association in the VPC console, then re-run.',
      });
    }
    await unlessNotFound(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId })));
  }
}
